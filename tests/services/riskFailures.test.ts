/**
 * Fail closed, visibly, with the servers stopped (or Valkey hung) mid-test: Valkey down -> new orders 503 with
 * Retry-After (no check skipped) while cancels and reads work; Aurora down -> the cached copy keeps
 * serving until the maximum staleness, then new orders 503, cancels still work; both come back
 * without a restart. Readiness reports the failing dependency.
 */
import { expect } from "chai";
import { startRedis, type RedisServer } from "../support/redis";
import { orderBody } from "./fixtures";
import { riskEnvironment, SYMBOL, waitFor, type RiskEnvironment } from "./riskFixtures";

async function place(env: RiskEnvironment, account: string) {
  const res = await env.app.inject({ method: "POST", url: "/v1/orders", payload: orderBody({ account, symbol: SYMBOL, quantity: 100, limitPrice: 10_000 }) });
  return { statusCode: res.statusCode, headers: res.headers, body: res.json<Record<string, unknown>>() };
}

async function cancel(env: RiskEnvironment, account: string, orderId: unknown) {
  return env.app.inject({ method: "POST", url: `/v1/accounts/${account}/orders/${String(orderId)}/cancel` });
}

describe("risk checks fail closed (servers stopped mid-test)", function () {
  this.timeout(60_000);

  describe("Valkey unreachable", () => {
    let redis: RedisServer;
    let env: RiskEnvironment;
    before(async function () {
      this.timeout(120_000);
      redis = await startRedis();
      env = await riskEnvironment({ redis, pollMs: 200 });
    });
    after(async () => {
      await env?.close();
      await redis?.stop();
    });

    it("hung (connected, not answering): new orders get 503 within twice the command timeout, cancels pass, then it recovers", async () => {
      const account = await env.account();
      const open = await place(env, account);
      expect(open.statusCode).to.equal(201);
      const admin = await redis.admin();
      try {
        await admin.sendCommand(["CLIENT", "PAUSE", "1500", "ALL"]);
        const started = Date.now();
        const refused = await place(env, account);
        // Command timeout 250 ms (riskFixtures): at most one call in flight ahead of this order's own.
        expect(Date.now() - started).to.be.below(2 * 250 + 300);
        expect(refused.statusCode).to.equal(503);
        expect(refused.body).to.include({ error: "risk_unavailable", reason: "rate_limit_unavailable" });
        expect((await cancel(env, account, open.body.orderId)).statusCode).to.equal(200);
        await waitFor("orders to be accepted again", async () => (await place(env, account)).statusCode === 201, 10_000);
      } finally {
        admin.destroy();
      }
    });

    it("refuses new orders with 503 + Retry-After, serves cancels and reads, and recovers when it returns", async () => {
      const account = await env.account();
      const open = [await place(env, account), await place(env, account)];
      for (const o of open) expect(o.statusCode).to.equal(201);

      await redis.pause();
      // Even before the cache notices, the rate limit cannot be taken: fail closed at once.
      const refused = await place(env, account);
      expect(refused.statusCode).to.equal(503);
      expect(refused.headers["retry-after"]).to.equal("1");
      expect(refused.body).to.include({ error: "risk_unavailable" });
      expect(["rate_limit_unavailable", "cache_unreachable"]).to.include(refused.body.reason);

      const cancelled = await cancel(env, account, open[0].body.orderId);
      expect(cancelled.statusCode).to.equal(200);
      expect(cancelled.json<{ status: string }>().status).to.equal("cancelled");
      const read = await env.app.inject({ method: "GET", url: `/v1/accounts/${account}/orders/${String(open[1].body.orderId)}` });
      expect(read.statusCode).to.equal(200);

      await waitFor("the cache to report Valkey unreachable", () => !env.primary.cache.availability().ok, 5_000);
      expect((await place(env, account)).body.reason).to.equal("cache_unreachable");
      const ready = await env.app.inject({ method: "GET", url: "/readyz" });
      expect(ready.statusCode).to.equal(200);
      expect(ready.json<{ status: string; dependencies: { referenceCache: { ok: boolean } } }>()).to.deep.include({ status: "degraded" });
      expect(ready.json<{ dependencies: { referenceCache: { ok: boolean } } }>().dependencies.referenceCache.ok).to.equal(false);

      // It comes back empty (no persistence): the syncer reloads it and orders flow again.
      await redis.resume();
      await waitFor("orders to be accepted again", async () => (await place(env, account)).statusCode === 201, 15_000);
      expect((await cancel(env, account, open[1].body.orderId)).statusCode).to.equal(200);
    });
  });

  describe("Aurora unreachable", () => {
    let env: RiskEnvironment;
    const MAX_STALENESS_MS = 2_500;
    before(async function () {
      this.timeout(120_000);
      env = await riskEnvironment({ maxStalenessMs: MAX_STALENESS_MS, pollMs: 200 });
    });
    after(async () => {
      await env?.pg.resume();
      await env?.close();
    });

    it("serves the cached copy until the maximum staleness, then refuses new orders; cancels pass; recovers", async () => {
      const account = await env.account();
      const first = await place(env, account);
      expect(first.statusCode).to.equal(201);

      const stoppedAt = Date.now();
      await env.pg.pause();
      try {
        // Within the staleness bound the order path does not notice: it never waits on Aurora.
        const during = await place(env, account);
        expect(during.statusCode, JSON.stringify(during.body)).to.equal(201);
        await waitFor("the copy to go stale", async () => (await place(env, account)).statusCode === 503, 10_000);
        expect(Date.now() - stoppedAt).to.be.at.least(MAX_STALENESS_MS - 1_000);
        const refused = await place(env, account);
        expect(refused.body).to.include({ error: "risk_unavailable", reason: "reference_data_stale" });
        expect(refused.headers["retry-after"]).to.equal("1");
        expect((await cancel(env, account, first.body.orderId)).statusCode).to.equal(200);
        const ready = await env.app.inject({ method: "GET", url: "/readyz" });
        expect(ready.json<{ dependencies: { referenceDatabase: { ok: boolean } } }>().dependencies.referenceDatabase.ok).to.equal(false);
      } finally {
        await env.pg.resume();
      }
      await waitFor("orders to be accepted again", async () => (await place(env, account)).statusCode === 201, 15_000);
    });
  });
});
