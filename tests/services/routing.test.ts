/**
 * Which document client serves which call. There is no DAX emulator, so DAX itself is not exercised;
 * these tests pin the routing decision with recording doubles: strongly consistent reads must reach
 * DynamoDB, eventually consistent reads and writes the cache client, and nothing may call `send`
 * (DaxDocument does not support it; the doubles have no `send`, so a call would throw).
 */
import { expect } from "chai";
import type { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";
import { DaxDocument } from "@amazon-dax-sdk/lib-dax";
import { createTableClients, type TableClients } from "../../services/trading-api/src/clients";
import { OrderStore } from "../../services/trading-api/src/store";
import { clientOrderKey, orderKey } from "../../services/table/keys";
import { OPEN_ORDER_SHARDS, OPEN_ORDERS_INDEX } from "../../services/table/schema";

interface Call {
  client: "dynamo" | "cache";
  method: string;
  consistent?: boolean;
  index?: string;
}

type Responder = (method: string, input: Record<string, unknown>) => unknown;

function recordingDouble(name: Call["client"], calls: Call[], respond: Responder): DynamoDBDocument {
  const methods = ["get", "put", "update", "delete", "query", "scan", "transactWrite", "transactGet", "batchGet", "batchWrite"];
  const double: Record<string, unknown> = {};
  for (const method of methods) {
    double[method] = async (input: Record<string, unknown>) => {
      calls.push({
        client: name,
        method,
        ...(typeof input.ConsistentRead === "boolean" ? { consistent: input.ConsistentRead } : {}),
        ...(typeof input.IndexName === "string" ? { index: input.IndexName } : {}),
      });
      return respond(method, input);
    };
  }
  return double as unknown as DynamoDBDocument;
}

const ORDER = {
  ...orderKey("a1", "01ARZ3NDEKTSV4RRFFQ69G5FAV"),
  entity: "ORDER",
  account: "a1",
  orderId: "01ARZ3NDEKTSV4RRFFQ69G5FAV",
  clientOrderId: "c1",
  symbol: "ACME",
  side: "buy",
  quantity: 10,
  limitPrice: 100,
  timeInForce: "GTC",
  status: "open",
  filledQuantity: 0,
  version: 1,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
};

function setup(respond: Responder = () => ({})): { calls: Call[]; store: OrderStore; clients: TableClients } {
  const calls: Call[] = [];
  const clients: TableClients = {
    dynamo: recordingDouble("dynamo", calls, respond),
    cache: recordingDouble("cache", calls, respond),
    close: () => undefined,
  };
  return { calls, clients, store: new OrderStore({ clients, tableName: "t", idempotencyTtlSeconds: 3600 }) };
}

describe("trading-api client routing (DAX vs DynamoDB)", () => {
  it("places an order with a write through the cache client", async () => {
    const { calls, store } = setup();
    await store.createOrder({ account: "a1", clientOrderId: "c1", symbol: "ACME", side: "buy", quantity: 1, limitPrice: 1, timeInForce: "GTC" });
    expect(calls).to.deep.equal([{ client: "cache", method: "transactWrite" }]);
  });

  it("resolves an idempotent retry with strongly consistent reads from DynamoDB", async () => {
    const claim = { ...clientOrderKey("a1", "c1"), orderId: ORDER.orderId, requestHash: "other", expiresAt: 2 ** 40 };
    const { calls, store } = setup((method, input) => {
      if (method === "transactWrite") {
        throw Object.assign(new Error("cancelled"), { name: "TransactionCanceledException", CancellationReasons: [{ Code: "ConditionalCheckFailed" }, { Code: "None" }] });
      }
      const key = input.Key as { sk: string };
      return { Item: key.sk.startsWith("CLORD#") ? claim : ORDER };
    });
    const result = await store.createOrder({ account: "a1", clientOrderId: "c1", symbol: "ACME", side: "buy", quantity: 1, limitPrice: 1, timeInForce: "GTC" });
    expect(result.kind).to.equal("client_order_id_reused");
    expect(calls).to.deep.equal([
      { client: "cache", method: "transactWrite" },
      { client: "dynamo", method: "get", consistent: true },
      { client: "dynamo", method: "get", consistent: true },
    ]);
  });

  it("serves a plain order read eventually consistently from the cache client", async () => {
    const { calls, store } = setup(() => ({ Item: ORDER }));
    await store.getOrder("a1", ORDER.orderId);
    expect(calls).to.deep.equal([{ client: "cache", method: "get", consistent: false }]);
  });

  it("lists an account's orders strongly consistently from DynamoDB (DAX's query cache is not write-through)", async () => {
    const { calls, store } = setup(() => ({ Items: [ORDER] }));
    await store.listOrders("a1", { limit: 5 });
    expect(calls).to.deep.equal([{ client: "dynamo", method: "query", consistent: true }]);
  });

  it("bounds the reads of one filtered list page, and hands back a cursor when the budget runs out", async () => {
    const limits: number[] = [];
    const { calls, store } = setup((_method, input) => {
      limits.push(Number(input.Limit));
      // A partition with no end and no match: only the budget can stop the page.
      return { Items: [], LastEvaluatedKey: { pk: "ACCOUNT#a1", sk: `ORDER#${limits.length}` } };
    });
    const page = await store.listOrders("a1", { status: "filled", limit: 5 });
    expect(page.orders).to.deep.equal([]);
    expect(page.nextKey).to.not.equal(undefined);
    expect(calls.length).to.be.at.most(10);
    expect(limits.reduce((a, b) => a + b, 0)).to.be.at.most(2000);
  });

  it("cancels with a write through the cache client and reads the 409 state from DynamoDB", async () => {
    const { calls, store } = setup((method) => {
      if (method === "update") throw Object.assign(new Error("failed"), { name: "ConditionalCheckFailedException" });
      return { Item: { ...ORDER, status: "filled" } };
    });
    const result = await store.cancelOrder("a1", ORDER.orderId);
    expect(result.kind).to.equal("not_open");
    expect(calls).to.deep.equal([
      { client: "cache", method: "update" },
      { client: "dynamo", method: "get", consistent: true },
    ]);
  });

  it("decides a fill on a strongly consistent read and writes it through the cache client", async () => {
    const { calls, store } = setup(() => ({ Item: ORDER }));
    const result = await store.applyFill("a1", ORDER.orderId, { fillId: "f1", quantity: 4, price: 100 });
    expect(result.kind).to.equal("applied");
    expect(calls).to.deep.equal([
      { client: "dynamo", method: "get", consistent: true },
      { client: "cache", method: "transactWrite" },
    ]);
  });

  it("reads positions and the open-orders GSI (eventually consistent by nature) from the cache client", async () => {
    const { calls, store } = setup(() => ({ Items: [] }));
    await store.listPositions("a1");
    await store.openOrdersBySymbol("ACME", { limit: 10 });
    expect(calls[0]).to.deep.equal({ client: "cache", method: "query" });
    expect(calls.slice(1)).to.have.length(OPEN_ORDER_SHARDS);
    for (const call of calls.slice(1)) expect(call).to.deep.equal({ client: "cache", method: "query", index: OPEN_ORDERS_INDEX });
  });

  it("probes readiness through both clients", async () => {
    const { calls, store } = setup(() => ({}));
    await store.ping(1000);
    expect(calls.map((c) => c.client)).to.have.members(["dynamo", "cache"]);
  });

  it("recognises DAX's error shape (code / cancellationReasons) as well as the SDK's", async () => {
    const { store } = setup((method) => {
      if (method === "update") throw Object.assign(new Error("x"), { code: "ConditionalCheckFailedException" });
      return { Item: undefined };
    });
    expect((await store.cancelOrder("a1", ORDER.orderId)).kind).to.equal("not_found");
  });
});

describe("createTableClients", () => {
  it("uses one DynamoDB document client for both roles when DAX_ENDPOINT is unset", () => {
    const clients = createTableClients({ region: "us-east-1", maxAttempts: 1, timeoutMs: 100, dynamoDbEndpoint: "http://127.0.0.1:1" });
    expect(clients.cache).to.equal(clients.dynamo);
    expect(clients.dynamo).to.not.be.instanceOf(DaxDocument);
    clients.close();
  });

  it("puts a DaxDocument in the cache role when DAX_ENDPOINT is set, and DynamoDB stays direct", async () => {
    // Constructing DaxDocument starts cluster discovery against the configured endpoint. The loopback
    // discard port refuses at once; the DAX client reports that with console.error, which is captured
    // here and shows the endpoint was used. Nothing here talks to a real DAX cluster.
    const captured: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void captured.push(args.map(String).join(" "));
    try {
      const clients = createTableClients({ region: "us-east-1", maxAttempts: 1, timeoutMs: 100, daxEndpoint: "dax://127.0.0.1:9" });
      try {
        expect(clients.cache).to.be.instanceOf(DaxDocument);
        expect(clients.dynamo).to.not.be.instanceOf(DaxDocument);
        expect(clients.cache).to.not.equal(clients.dynamo);
      } finally {
        clients.close();
      }
      for (let i = 0; i < 100 && captured.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(captured.join("\n")).to.include("127.0.0.1");
    } finally {
      console.error = original;
    }
  });
});
