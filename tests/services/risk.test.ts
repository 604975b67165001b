/**
 * Pre-trade risk checks on POST /v1/orders against real servers (PostgreSQL, redis-server, DynamoDB
 * Local): every reason code at its accepting and its rejecting edge, the open-order limit under
 * concurrency and across cancel/fill, the rate limit under a burst, and the invalidation bound.
 * Failure modes are in riskFailures.test.ts.
 */
import { expect } from "chai";
import type { FastifyInstance } from "fastify";
import { runCli } from "../../services/reference-data/src/cli";
import { orderBody, unique, type OrderBody } from "./fixtures";
import { riskEnvironment, SYMBOL, type RiskEnvironment } from "./riskFixtures";

interface Reply {
  statusCode: number;
  headers: Record<string, unknown>;
  body: Record<string, unknown>;
}

async function place(app: FastifyInstance, body: Partial<OrderBody> & { account: string }, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await app.inject({ method: "POST", url: "/v1/orders", payload: orderBody({ symbol: SYMBOL, quantity: 100, limitPrice: 10_000, ...body }), headers });
  return { statusCode: res.statusCode, headers: res.headers, body: res.json() };
}

function expectRejected(reply: Reply, reason: string, limit: unknown, value: unknown): void {
  expect(reply.statusCode, JSON.stringify(reply.body)).to.equal(422);
  expect(reply.body).to.include({ error: "risk_rejected", reason });
  expect(reply.body.limit).to.deep.equal(limit);
  expect(reply.body.value).to.deep.equal(value);
}

function expectAccepted(reply: Reply): void {
  expect(reply.statusCode, JSON.stringify(reply.body)).to.equal(201);
}

