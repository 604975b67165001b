/**
 * The service's Embedded Metric Format output: documents that follow the EMF specification, and the
 * counts an operator alarms on for accepted, rejected and failed orders, through the real HTTP layer
 * (DynamoDB Local for the accepted and rejected paths, a failing store for the failed ones).
 */
import { expect } from "chai";
import { Writable } from "node:stream";
import type { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";
import pino from "pino";
import { buildApp } from "../../services/trading-api/src/app";
import { EmfDocument, MAX_REASONS, MAX_VALUES_PER_DOCUMENT, RequestMetrics } from "../../services/trading-api/src/metrics";
import { SERVICE_METRICS, SERVICE_METRICS_NAMESPACE } from "../../services/trading-api/src/metricsContract";
import { sharedDynamoLocal, type DynamoLocal } from "../support/dynamoLocal";
import { CURSOR_SECRET, orderBody, testApp } from "./fixtures";

/** Units the EMF specification's JSON schema allows. */
const EMF_UNITS = new Set([
  "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits",
  "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second",
  "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second",
  "Terabits/Second", "Count/Second", "None",
]);

/**
 * The rules of the EMF specification (CloudWatch user guide, "Specification: Embedded metric
 * format") a document must satisfy for CloudWatch Logs to extract its metrics.
 */
function expectValidEmf(document: EmfDocument): void {
  const meta = document._aws;
  expect(Number.isInteger(meta.Timestamp), "Timestamp is epoch milliseconds").to.be.true;
  expect(meta.CloudWatchMetrics).to.be.an("array").that.is.not.empty;
  for (const directive of meta.CloudWatchMetrics) {
    expect(directive.Namespace).to.be.a("string").and.not.match(/^AWS\//);
    expect(directive.Metrics.length).to.be.within(1, 100);
    for (const set of directive.Dimensions) {
      expect(set.length).to.be.at.most(9);
      for (const key of set) expect(document[key], `dimension ${key} is a string member`).to.be.a("string");
    }
    for (const metric of directive.Metrics) {
      expect(EMF_UNITS.has(metric.Unit), metric.Unit).to.be.true;
      const value = document[metric.Name];
      if (Array.isArray(value)) {
        expect(value.length).to.be.within(1, MAX_VALUES_PER_DOCUMENT);
        for (const v of value) expect(v).to.be.a("number");
      } else {
        expect(value, `metric ${metric.Name}`).to.be.a("number");
      }
    }
  }
}

interface Totals {
  Requests: number;
  ServerErrors: number;
  OrdersAccepted: number;
  OrdersRejected: number;
  latencies: number[];
  reasons: Record<string, number>;
}

/** Sums what a series of flushes published, the way CloudWatch would aggregate it. */
function totals(documents: EmfDocument[]): Totals {
  const t: Totals = { Requests: 0, ServerErrors: 0, OrdersAccepted: 0, OrdersRejected: 0, latencies: [], reasons: {} };
  for (const d of documents) {
    const dims = d._aws.CloudWatchMetrics[0].Dimensions[0];
    if (dims.includes("Reason")) {
      t.reasons[String(d.Reason)] = (t.reasons[String(d.Reason)] ?? 0) + Number(d.OrdersRejected);
      continue;
    }
    for (const name of ["Requests", "ServerErrors", "OrdersAccepted", "OrdersRejected"] as const) {
      if (typeof d[name] === "number") t[name] += d[name] as number;
    }
    if (Array.isArray(d.Latency)) t.latencies.push(...(d.Latency as number[]));
  }
  return t;
}

/** A document client whose every call fails: `error` shapes the failure. */
function failingDocument(error: Error): DynamoDBDocument {
  const methods = ["get", "put", "update", "delete", "query", "transactWrite", "transactGet", "batchGet", "batchWrite"];
  return Object.fromEntries(methods.map((m) => [m, async () => Promise.reject(error)])) as unknown as DynamoDBDocument;
}

describe("service metrics (Embedded Metric Format)", function () {
  this.timeout(60_000);

  describe("RequestMetrics", () => {
    it("publishes the counts under the service namespace with the table as the dimension, zeros included", () => {
      const metrics = new RequestMetrics("orders-dev");
      const [document, ...others] = metrics.flush(1_700_000_000_000);
      expect(others).to.deep.equal([]);
      expectValidEmf(document);
      expect(document._aws).to.deep.equal({
        Timestamp: 1_700_000_000_000,
        CloudWatchMetrics: [
          {
            Namespace: SERVICE_METRICS_NAMESPACE,
            Dimensions: [["Table"]],
            Metrics: [
              { Name: "Requests", Unit: "Count" },
              { Name: "ServerErrors", Unit: "Count" },
              { Name: "OrdersAccepted", Unit: "Count" },
              { Name: "OrdersRejected", Unit: "Count" },
            ],
          },
        ],
      });
      expect(document).to.include({ Table: "orders-dev", Requests: 0, ServerErrors: 0, OrdersAccepted: 0, OrdersRejected: 0 });
    });

    it("skips health and readiness probes, which would otherwise dilute every rate", () => {
      const metrics = new RequestMetrics("t");
      metrics.record({ method: "GET", route: "/healthz", statusCode: 200, durationMs: 0.1 });
      metrics.record({ method: "GET", route: "/readyz", statusCode: 503, durationMs: 0.1 });
      expect(totals(metrics.flush(0))).to.include({ Requests: 0, ServerErrors: 0 });
    });

    it("splits latencies into documents of at most 100 values, every value kept for percentiles", () => {
      const metrics = new RequestMetrics("t");
      for (let i = 0; i < 250; i++) metrics.record({ method: "GET", route: "/v1/accounts/:account/positions", statusCode: 200, durationMs: i });
      const documents = metrics.flush(0);
      documents.forEach(expectValidEmf);
      expect(documents.map((d) => (d.Latency as number[]).length)).to.deep.equal([100, 100, 50]);
      expect(totals(documents).latencies).to.deep.equal(Array.from({ length: 250 }, (_, i) => i));
      expect(totals(documents).Requests).to.equal(250);
      expect(metrics.flush(1).length, "a flush starts afresh").to.equal(1);
    });

    it("keeps the reason dimension bounded: malformed codes by status, past MAX_REASONS as other", () => {
      const metrics = new RequestMetrics("t");
      const reject = (errorCode?: string) => metrics.record({ method: "POST", route: "/v1/orders", statusCode: 409, durationMs: 1, errorCode });
      for (let i = 0; i < MAX_REASONS + 3; i++) reject(`code_${i}`);
      reject("Not A Code");
      const reasons = totals(metrics.flush(0)).reasons;
      expect(Object.keys(reasons)).to.have.length(MAX_REASONS + 1);
      expect(reasons.other).to.equal(4, "three codes past the limit and the malformed one");
      expect(reasons.http_409).to.equal(undefined, "the malformed code maps to http_409, which came past the limit");
    });

    it("every metric it writes is one the contract declares, with the declared unit", () => {
      const metrics = new RequestMetrics("t");
      metrics.record({ method: "POST", route: "/v1/orders", statusCode: 400, durationMs: 1, errorCode: "validation_failed" });
      for (const document of metrics.flush(0)) {
        for (const m of document._aws.CloudWatchMetrics[0].Metrics) {
          expect(SERVICE_METRICS[m.Name as keyof typeof SERVICE_METRICS], m.Name).to.equal(m.Unit);
        }
      }
    });
  });

  describe("through the HTTP layer", () => {
    let ddb: DynamoLocal;
    let table: string;

    before(async function () {
      this.timeout(90_000);
      ddb = await sharedDynamoLocal();
      table = await ddb.createTable();
    });

    it("counts accepted and rejected orders (by reason), not a retry answered with the original", async () => {
      const documents: EmfDocument[] = [];
      const app = testApp(ddb.doc, table, { metrics: { write: (d) => documents.push(d), flushIntervalMs: 0, now: () => 42_000 } });
      const body = orderBody();
      expect((await app.inject({ method: "POST", url: "/v1/orders", payload: body })).statusCode).to.equal(201);
      expect((await app.inject({ method: "POST", url: "/v1/orders", payload: body })).statusCode).to.equal(200);
      expect((await app.inject({ method: "POST", url: "/v1/orders", payload: orderBody() })).statusCode).to.equal(201);
      const reused = await app.inject({ method: "POST", url: "/v1/orders", payload: { ...body, quantity: body.quantity + 1 } });
      expect(reused.json()).to.include({ error: "client_order_id_reused" });
      const invalid = await app.inject({ method: "POST", url: "/v1/orders", payload: { ...orderBody(), quantity: -1 } });
      expect(invalid.json()).to.include({ error: "validation_failed" });
      expect((await app.inject({ method: "GET", url: "/healthz" })).statusCode).to.equal(200);
      await app.close();

      documents.forEach(expectValidEmf);
      expect(documents.every((d) => d._aws.Timestamp === 42_000 && d.Table === table)).to.be.true;
      const t = totals(documents);
      expect(t).to.deep.include({ Requests: 5, ServerErrors: 0, OrdersAccepted: 2, OrdersRejected: 2 });
      expect(t.reasons).to.deep.equal({ client_order_id_reused: 1, validation_failed: 1 });
      expect(t.latencies).to.have.length(5);
      expect(t.latencies.every((ms) => ms > 0)).to.be.true;
    });

    it("counts failed requests (500 and store-busy 503) as server errors, not as rejections", async () => {
      const documents: EmfDocument[] = [];
      const write = (d: EmfDocument) => documents.push(d);
      const broken = failingDocument(new Error("socket hang up"));
      const throttled = failingDocument(Object.assign(new Error("slow down"), { name: "ProvisionedThroughputExceededException" }));
      for (const doc of [broken, throttled]) {
        const app = buildApp({
          clients: { dynamo: doc, cache: doc, close: () => undefined },
          tableName: "orders-test",
          cursorSecrets: [CURSOR_SECRET],
          logger: false,
          metrics: { write, flushIntervalMs: 0 },
        });
        const res = await app.inject({ method: "POST", url: "/v1/orders", payload: orderBody() });
        expect(res.statusCode).to.equal(doc === broken ? 500 : 503);
        await app.close();
      }
      documents.forEach(expectValidEmf);
      const t = totals(documents);
      expect(t).to.deep.include({ Requests: 2, ServerErrors: 2, OrdersAccepted: 0, OrdersRejected: 0 });
      expect(t.reasons).to.deep.equal({});
    });

    it("writes through the service's pino logger as one JSON line per document, whatever LOG_LEVEL says", async () => {
      const lines: string[] = [];
      const stream = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
          callback();
        },
      });
      const app = testApp(ddb.doc, table, { logger: { level: "warn", stream } as never, metrics: { flushIntervalMs: 0 } });
      await app.inject({ method: "POST", url: "/v1/orders", payload: orderBody() });
      await app.close();
      const emf = lines.map((l) => JSON.parse(l) as EmfDocument).filter((d) => d._aws !== undefined);
      expect(emf).to.have.length(1);
      expectValidEmf(emf[0]);
      expect(emf[0]).to.include({ OrdersAccepted: 1, Requests: 1, Table: table });
      expect(pino.levels.labels[Number(emf[0].level)]).to.equal("info");
    });

    it("flushes on its interval without waiting for the app to close", async () => {
      const documents: EmfDocument[] = [];
      const app = testApp(ddb.doc, table, { metrics: { write: (d) => documents.push(d), flushIntervalMs: 20 } });
      await app.inject({ method: "GET", url: "/v1/accounts/nobody/positions" });
      const deadline = Date.now() + 2000;
      while (totals(documents).Requests === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(totals(documents).Requests).to.equal(1);
      await app.close();
    });
  });
});
