/**
 * The rate limiter's batching against redis-server: takes of concurrent orders share script calls,
 * and every order gets exactly what separate calls in arrival order would have given it; a hung
 * server (CLIENT PAUSE) fails every waiting order within twice the command timeout.
 */
import { expect } from "chai";
import { RateLimiter, type TakeResult } from "../../services/trading-api/src/risk/rateLimiter";
import { connectValkey, type Valkey } from "../../services/trading-api/src/risk/valkey";
import { sharedRedis, type RedisAdmin, type RedisServer } from "../support/redis";
import { unique } from "./fixtures";

const COMMAND_TIMEOUT_MS = 200;

async function evalshaCalls(admin: RedisAdmin): Promise<number> {
  const stats = await admin.info("commandstats");
  return Number(/cmdstat_evalsha:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

describe("rate limiter (redis-server): batched takes", function () {
  this.timeout(30_000);
  let redis: RedisServer;
  let admin: RedisAdmin;
  let valkey: Valkey;
  let limiter: RateLimiter;

  before(async () => {
    redis = await sharedRedis();
    admin = await redis.admin();
    valkey = connectValkey({ host: redis.host, port: redis.port, tls: false, username: redis.username, password: async () => redis.password, commandTimeoutMs: COMMAND_TIMEOUT_MS });
    const deadline = Date.now() + 5000;
    while (!valkey.ready() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    limiter = new RateLimiter(valkey.client);
    await limiter.take([{ key: unique("rl:warm"), ratePerSecond: 1, burst: 1 }]); // loads the script
  });
  after(async () => {
    await valkey?.close();
    await admin?.close();
  });

  it("a burst of 40 concurrent takes on one bucket of burst 5: exactly 5 pass, in a handful of script calls", async () => {
    const key = unique("rl:a");
    const before = await evalshaCalls(admin);
    const results = await Promise.all(Array.from({ length: 40 }, () => limiter.take([{ key, ratePerSecond: 1, burst: 5 }])));
    const calls = (await evalshaCalls(admin)) - before;
    // Arrival order is kept: the first five pass, every later one is refused with the wait for a token.
    expect(results.map((r) => r.allowed)).to.deep.equal([...Array(5).fill(true), ...Array(35).fill(false)]);
    for (const r of results.slice(5)) expect(r).to.deep.include({ allowed: false, bucket: key }).and.to.have.property("retryAfterMs").within(1, 1000);
    expect(calls, "script calls for 40 takes").to.be.at.most(2);
  });

  it("an order refused by one of its buckets takes nothing from the others, also inside a batch", async () => {
    const account = unique("rl:a");
    const client = unique("rl:c");
    const order = () => limiter.take([
      { key: account, ratePerSecond: 1, burst: 10 },
      { key: client, ratePerSecond: 1, burst: 1 },
    ]);
    const [first, second, third] = await Promise.all([order(), order(), limiter.take([{ key: account, ratePerSecond: 1, burst: 10 }])]);
    expect(first).to.deep.equal({ allowed: true });
    expect(second).to.deep.include({ allowed: false, bucket: client });
    expect(third).to.deep.equal({ allowed: true });
    // 10 - first - third: the refused second order took no account token.
    expect(Math.floor(Number(await admin.hGet(account, "tokens")))).to.equal(8);
  });

  it("against a hung server every waiting order fails within twice the command timeout, and the limiter recovers", async () => {
    const key = unique("rl:h");
    await admin.sendCommand(["CLIENT", "PAUSE", "1500", "ALL"]);
    const started = Date.now();
    const settle = (p: Promise<TakeResult>) => p.then(() => ({ ok: true, at: Date.now() - started }), () => ({ ok: false, at: Date.now() - started }));
    const first = settle(limiter.take([{ key, ratePerSecond: 100, burst: 100 }]));
    await new Promise((r) => setTimeout(r, 50));
    // Queued behind the call in flight.
    const queued = await Promise.all(Array.from({ length: 5 }, () => settle(limiter.take([{ key, ratePerSecond: 100, burst: 100 }]))));
    const all = [await first, ...queued];
    for (const r of all) {
      expect(r.ok).to.equal(false);
      expect(r.at).to.be.below(2 * COMMAND_TIMEOUT_MS + 250);
    }
    await new Promise((r) => setTimeout(r, 1600 - (Date.now() - started)));
    expect(await limiter.take([{ key, ratePerSecond: 100, burst: 100 }])).to.deep.equal({ allowed: true });
  });
});
