/**
 * Entitlements through the real reference data: clients and grants made with the refdata CLI in
 * PostgreSQL, copied to redis-server by the syncer and read through the in-process cache the risk
 * checks use (risk/referenceCache.ts). A grant, a revocation and a disabled client reach the
 * service within the stated 5 s bound; with Valkey stopped, a client the instance has seen keeps
 * working (cancels included) and a client it has not seen gets 503, never 401/403 or 500.
 */
import { expect } from "chai";
import type { FastifyInstance } from "fastify";
import type { TestIssuer } from "../support/oidcIssuer";
import type { RedisServer } from "../support/redis";
import { orderBody, unique } from "./fixtures";
import { referenceAuthHarness, type ReferenceAuthHarness } from "./referenceAuthHarness";
import { SYMBOL, waitFor, type RiskEnvironment } from "./riskFixtures";

describe("trading-api entitlements from the reference data (PostgreSQL + redis-server + DynamoDB Local)", function () {
  this.timeout(60_000);
  let harness: ReferenceAuthHarness | undefined;
  let redis: RedisServer;
  let env: RiskEnvironment;
  let issuer: TestIssuer;
  let app: FastifyInstance;
  let cli: ReferenceAuthHarness["cli"];

  before(async function () {
    this.timeout(120_000);
    harness = await referenceAuthHarness({ actor: "test:auth" });
    ({ redis, env, issuer, app, cli } = harness);
  });
  after(async () => {
    await harness?.close();
  });

  async function positions(clientId: string, account: string): Promise<number> {
    const token = await issuer.token(clientId, ["orders.read", "orders.write"]);
    return (await app.inject({ method: "GET", url: `/v1/accounts/${account}/positions`, headers: { authorization: `Bearer ${token}` } })).statusCode;
  }

  async function within5s(what: string, done: () => Promise<boolean>): Promise<number> {
    const started = Date.now();
    while (!(await done())) {
      expect(Date.now() - started, `${what} not seen within 5 s`).to.be.below(5_000);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return Date.now() - started;
  }

  it("a grant, a revocation and a disabled client made with the CLI take effect within 5 s", async () => {
    const account = await env.account();
    const client = unique("desk");
    await cli("clients", "add", "--client", client, "--name", "Desk", "--kind", "trading", "--orders-per-second", "10", "--burst", "10");
    expect(await positions(client, account)).to.equal(403);
    await cli("clients", "grant", "--client", client, "--account", account, "--scopes", "orders.read,orders.write");
    const granted = await within5s("grant", async () => (await positions(client, account)) === 200);
    await cli("clients", "revoke", "--client", client, "--account", account);
    const revoked = await within5s("revocation", async () => (await positions(client, account)) === 403);
    await cli("clients", "grant", "--client", client, "--account", account, "--scopes", "orders.read");
    await within5s("second grant", async () => (await positions(client, account)) === 200);
    await cli("clients", "disable", "--client", client);
    const disabled = await within5s("disabled client", async () => (await positions(client, account)) === 403);
    expect(Math.max(granted, revoked, disabled)).to.be.below(5_000);
  });

  it("Valkey stopped: a client already seen keeps reading and cancelling; an unseen client gets 503 with Retry-After", async () => {
    const account = await env.account();
    const seen = unique("desk");
    const unseen = unique("desk");
    for (const client of [seen, unseen]) {
      await cli("clients", "add", "--client", client, "--name", "Desk", "--kind", "trading", "--orders-per-second", "10", "--burst", "10");
      await cli("clients", "grant", "--client", client, "--account", account, "--scopes", "orders.read,orders.write");
    }
    await env.settle();
    const token = await issuer.token(seen, ["orders.read", "orders.write"]);
    const headers = { authorization: `Bearer ${token}` };
    const placed = await app.inject({ method: "POST", url: "/v1/orders", headers, payload: orderBody({ account, symbol: SYMBOL }) });
    expect(placed.statusCode, placed.body).to.equal(201);
    const orderId = placed.json<{ orderId: string }>().orderId;

    await redis.pause();
    await waitFor("the cache to notice", () => !env.primary.cache.availability().ok, 5_000);
    const cancelled = await app.inject({ method: "POST", url: `/v1/accounts/${account}/orders/${orderId}/cancel`, headers });
    expect(cancelled.statusCode, cancelled.body).to.equal(200);
    expect(await positions(seen, account)).to.equal(200);
    const stranger = await app.inject({
      method: "GET",
      url: `/v1/accounts/${account}/positions`,
      headers: { authorization: `Bearer ${await issuer.token(unseen, ["orders.read"])}` },
    });
    expect(stranger.statusCode).to.equal(503);
    expect(stranger.json<{ error: string }>().error).to.equal("auth_unavailable");
    expect(stranger.headers["retry-after"]).to.equal("1");

    await redis.resume();
    // Recovery (reconnect, reload of the empty cache from Aurora) is the risk tier's; allow for a loaded machine.
    await waitFor("the unseen client to be served", async () => (await positions(unseen, account)) === 200, 30_000);
  });
});
