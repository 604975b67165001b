/**
 * Token buckets in Valkey, taken atomically by one Lua script: each bucket refills at `rate` tokens
 * per second up to `burst`; an order takes one token from every bucket it is subject to (its
 * account's and, when known, its client's) or from none. Time is the server's (TIME), so every
 * instance measures refill on the same clock. A bucket's key expires when it would be full again.
 */
import { Script } from "./scripts";
import type { ValkeyClient } from "./valkey";

export interface Bucket {
  key: string;
  ratePerSecond: number;
  burst: number;
}

export type TakeResult = { allowed: true } | { allowed: false; retryAfterMs: number; bucket: string };

// Returns 0 when every bucket had a token (and each lost one), else {ms until the emptiest bucket
// has one, index of that bucket}, having taken nothing.
const TAKE = new Script(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local levels = {}
local wait, which = 0, 0
for i, key in ipairs(KEYS) do
  local rate = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local state = redis.call('HMGET', key, 'tokens', 'at')
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
if wait > 0 then return {wait, which} end
for i, key in ipairs(KEYS) do
  local rate = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  redis.call('HSET', key, 'tokens', tostring(levels[i] - 1), 'at', now)
  redis.call('PEXPIRE', key, math.ceil(burst * 1000 / rate) + 1000)
end
return 0
`);

export class RateLimiter {
  constructor(private readonly client: ValkeyClient) {}

  async take(buckets: readonly Bucket[]): Promise<TakeResult> {
    const args: string[] = [];
    for (const b of buckets) args.push(String(b.ratePerSecond), String(b.burst));
    const result = await TAKE.run(
      this.client,
      buckets.map((b) => b.key),
      args,
    );
    if (result === 0) return { allowed: true };
    const [wait, which] = result as [number, number];
    return { allowed: false, retryAfterMs: Number(wait), bucket: buckets[Number(which) - 1].key };
  }
}
