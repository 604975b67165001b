/**
 * Valkey comes back empty (a restart without persistence, a cache failover) before a syncer has
 * reloaded it: an empty copy says nothing about who is entitled, so it must never be taken for
 * "not entitled". Against PostgreSQL, a real redis-server restarted empty on the same port, and
 * DynamoDB Local, with authentication and the pre-trade gate both reading the one reference cache
 * (as main.ts wires them):
 * - during the window no entitled client gets 403; new orders get 503 + Retry-After; a client this
 *   instance has already seen keeps reading, cancelling and filling on what it last knew; a client
 *   it has not seen gets 503 auth_unavailable (there is nothing to judge it by);
 * - a refusal the instance learnt from loaded data stays a refusal (403);
 * - once a syncer has reloaded the copy everybody is served as before, and a client that is truly
 *   not entitled gets 403 again.
 */
import { expect } from "chai";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import type { TestIssuer } from "../support/oidcIssuer";
import type { RedisServer } from "../support/redis";
import { orderBody, unique } from "./fixtures";
import { referenceAuthHarness, type ReferenceAuthHarness } from "./referenceAuthHarness";
import { SYMBOL, waitFor, type RiskEnvironment } from "./riskFixtures";

describe("trading-api with the reference cache emptied (redis-server restarted without data)", function () {
  this.timeout(90_000);
  let harness: ReferenceAuthHarness | undefined;
  let redis: RedisServer;
  let env: RiskEnvironment;
  let issuer: TestIssuer;
  let app: FastifyInstance;
  let cli: ReferenceAuthHarness["cli"];

  before(async function () {
    this.timeout(120_000);
    harness = await referenceAuthHarness({ actor: "test:empty-cache", preTrade: true });
    ({ redis, env, issuer, app, cli } = harness);
  });
  after(async () => {
    await harness?.close();
  });

  it("never answers 403 for an entitled client while the copy is empty, and serves everybody as before once it is reloaded", async () => {
    const account = await env.account();
    const elsewhere = await env.account();
    const seen = unique("desk"); // entitled, makes requests before the restart
    const unseen = unique("desk"); // entitled, first request during the window
    const gateway = unique("gw"); // the execution gateway, seen before the restart
    const refusedBefore = unique("desk"); // entitled elsewhere only, refused before the restart
    const stranger = unique("desk"); // entitled elsewhere only, first request during the window
    for (const client of [seen, unseen, refusedBefore, stranger]) {
      await cli("clients", "add", "--client", client, "--name", "Desk", "--kind", "trading", "--orders-per-second", "100", "--burst", "100");
    }
    await cli("clients", "add", "--client", gateway, "--name", "Gateway", "--kind", "execution_gateway", "--orders-per-second", "100", "--burst", "100");
    for (const client of [seen, unseen]) await cli("clients", "grant", "--client", client, "--account", account, "--scopes", "orders.read,orders.write");
    await cli("clients", "grant", "--client", gateway, "--account", account, "--scopes", "fills.write");
    for (const client of [refusedBefore, stranger]) await cli("clients", "grant", "--client", client, "--account", elsewhere, "--scopes", "orders.read,orders.write");
    await env.settle();

    const bearer = async (client: string, scopes: string[]) => ({ authorization: `Bearer ${await issuer.token(client, scopes)}` });
    const desk = {
      [seen]: await bearer(seen, ["orders.read", "orders.write"]),
      [unseen]: await bearer(unseen, ["orders.read", "orders.write"]),
      [refusedBefore]: await bearer(refusedBefore, ["orders.read", "orders.write"]),
      [stranger]: await bearer(stranger, ["orders.read", "orders.write"]),
    };
    const gatewayHeaders = await bearer(gateway, ["fills.write"]);
    const place = (client: string) =>
      app.inject({ method: "POST", url: "/v1/orders", headers: desk[client], payload: orderBody({ account, symbol: SYMBOL, quantity: 100, limitPrice: 10_000 }) });
    const positions = (client: string) => app.inject({ method: "GET", url: `/v1/accounts/${account}/positions`, headers: desk[client] });
    const readOrder = (client: string, orderId: string) => app.inject({ method: "GET", url: `/v1/accounts/${account}/orders/${orderId}`, headers: desk[client] });
    const list = (client: string) => app.inject({ method: "GET", url: `/v1/accounts/${account}/orders`, headers: desk[client] });
    const cancel = (client: string, orderId: string) => app.inject({ method: "POST", url: `/v1/accounts/${account}/orders/${orderId}/cancel`, headers: desk[client] });
    const fill = (orderId: string) =>
      app.inject({ method: "POST", url: `/v1/accounts/${account}/orders/${orderId}/fills`, headers: gatewayHeaders, payload: { fillId: unique("f"), quantity: 10, price: 10_000 } });
    const status = (res: LightMyRequestResponse) => `${res.statusCode} ${res.body}`;

    // Before the restart: the seen clients are known to this instance.
    const toCancel = await place(seen);
    const toFill = await place(seen);
    const toCancelLater = await place(seen);
    for (const res of [toCancel, toFill, toCancelLater]) expect(res.statusCode, status(res)).to.equal(201);
    const [cancelId, fillId, cancelLaterId] = [toCancel, toFill, toCancelLater].map((res) => res.json<{ orderId: string }>().orderId);
    expect((await fill(fillId)).statusCode).to.equal(201);
    expect((await positions(refusedBefore)).statusCode).to.equal(403);

    // The restart. The syncer is held so the window stays open as long as the test needs; in
    // production it lasts until the next sync, at most REFDATA_SYNC_INTERVAL_MS.
    await env.primary.syncer.stop();
    await redis.pause();
    await redis.resume();

    // From the restart until the cache notices (reconnecting, then reading an empty copy under the
    // revision it last saw), every answer to an entitled client is anything but 403.
    const entitled = [seen, unseen];
    const early: string[] = [];
    const noticed = () => {
      const availability = env.primary.cache.availability();
      return !availability.ok && availability.reason === "reference_data_missing" && env.primary.valkey.ready();
    };
    while (!noticed()) {
      for (const client of entitled) early.push(`${client === seen ? "seen" : "unseen"} ${status(await positions(client))}`);
      expect(early.filter((line) => line.includes(" 403 ")), "403 for an entitled client before the cache noticed").to.deep.equal([]);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    // The window, observed for several cache polls.
    const windowEnds = Date.now() + 1_500;
    let rounds = 0;
    while (Date.now() < windowEnds) {
      rounds += 1;
      const ordered = await place(seen);
      expect(ordered.statusCode, status(ordered)).to.equal(503);
      expect(ordered.headers["retry-after"]).to.equal("1");
      expect(ordered.json()).to.include({ error: "risk_unavailable", reason: "reference_data_missing" });
      for (const res of [await positions(seen), await readOrder(seen, fillId), await list(seen)]) expect(res.statusCode, status(res)).to.equal(200);

      for (const res of [await positions(unseen), await place(unseen), await readOrder(unseen, fillId), await cancel(unseen, cancelLaterId)]) {
        expect(res.statusCode, `unseen entitled client: ${status(res)}`).to.equal(503);
        expect(res.headers["retry-after"]).to.equal("1");
      }
      const unknownStranger = await positions(stranger);
      expect(unknownStranger.statusCode, "nothing says whether a client never seen is entitled").to.equal(503);
      expect(unknownStranger.json()).to.include({ error: "auth_unavailable" });

      const refused = await positions(refusedBefore);
      expect(refused.statusCode, "a refusal learnt from loaded data").to.equal(403);
      expect(refused.json()).to.include({ error: "not_entitled" });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(rounds).to.be.above(2);
    const cancelled = await cancel(seen, cancelId);
    expect(cancelled.statusCode, status(cancelled)).to.equal(200);
    expect(cancelled.json()).to.include({ status: "cancelled" });
    const filled = await fill(fillId);
    expect(filled.statusCode, status(filled)).to.equal(201);

    // The syncer reloads the copy: everybody is served as before, and a refusal is a refusal.
    env.primary.syncer.start();
    await waitFor("the copy to be reloaded", () => env.primary.cache.availability().ok, 15_000);
    for (const client of entitled) {
      const ordered = await place(client);
      expect(ordered.statusCode, status(ordered)).to.equal(201);
      expect((await positions(client)).statusCode).to.equal(200);
    }
    expect((await cancel(unseen, cancelLaterId)).statusCode).to.equal(200);
    expect((await fill(fillId)).statusCode).to.equal(201);
    for (const client of [stranger, refusedBefore]) {
      const refused = await positions(client);
      expect(refused.statusCode, status(refused)).to.equal(403);
      expect(refused.json()).to.include({ error: "not_entitled" });
      expect((await place(client)).statusCode).to.equal(403);
    }
  });
});
