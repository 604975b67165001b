/**
 * The store gone or slow, request by request: every store-unavailable condition is a 503 with
 * Retry-After (writes say their outcome is unknown and how to retry safely), real bugs stay 500,
 * and no request outlives its deadline however the store misbehaves. (faults.test.ts runs the same
 * faults against main.ts under load, and checks that the log stays JSON-only.)
 */
import { expect } from "chai";
import type { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";
import type { FastifyInstance } from "fastify";
import { sharedDynamoLocal, type DynamoLocal } from "../support/dynamoLocal";
import { FaultProxy } from "../support/faultProxy";
import { send } from "../support/http";
import { createTableClients, type TableClients } from "../../services/trading-api/src/clients";
import { orderBody, placeOrder, testApp, type OrderView } from "./fixtures";

const ORDER_ID = "01ARZ3NDEKTSV4RRFFQ69G5FAV";

/** A document client whose every call fails with `error`. */
function failing(error: unknown): DynamoDBDocument {
  return new Proxy({} as DynamoDBDocument, {
    get: (_target, prop) => (prop === "then" ? undefined : async () => Promise.reject(error)),
  });
}

const sdkError = (name: string, extra: Record<string, unknown>) => Object.assign(new Error(`${name} happened`), { name, $metadata: {}, ...extra });
const daxError = (code: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${code}: from DAX`), { code, retryable: true, statusCode: -1, ...extra });

/** Shapes read from @smithy/node-http-handler, the SDK and @amazon-dax-sdk/client-dax (and observed for the SDK). */
const unavailable: { name: string; error: unknown }[] = [
  { name: "connection refused", error: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED", $metadata: { attempts: 3 } }) },
  { name: "connection reset", error: sdkError("TimeoutError", { code: "ECONNRESET" }) },
  { name: "broken pipe", error: Object.assign(new Error("write EPIPE"), { code: "EPIPE" }) },
  { name: "request timeout (throwOnRequestTimeout)", error: sdkError("TimeoutError", { code: "ETIMEDOUT" }) },
  { name: "connection timeout", error: sdkError("TimeoutError", {}) },
  { name: "DNS failure", error: Object.assign(new Error("getaddrinfo ENOTFOUND dynamodb"), { code: "ENOTFOUND" }) },
  { name: "network unreachable", error: Object.assign(new Error("connect ENETUNREACH"), { code: "ENETUNREACH" }) },
  { name: "DynamoDB InternalServerError (500)", error: sdkError("InternalServerError", { $metadata: { httpStatusCode: 500 } }) },
  { name: "DynamoDB ServiceUnavailable (503)", error: sdkError("ServiceUnavailable", { $metadata: { httpStatusCode: 503 } }) },
  { name: "any 5xx from the endpoint", error: sdkError("UnknownError", { $metadata: { httpStatusCode: 502 } }) },
  { name: "DAX connection error", error: daxError("ConnectionException") },
  { name: "DAX timeout", error: daxError("ConnectionException", { message: "Connection timeout after 300ms" }) },
  { name: "DAX no route to cluster", error: daxError("NoRouteException", { message: "No endpoints available" }) },
  { name: "DAX end of stream", error: daxError("EndOfStreamException") },
  { name: "DAX internal server error", error: daxError("InternalServerErrorException", { statusCode: 500 }) },
  { name: "DAX service unavailable", error: daxError("ServiceUnavailableException", { statusCode: 503 }) },
];

const bugs: { name: string; error: unknown }[] = [
  { name: "a TypeError", error: new TypeError("cannot read properties of undefined") },
  { name: "DynamoDB ValidationException (a malformed request is ours)", error: sdkError("ValidationException", { $metadata: { httpStatusCode: 400 } }) },
  { name: "DAX validation error", error: daxError("ValidationException", { statusCode: 400, retryable: false }) },
];

interface ErrorBody {
  error: string;
  message: string;
  requestId: string;
  outcome?: string;
}

describe("trading-api when the store is unavailable", function () {
  this.timeout(30_000);

  describe("classification", () => {
    for (const c of unavailable) {
      it(`${c.name} → 503 store_unavailable with Retry-After`, async () => {
        const app = testApp(failing(c.error), "t", { retryAfterSeconds: 3 });
        const write = await app.inject({ method: "POST", url: "/v1/orders", payload: orderBody() });
        expect(write.statusCode, write.body).to.equal(503);
        expect(write.headers["retry-after"]).to.equal("3");
        const body = write.json<ErrorBody>();
        expect(body).to.include({ error: "store_unavailable", outcome: "unknown", requestId: write.headers["x-request-id"] });
        expect(body.message).to.include("same clientOrderId");

        const read = await app.inject({ method: "GET", url: `/v1/accounts/a/orders/${ORDER_ID}` });
        expect(read.statusCode).to.equal(503);
        expect(read.headers["retry-after"]).to.equal("3");
        expect(read.json<ErrorBody>()).to.include({ error: "store_unavailable" }).and.not.have.property("outcome");
        await app.close();
      });
    }

    for (const c of bugs) {
      it(`${c.name} stays a 500 (a bug, not an outage)`, async () => {
        const app = testApp(failing(c.error), "t");
        const res = await app.inject({ method: "GET", url: `/v1/accounts/a/orders/${ORDER_ID}` });
        expect(res.statusCode).to.equal(500);
        expect(res.headers["retry-after"]).to.equal(undefined);
        expect(res.json<ErrorBody>()).to.include({ error: "internal_error" });
        await app.close();
      });
    }

    it("says how to retry each kind of write whose outcome is unknown", async () => {
      const app = testApp(failing(sdkError("TimeoutError", { code: "ETIMEDOUT" })), "t");
      const fill = await app.inject({ method: "POST", url: `/v1/accounts/a/orders/${ORDER_ID}/fills`, payload: { fillId: "f1", quantity: 1, price: 1 } });
      expect(fill.statusCode).to.equal(503);
      expect(fill.json<ErrorBody>()).to.include({ outcome: "unknown" });
      expect(fill.json<ErrorBody>().message).to.include("same fillId");
      const cancel = await app.inject({ method: "POST", url: `/v1/accounts/a/orders/${ORDER_ID}/cancel` });
      expect(cancel.statusCode).to.equal(503);
      expect(cancel.json<ErrorBody>()).to.include({ outcome: "unknown" });
      expect(cancel.json<ErrorBody>().message).to.include("409 order_not_open");
      await app.close();
    });
  });

  describe("against a real DynamoDB client", () => {
    let ddb: DynamoLocal;
    let table: string;
    let proxy: FaultProxy;
    let clients: TableClients;
    let app: FastifyInstance;
    let order: OrderView;
    const errorLog: string[] = [];

    before(async function () {
      this.timeout(90_000);
      ddb = await sharedDynamoLocal();
      table = await ddb.createTable();
      proxy = await FaultProxy.start({ host: "127.0.0.1", port: ddb.port });
      const setup = testApp(ddb.doc, table);
      order = await placeOrder(setup, orderBody());
      await setup.close();
      // The service's clients read credentials from the environment; they must be the ones the table
      // was created with, because DynamoDB Local keeps tables per access key (whatever earlier
      // suites left in the environment).
      process.env.AWS_ACCESS_KEY_ID = ddb.credentials.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = ddb.credentials.secretAccessKey;
      clients = createTableClients({ region: ddb.region, dynamoDbEndpoint: proxy.endpoint, maxAttempts: 3, timeoutMs: 300 });
      // Errors the service logs are kept, so an unexpected status names its cause.
      app = testApp(clients.dynamo, table, { requestDeadlineMs: 800, logger: { level: "error", stream: { write: (line: string) => errorLog.push(line) } } });
      await app.listen({ port: 0, host: "127.0.0.1" });
    });

    afterEach(() => proxy.setMode("pass"));

    after(async () => {
      await app.close();
      clients.close();
      await proxy.close();
    });

    const port = () => {
      const address = app.server.address();
      return typeof address === "object" && address ? address.port : 0;
    };

    it("answers 503 with Retry-After when DynamoDB refuses connections, and recovers when it is back", async () => {
      await proxy.setMode("refuse");
      const down = await send(port(), { method: "POST", path: "/v1/orders", body: JSON.stringify(orderBody()), timeoutMs: 3000 });
      expect(down.status, down.body).to.equal(503);
      expect(down.headers["retry-after"]).to.equal("1");
      await proxy.setMode("pass");
      const up = await send(port(), { path: `/v1/accounts/${order.account}/orders/${order.orderId}`, timeoutMs: 3000 });
      expect(up.status, `${up.body}\n${errorLog.join("")}`).to.equal(200);
    });

    for (const mode of ["stall", "slow"] as const) {
      it(`ends a request at its deadline when the store ${mode === "stall" ? "stops answering" : "answers after 2 s"} (503, never a late 201)`, async () => {
        if (mode === "stall") await proxy.setMode("stall");
        else proxy.delayMs = 2000;
        try {
          const write = await send(port(), { method: "POST", path: "/v1/orders", body: JSON.stringify(orderBody()), timeoutMs: 4000 });
          expect(write.status, write.body).to.equal(503);
          expect(write.tookMs, "answered within the deadline (800 ms) plus scheduling slack").to.be.below(1300);
          expect(write.headers["retry-after"]).to.equal("1");
          const body = JSON.parse(write.body) as ErrorBody;
          expect(["deadline_exceeded", "store_unavailable"]).to.include(body.error);
          expect(body.outcome).to.equal("unknown");
          expect(body.message).to.include("same clientOrderId");
          const read = await send(port(), { path: `/v1/accounts/${order.account}/orders/${order.orderId}`, timeoutMs: 4000 });
          expect(read.status).to.equal(503);
          expect(read.tookMs).to.be.below(1300);
        } finally {
          proxy.delayMs = 0;
        }
      });
    }
  });
});