describe("pre-trade risk checks (PostgreSQL + redis-server + DynamoDB Local)", function () {
  this.timeout(60_000);
  let env: RiskEnvironment;
  let account: string;

  before(async function () {
    this.timeout(120_000);
    env = await riskEnvironment();
    account = await env.account();
  });
  after(async () => env?.close());

  describe("each check, accepting and rejecting edge", () => {
    it("account active: an active account trades; suspended, closed and unknown accounts do not", async () => {
      const other = await env.account();
      expectAccepted(await place(env.app, { account: other }));
      await env.repo.setAccountStatus(other, "suspended");
      await env.settle();
      expectRejected(await place(env.app, { account: other }), "account_not_active", "active", "suspended");
      await env.repo.setAccountStatus(other, "closed");
      await env.settle();
      expectRejected(await place(env.app, { account: other }), "account_not_active", "active", "closed");
      expectRejected(await place(env.app, { account: unique("nobody") }), "account_not_active", "active", "unknown");
    });

    it("an account without a risk-limits row cannot trade (fail closed)", async () => {
      const bare = unique("nolimits");
      const client = await env.pg.connect(env.database);
      try {
        await client.query("BEGIN");
        await client.query("SELECT set_config('refdata.actor', 'test:sql', true)");
        await client.query("INSERT INTO refdata.accounts (account_id, name) VALUES ($1, 'no limits')", [bare]);
        await client.query("COMMIT");
      } finally {
        await client.end();
      }
      await env.settle();
      expectRejected(await place(env.app, { account: bare }), "risk_limits_missing", "present", "absent");
    });

    it("instrument known and trading: unknown symbols and halted instruments are refused, resumed ones trade", async () => {
      expectRejected(await place(env.app, { account, symbol: "NOPE" }), "instrument_unknown", "listed", "NOPE");
      const symbol = `H${Date.now().toString(36).toUpperCase().slice(-6)}`;
      await env.repo.addInstrument({ symbol, tickSize: 1, lotSize: 1, currency: "USD", referencePrice: 10_000 });
      await env.settle();
      expectAccepted(await place(env.app, { account, symbol }));
      await env.repo.setInstrumentStatus(symbol, "halted");
      await env.settle();
      expectRejected(await place(env.app, { account, symbol }), "instrument_halted", "trading", "halted");
      await env.repo.setInstrumentStatus(symbol, "trading");
      await env.settle();
      expectAccepted(await place(env.app, { account, symbol }));
    });

    it("quantity a multiple of the lot size (10)", async () => {
      expectAccepted(await place(env.app, { account, quantity: 10 }));
      expectRejected(await place(env.app, { account, quantity: 15 }), "quantity_not_lot_multiple", 10, 15);
    });

    it("price on the tick (5)", async () => {
      expectAccepted(await place(env.app, { account, limitPrice: 10_005 }));
      expectRejected(await place(env.app, { account, limitPrice: 10_003 }), "price_off_tick", 5, 10_003);
    });

    it("quantity at most the maximum (1000)", async () => {
      const wide = await env.account({ maxOrderNotional: "100000000" });
      expectAccepted(await place(env.app, { account: wide, quantity: 1_000 }));
      expectRejected(await place(env.app, { account: wide, quantity: 1_010 }), "quantity_above_max", 1_000, 1_010);
    });

    it("notional at most the maximum (5,000,000 minor units), exact beyond 2^53", async () => {
      expectAccepted(await place(env.app, { account, quantity: 500, limitPrice: 10_000 }));
      expectRejected(await place(env.app, { account, quantity: 510, limitPrice: 10_000 }), "notional_above_max", "5000000", "5100000");
      // 10^12 x 100.00 = 10^16: 9999999999999999 is 10^16 as a double, so only exact arithmetic refuses it.
      const big = await env.account({ maxOrderQuantity: 1_000_000_000_000, maxOrderNotional: "9999999999999999" });
      expectRejected(await place(env.app, { account: big, quantity: 1_000_000_000_000 }), "notional_above_max", "9999999999999999", "10000000000000000");
      const exact = await env.account({ maxOrderQuantity: 1_000_000_000_000, maxOrderNotional: "10000000000000000" });
      expectAccepted(await place(env.app, { account: exact, quantity: 1_000_000_000_000 }));
    });

    it("price inside the collar (5 % around 100.00: 95.00 to 105.00 inclusive)", async () => {
      expectAccepted(await place(env.app, { account, limitPrice: 10_500, side: "buy" }));
      expectAccepted(await place(env.app, { account, limitPrice: 9_500, side: "sell" }));
      const above = await place(env.app, { account, limitPrice: 10_505 });
      expectRejected(above, "price_outside_collar", 500, 505);
      expect(above.body.details).to.deep.equal({ referencePrice: 10_000, lowestPrice: 9_500, highestPrice: 10_500 });
      expectRejected(await place(env.app, { account, limitPrice: 9_495 }), "price_outside_collar", 500, 505);
    });

    it("runs the checks in the issue's order: the first failing check decides", async () => {
      // Off the lot, off the tick, too big and outside the collar: the lot size is checked first.
      expectRejected(await place(env.app, { account, quantity: 1_015, limitPrice: 20_003 }), "quantity_not_lot_multiple", 10, 1_015);
      expectRejected(await place(env.app, { account, quantity: 1_010, limitPrice: 20_003 }), "price_off_tick", 5, 20_003);
      expectRejected(await place(env.app, { account, quantity: 1_010, limitPrice: 20_000 }), "quantity_above_max", 1_000, 1_010);
    });

    it("open orders below the maximum, counted in the order's transaction; cancels and completing fills free a slot", async () => {
      const limited = await env.account({ maxOpenOrders: 2 });
      const first = await place(env.app, { account: limited });
      const second = await place(env.app, { account: limited });
      expectAccepted(first);
      expectAccepted(second);
      expectRejected(await place(env.app, { account: limited }), "open_orders_limit", 2, 2);

      const cancel = await env.app.inject({ method: "POST", url: `/v1/accounts/${limited}/orders/${String(first.body.orderId)}/cancel` });
      expect(cancel.statusCode).to.equal(200);
      expectAccepted(await place(env.app, { account: limited }));
      expectRejected(await place(env.app, { account: limited }), "open_orders_limit", 2, 2);

      const partial = await env.app.inject({ method: "POST", url: `/v1/accounts/${limited}/orders/${String(second.body.orderId)}/fills`, payload: { fillId: "f1", quantity: 40, price: 10_000 } });
      expect(partial.statusCode).to.equal(201);
      expectRejected(await place(env.app, { account: limited }), "open_orders_limit", 2, 2);
      const rest = await env.app.inject({ method: "POST", url: `/v1/accounts/${limited}/orders/${String(second.body.orderId)}/fills`, payload: { fillId: "f2", quantity: 60, price: 10_000 } });
      expect(rest.json<{ order: { status: string } }>().order.status).to.equal("filled");
      expectAccepted(await place(env.app, { account: limited }));
    });

    it("a retried order (same clientOrderId) gets its original back even at the open-order limit", async () => {
      const limited = await env.account({ maxOpenOrders: 1 });
      const body = { account: limited, clientOrderId: unique("retry") };
      const original = await place(env.app, body);
      expectAccepted(original);
      const retry = await place(env.app, body);
      expect(retry.statusCode).to.equal(200);
      expect(retry.body.orderId).to.equal(original.body.orderId);
    });

    it("rate limit: a burst of `burst` orders passes, the next gets 429 with Retry-After, and tokens refill", async () => {
      const limited = await env.account({ ordersPerSecond: 2, burst: 5 });
      const burst = await Promise.all(Array.from({ length: 5 }, () => place(env.app, { account: limited })));
      for (const reply of burst) expectAccepted(reply);
      const over = await place(env.app, { account: limited });
      expect(over.statusCode).to.equal(429);
      expect(over.body).to.include({ error: "rate_limited", reason: "account_rate_limit", limit: 2, burst: 5 });
      expect(over.headers["retry-after"]).to.equal("1");
      await new Promise((resolve) => setTimeout(resolve, 600));
      expectAccepted(await place(env.app, { account: limited }));
    });

    it("a known API client's own rate limit applies as well, atomically with the account's", async () => {
      const client = unique("client");
      await env.repo.addClient({ clientId: client, name: "test client", kind: "trading", ordersPerSecond: 1, burst: 2 });
      const wide = await env.account();
      await env.settle();
      const headers = { "x-test-client": client };
      expectAccepted(await place(env.app, { account: wide }, headers));
      expectAccepted(await place(env.app, { account: wide }, headers));
      const limited = await place(env.app, { account: wide }, headers);
      expect(limited.statusCode).to.equal(429);
      expect(limited.body).to.include({ reason: "client_rate_limit", limit: 1 });
      // The refused order took no account token: all 1000 remain but one per accepted order.
      await env.repo.setClientStatus(client, "disabled");
      await env.settle();
      const disabled = await place(env.app, { account: wide }, headers);
      expectRejected(disabled, "client_not_active", "active", "disabled");
    });
  });

  it("N parallel orders never exceed the open-order limit", async () => {
    const limited = await env.account({ maxOpenOrders: 5 });
    const replies = await Promise.all(Array.from({ length: 24 }, () => place(env.app, { account: limited })));
    const created = replies.filter((r) => r.statusCode === 201).length;
    const refused = replies.filter((r) => r.statusCode === 422 && r.body.reason === "open_orders_limit").length;
    const busy = replies.filter((r) => r.statusCode === 503).length;
    expect(created + refused + busy, JSON.stringify(replies.map((r) => r.statusCode))).to.equal(24);
    expect(created).to.be.at.most(5).and.at.least(1);
    const open = await env.app.inject({ method: "GET", url: `/v1/accounts/${limited}/orders?status=open&limit=100` });
    expect(open.json<{ orders: unknown[] }>().orders).to.have.length(created);
  });

  it("a change made with the CLI reaches every instance within 5 s (halt, then a lower limit)", async () => {
    const second = await env.instance();
    const wide = await env.account();
    await env.settle();
    expectAccepted(await place(env.app, { account: wide }));
    expectAccepted(await place(second.app, { account: wide }));

    const halted = async (app: FastifyInstance) => (await place(app, { account: wide })).body.reason === "instrument_halted";
    const started = Date.now();
    await runCli(["instruments", "halt", "--symbol", SYMBOL, "--database-url", env.databaseUrl, "--actor", "test:cli"]);
    const seen: number[] = [];
    for (const app of [env.app, second.app]) {
      while (!(await halted(app))) {
        expect(Date.now() - started, "halt not seen within 5 s").to.be.below(5_000);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      seen.push(Date.now() - started);
    }
    console.log(`      halt seen by both instances after ${seen.join(" ms, ")} ms`);
    await runCli(["instruments", "resume", "--symbol", SYMBOL, "--database-url", env.databaseUrl, "--actor", "test:cli"]);
    await env.settle();

    const lowered = Date.now();
    await runCli(["limits", "set", "--account", wide, "--max-order-quantity", "50", "--database-url", env.databaseUrl, "--actor", "test:cli"]);
    for (const app of [env.app, second.app]) {
      while ((await place(app, { account: wide, quantity: 100 })).body.reason !== "quantity_above_max") {
        expect(Date.now() - lowered, "lower limit not seen within 5 s").to.be.below(5_000);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  });

  it("readiness reports each dependency", async () => {
    const res = await env.app.inject({ method: "GET", url: "/readyz" });
    expect(res.statusCode).to.equal(200);
    const body = res.json<{ status: string; dependencies: Record<string, { ok: boolean }> }>();
    expect(body.status).to.equal("ready");
    expect(body.dependencies.referenceCache.ok).to.equal(true);
    expect(body.dependencies.referenceDatabase.ok).to.equal(true);
  });
});
