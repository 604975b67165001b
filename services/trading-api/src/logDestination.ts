/**
 * Where the service's log lines go: stdout (systemd appends it to the file the CloudWatch agent
 * ships), written in batches of at least 4 KiB, flushed at the latest every 200 ms and
 * synchronously when the process exits.
 *
 * Why batched: with a write per line the service issued a write(2) per request beside the
 * response's own, one of the larger parts of its own per-request cost in the benchmark. The price
 * is bounded: a process killed outright (SIGKILL, the instance lost) loses at most the last 200 ms
 * of lines; an exit, a crash that exits, or a SIGTERM drain loses none.
 *
 * Why the batch is gathered here and not by sonic-boom's own minLength: sonic-boom 4.2 (and 5.0)
 * appends each line to its pending string and takes that string's Buffer.byteLength on every
 * write, which flattens the whole growing batch each time (`npm run bench:log` measures a line,
 * pino's serialisation included, at about two thirds of the CPU with this). Here lines wait in an
 * array and are joined once per batch; sonic-boom still does the I/O (asynchronous writes, partial
 * writes, EAGAIN on a pipe, the synchronous flush at exit), one 4 KiB write at a time.
 */
import SonicBoom from "sonic-boom";

/** Lines are written once this many characters are waiting (bytes for the ASCII lines pino writes; a threshold, not a limit). */
export const LOG_BATCH_BYTES = 4096;
/** Waiting lines are written at least this often, however few. */
export const LOG_FLUSH_INTERVAL_MS = 200;

/** A pino destination stream (it needs only `write`) that batches lines. */
export class LogDestination {
  private lines: string[] = [];
  private waiting = 0;
  private readonly boom: SonicBoom;
  private readonly timer: NodeJS.Timeout;
  private readonly onExit = () => this.flushSync();
  /** A descriptor is usable at once; a path once sonic-boom has opened it. */
  private open: boolean;
  private ended = false;

  /** `dest`: a file descriptor (1 = stdout) or a path (opened for append). */
  constructor(dest: number | string) {
    this.boom = new SonicBoom({ dest, sync: false });
    this.open = typeof dest === "number";
    if (!this.open) this.boom.once("ready", () => (this.open = true));
    this.timer = setInterval(() => this.flush(), LOG_FLUSH_INTERVAL_MS).unref();
    process.once("exit", this.onExit);
  }

  /** Resolves once the destination is open (a path is opened asynchronously; a descriptor at once). */
  ready(): Promise<void> {
    return this.open ? Promise.resolve() : new Promise((resolve) => this.boom.once("ready", () => resolve()));
  }

  write(line: string): boolean {
    this.lines.push(line);
    this.waiting += line.length;
    if (this.waiting >= LOG_BATCH_BYTES) this.flush();
    return true;
  }

  /**
   * Hands the waiting lines to the writer as one chunk, written asynchronously. With a callback
   * (pino's `logger.flush(cb)`), everything waiting is written before the callback runs.
   */
  flush(callback?: (error?: Error) => void): void {
    if (callback) {
      try {
        this.flushSync();
      } catch (error) {
        return callback(error instanceof Error ? error : new Error(String(error)));
      }
      return callback();
    }
    if (this.waiting === 0 || this.ended) return;
    const chunk = this.lines.join("");
    this.lines = [];
    this.waiting = 0;
    this.boom.write(chunk);
  }

  /** Writes everything waiting before returning (at exit, and for a flush with a callback). */
  flushSync(): void {
    this.flush();
    if (this.open && !this.ended) this.boom.flushSync();
  }

  /** Writes what is waiting and closes the destination. */
  end(): void {
    clearInterval(this.timer);
    process.removeListener("exit", this.onExit);
    this.flush();
    this.ended = true;
    this.boom.end();
  }
}

export function logDestination(dest: number | string): LogDestination {
  return new LogDestination(dest);
}
