/**
 * The write-region gate of the trading API: the mode rule, the poller and its fencing bound, the
 * guard on every write route (503 + Retry-After + the write region, reads still served), and the
 * flag flipping while writes are under way (against DynamoDB Local: no write admitted after the
 * bound, none half-done).
 */
import { expect } from "chai";
import { setTimeout as pause } from "node:timers/promises";
import type { FastifyInstance } from "fastify";
import { sharedDynamoLocal, type DynamoLocal } from "../support/dynamoLocal";
import { clientOrderKey } from "../../services/table/keys";
import { WRITE_REGION_HEADER } from "../../services/trading-api/src/contract";
import { ConfigError } from "../../services/trading-api/src/config";
import {
  loadWriteRegionConfig,
  modeFor,
  WriteRegionGate,
  type WriteGate,
  type WriteMode,
  type WriteRegionSource,
} from "../../services/trading-api/src/writeRegion";
import { orderBody, placeOrder, testApp } from "./fixtures";

const HERE = "eu-west-1";
const THERE = "us-east-1";

/** A flag whose value (or failure) the test sets. */
class ControlledFlag implements WriteRegionSource {
  value = HERE;
  failing = false;
  reads = 0;
  async read(): Promise<string> {
    this.reads++;
    if (this.failing) throw new Error("SSM unreachable");
    return this.value;
  }
}

/** A gate stuck in one mode, for the route tests. */
function fixedGate(mode: WriteMode): WriteGate {
  return { status: () => ({ mode, region: HERE, ...(mode === "fenced" ? {} : { writeRegion: mode === "write" ? HERE : THERE }), instance: "test-instance" }) };
}

describe("write region: the mode rule", () => {
  const read = (writeRegion: string, epoch: number, ageMs = 0) => ({ value: { writeRegion, epoch }, ageMs });

  it("is write only for a fresh read of its own flag naming this region, read-only for another, fenced when stale or never read", () => {
    expect(modeFor(HERE, read(HERE, 1), 1000)).to.deep.equal({ mode: "write", writeRegion: HERE, epoch: 1 });
    expect(modeFor(HERE, read(HERE, 1, 1000), 1000).mode).to.equal("write");
    expect(modeFor(HERE, read(HERE, 1, 1001), 1000)).to.deep.equal({ mode: "fenced" });
    expect(modeFor(HERE, read(THERE, 1, 10), 1000)).to.deep.equal({ mode: "read-only", writeRegion: THERE, epoch: 1 });
    expect(modeFor(HERE, read(THERE, 1, 5000), 1000).mode).to.equal("fenced");
    expect(modeFor(HERE, undefined, 1000).mode).to.equal("fenced");
  });

  it("lets another region's flag of a higher epoch take write mode away, never grant it", () => {
    // Cut off during a failover: its own flag still names it, the new write region's is newer.
    expect(modeFor(HERE, read(HERE, 1), 1000, [read(THERE, 2)])).to.deep.equal({ mode: "read-only", writeRegion: THERE, epoch: 2 });
    // An older or stale peer changes nothing; an unreadable one (undefined) neither.
    expect(modeFor(HERE, read(HERE, 3), 1000, [read(THERE, 2)]).mode).to.equal("write");
    expect(modeFor(HERE, read(HERE, 1), 1000, [read(THERE, 2, 1001)]).mode).to.equal("write");
    expect(modeFor(HERE, read(HERE, 1), 1000, [undefined]).mode).to.equal("write");
    // Half-way through a failover to HERE (the old region fenced, HERE's flag not yet flipped): no writes.
    expect(modeFor(HERE, read(THERE, 1), 1000, [read(HERE, 2)]).mode).to.equal("read-only");
    // Without its own flag, no peer helps.
    expect(modeFor(HERE, undefined, 1000, [read(HERE, 5)]).mode).to.equal("fenced");
  });
});

