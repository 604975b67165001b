/**
 * Token buckets in Valkey, taken atomically by one Lua script: each bucket refills at `rate` tokens
 * per second up to `burst`; an order takes one token from every bucket it is subject to (its
 * account's and, when known, its client's) or from none. Time is the server's (TIME), so every
 * instance measures refill on the same clock. A bucket's key expires when it would be full again.
 *
 * Orders arriving together share one script call: while a call is in flight, further takes queue,
 * and when it returns they go out together (at most {@link MAX_BATCH} per call). An idle limiter
 * sends a take at once, so batching adds no latency at low load; under load an order waits for at
 * most the one call in flight before its own, so against a hung Valkey it fails (503) within twice
 * the command timeout. The script handles a batch's orders one after another in arrival order,
 * each atomically (all its buckets or none), exactly as separate calls in that order would: an
 * order's outcome never depends on being batched. Under load this cuts the rate limit's cost on the
 * order path to one command, one reply and one timeout timer per batch instead of per order (see
 * the service README's benchmark). When a call fails (Valkey unreachable, the command timeout),
 * every order of its batch gets the error and the gate answers 503.
 */
import { Script } from "./scripts";
import type { ValkeyClient } from "./valkey";

export interface Bucket {
  key: string;
  ratePerSecond: number;
  burst: number;
}

export type TakeResult = { allowed: true } | { allowed: false; retryAfterMs: number; bucket: string };

// KEYS: the buckets of every order, order after order. ARGV: the number of orders, then per order
// its number of buckets followed by rate and burst of each. Returns one result per order: 0 when
// every bucket of that order had a token (and each lost one), else {ms until the emptiest bucket
// has one, index of that bucket within the order}, having taken nothing for that order.
const TAKE = new Script(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local results = {}
local k, a = 0, 2
for o = 1, tonumber(ARGV[1]) do
  local n = tonumber(ARGV[a])
  local levels = {}
  local wait, which = 0, 0
  for i = 1, n do
    local rate = tonumber(ARGV[a + 2 * i - 1])
    local burst = tonumber(ARGV[a + 2 * i])
    local state = redis.call('HMGET', KEYS[k + i], 'tokens', 'at')
    local tokens = tonumber(state[1])
    local at = tonumber(state[2])
    if tokens == nil or at == nil then
      tokens = burst
    else
      tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
    end
    if tokens < 1 then
      local ms = math.ceil((1 - tokens) * 1000 / rate)
      if ms > wait then wait, which = ms, i end
    end
    levels[i] = tokens
  end
  if wait > 0 then
    results[o] = {wait, which}
  else
    for i = 1, n do
      local rate = tonumber(ARGV[a + 2 * i - 1])
      local burst = tonumber(ARGV[a + 2 * i])
      redis.call('HSET', KEYS[k + i], 'tokens', tostring(levels[i] - 1), 'at', now)
      redis.call('PEXPIRE', KEYS[k + i], math.ceil(burst * 1000 / rate) + 1000)
    end
    results[o] = 0
  end
  k = k + n
  a = a + 1 + 2 * n
end
return results
`);

/** Most orders in one script call (a script blocks the server while it runs: keep each short). */
export const MAX_BATCH = 64;

interface Pending {
  buckets: readonly Bucket[];
  resolve: (result: TakeResult) => void;
  reject: (error: unknown) => void;
}

export class RateLimiter {
  private queue: Pending[] = [];
  private scheduled = false;
  private inFlight = false;

  constructor(private readonly client: ValkeyClient) {}

  /** Takes a token from every bucket, or from none (then says which bucket was empty and for how long). */
  take(buckets: readonly Bucket[]): Promise<TakeResult> {
    return new Promise<TakeResult>((resolve, reject) => {
      this.queue.push({ buckets, resolve, reject });
      // A microtask, not at once: takes made in the same synchronous run still share the call.
      if (!this.scheduled && !this.inFlight) {
        this.scheduled = true;
        queueMicrotask(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.queue.splice(0, MAX_BATCH);
    this.inFlight = true;
    void this.run(batch).finally(() => {
      this.inFlight = false;
      this.flush();
    });
  }

  private async run(batch: Pending[]): Promise<void> {
    const keys: string[] = [];
    const args: string[] = [String(batch.length)];
    for (const { buckets } of batch) {
      args.push(String(buckets.length));
      for (const b of buckets) {
        keys.push(b.key);
        args.push(String(b.ratePerSecond), String(b.burst));
      }
    }
    let results: unknown;
    try {
      results = await TAKE.run(this.client, keys, args);
      if (!Array.isArray(results) || results.length !== batch.length) throw new Error(`rate limit script returned ${JSON.stringify(results)}`);
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    const outcomes = results as unknown[];
    batch.forEach((pending, o) => {
      const result = outcomes[o];
      if (result === 0) {
        pending.resolve({ allowed: true });
      } else {
        const [wait, which] = result as [number, number];
        pending.resolve({ allowed: false, retryAfterMs: Number(wait), bucket: pending.buckets[Number(which) - 1].key });
      }
    });
  }
}
