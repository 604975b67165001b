/**
 * How long an instance of a fenced region may still admit or finish a write, from the trading
 * API's own defaults (so a change there moves the command's wait with it, not a number copied here).
 *
 * After the fence (the old region's flag names the target, a new epoch) an instance stops admitting
 * writes at the latest:
 * - when it can read its flag: at its next read, at most poll interval + read timeout later
 *   (writeRegion.ts; the read timeout is at most half the poll interval);
 * - when it cannot: `fenceAfterMs` after its last good read, and that read may have completed up to
 *   a read timeout after the fence with the old value.
 * Both are within fence bound + poll interval. A write admitted just before then runs at most the
 * longest write: the request deadline (the answer goes out at it, and the store calls carry its
 * abort signal), or the SDK's attempts x attempt timeout where a client ignores the signal
 * (DaxDocument does), whichever is longer.
 */
import { ENVIRONMENT } from "../../trading-api/src/config";
import { DEFAULT_WRITE_REGION_FENCE_MS, DEFAULT_WRITE_REGION_POLL_MS } from "../../trading-api/src/contract";

export interface ServiceTimings {
  /** WRITE_REGION_FENCE_MS: no good read of the flag for longer than this, and the instance stops writing. */
  fenceAfterMs: number;
  /** WRITE_REGION_POLL_MS: how often the flag is read. */
  pollIntervalMs: number;
  /** REQUEST_DEADLINE_MS: the longest an API request runs. */
  requestDeadlineMs: number;
  /** DYNAMODB_MAX_ATTEMPTS x DYNAMODB_TIMEOUT_MS: the longest the store's calls run when the deadline's signal is ignored. */
  storeAttempts: number;
  storeAttemptTimeoutMs: number;
}

export interface TwoWriterBound extends ServiceTimings {
  /** The longest a write admitted before an instance stopped admitting may still run. */
  longestWriteMs: number;
  /** Fence bound + poll interval + longest write: past this after the fence, no old instance writes. */
  totalMs: number;
}

/** The trading API's defaults (services/trading-api: contract.ts and config.ts). */
export function serviceDefaults(): ServiceTimings {
  return {
    fenceAfterMs: DEFAULT_WRITE_REGION_FENCE_MS,
    pollIntervalMs: DEFAULT_WRITE_REGION_POLL_MS,
    requestDeadlineMs: Number(ENVIRONMENT.REQUEST_DEADLINE_MS.default),
    storeAttempts: Number(ENVIRONMENT.DYNAMODB_MAX_ATTEMPTS.default),
    storeAttemptTimeoutMs: Number(ENVIRONMENT.DYNAMODB_TIMEOUT_MS.default),
  };
}

export function twoWriterBound(timings: ServiceTimings = serviceDefaults()): TwoWriterBound {
  const longestWriteMs = Math.max(timings.requestDeadlineMs, timings.storeAttempts * timings.storeAttemptTimeoutMs);
  return { ...timings, longestWriteMs, totalMs: timings.fenceAfterMs + timings.pollIntervalMs + longestWriteMs };
}

/** "15000 ms fence + 5000 ms poll + 5000 ms longest write = 25000 ms": how the bound is said in the output. */
export function describeBound(bound: TwoWriterBound): string {
  return `${bound.fenceAfterMs} ms fence + ${bound.pollIntervalMs} ms poll + ${bound.longestWriteMs} ms longest write = ${bound.totalMs} ms`;
}
