/**
 * The stream processor fed with real stream records: orders and fills are written through the
 * trading API into DynamoDB Local, the table's stream is read back with the DynamoDB Streams API,
 * and the records are handed to the Lambda handler exactly as Lambda would.
 */
import { expect } from "chai";
import type { FastifyInstance } from "fastify";
import type { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { sharedDynamoLocal, type DynamoLocal } from "../support/dynamoLocal";
import { createHandler, type ProcessorLog } from "../../services/stream-processor/src/handler";
import { FILL_INSERT_PATTERN, STREAM_FILTER_CRITERIA, isFillInsert } from "../../services/stream-processor/src/filter";
import { applyFillToPosition } from "../../services/stream-processor/src/positions";
import { MAX_PRICE_MINOR, MAX_QUANTITY } from "../../services/table/keys";
import { orderBody, placeOrder, testApp, unique, type OrderView } from "./fixtures";

interface Captured {
  info: Record<string, unknown>[];
  error: Record<string, unknown>[];
}

function capturingLog(): ProcessorLog & { captured: Captured } {
  const captured: Captured = { info: [], error: [] };
  return {
    captured,
    info: (fields) => void captured.info.push(fields),
    error: (fields) => void captured.error.push(fields),
  };
}

/**
 * Lambda's event-filter semantics for the subset the pattern uses: an array lists accepted values,
 * an object descends into the record. Used to check the pattern the infrastructure deploys.
 */
function matchesPattern(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.includes(value);
  if (typeof pattern !== "object" || pattern === null) return false;
  if (typeof value !== "object" || value === null) return false;
  return Object.entries(pattern).every(([key, sub]) => matchesPattern(sub, (value as Record<string, unknown>)[key]));
}

const event = (records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

describe("stream processor on real DynamoDB Local stream records", function () {
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
  after(() => app.close());

  async function fill(order: OrderView, fillId: string, quantity: number, price: number): Promise<void> {
    const res = await app.inject({
      method: "POST",
      url: `/v1/accounts/${order.account}/orders/${order.orderId}/fills`,
      payload: { fillId, quantity, price },
    });
    expect(res.statusCode, res.body).to.equal(201);
  }

  async function positions(account: string): Promise<Record<string, Record<string, unknown>>> {
    const res = await app.inject({ method: "GET", url: `/v1/accounts/${account}/positions` });
    expect(res.statusCode).to.equal(200);
    const list = res.json<{ positions: Record<string, unknown>[] }>().positions;
    return Object.fromEntries(list.map((p) => [String(p.symbol), p]));
  }

  async function fillRecordsFor(accounts: string[]): Promise<DynamoDBRecord[]> {
    const records = await ddb.readStreamRecords(table);
    return records.filter((r) => isFillInsert(r) && accounts.includes(String(r.dynamodb?.NewImage?.account?.S)));
  }

  describe("positions from one batch, and replays", () => {
    const a = unique("A");
    const b = unique("B");
    let handler: ReturnType<typeof createHandler>;
    let log: ReturnType<typeof capturingLog>;
    let batch: DynamoDBRecord[];

    before(async function () {
      this.timeout(60_000);
      const buy = await placeOrder(app, orderBody({ account: a, symbol: "ACME", side: "buy", quantity: 100, limitPrice: 10_000 }));
      await fill(buy, "f1", 40, 9_990);
      await fill(buy, "f2", 60, 10_000);
      const sell = await placeOrder(app, orderBody({ account: a, symbol: "ACME", side: "sell", quantity: 30, limitPrice: 10_100 }));
      await fill(sell, "f3", 30, 10_150);
      for (const id of ["big1", "big2"]) {
        const big = await placeOrder(app, orderBody({ account: a, symbol: "XYZ", side: "buy", quantity: MAX_QUANTITY, limitPrice: MAX_PRICE_MINOR }));
        await fill(big, id, MAX_QUANTITY, MAX_PRICE_MINOR);
      }
      const short = await placeOrder(app, orderBody({ account: b, symbol: "ACME", side: "sell", quantity: 50, limitPrice: 9_000 }));
      await fill(short, "f4", 20, 9_500);
      await app.inject({ method: "POST", url: `/v1/accounts/${b}/orders/${short.orderId}/cancel` });

      log = capturingLog();
      handler = createHandler({ doc: ddb.doc, tableName: table, log });
      batch = (await ddb.readStreamRecords(table)).filter((r) => {
        const account = r.dynamodb?.NewImage?.account?.S ?? r.dynamodb?.OldImage?.account?.S;
        return account === a || account === b;
      });
    });

    it("receives every kind of record on the stream, and the deployed filter passes exactly the fill INSERTs", () => {
      const kinds = new Set(batch.map((r) => `${r.eventName}:${r.dynamodb?.NewImage?.entity?.S}`));
      expect([...kinds]).to.include.members(["INSERT:ORDER", "INSERT:CLIENT_ORDER", "MODIFY:ORDER", "INSERT:FILL"]);
      const pattern = JSON.parse(STREAM_FILTER_CRITERIA.filters[0].pattern) as unknown;
      expect(pattern).to.deep.equal(FILL_INSERT_PATTERN);
      const passed = batch.filter((r) => matchesPattern(pattern, r));
      expect(passed).to.have.length(6);
      for (const r of batch) expect(isFillInsert(r), `${r.eventName} ${r.dynamodb?.NewImage?.entity?.S}`).to.equal(matchesPattern(pattern, r));
    });

    it("maintains per-account positions exactly, including notionals beyond 2^53", async () => {
      const result = await handler(event(batch));
      expect(result).to.deep.equal({ batchItemFailures: [] });
      expect(log.captured.info.at(-1)).to.deep.include({ applied: 6, already_applied: 0, failed: 0 });

      const big = BigInt(MAX_QUANTITY) * BigInt(MAX_PRICE_MINOR) * 2n;
      const ofA = await positions(a);
      expect(ofA.ACME).to.deep.include({
        netQuantity: "70",
        boughtQuantity: "100",
        soldQuantity: "30",
        boughtNotional: String(40 * 9_990 + 60 * 10_000),
        soldNotional: String(30 * 10_150),
        fillCount: 3,
      });
      expect(ofA.XYZ).to.deep.include({
        netQuantity: String(2 * MAX_QUANTITY),
        boughtNotional: big.toString(),
        soldNotional: "0",
        fillCount: 2,
      });
      expect(big > BigInt(Number.MAX_SAFE_INTEGER)).to.equal(true);
      const ofB = await positions(b);
      expect(Object.keys(ofB)).to.deep.equal(["ACME"]);
      expect(ofB.ACME).to.deep.equal({
        symbol: "ACME",
        netQuantity: "-20",
        boughtQuantity: "0",
        soldQuantity: "20",
        boughtNotional: "0",
        soldNotional: String(20 * 9_500),
        fillCount: 1,
        updatedAt: ofB.ACME.updatedAt,
      });
      expect(Date.parse(String(ofB.ACME.updatedAt))).to.be.above(0);
    });

    it("changes nothing when the same batch is delivered again", async () => {
      const before = { a: await positions(a), b: await positions(b) };
      const result = await handler(event(batch));
      expect(result).to.deep.equal({ batchItemFailures: [] });
      expect(log.captured.info.at(-1)).to.deep.include({ applied: 0, already_applied: 6, failed: 0 });
      expect({ a: await positions(a), b: await positions(b) }).to.deep.equal(before);
    });

    it("ignores its own writes and every other record when run unfiltered over the whole stream", async () => {
      const before = { a: await positions(a), b: await positions(b) };
      const everything = await ddb.readStreamRecords(table);
      expect(everything.some((r) => r.dynamodb?.NewImage?.entity?.S === "POSITION")).to.equal(true);
      const result = await handler(event(everything));
      expect(result).to.deep.equal({ batchItemFailures: [] });
      expect({ a: await positions(a), b: await positions(b) }).to.deep.equal(before);
    });
  });

  it("applies each fill once when shards and redeliveries race on one position", async () => {
    const c = unique("C");
    const order = await placeOrder(app, orderBody({ account: c, symbol: "RACE", side: "buy", quantity: 100, limitPrice: 500 }));
    for (let i = 0; i < 10; i++) await fill(order, `r${i}`, 10, 400 + i);
    const records = await fillRecordsFor([c]);
    expect(records).to.have.length(10);
    const handler = createHandler({ doc: ddb.doc, tableName: table, log: capturingLog() });
    // Two "shards" carrying different fills of one position, each delivered twice, all at once.
    const first = records.slice(0, 5);
    const second = records.slice(5);
    const results = await Promise.all([first, second, first, second].map((batch) => handler(event(batch))));
    for (const result of results) expect(result).to.deep.equal({ batchItemFailures: [] });
    const position = (await positions(c)).RACE;
    const notional = Array.from({ length: 10 }, (_, i) => 10 * (400 + i)).reduce((x, y) => x + y, 0);
    expect(position).to.deep.include({ boughtQuantity: "100", netQuantity: "100", boughtNotional: String(notional), fillCount: 10 });
  });

  it("reports only the failed records in batchItemFailures and applies the rest", async () => {
    const d = unique("D");
    const e = unique("E");
    const ofD = await placeOrder(app, orderBody({ account: d, symbol: "PART", side: "sell", quantity: 10, limitPrice: 100 }));
    const ofE = await placeOrder(app, orderBody({ account: e, symbol: "PART", side: "buy", quantity: 10, limitPrice: 100 }));
    await fill(ofD, "d1", 3, 100);
    await fill(ofE, "e1", 3, 100);
    await fill(ofD, "d2", 4, 101);
    const records = await fillRecordsFor([d, e]);
    expect(records).to.have.length(3);

    // A malformed image (a producer bug) fails validation; a store error fails one account's write.
    const [d1, e1, d2] = records;
    const malformed: DynamoDBRecord = structuredClone(d1);
    delete malformed.dynamodb?.NewImage?.quantity;
    if (malformed.dynamodb) malformed.dynamodb.SequenceNumber = "999999999999999999999";
    const failing = new Proxy(ddb.doc, {
      get(target, prop, receiver) {
        if (prop !== "transactWrite") return Reflect.get(target, prop, receiver);
        return async (input: Parameters<DynamoDBDocument["transactWrite"]>[0]) => {
          if (JSON.stringify(input).includes(e)) throw new Error("InternalServerError: simulated");
          return target.transactWrite(input);
        };
      },
    });
    const log = capturingLog();
    const handler = createHandler({ doc: failing, tableName: table, log });
    const result = await handler(event([d1, malformed, e1, d2]));
    expect(result.batchItemFailures).to.deep.equal([
      { itemIdentifier: "999999999999999999999" },
      { itemIdentifier: e1.dynamodb?.SequenceNumber },
    ]);
    expect(log.captured.error).to.have.length(2);
    expect((await positions(d)).PART).to.deep.include({ soldQuantity: "7", netQuantity: "-7", fillCount: 2 });
    expect(await positions(e)).to.deep.equal({});

    // Lambda redelivers from the first failure; with the store healthy again only e1 changes anything.
    const retry = await createHandler({ doc: ddb.doc, tableName: table, log: capturingLog() })(event([e1, d2]));
    expect(retry.batchItemFailures).to.deep.equal([]);
    expect((await positions(e)).PART).to.deep.include({ boughtQuantity: "3", fillCount: 1 });
    expect((await positions(d)).PART).to.deep.include({ soldQuantity: "7", fillCount: 2 });
  });
});

describe("position arithmetic", () => {
  it("nets buys against sells with exact integer sums", () => {
    const now = "2026-01-01T00:00:00.000Z";
    const first = applyFillToPosition(undefined, { account: "a", symbol: "S", side: "sell", quantity: 5, price: 3 }, now);
    expect(first).to.deep.include({ netQuantity: "-5", soldQuantity: "5", soldNotional: "15", fillCount: 1, version: 1 });
    const second = applyFillToPosition(first, { account: "a", symbol: "S", side: "buy", quantity: MAX_QUANTITY, price: MAX_PRICE_MINOR }, now);
    expect(second).to.deep.include({
      netQuantity: String(MAX_QUANTITY - 5),
      boughtNotional: (BigInt(MAX_QUANTITY) * BigInt(MAX_PRICE_MINOR)).toString(),
      fillCount: 2,
      version: 2,
    });
  });
});
