/**
 * Positions stay exactly-once across a failover and a failback: two DynamoDB Local tables stand for
 * the two regions' replicas of the global table, a replicator copies each table's own writes to the
 * other item by item (as MREC replication does: one item at a time, never a transaction together),
 * and each region's real stream-processor handler reads its own table's stream, which carries local
 * and replicated writes alike. The same fills are replayed through both regions' handlers.
 *
 * The fill marker (positionAppliedAt, set in the same transaction as the position) makes every
 * replay harmless once the marker has replicated; the last case shows what the failover command's
 * wait for replication prevents: a processor started before the markers arrive counts fills twice.
 */
import { expect } from "chai";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import type { FastifyInstance } from "fastify";
import { sharedDynamoLocal, type DynamoLocal } from "../support/dynamoLocal";
import { createHandler, type ProcessorLog } from "../../services/stream-processor/src/handler";
import { STREAM_MAPPING, STREAM_RETENTION_SECONDS } from "../../services/stream-processor/src/filter";
import { recordsSoFar, StreamMapping, type MappingSettings } from "../failover/streamMapping";
import { accountPk, POSITION_SK_PREFIX } from "../../services/table/keys";
import { orderBody, placeOrder, testApp, unique } from "./fixtures";

const quiet: ProcessorLog = { info: () => undefined, error: () => undefined };

/** One-way item replication from `source`'s stream into `target`, skipping what it wrote itself. */
class Replicator {
  private applied = new Set<string>();
  constructor(
    private readonly ddb: DynamoLocal,
    private readonly source: string,
    private readonly target: string,
    /** Images this replicator's twin wrote into `source` (replicated writes are not replicated back). */
    private readonly echoes: Set<string>,
    private readonly written: Set<string>,
  ) {}

  /** Applies every new record of the source (or only those `which` accepts), one item at a time. */
  async run(which: (record: DynamoDBRecord) => boolean = () => true): Promise<number> {
    let count = 0;
    for (const record of await this.ddb.readStreamRecords(this.source)) {
      const sequence = String(record.dynamodb?.SequenceNumber);
      if (this.applied.has(sequence) || !which(record)) continue;
      this.applied.add(sequence);
      const image = record.dynamodb?.NewImage;
      const text = JSON.stringify(image);
      if (image && this.echoes.has(text)) continue;
      if (record.eventName === "REMOVE") {
        await this.ddb.doc.delete({ TableName: this.target, Key: unmarshall(record.dynamodb?.Keys as Record<string, AttributeValue>) });
      } else if (image) {
        this.written.add(text);
        await this.ddb.doc.put({ TableName: this.target, Item: unmarshall(image as Record<string, AttributeValue>) });
      }
      count++;
    }
    return count;
  }
}

