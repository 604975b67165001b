/**
 * Where the service's log lines go: stdout (the CloudWatch agent ships it), written asynchronously
 * in batches of at least 4 KiB, flushed at the latest every 200 ms (sonic-boom's minLength and
 * periodicFlush) and synchronously when the process exits (pino registers that for every
 * asynchronous destination it creates: buildSafeSonicBoom in pino/lib/tools.js).
 *
 * Why batched: with a write per line the service issued a write(2) per request (through libuv's
 * thread pool) beside the response's own, one of the larger parts of its own per-request cost in the
 * benchmark. The price is bounded: a process killed outright (SIGKILL, the instance lost) loses at
 * most the last 200 ms of lines; an exit, a crash that exits, or a SIGTERM drain loses none.
 */
import pino from "pino";

/** Lines are written once this many bytes are waiting. */
export const LOG_BATCH_BYTES = 4096;
/** Waiting lines are written at least this often, however few. */
export const LOG_FLUSH_INTERVAL_MS = 200;

/** `dest`: a file descriptor (1 = stdout) or a path. */
export function logDestination(dest: number | string): ReturnType<typeof pino.destination> {
  return pino.destination({ dest, sync: false, minLength: LOG_BATCH_BYTES, periodicFlush: LOG_FLUSH_INTERVAL_MS });
}
