/**
 * The trading API against a real DynamoDB (DynamoDB Local), through the HTTP layer.
 */
import { expect } from "chai";
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import type { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";
import { sharedDynamoLocal, type DynamoLocal } from "../support/dynamoLocal";
import { OPEN_ORDERS_INDEX, OPEN_ORDER_SHARDS } from "../../services/table/schema";
import { accountPk, clientOrderKey, fillKey, openOrdersPartition, orderKey } from "../../services/table/keys";
import { CursorCodec } from "../../services/trading-api/src/cursor";
import { CURSOR_SECRET, localClients, orderBody, placeOrder, testApp, unique, type OrderView } from "./fixtures";

async function allItems(doc: DynamoDBDocument, table: string, account: string): Promise<Record<string, unknown>[]> {
  const result = await doc.query({
    TableName: table,
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": accountPk(account) },
    ConsistentRead: true,
  });
  return result.Items ?? [];
}

/** Everything in the open-orders GSI for a symbol, over all shards. */
async function indexed(doc: DynamoDBDocument, table: string, symbol: string): Promise<Record<string, unknown>[]> {
  const pages = await Promise.all(
    Array.from({ length: OPEN_ORDER_SHARDS }, (_, shard) =>
      doc.query({
        TableName: table,
        IndexName: OPEN_ORDERS_INDEX,
        KeyConditionExpression: "openPk = :p",
        ExpressionAttributeValues: { ":p": openOrdersPartition(symbol, shard) },
      }),
    ),
  );
  return pages.flatMap((p) => p.Items ?? []);
}

function uniqueSymbol(): string {
  return `S${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
}

describe("trading-api against DynamoDB Local", function () {
  this.timeout(60_000);
  let ddb: DynamoLocal;
  let table: string;
  let app: FastifyInstance;

  before(async function () {
    this.timeout(90_000);
    ddb = await sharedDynamoLocal();
    table = await ddb.createTable();
    app = testApp(ddb.doc, table);
  });

  after(async () => {
    await app.close();
  });

  describe("placing and reading orders", () => {
    for (const [written, value] of [["1e2", 100], ["100.0", 100], ["2.50e1", 25]] as const) {
      it(`accepts a whole quantity however it is written (${written} is exactly ${value})`, async () => {
        const body = orderBody();
        const payload = JSON.stringify({ ...body, quantity: 0 }).replace('"quantity":0', `"quantity":${written}`);
        const res = await app.inject({ method: "POST", url: "/v1/orders", payload, headers: { "content-type": "application/json" } });
        expect(res.statusCode, res.body).to.equal(201);
        expect(res.json()).to.include({ quantity: value });
      });
    }

    it("places nothing for a quantity that is a fraction only past the 16th digit", async () => {
      const body = orderBody();
      const payload = JSON.stringify({ ...body, quantity: 0 }).replace('"quantity":0', '"quantity":1.0000000000000001');
      const res = await app.inject({ method: "POST", url: "/v1/orders", payload, headers: { "content-type": "application/json" } });
      expect(res.statusCode).to.equal(400);
      expect(await allItems(ddb.doc, table, body.account)).to.deep.equal([]);
    });

    it("creates an order (201, Location) that reads back by id", async () => {
      const body = orderBody();
      const res = await app.inject({ method: "POST", url: "/v1/orders", payload: body });
      expect(res.statusCode).to.equal(201);
      const order = res.json<OrderView>();
      expect(order).to.deep.include({ ...body, status: "open", filledQuantity: 0, remainingQuantity: body.quantity, version: 1 });
      expect(res.headers.location).to.equal(`/v1/accounts/${body.account}/orders/${order.orderId}`);
      const read = await app.inject({ method: "GET", url: res.headers.location as string });
      expect(read.statusCode).to.equal(200);
      expect(read.json()).to.deep.equal(order);
    });

    it("answers 404 for an unknown order and for another account's order", async () => {
      const order = await placeOrder(app, orderBody());
      const other = await app.inject({ method: "GET", url: `/v1/accounts/someone-else/orders/${order.orderId}` });
      expect(other.statusCode).to.equal(404);
      expect(other.json()).to.include({ error: "order_not_found" });
      const missing = await app.inject({ method: "GET", url: `/v1/accounts/${order.account}/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV` });
      expect(missing.statusCode).to.equal(404);
    });

    it("returns the original order (200) when the same request is retried", async () => {
      const body = orderBody();
      const first = await app.inject({ method: "POST", url: "/v1/orders", payload: body });
      const retry = await app.inject({ method: "POST", url: "/v1/orders", payload: body });
      expect([first.statusCode, retry.statusCode]).to.deep.equal([201, 200]);
      expect(retry.json()).to.deep.equal(first.json());
    });

    it("refuses (409) a reused clientOrderId with different parameters and keeps the original", async () => {
      const body = orderBody();
      const first = await placeOrder(app, body);
      const changed = await app.inject({ method: "POST", url: "/v1/orders", payload: { ...body, quantity: body.quantity + 1 } });
      expect(changed.statusCode).to.equal(409);
      expect(changed.json()).to.deep.include({ error: "client_order_id_reused" });
      expect(changed.json().order).to.deep.equal(first);
      const items = await allItems(ddb.doc, table, body.account);
      expect(items.filter((i) => i.entity === "ORDER")).to.have.length(1);
    });

    it("creates exactly one order from 25 concurrent identical POSTs", async () => {
      const body = orderBody();
      const responses = await Promise.all(
        Array.from({ length: 25 }, () => app.inject({ method: "POST", url: "/v1/orders", payload: body })),
      );
      const statuses = responses.map((r) => r.statusCode);
      expect(statuses.filter((s) => s === 201), String(statuses)).to.have.length(1);
      expect(statuses.filter((s) => s === 200), String(statuses)).to.have.length(24);
      const ids = new Set(responses.map((r) => r.json<OrderView>().orderId));
      expect(ids.size).to.equal(1);
      const items = await allItems(ddb.doc, table, body.account);
      expect(items.filter((i) => i.entity === "ORDER").map((i) => i.orderId)).to.deep.equal([...ids]);
      expect(items.filter((i) => i.entity === "CLIENT_ORDER")).to.have.length(1);
    });

    it("binds a clientOrderId only for the idempotency window (an expired claim is treated as absent)", async () => {
      const body = orderBody();
      const start = Date.parse("2026-03-01T00:00:00Z");
      const early = testApp(ddb.doc, table, { idempotencyTtlSeconds: 3600, now: () => new Date(start) });
      const late = testApp(ddb.doc, table, { idempotencyTtlSeconds: 3600, now: () => new Date(start + 3601_000) });
      const first = await early.inject({ method: "POST", url: "/v1/orders", payload: body });
      const within = await early.inject({ method: "POST", url: "/v1/orders", payload: body });
      const after = await late.inject({ method: "POST", url: "/v1/orders", payload: body });
      expect([first.statusCode, within.statusCode, after.statusCode]).to.deep.equal([201, 200, 201]);
      expect(after.json().orderId).to.not.equal(first.json().orderId);
      const claim = await ddb.doc.get({ TableName: table, Key: clientOrderKey(body.account, body.clientOrderId), ConsistentRead: true });
      expect(claim.Item?.orderId).to.equal(after.json().orderId);
      expect(claim.Item?.expiresAt).to.equal(Math.floor(start / 1000) + 3601 + 3600);
    });
  });

  describe("listing an account's orders", () => {
    const account = unique("lister");
    const placed: OrderView[] = [];

    before(async function () {
      this.timeout(60_000);
      for (let i = 0; i < 57; i++) placed.push(await placeOrder(app, orderBody({ account, quantity: i + 1 })));
      // Cancel every third so the status filter has something to skip.
      for (let i = 0; i < placed.length; i += 3) {
        const res = await app.inject({ method: "POST", url: `/v1/accounts/${account}/orders/${placed[i].orderId}/cancel` });
        expect(res.statusCode).to.equal(200);
      }
    });

    async function pages(query: string): Promise<{ ids: string[]; pageSizes: number[] }> {
      const ids: string[] = [];
      const pageSizes: number[] = [];
      let cursor: string | null = null;
      for (let guard = 0; guard < 100; guard++) {
        const url: string = `/v1/accounts/${account}/orders?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
        const res = await app.inject({ method: "GET", url });
        expect(res.statusCode, res.body).to.equal(200);
        const body = res.json<{ orders: OrderView[]; nextCursor: string | null }>();
        ids.push(...body.orders.map((o) => o.orderId));
        pageSizes.push(body.orders.length);
        cursor = body.nextCursor;
        if (!cursor) return { ids, pageSizes };
      }
      throw new Error("pagination did not terminate");
    }

    it("returns every order exactly once, newest first, across pages", async () => {
      const { ids, pageSizes } = await pages("limit=10");
      expect(ids).to.have.length(57);
      expect(new Set(ids).size).to.equal(57);
      expect(ids).to.deep.equal(placed.map((o) => o.orderId).reverse());
      expect(pageSizes.slice(0, 5)).to.deep.equal([10, 10, 10, 10, 10]);
    });

    it("filters by status with no gaps or duplicates across pages", async () => {
      const open = placed.filter((_, i) => i % 3 !== 0).map((o) => o.orderId).reverse();
      const cancelled = placed.filter((_, i) => i % 3 === 0).map((o) => o.orderId).reverse();
      expect((await pages("status=open&limit=7")).ids).to.deep.equal(open);
      expect((await pages("status=cancelled&limit=4")).ids).to.deep.equal(cancelled);
      expect((await pages("status=filled&limit=5")).ids).to.deep.equal([]);
    });

    it("reads on past filtered-out orders and says nothing is left (nextCursor null), even with a small limit", async () => {
      const quiet = unique("unfilled");
      for (let batch = 0; batch < 6; batch++) {
        await Promise.all(Array.from({ length: 20 }, () => placeOrder(app, orderBody({ account: quiet }))));
      }
      for (const limit of [1, 5, 25]) {
        const res = await app.inject({ method: "GET", url: `/v1/accounts/${quiet}/orders?status=filled&limit=${limit}` });
        expect(res.statusCode).to.equal(200);
        expect(res.json(), `limit=${limit}: one empty page with no cursor, not several empty pages`).to.deep.equal({ orders: [], nextCursor: null });
      }
      const open = await app.inject({ method: "GET", url: `/v1/accounts/${quiet}/orders?status=open&limit=100` });
      expect(open.json<{ orders: unknown[] }>().orders).to.have.length(100);
    });

    it("rejects a tampered cursor with 400 naming the cursor", async () => {
      const first = await app.inject({ method: "GET", url: `/v1/accounts/${account}/orders?limit=5` });
      const cursor = first.json<{ nextCursor: string }>().nextCursor;
      const [payload, mac] = cursor.split(".");
      const state = JSON.parse(Buffer.from(payload, "base64url").toString());
      state.s.sk = "ORDER#0";
      const edited = `${Buffer.from(JSON.stringify(state)).toString("base64url")}.${mac}`;
      const res = await app.inject({ method: "GET", url: `/v1/accounts/${account}/orders?limit=5&cursor=${encodeURIComponent(edited)}` });
      expect(res.statusCode).to.equal(400);
      expect(res.json().fields).to.deep.equal([
        { in: "query", field: "cursor", message: "is not a cursor this service issued (signature mismatch)" },
      ]);
    });

    it("rejects a genuine cursor replayed on another account or filter", async () => {
      const first = await app.inject({ method: "GET", url: `/v1/accounts/${account}/orders?limit=5` });
      const cursor = encodeURIComponent(first.json<{ nextCursor: string }>().nextCursor);
      const otherAccount = await app.inject({ method: "GET", url: `/v1/accounts/other/orders?limit=5&cursor=${cursor}` });
      const otherFilter = await app.inject({ method: "GET", url: `/v1/accounts/${account}/orders?status=open&limit=5&cursor=${cursor}` });
      for (const res of [otherAccount, otherFilter]) {
        expect(res.statusCode).to.equal(400);
        expect(res.json().fields[0]).to.deep.equal({ in: "query", field: "cursor", message: "belongs to a different query" });
      }
    });

    it("rejects a correctly signed cursor whose state points outside the account", async () => {
      const forged = new CursorCodec([CURSOR_SECRET]).seal("orders", `${account}|*`, { pk: accountPk("victim"), sk: "ORDER#Z" });
      const res = await app.inject({ method: "GET", url: `/v1/accounts/${account}/orders?cursor=${encodeURIComponent(forged)}` });
      expect(res.statusCode).to.equal(400);
    });
  });

  describe("cancelling", () => {
    it("cancels an open order and removes it from the open-orders index", async () => {
      const symbol = uniqueSymbol();
      const order = await placeOrder(app, orderBody({ symbol }));
      expect((await indexed(ddb.doc, table, symbol)).map((i) => i.orderId)).to.deep.equal([order.orderId]);
      const res = await app.inject({ method: "POST", url: `/v1/accounts/${order.account}/orders/${order.orderId}/cancel` });
      expect(res.statusCode).to.equal(200);
      expect(res.json()).to.deep.include({ orderId: order.orderId, status: "cancelled", version: 2 });
      expect(await indexed(ddb.doc, table, symbol)).to.deep.equal([]);
    });

    it("answers 409 with the current state when the order is not open", async () => {
      const order = await placeOrder(app, orderBody());
      const url = `/v1/accounts/${order.account}/orders/${order.orderId}/cancel`;
      await app.inject({ method: "POST", url });
      const again = await app.inject({ method: "POST", url, payload: {} });
      expect(again.statusCode).to.equal(409);
      expect(again.json()).to.deep.include({ error: "order_not_open" });
      expect(again.json().order).to.deep.include({ orderId: order.orderId, status: "cancelled", version: 2 });
    });

    it("answers 404 for an unknown order and creates nothing", async () => {
      const account = unique("ghost");
      const res = await app.inject({ method: "POST", url: `/v1/accounts/${account}/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV/cancel` });
      expect(res.statusCode).to.equal(404);
      expect(await allItems(ddb.doc, table, account)).to.deep.equal([]);
    });
  });

  describe("fills", () => {
    const fillUrl = (o: OrderView) => `/v1/accounts/${o.account}/orders/${o.orderId}/fills`;

    it("applies partial fills, then fills the order and drops it from the index", async () => {
      const symbol = uniqueSymbol();
      const order = await placeOrder(app, orderBody({ symbol, quantity: 100, limitPrice: 500 }));
      const first = await app.inject({ method: "POST", url: fillUrl(order), payload: { fillId: "f1", quantity: 40, price: 499 } });
      expect(first.statusCode).to.equal(201);
      expect(first.json().order).to.deep.include({ filledQuantity: 40, remainingQuantity: 60, status: "open", version: 2 });
      expect(first.json().fill).to.deep.include({ fillId: "f1", quantity: 40, price: 499, symbol, side: "buy" });
      expect(await indexed(ddb.doc, table, symbol)).to.have.length(1);

      const second = await app.inject({ method: "POST", url: fillUrl(order), payload: { fillId: "f2", quantity: 60, price: 500 } });
      expect(second.statusCode).to.equal(201);
      expect(second.json().order).to.deep.include({ filledQuantity: 100, remainingQuantity: 0, status: "filled", version: 3 });
      expect(await indexed(ddb.doc, table, symbol)).to.deep.equal([]);
      const stored = await ddb.doc.get({ TableName: table, Key: orderKey(order.account, order.orderId), ConsistentRead: true });
      expect(stored.Item).to.not.have.any.keys("openPk", "openSk");
    });

    it("rejects an over-fill atomically: 409 and neither the order nor a fill item changes", async () => {
      const order = await placeOrder(app, orderBody({ quantity: 10 }));
      await app.inject({ method: "POST", url: fillUrl(order), payload: { fillId: "a", quantity: 7, price: order.limitPrice } });
      const before = await allItems(ddb.doc, table, order.account);
      const over = await app.inject({ method: "POST", url: fillUrl(order), payload: { fillId: "b", quantity: 4, price: order.limitPrice } });
      expect(over.statusCode).to.equal(409);
      expect(over.json()).to.deep.include({ error: "overfill" });
      expect(over.json().order).to.deep.include({ filledQuantity: 7, remainingQuantity: 3 });
      expect(await allItems(ddb.doc, table, order.account)).to.deep.equal(before);
    });

    it("rejects a fill of a cancelled order with 409 and writes no fill", async () => {
      const order = await placeOrder(app, orderBody());
      await app.inject({ method: "POST", url: `/v1/accounts/${order.account}/orders/${order.orderId}/cancel` });
      const res = await app.inject({ method: "POST", url: fillUrl(order), payload: { fillId: "x", quantity: 1, price: order.limitPrice } });
      expect(res.statusCode).to.equal(409);
      expect(res.json()).to.deep.include({ error: "order_not_open" });
      const fill = await ddb.doc.get({ TableName: table, Key: fillKey(order.account, order.orderId, "x"), ConsistentRead: true });
      expect(fill.Item).to.equal(undefined);
    });

    it("treats a retried fill id as the same fill (200), and a changed one as a conflict (409)", async () => {
      const order = await placeOrder(app, orderBody({ quantity: 10 }));
      const payload = { fillId: "dup", quantity: 10, price: order.limitPrice };
      const first = await app.inject({ method: "POST", url: fillUrl(order), payload });
      const retry = await app.inject({ method: "POST", url: fillUrl(order), payload });
      expect([first.statusCode, retry.statusCode]).to.deep.equal([201, 200]);
      expect(retry.json().fill).to.deep.equal(first.json().fill);
      expect(retry.json().order).to.deep.include({ filledQuantity: 10, status: "filled", version: 2 });
      const changed = await app.inject({ method: "POST", url: fillUrl(order), payload: { ...payload, quantity: 3 } });
      expect(changed.statusCode).to.equal(409);
      expect(changed.json()).to.deep.include({ error: "fill_id_reused" });
    });

    it("rejects a fill worse than the limit price", async () => {
      const buy = await placeOrder(app, orderBody({ side: "buy", limitPrice: 1000 }));
      const sell = await placeOrder(app, orderBody({ side: "sell", limitPrice: 1000 }));
      const buyHigh = await app.inject({ method: "POST", url: fillUrl(buy), payload: { fillId: "p", quantity: 1, price: 1001 } });
      const sellLow = await app.inject({ method: "POST", url: fillUrl(sell), payload: { fillId: "p", quantity: 1, price: 999 } });
      expect([buyHigh.statusCode, sellLow.statusCode]).to.deep.equal([409, 409]);
      expect(buyHigh.json().error).to.equal("price_outside_limit");
    });

    it("answers 404 for a fill of an unknown order", async () => {
      const res = await app.inject({
        method: "POST",
        url: `/v1/accounts/${unique("a")}/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV/fills`,
        payload: { fillId: "z", quantity: 1, price: 1 },
      });
      expect(res.statusCode).to.equal(404);
    });

    it("never over-fills under concurrent fills: 10 fills of 10 against 50 leave exactly 5 applied", async () => {
      const order = await placeOrder(app, orderBody({ quantity: 50 }));
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          app.inject({ method: "POST", url: fillUrl(order), payload: { fillId: `c${i}`, quantity: 10, price: order.limitPrice } }),
        ),
      );
      const statuses = responses.map((r) => r.statusCode).sort();
      expect(statuses, responses.map((r) => r.body).join("\n")).to.deep.equal([201, 201, 201, 201, 201, 409, 409, 409, 409, 409]);
      const items = await allItems(ddb.doc, table, order.account);
      const fills = items.filter((i) => i.entity === "FILL");
      const stored = items.find((i) => i.entity === "ORDER");
      expect(fills).to.have.length(5);
      expect(stored).to.deep.include({ filledQuantity: 50, status: "filled", version: 6 });
    });
  });

  describe("concurrent cancel and fill of one order", () => {
    it("leaves every order in one consistent state, whichever wins", async () => {
      const symbol = uniqueSymbol();
      const outcomes: string[] = [];
      for (let round = 0; round < 12; round++) {
        // Even rounds fill completely, odd rounds partially: a partial fill and a cancel may both succeed.
        const quantity = 10;
        const fillQuantity = round % 2 === 0 ? 10 : 4;
        const order = await placeOrder(app, orderBody({ symbol, quantity }));
        const [cancel, fill] = await Promise.all([
          app.inject({ method: "POST", url: `/v1/accounts/${order.account}/orders/${order.orderId}/cancel` }),
          app.inject({
            method: "POST",
            url: `/v1/accounts/${order.account}/orders/${order.orderId}/fills`,
            payload: { fillId: "race", quantity: fillQuantity, price: order.limitPrice },
          }),
        ]);
        const items = await allItems(ddb.doc, table, order.account);
        const stored = items.find((i) => i.entity === "ORDER") as Record<string, unknown>;
        const fills = items.filter((i) => i.entity === "FILL");
        const filled = fills.reduce((sum, f) => sum + Number(f.quantity), 0);

        expect([200, 409]).to.include(cancel.statusCode);
        expect([201, 409]).to.include(fill.statusCode);
        expect(stored.filledQuantity, "filledQuantity equals the sum of fill items").to.equal(filled);
        expect(fills.length, "a fill item exists exactly when the fill was accepted").to.equal(fill.statusCode === 201 ? 1 : 0);
        expect(stored.openPk, "no closed order stays in the open-orders index").to.equal(undefined);
        if (cancel.statusCode === 200) {
          expect(stored.status).to.equal("cancelled");
        } else {
          // The cancel lost only because the fill completed the order first.
          expect(fill.statusCode).to.equal(201);
          expect(fillQuantity).to.equal(quantity);
          expect(stored.status).to.equal("filled");
        }
        if (fill.statusCode === 409) expect(cancel.statusCode).to.equal(200);
        expect(stored.version).to.equal(1 + (cancel.statusCode === 200 ? 1 : 0) + (fill.statusCode === 201 ? 1 : 0));
        outcomes.push(`${cancel.statusCode}/${fill.statusCode}`);
      }
      expect(await indexed(ddb.doc, table, symbol)).to.deep.equal([]);
      expect(outcomes).to.have.length(12);
    });
  });

  describe("open orders by symbol (sparse, write-sharded GSI)", () => {
    const symbol = uniqueSymbol();
    const orders: OrderView[] = [];

    before(async function () {
      this.timeout(60_000);
      const prices = [105, 101, 103, 101, 99, 110, 101, 97, 103, 100, 102, 98, 104, 101, 96, 100, 107, 99, 101, 103];
      for (const [i, price] of prices.entries()) {
        orders.push(await placeOrder(app, orderBody({ symbol, side: i % 2 === 0 ? "buy" : "sell", limitPrice: price * 100 })));
      }
      orders.push(...(await Promise.all(prices.slice(0, 12).map((price, i) =>
        placeOrder(app, orderBody({ symbol, side: i % 3 === 0 ? "sell" : "buy", limitPrice: price * 100 + 1 }))))));
    });

    const bidOrder = (a: OrderView, b: OrderView) => b.limitPrice - a.limitPrice || (a.orderId < b.orderId ? -1 : 1);
    const askOrder = (a: OrderView, b: OrderView) => a.limitPrice - b.limitPrice || (a.orderId < b.orderId ? -1 : 1);

    async function walk(query: string): Promise<string[]> {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (let guard = 0; guard < 100; guard++) {
        const url: string = `/v1/symbols/${symbol}/open-orders?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
        const res = await app.inject({ method: "GET", url });
        expect(res.statusCode, res.body).to.equal(200);
        const body = res.json<{ orders: { orderId: string }[]; nextCursor: string | null }>();
        ids.push(...body.orders.map((o) => o.orderId));
        cursor = body.nextCursor;
        if (!cursor) return ids;
      }
      throw new Error("pagination did not terminate");
    }

    it("spreads one symbol's open orders over several GSI partitions", async () => {
      const shards = new Set((await indexed(ddb.doc, table, symbol)).map((i) => i.openPk));
      expect(shards.size).to.be.greaterThan(3);
    });

    it("merges all shards into price-time priority per side, page by page, without gaps or duplicates", async () => {
      const open = () => orders.filter((o) => o.status === "open");
      const bids = open().filter((o) => o.side === "buy").sort(bidOrder).map((o) => o.orderId);
      const asks = open().filter((o) => o.side === "sell").sort(askOrder).map((o) => o.orderId);
      expect(await walk("side=buy&limit=4")).to.deep.equal(bids);
      expect(await walk("side=sell&limit=3")).to.deep.equal(asks);
      expect(await walk("limit=5")).to.deep.equal([...bids, ...asks]);
      expect(await walk("limit=200")).to.deep.equal([...bids, ...asks]);
    });

    it("holds only open orders: cancels and complete fills leave, partial fills stay", async () => {
      const [cancelled, filled, partial] = [orders[0], orders[1], orders[2]];
      await app.inject({ method: "POST", url: `/v1/accounts/${cancelled.account}/orders/${cancelled.orderId}/cancel` });
      await app.inject({
        method: "POST",
        url: `/v1/accounts/${filled.account}/orders/${filled.orderId}/fills`,
        payload: { fillId: "all", quantity: filled.quantity, price: filled.limitPrice },
      });
      await app.inject({
        method: "POST",
        url: `/v1/accounts/${partial.account}/orders/${partial.orderId}/fills`,
        payload: { fillId: "some", quantity: 1, price: partial.limitPrice },
      });
      cancelled.status = "cancelled";
      filled.status = "filled";

      const inIndex = await indexed(ddb.doc, table, symbol);
      const expected = orders.filter((o) => o.status === "open").map((o) => o.orderId);
      expect(inIndex.map((i) => i.orderId)).to.have.members(expected);
      expect(inIndex.find((i) => i.orderId === partial.orderId)).to.deep.include({ filledQuantity: 1, status: "open" });
      const all = await walk("limit=200");
      expect(all).to.have.members(expected);
      expect(all).to.not.include.members([cancelled.orderId]);
      expect(all).to.not.include(filled.orderId);
    });

    it("rejects a tampered open-orders cursor", async () => {
      const res = await app.inject({ method: "GET", url: `/v1/symbols/${symbol}/open-orders?limit=2` });
      const cursor = res.json<{ nextCursor: string }>().nextCursor;
      // Change the payload's first character: it carries 6 significant bits (the MAC's last character
      // carries padding bits too, so editing it can leave the decoded bytes unchanged).
      const edited = cursor.replace(/^./, (c) => (c === "e" ? "f" : "e"));
      const bad = await app.inject({ method: "GET", url: `/v1/symbols/${symbol}/open-orders?limit=2&cursor=${encodeURIComponent(edited)}` });
      expect(bad.statusCode).to.equal(400);
      expect(bad.json().fields[0].field).to.equal("cursor");
      const otherSide = await app.inject({ method: "GET", url: `/v1/symbols/${symbol}/open-orders?side=buy&cursor=${encodeURIComponent(cursor)}` });
      expect(otherSide.statusCode).to.equal(400);
    });

    it("returns an empty book for a symbol with no open orders", async () => {
      const res = await app.inject({ method: "GET", url: `/v1/symbols/${uniqueSymbol()}/open-orders` });
      expect(res.statusCode).to.equal(200);
      expect(res.json()).to.deep.include({ orders: [], nextCursor: null });
    });
  });

  describe("health, readiness, errors and logs", () => {
    it("reports liveness and readiness when the table answers", async () => {
      expect((await app.inject({ method: "GET", url: "/healthz" })).json()).to.deep.equal({ status: "ok" });
      const ready = await app.inject({ method: "GET", url: "/readyz" });
      expect(ready.statusCode).to.equal(200);
      expect(ready.json()).to.deep.equal({ status: "ready" });
    });

    it("reports not ready when the table does not exist", async () => {
      const broken = testApp(ddb.doc, "no-such-table");
      const ready = await broken.inject({ method: "GET", url: "/readyz" });
      expect(ready.statusCode).to.equal(503);
      expect(ready.json()).to.deep.equal({ status: "unavailable", reason: "table unreachable" });
      expect((await broken.inject({ method: "GET", url: "/healthz" })).statusCode).to.equal(200);
    });

    for (const name of ["ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"]) {
      it(`maps ${name} to 503 with Retry-After`, async () => {
        const throttled = Object.assign(new Error("Rate exceeded"), { name, $metadata: {} });
        const doc = new Proxy(ddb.doc, {
          get: (target, prop, receiver) =>
            prop === "get" || prop === "transactWrite" ? async () => Promise.reject(throttled) : Reflect.get(target, prop, receiver),
        });
        const busy = testApp(doc, table, { retryAfterSeconds: 2 });
        const res = await busy.inject({ method: "POST", url: "/v1/orders", payload: orderBody() });
        expect(res.statusCode).to.equal(503);
        expect(res.headers["retry-after"]).to.equal("2");
        expect(res.json()).to.include({ error: "busy" });
        const read = await busy.inject({ method: "GET", url: `/v1/accounts/a/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV` });
        expect(read.statusCode).to.equal(503);
      });
    }

    it("answers an unexpected failure with 500 and no stack trace or internal message", async () => {
      const doc = new Proxy(ddb.doc, {
        get: (target, prop, receiver) =>
          prop === "get" ? async () => Promise.reject(new TypeError("secret internal detail at Object.<anonymous>")) : Reflect.get(target, prop, receiver),
      });
      const res = await testApp(doc, table).inject({ method: "GET", url: `/v1/accounts/a/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV` });
      expect(res.statusCode).to.equal(500);
      expect(res.json()).to.have.keys("error", "message", "requestId");
      expect(res.body).to.not.match(/secret internal detail|TypeError|at Object|\.ts:/);
    });

    it("answers unknown routes with a JSON 404", async () => {
      const res = await app.inject({ method: "GET", url: "/v1/nothing" });
      expect(res.statusCode).to.equal(404);
      expect(res.json()).to.include({ error: "not_found" });
    });

    it("writes one structured JSON log line per request, carrying the request id it echoes", async () => {
      const lines: string[] = [];
      const stream = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(...chunk.toString().split("\n").filter(Boolean));
          done();
        },
      });
      const logged = testApp(ddb.doc, table, { logger: { level: "info", stream } });
      const given = await logged.inject({ method: "GET", url: "/healthz", headers: { "x-request-id": "req-abc.123" } });
      const minted = await logged.inject({ method: "GET", url: "/healthz", headers: { "x-request-id": "bad id with spaces" } });
      expect(given.headers["x-request-id"]).to.equal("req-abc.123");
      expect(minted.headers["x-request-id"]).to.match(/^[0-9a-f-]{36}$/);
      const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      const completed = records.filter((r) => r.msg === "request completed");
      expect(completed).to.have.length(2);
      expect(completed[0]).to.deep.include({ requestId: "req-abc.123", method: "GET", route: "/healthz", statusCode: 200 });
      expect(completed[1].requestId).to.equal(minted.headers["x-request-id"]);
      expect(completed[0].durationMs).to.be.a("number");
    });
  });

  describe("positions", () => {
    it("lists the position items the stream processor maintains", async () => {
      const account = unique("pos");
      const client = localClients(ddb.doc);
      await client.dynamo.put({
        TableName: table,
        Item: {
          pk: accountPk(account),
          sk: "POS#ACME",
          entity: "POSITION",
          account,
          symbol: "ACME",
          netQuantity: "-5",
          boughtQuantity: "10",
          soldQuantity: "15",
          boughtNotional: "123456789012345678901",
          soldNotional: "1",
          fillCount: 3,
          version: 3,
          updatedAt: "2026-01-01T00:00:00.000Z",
        },
      });
      const res = await app.inject({ method: "GET", url: `/v1/accounts/${account}/positions` });
      expect(res.statusCode).to.equal(200);
      expect(res.json()).to.deep.equal({
        account,
        positions: [
          {
            symbol: "ACME",
            netQuantity: "-5",
            boughtQuantity: "10",
            soldQuantity: "15",
            boughtNotional: "123456789012345678901",
            soldNotional: "1",
            fillCount: 3,
            updatedAt: "2026-01-01T00:00:00.000Z",
          },
        ],
      });
      const none = await app.inject({ method: "GET", url: `/v1/accounts/${unique("nobody")}/positions` });
      expect(none.json().positions).to.deep.equal([]);
    });
  });
});