describe("stream processor across a failover: the same fills through both regions' handlers", function () {
  this.timeout(90_000);
  let ddb: DynamoLocal;
  let east: string;
  let west: string;
  let eastApi: FastifyInstance;
  let westApi: FastifyInstance;
  let eastToWest: Replicator;
  let westToEast: Replicator;
  const accounts = [unique("A"), unique("B")];
  /** Every fill accepted, to compute the expected positions independently of the processor. */
  const fills: { account: string; symbol: string; side: "buy" | "sell"; quantity: number; price: number }[] = [];

  before(async function () {
    this.timeout(90_000);
    ddb = await sharedDynamoLocal();
    east = await ddb.createTable();
    west = await ddb.createTable();
    eastApi = testApp(ddb.doc, east);
    westApi = testApp(ddb.doc, west);
    const intoWest = new Set<string>();
    const intoEast = new Set<string>();
    eastToWest = new Replicator(ddb, east, west, intoEast, intoWest);
    westToEast = new Replicator(ddb, west, east, intoWest, intoEast);
  });
  after(async () => {
    await eastApi.close();
    await westApi.close();
  });

  async function trade(api: FastifyInstance, account: string, symbol: string, side: "buy" | "sell", quantities: number[]) {
    const order = await placeOrder(api, orderBody({ account, symbol, side, quantity: quantities.reduce((a, b) => a + b, 0), limitPrice: 10_000 }));
    for (const [i, quantity] of quantities.entries()) {
      const res = await api.inject({
        method: "POST",
        url: `/v1/accounts/${account}/orders/${order.orderId}/fills`,
        payload: { fillId: `f${i}`, quantity, price: 10_000 },
      });
      expect(res.statusCode, res.body).to.equal(201);
      fills.push({ account, symbol, side, quantity, price: 10_000 });
    }
  }

  /** Runs a region's handler over its own table's whole stream (TRIM_HORIZON), as a newly enabled mapping does. */
  async function replayWholeStream(table: string) {
    const counts: Record<string, number> = {};
    const log: ProcessorLog = { info: (fields) => Object.assign(counts, fields), error: quiet.error };
    const records = await ddb.readStreamRecords(table);
    const result = await createHandler({ doc: ddb.doc, tableName: table, log })({ Records: records });
    expect(result.batchItemFailures).to.deep.equal([]);
    return counts;
  }

  async function positions(table: string) {
    const out: Record<string, { netQuantity: string; boughtQuantity: string; soldQuantity: string; fillCount: number }> = {};
    for (const account of accounts) {
      const page = await ddb.doc.query({
        TableName: table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :pos)",
        ExpressionAttributeValues: { ":pk": accountPk(account), ":pos": POSITION_SK_PREFIX },
        ConsistentRead: true,
      });
      for (const item of page.Items ?? []) {
        out[`${account}/${String(item.symbol)}`] = {
          netQuantity: String(item.netQuantity),
          boughtQuantity: String(item.boughtQuantity),
          soldQuantity: String(item.soldQuantity),
          fillCount: Number(item.fillCount),
        };
      }
    }
    return out;
  }

  function expected() {
    const out: Record<string, { netQuantity: string; boughtQuantity: string; soldQuantity: string; fillCount: number }> = {};
    for (const fill of fills) {
      const key = `${fill.account}/${fill.symbol}`;
      const p = out[key] ?? { netQuantity: "0", boughtQuantity: "0", soldQuantity: "0", fillCount: 0 };
      const bought = BigInt(p.boughtQuantity) + (fill.side === "buy" ? BigInt(fill.quantity) : 0n);
      const sold = BigInt(p.soldQuantity) + (fill.side === "sell" ? BigInt(fill.quantity) : 0n);
      out[key] = { netQuantity: (bought - sold).toString(), boughtQuantity: bought.toString(), soldQuantity: sold.toString(), fillCount: p.fillCount + 1 };
    }
    return out;
  }

  it("the write region (east) applies its fills once, and replaying its own stream changes nothing", async () => {
    await trade(eastApi, accounts[0], "ACME", "buy", [40, 60]);
    await trade(eastApi, accounts[0], "ACME", "sell", [30]);
    await trade(eastApi, accounts[1], "XYZ", "buy", [5, 5, 5]);
    expect(await replayWholeStream(east)).to.deep.include({ applied: 6, already_applied: 0, failed: 0 });
    expect(await replayWholeStream(east)).to.deep.include({ applied: 0, already_applied: 6, failed: 0 });
    expect(await positions(east)).to.deep.equal(expected());
  });

  it("after replication and a failover, west's processor replays the replicated fills from the start of its stream: all already applied", async () => {
    expect(await eastToWest.run()).to.be.greaterThan(0);
    expect(await positions(west)).to.deep.equal(expected());
    const replayed = await replayWholeStream(west);
    expect(replayed).to.deep.include({ applied: 0, already_applied: 6, failed: 0 });
    expect(await positions(west)).to.deep.equal(expected());
  });

  it("west, now the write region, applies its own new fills once; after failing back east replays everything without a change", async () => {
    await trade(westApi, accounts[0], "ACME", "buy", [7]);
    await trade(westApi, accounts[1], "NEW", "sell", [3, 2]);
    expect(await replayWholeStream(west)).to.deep.include({ applied: 3, already_applied: 6, failed: 0 });
    expect(await positions(west)).to.deep.equal(expected());

    expect(await westToEast.run()).to.be.greaterThan(0);
    // Failback: east's processor (its mapping resumes over east's whole stream) sees east's and west's fills.
    expect(await replayWholeStream(east)).to.deep.include({ applied: 0, already_applied: 9, failed: 0 });
    expect(await positions(east)).to.deep.equal(expected());
    expect(await positions(west)).to.deep.equal(await positions(east));
  });

  it("counter-check: a processor started before the markers replicated counts the fills twice (why the failover waits for replication)", async () => {
    const account = unique("C");
    accounts.push(account);
    await trade(westApi, account, "LAG", "buy", [11, 13]);
    expect(await replayWholeStream(west)).to.deep.include({ applied: 2 });
    // Items replicate one by one: here the position and the fills have reached east, the fills'
    // marker updates have not yet.
    await westToEast.run((record) => {
      const entity = record.dynamodb?.NewImage?.entity?.S;
      return entity === "POSITION" || (entity === "FILL" && record.eventName === "INSERT");
    });
    expect(await positions(east)).to.deep.include({ [`${account}/LAG`]: { netQuantity: "24", boughtQuantity: "24", soldQuantity: "0", fillCount: 2 } });
    // East's processor started now would apply both fills again on top of the replicated position.
    expect(await replayWholeStream(east)).to.deep.include({ applied: 2 });
    expect((await positions(east))[`${account}/LAG`]).to.deep.include({ boughtQuantity: "48", fillCount: 4 });
  });
});