describe("write region: the gate", () => {
  let clock = 0;
  const now = () => clock;

  it("is fenced until its first read, then follows the flag", async () => {
    const flag = new ControlledFlag();
    const gate = new WriteRegionGate({ region: HERE, source: flag, pollIntervalMs: 1000, fenceAfterMs: 3000, now });
    expect(gate.mode).to.equal("fenced");
    await gate.refresh();
    expect(gate.status()).to.deep.include({ mode: "write", region: HERE, writeRegion: HERE, epoch: 0, flagAgeMs: 0 });
    flag.value = THERE;
    await gate.refresh();
    expect(gate.status()).to.deep.include({ mode: "read-only", writeRegion: THERE });
  });

  it("fences itself once the flag has not been read for longer than the bound, whatever the poll loop does", async () => {
    const flag = new ControlledFlag();
    const logged: { fields: Record<string, unknown>; message: string }[] = [];
    const log = { info: (fields: Record<string, unknown>, message: string) => logged.push({ fields, message }), warn: () => undefined };
    const gate = new WriteRegionGate({ region: HERE, source: flag, pollIntervalMs: 1000, fenceAfterMs: 3000, now, log });
    clock = 10_000;
    await gate.refresh();
    flag.failing = true;
    clock += 2000;
    await gate.refresh();
    expect(gate.mode, "2 s without a read: within the bound").to.equal("write");
    clock += 1000;
    expect(gate.mode, "exactly at the bound").to.equal("write");
    clock += 1;
    // No read happened in between: the mode is computed from the age of the last good read.
    expect(gate.mode).to.equal("fenced");
    await gate.refresh();
    flag.failing = false;
    await gate.refresh();
    expect(gate.mode).to.equal("write");
    expect(logged.map((l) => l.fields.mode)).to.deep.equal(["write", "fenced", "write"]);
    expect(logged[1].message).to.equal("write region: instance is now in fenced mode");
  });

  it("reads the other regions' flags too: a newer one naming another region takes write mode away", async () => {
    const own = new ControlledFlag();
    own.value = JSON.stringify({ writeRegion: HERE, epoch: 4 });
    const peer = new ControlledFlag();
    peer.value = JSON.stringify({ writeRegion: HERE, epoch: 4 });
    const gate = new WriteRegionGate({ region: HERE, source: own, peers: [{ region: THERE, source: peer }], pollIntervalMs: 1000, fenceAfterMs: 3000, now });
    await gate.refresh();
    expect(gate.mode).to.equal("write");
    peer.value = JSON.stringify({ writeRegion: THERE, epoch: 5 });
    await gate.refresh();
    expect(gate.status()).to.deep.include({ mode: "read-only", writeRegion: THERE, epoch: 5 });
    peer.failing = true;
    clock += 3001;
    await gate.refresh();
    expect(gate.mode, "the newer peer value aged out and the peer is unreadable: the own flag decides").to.equal("write");
  });

  it("refuses a fence bound a single slow read could exceed, and a flag value that is not a region", async () => {
    expect(() => new WriteRegionGate({ region: HERE, source: new ControlledFlag(), pollIntervalMs: 1000, fenceAfterMs: 1400 })).to.throw(
      /must exceed the poll interval plus read timeout \(1500 ms\)/,
    );
    const flag = new ControlledFlag();
    flag.value = "primary";
    const gate = new WriteRegionGate({ region: HERE, source: flag, pollIntervalMs: 1000, fenceAfterMs: 3000, now });
    await gate.refresh();
    expect(gate.mode).to.equal("fenced");
  });

  it("reads its settings from the environment and names a bad one", () => {
    expect(loadWriteRegionConfig({})).to.deep.equal({ peerRegions: [], pollIntervalMs: 5000, fenceAfterMs: 15_000 });
    expect(loadWriteRegionConfig({ WRITE_REGION_PEERS: "us-east-1,us-west-2" }).peerRegions).to.deep.equal(["us-east-1", "us-west-2"]);
    // The fleet names each instance by its EC2 instance id, which the failover command matches against its Auto Scaling group.
    expect(loadWriteRegionConfig({ WRITE_REGION_INSTANCE: "i-0123456789abcdef0" }).instance).to.equal("i-0123456789abcdef0");
    expect(loadWriteRegionConfig({ WRITE_REGION_PARAMETER: "/trading-platform/prod/write-region", WRITE_REGION_POLL_MS: "1000" })).to.deep.include({
      parameterName: "/trading-platform/prod/write-region",
      pollIntervalMs: 1000,
    });
    let error: unknown;
    try {
      loadWriteRegionConfig({ WRITE_REGION_POLL_MS: "5000", WRITE_REGION_FENCE_MS: "6000" });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).problems[0]).to.deep.include({ variable: "WRITE_REGION_FENCE_MS" });
  });
});

