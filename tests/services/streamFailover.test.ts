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
