/**
 * The benchmark's in-memory DynamoDBDocument (bench/memoryDocument.ts) against DynamoDB Local:
 * the same requests, the same outcomes. The full-order-path benchmark is only meaningful if the
 * double does the work DynamoDB does for the open-order counter (conditions, ADD/SET, all-or-nothing
 * transactions, cancellation reasons), so each case runs on both and the results are compared.
 */
import { expect } from "chai";
import type { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";
import { MemoryDocument } from "../../bench/memoryDocument";
import { OrderStore } from "../../services/trading-api/src/store";
import { counterKey } from "../../services/trading-api/src/risk/openOrderCounter";
import { sharedDynamoLocal } from "../support/dynamoLocal";
import { unique } from "../services/fixtures";

type Outcome = { ok: true } | { ok: false; name: string; codes?: string[]; items?: (Record<string, unknown> | undefined)[] };

async function outcome(work: () => Promise<unknown>): Promise<Outcome> {
  try {
    await work();
    return { ok: true };
  } catch (error) {
    const e = error as { name: string; CancellationReasons?: { Code: string; Item?: Record<string, unknown> }[] };
    return e.CancellationReasons
      ? { ok: false, name: e.name, codes: e.CancellationReasons.map((r) => r.Code), items: e.CancellationReasons.map((r) => r.Item) }
      : { ok: false, name: e.name };
  }
}

describe("bench MemoryDocument behaves as DynamoDB Local for the order store's writes", function () {
  this.timeout(60_000);
  let local: DynamoDBDocument;
  let table: string;
  const memory = new MemoryDocument();

  before(async function () {
    this.timeout(120_000);
    const ddb = await sharedDynamoLocal();
    local = ddb.doc;
    table = await ddb.createTable();
  });

  /** Runs `requests` (built for a fresh key) on both stores; returns both outcomes and final items. */
  async function both(requests: (pk: string) => { TransactItems: Record<string, unknown>[] }[]) {
    const pk = unique("MEMDOC");
    const results: { outcomes: Outcome[]; item: Record<string, unknown> | undefined }[] = [];
    for (const doc of [local, memory.asDocument()]) {
      const outcomes: Outcome[] = [];
      for (const request of requests(pk)) {
        outcomes.push(await outcome(() => doc.transactWrite({ ...request, TransactItems: request.TransactItems.map((i) => withTable(i, table)) } as never)));
      }
      const got = await doc.get({ TableName: table, Key: { pk, sk: "C" } });
      results.push({ outcomes, item: got.Item });
    }
    return { local: results[0], memory: results[1] };
  }

  function withTable(item: Record<string, unknown>, tableName: string): Record<string, unknown> {
    const [kind, body] = Object.entries(item)[0];
    return { [kind]: { TableName: tableName, ...(body as object) } };
  }

  const counterUpdate = (pk: string, limit: number) => ({
    Update: {
      Key: { pk, sk: "C" },
      UpdateExpression: "ADD #count :one SET #entity = :entity",
      ConditionExpression: "attribute_not_exists(#count) OR #count < :limit",
      ExpressionAttributeNames: { "#count": "openOrders", "#entity": "entity" },
      ExpressionAttributeValues: { ":one": 1, ":limit": limit, ":entity": "openOrderCount" },
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    },
  });

  it("counts up to a limit, then cancels the transaction with ConditionalCheckFailed and the old item", async () => {
    const r = await both((pk) => [0, 1, 2].map(() => ({ TransactItems: [counterUpdate(pk, 2)] })));
    expect(r.memory).to.deep.equal(r.local);
    expect(r.local.outcomes.map((o) => o.ok)).to.deep.equal([true, true, false]);
    expect(r.local.item).to.include({ openOrders: 2, entity: "openOrderCount" });
  });

  it("applies all of a transaction or nothing: a failed put condition leaves the counter untouched", async () => {
    const r = await both((pk) => [
      { TransactItems: [{ Put: { Item: { pk, sk: "O1", v: 1 } } }] },
      {
        TransactItems: [
          { Put: { Item: { pk, sk: "O1", v: 2 }, ConditionExpression: "attribute_not_exists(#pk)", ExpressionAttributeNames: { "#pk": "pk" } } },
          counterUpdate(pk, 5),
        ],
      },
      { TransactItems: [counterUpdate(pk, 5), { Update: { Key: { pk, sk: "O1" }, UpdateExpression: "SET #v = #v + :one", ExpressionAttributeNames: { "#v": "v" }, ExpressionAttributeValues: { ":one": 1 } } }] },
    ]);
    expect(r.memory).to.deep.equal(r.local);
    expect(r.local.outcomes[1]).to.deep.include({ ok: false, name: "TransactionCanceledException", codes: ["ConditionalCheckFailed", "None"] });
    expect(r.local.item).to.include({ openOrders: 1 });
  });

  it("decrements with ADD of -1 and compares numbers, not strings", async () => {
    const r = await both((pk) => [
      ...[0, 1, 2].map(() => ({ TransactItems: [counterUpdate(pk, 10)] })),
      { TransactItems: [{ Update: { Key: { pk, sk: "C" }, UpdateExpression: "ADD #count :minusOne", ExpressionAttributeNames: { "#count": "openOrders" }, ExpressionAttributeValues: { ":minusOne": -1 } } }] },
      { TransactItems: [counterUpdate(pk, 2)] },
      { TransactItems: [counterUpdate(pk, 2)] },
    ]);
    expect(r.memory).to.deep.equal(r.local);
    expect(r.local.outcomes.map((o) => o.ok)).to.deep.equal([true, true, true, true, false, false]);
    expect(r.local.item).to.include({ openOrders: 2 });
  });

  it("refuses what DynamoDB refuses: unused or undefined placeholders, two actions on one item, arithmetic on a missing attribute, updating a key", async () => {
    const r = await both((pk) => [
      { TransactItems: [{ Update: { Key: { pk, sk: "C" }, UpdateExpression: "ADD #count :one", ExpressionAttributeNames: { "#count": "openOrders", "#unused": "x" }, ExpressionAttributeValues: { ":one": 1 } } }] },
      { TransactItems: [{ Update: { Key: { pk, sk: "C" }, UpdateExpression: "ADD #count :one", ExpressionAttributeNames: { "#count": "openOrders" }, ExpressionAttributeValues: { ":two": 2 } } }] },
      { TransactItems: [counterUpdate(pk, 5), counterUpdate(pk, 5)] },
      { TransactItems: [{ Update: { Key: { pk, sk: "C" }, UpdateExpression: "SET #a = #missing + :one", ExpressionAttributeNames: { "#a": "a", "#missing": "missing" }, ExpressionAttributeValues: { ":one": 1 } } }] },
      { TransactItems: [{ Update: { Key: { pk, sk: "C" }, UpdateExpression: "SET #sk = :v", ExpressionAttributeNames: { "#sk": "sk" }, ExpressionAttributeValues: { ":v": "D" } } }] },
    ]);
    expect(r.memory.outcomes.map((o) => (o.ok ? "ok" : o.name))).to.deep.equal(r.local.outcomes.map((o) => (o.ok ? "ok" : o.name)));
    expect(r.local.outcomes.every((o) => !o.ok)).to.equal(true);
    expect(r.memory.item).to.deep.equal(r.local.item);
  });

  it("runs the order store's counted placements and cancels to the same results and count", async () => {
    const account = unique("acct");
    const runs = [];
    for (const doc of [local, memory.asDocument()]) {
      const store = new OrderStore({ clients: { dynamo: doc, cache: doc, close: () => undefined }, tableName: table, idempotencyTtlSeconds: 3600, openOrderCounting: true });
      const place = (id: string) => store.createOrder({ account, clientOrderId: id, symbol: "ACME", side: "buy", quantity: 10, limitPrice: 100, timeInForce: "GTC" }, { openOrderLimit: 2 });
      const kinds: string[] = [];
      const first = await place("a");
      kinds.push(first.kind, (await place("b")).kind, (await place("c")).kind, (await place("a")).kind);
      if (first.kind !== "created") throw new Error("first order not created");
      kinds.push((await store.cancelOrder(account, first.order.orderId)).kind, (await place("c")).kind);
      const counter = await doc.get({ TableName: table, Key: counterKey(account) });
      runs.push({ kinds, count: counter.Item?.openOrders });
    }
    expect(runs[0]).to.deep.equal({ kinds: ["created", "created", "open_order_limit", "existing", "cancelled", "created"], count: 2 });
    expect(runs[1]).to.deep.equal(runs[0]);
  });
});