describe("write region: the API in each mode (DynamoDB Local)", function () {
  this.timeout(60_000);
  let ddb: DynamoLocal;
  let table: string;

  before(async function () {
    this.timeout(90_000);
    ddb = await sharedDynamoLocal();
    table = await ddb.createTable();
  });

  /** An order, a fill target and the write requests of every write route, for one account. */
  async function fixture() {
    const writer = testApp(ddb.doc, table);
    const order = await placeOrder(writer, orderBody());
    await writer.close();
    return {
      order,
      writes: [
        { method: "POST" as const, url: "/v1/orders", payload: orderBody({ account: order.account }) },
        { method: "POST" as const, url: `/v1/accounts/${order.account}/orders/${order.orderId}/cancel` },
        { method: "POST" as const, url: `/v1/accounts/${order.account}/orders/${order.orderId}/fills`, payload: { fillId: "f1", quantity: 1, price: order.limitPrice } },
      ],
      reads: [
        `/v1/accounts/${order.account}/orders/${order.orderId}`,
        `/v1/accounts/${order.account}/orders`,
        `/v1/accounts/${order.account}/positions`,
        `/v1/symbols/${order.symbol}/open-orders`,
      ],
    };
  }

  it("read-only: every write route answers 503 naming the write region (header and body) and changes nothing; reads are served", async () => {
    const { order, writes, reads } = await fixture();
    const app = testApp(ddb.doc, table, { writeGate: fixedGate("read-only"), retryAfterSeconds: 2 });
    for (const write of writes) {
      const res = await app.inject(write);
      expect(res.statusCode, write.url).to.equal(503);
      expect(res.headers["retry-after"]).to.equal("2");
      expect(res.headers[WRITE_REGION_HEADER]).to.equal(THERE);
      expect(res.json()).to.deep.include({ error: "not_write_region", region: HERE, writeRegion: THERE });
    }
    for (const url of reads) {
      expect((await app.inject({ method: "GET", url })).statusCode, url).to.equal(200);
    }
    const after = (await app.inject({ method: "GET", url: reads[0] })).json<{ status: string; filledQuantity: number }>();
    expect(after).to.deep.include({ status: "open", filledQuantity: 0 });
    expect(order.status).to.equal("open");
    await app.close();
  });

  it("fenced: writes answer 503 without naming a region; write mode: everything as without a gate", async () => {
    const { writes } = await fixture();
    const fenced = testApp(ddb.doc, table, { writeGate: fixedGate("fenced") });
    const res = await fenced.inject(writes[0]);
    expect(res.statusCode).to.equal(503);
    expect(res.headers[WRITE_REGION_HEADER]).to.equal(undefined);
    expect(res.headers["retry-after"]).to.equal("1");
    expect(res.json()).to.deep.include({ error: "write_region_unconfirmed", region: HERE });
    await fenced.close();

    const writing = testApp(ddb.doc, table, { writeGate: fixedGate("write") });
    expect((await writing.inject(writes[0])).statusCode).to.equal(201);
    expect((await writing.inject(writes[2])).statusCode).to.equal(201);
    expect((await writing.inject(writes[1])).statusCode).to.equal(200);
    await writing.close();
  });

  it("guards a write route declared after the app was built too (the guard follows the method, not a list)", async () => {
    const app = testApp(ddb.doc, table, { writeGate: fixedGate("read-only") });
    app.post("/v1/something-new", async () => ({ wrote: true }));
    app.get("/v1/something-read", async () => ({ read: true }));
    expect((await app.inject({ method: "POST", url: "/v1/something-new" })).statusCode).to.equal(503);
    expect((await app.inject({ method: "GET", url: "/v1/something-read" })).statusCode).to.equal(200);
    await app.close();
  });

  it("health and readiness report the mode, the write region and the instance", async () => {
    const app = testApp(ddb.doc, table, { writeGate: fixedGate("read-only") });
    const health = await app.inject({ method: "GET", url: "/healthz" });
    expect(health.statusCode).to.equal(200);
    expect(health.json()).to.deep.equal({ status: "ok", write: { mode: "read-only", region: HERE, writeRegion: THERE, instance: "test-instance" } });
    const ready = await app.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).to.equal(200);
    expect(ready.json()).to.deep.include({ status: "ready", write: { mode: "read-only", region: HERE, writeRegion: THERE, instance: "test-instance" } });
    await app.close();
  });

  describe("the flag flipping and the flag unreadable while writes are under way", () => {
    const POLL_MS = 40;
    const FENCE_MS = 250;

    interface Attempt {
      clientOrderId: string;
      account: string;
      startedAt: number;
      status: number;
    }

    /** Places orders from `workers` concurrent loops until `stop()`; returns every attempt. */
    function load(app: FastifyInstance, workers: number) {
      const attempts: Attempt[] = [];
      let running = true;
      const loops = Array.from({ length: workers }, async () => {
        // Bounded, and pausing a millisecond each time: a refused write completes without I/O, so an
        // unyielding loop would starve the timers that flip the flag and stop the load.
        for (let i = 0; running && i < 5000; i++) {
          await pause(1);
          const body = orderBody();
          const startedAt = Date.now();
          const res = await app.inject({ method: "POST", url: "/v1/orders", payload: body });
          attempts.push({ clientOrderId: body.clientOrderId, account: body.account, startedAt, status: res.statusCode });
        }
      });
      return {
        attempts,
        async stop() {
          running = false;
          await Promise.all(loops);
        },
      };
    }

    /** Every 201 left a complete order (claim and order); every 503 left nothing. */
    async function checkNoneHalfDone(app: FastifyInstance, attempts: Attempt[]) {
      for (const attempt of attempts) {
        const claim = (await ddb.doc.get({ TableName: table, Key: clientOrderKey(attempt.account, attempt.clientOrderId), ConsistentRead: true })).Item;
        if (attempt.status === 201) {
          expect(claim, attempt.clientOrderId).to.not.equal(undefined);
          const orderId = String(claim?.orderId);
          expect((await app.inject({ method: "GET", url: `/v1/accounts/${attempt.account}/orders/${orderId}` })).statusCode).to.equal(200);
        } else {
          expect(attempt.status).to.equal(503);
          expect(claim, `a refused write left a claim: ${attempt.clientOrderId}`).to.equal(undefined);
        }
      }
    }

    it("after a flip, no write is admitted later than the poll interval plus the read timeout, and none is half-done", async function () {
      const flag = new ControlledFlag();
      const gate = new WriteRegionGate({ region: HERE, source: flag, pollIntervalMs: POLL_MS, fenceAfterMs: FENCE_MS });
      await gate.start();
      const app = testApp(ddb.doc, table, { writeGate: gate });
      const run = load(app, 6);
      await new Promise((r) => setTimeout(r, 300));
      flag.value = THERE;
      const flippedAt = Date.now();
      await new Promise((r) => setTimeout(r, 400));
      await run.stop();
      gate.stop();

      const bound = flippedAt + gate.pollIntervalMs + gate.readTimeoutMs;
      const before = run.attempts.filter((a) => a.startedAt < flippedAt);
      const late = run.attempts.filter((a) => a.startedAt > bound);
      expect(before.filter((a) => a.status === 201).length, "writes went through before the flip").to.be.greaterThan(5);
      expect(late.length, "requests after the bound").to.be.greaterThan(5);
      expect(late.filter((a) => a.status !== 503), "admitted after the bound").to.deep.equal([]);
      await checkNoneHalfDone(app, run.attempts);
      await app.close();
    });

    it("with the flag unreadable, no write is admitted later than the fence bound after the last good read", async function () {
      const flag = new ControlledFlag();
      const gate = new WriteRegionGate({ region: HERE, source: flag, pollIntervalMs: POLL_MS, fenceAfterMs: FENCE_MS });
      await gate.start();
      const app = testApp(ddb.doc, table, { writeGate: gate });
      const run = load(app, 4);
      await new Promise((r) => setTimeout(r, 150));
      const readsBefore = flag.reads;
      flag.failing = true;
      // The last good read happened at most one poll interval before this point.
      const lastGoodReadBy = Date.now();
      await new Promise((r) => setTimeout(r, FENCE_MS + 250));
      await run.stop();
      gate.stop();

      expect(flag.reads).to.be.greaterThan(readsBefore);
      const late = run.attempts.filter((a) => a.startedAt > lastGoodReadBy + FENCE_MS);
      expect(late.length).to.be.greaterThan(3);
      expect(late.filter((a) => a.status !== 503)).to.deep.equal([]);
      const res = await app.inject({ method: "GET", url: "/healthz" });
      expect(res.json<{ write: { mode: string } }>().write.mode).to.equal("fenced");
      await checkNoneHalfDone(app, run.attempts);
      await app.close();
    });
  });
});