describe("a failover's stream consumer starts where the old one stopped: Lambda's delivery rules over both regions' streams", function () {
  this.timeout(90_000);
  let ddb: DynamoLocal;
  before(async function () {
    this.timeout(90_000);
    ddb = await sharedDynamoLocal();
  });

  const TWO_HOURS_MS = 2 * 3600_000;
  /** The component's retry and batch defaults (components/dynamo/streamConsumer.ts) with the service's STREAM_MAPPING. */
  const settingsWith = (maximumRecordAgeInSeconds: number): MappingSettings => ({ ...STREAM_MAPPING, maximumRecordAgeInSeconds, maximumRetryAttempts: 5, batchSize: 100 });

  /**
   * East is the write region: four fills, applied by east's consumer two hours before the failover;
   * then two more that east's consumer has not reached when the failover fences east and stops it.
   * Everything replicates to west; west's mapping (created disabled, never polled) is enabled.
   * Then a failback: east's mapping resumes where it stopped.
   */
  async function failoverScenario(settings: MappingSettings) {
    const east = await ddb.createTable();
    const west = await ddb.createTable();
    const eastApi = testApp(ddb.doc, east);
    const westApi = testApp(ddb.doc, west);
    const intoWest = new Set<string>();
    const intoEast = new Set<string>();
    const eastToWest = new Replicator(ddb, east, west, intoEast, intoWest);
    const westToEast = new Replicator(ddb, west, east, intoWest, intoEast);
    const counts = { east: { applied: 0, already_applied: 0, failed: 0 }, west: { applied: 0, already_applied: 0, failed: 0 } };
    const handlerFor = (table: string, into: typeof counts.east) =>
      createHandler({ doc: ddb.doc, tableName: table, log: { info: (fields) => addCounts(into, fields), error: quiet.error } });
    const eastMapping = new StreamMapping(ddb, east, handlerFor(east, counts.east), settings, { enabled: true });
    const westMapping = new StreamMapping(ddb, west, handlerFor(west, counts.west), settings, { enabled: false });
    const account = unique("F");
    const fills: { fillKey: string; side: "buy" | "sell"; quantity: number }[] = [];
    const trade = async (api: FastifyInstance, side: "buy" | "sell", quantities: number[]) => {
      const order = await placeOrder(api, orderBody({ account, symbol: "ACME", side, quantity: quantities.reduce((a, b) => a + b, 0), limitPrice: 10_000 }));
      for (const [i, quantity] of quantities.entries()) {
        const res = await api.inject({ method: "POST", url: `/v1/accounts/${account}/orders/${order.orderId}/fills`, payload: { fillId: `f${i}`, quantity, price: 10_000 } });
        expect(res.statusCode, res.body).to.equal(201);
        fills.push({ fillKey: `${order.orderId}/f${i}`, side, quantity });
      }
    };
    try {
      await trade(eastApi, "buy", [10, 20]);
      await trade(eastApi, "sell", [5, 1]);
      await eastMapping.poll();
      expect(counts.east).to.deep.include({ applied: 4 });
      // Replication is continuous: the fills, their markers and the position reach west at once.
      await eastToWest.run();
      // Everything in both streams so far happened two hours before the failover.
      const backdate = { sequences: await recordsSoFar(ddb, [east, west]), byMs: TWO_HOURS_MS };
      await trade(eastApi, "buy", [7, 3]);

      // The failover: east fenced and its consumer stopped before reaching the last two fills,
      // replication lands in west (the command waits for it), west's consumer is enabled.
      eastMapping.enabled = false;
      await eastToWest.run();
      westMapping.enabled = true;
      await westMapping.poll(backdate);
      const afterFailover = { west: { ...counts.west }, onFailure: [...westMapping.onFailure], position: await position(west, account) };

      // Failback: west fenced, its consumer stopped; east's resumes from its checkpoint.
      westMapping.enabled = false;
      await westToEast.run();
      eastMapping.enabled = true;
      await eastMapping.poll(backdate);
      return { fills, afterFailover, afterFailback: { east: { ...counts.east }, onFailure: [...eastMapping.onFailure], position: await position(east, account) }, markers: await markers(west, account) };
    } finally {
      await eastApi.close();
      await westApi.close();
    }
  }

  function addCounts(into: { applied: number; already_applied: number; failed: number }, fields: Record<string, unknown>) {
    for (const key of ["applied", "already_applied", "failed"] as const) into[key] += Number(fields[key] ?? 0);
  }

  async function position(table: string, account: string) {
    const page = await ddb.doc.query({
      TableName: table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :pos)",
      ExpressionAttributeValues: { ":pk": accountPk(account), ":pos": POSITION_SK_PREFIX },
      ConsistentRead: true,
    });
    const item = page.Items?.[0];
    return item ? { boughtQuantity: String(item.boughtQuantity), soldQuantity: String(item.soldQuantity), fillCount: Number(item.fillCount) } : undefined;
  }

  /** Every fill item of the account and whether its position marker is set. */
  async function markers(table: string, account: string) {
    const page = await ddb.doc.query({ TableName: table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": accountPk(account) }, ConsistentRead: true });
    return (page.Items ?? []).filter((item) => item.entity === "FILL").map((item) => typeof item.positionAppliedAt === "string");
  }

  it("the target's mapping, never polled, starts at TRIM_HORIZON: it applies exactly the two fills the old consumer had not, replays the four it had as no-ops, and sends nothing to the on-failure queue; the failback resumes likewise", async () => {
    const run = await failoverScenario(settingsWith(STREAM_MAPPING.maximumRecordAgeInSeconds));
    const bought = run.fills.filter((f) => f.side === "buy").reduce((a, f) => a + f.quantity, 0);
    const sold = run.fills.filter((f) => f.side === "sell").reduce((a, f) => a + f.quantity, 0);
    const everyFillOnce = { boughtQuantity: String(bought), soldQuantity: String(sold), fillCount: run.fills.length };
    expect(run.afterFailover.onFailure).to.deep.equal([]);
    expect(run.afterFailover.west).to.deep.equal({ applied: 2, already_applied: 4, failed: 0 });
    expect(run.afterFailover.position).to.deep.equal(everyFillOnce);
    expect(run.markers).to.deep.equal(run.fills.map(() => true));
    // East resumes at its checkpoint: the two fills west applied, now marked there too.
    expect(run.afterFailback.onFailure).to.deep.equal([]);
    expect(run.afterFailback.east).to.deep.equal({ applied: 4, already_applied: 2, failed: 0 });
    expect(run.afterFailback.position).to.deep.equal(everyFillOnce);
  });

  it("the mapping's age limit is the stream's retention (24 h), so no record the stream still keeps is discarded", () => {
    expect(STREAM_MAPPING).to.deep.equal({ startingPosition: "TRIM_HORIZON", maximumRecordAgeInSeconds: STREAM_RETENTION_SECONDS });
    expect(STREAM_RETENTION_SECONDS).to.equal(24 * 3600);
  });

  it("counter-check: with a one-hour age limit (the stacks' old default) the same failover sends the four fills applied two hours earlier to the on-failure queue", async () => {
    const run = await failoverScenario(settingsWith(3600));
    expect(run.afterFailover.onFailure.map((m) => m.condition)).to.deep.equal(["RecordAgeExceeded", "RecordAgeExceeded", "RecordAgeExceeded", "RecordAgeExceeded"]);
    // Nothing was lost this time (the unapplied fills were recent), but the queue's alarm pages.
    expect(run.afterFailover.west).to.deep.equal({ applied: 2, already_applied: 0, failed: 0 });
  });
});
