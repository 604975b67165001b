/**
 * Graceful shutdown: readiness goes 503 first, in-flight requests finish, then the process exits.
 * The in-process tests drive the same startServer/shutdown that main.ts wires to SIGTERM, with a
 * store client that holds one request open; the child-process tests run main.ts itself.
 */
import { expect } from "chai";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { Agent, request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";
import { freeLoopbackPort, sharedDynamoLocal, type DynamoLocal } from "../support/dynamoLocal";
import { startServer, type ServerConfig } from "../../services/trading-api/src/server";
import { CURSOR_SECRET, localClients, orderBody, placeOrder, testApp, type OrderView } from "./fixtures";
import { runService } from "../support/serviceProcess";

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request, on its own connection (no pooling) unless an agent is given. */
function get(port: number, path: string, agent: Agent | false = false): Promise<Response> {
  return new Promise((done, fail) => {
    const req = request({ host: "127.0.0.1", port, path, method: "GET", agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", fail);
    });
    req.on("error", fail);
    req.end();
  });
}

/** The document client with `get` held back for `delayMs` when `slow` says so. */
function delaying(doc: DynamoDBDocument, delayMs: number, slow: (input: { Key?: Record<string, unknown> }) => boolean) {
  return new Proxy(doc, {
    get(target, prop, receiver) {
      if (prop !== "get") return Reflect.get(target, prop, receiver);
      return async (input: Parameters<DynamoDBDocument["get"]>[0]) => {
        if (slow(input)) await sleep(delayMs);
        return target.get(input);
      };
    },
  });
}

function config(overrides: Partial<ServerConfig>): ServerConfig {
  return {
    port: 0,
    host: "127.0.0.1",
    tableName: "unset",
    cursorSecrets: [CURSOR_SECRET],
    idempotencyTtlSeconds: 3600,
    bodyLimitBytes: 16_384,
    retryAfterSeconds: 1,
    requestDeadlineMs: 5000,
    httpHeadersTimeoutMs: 10_000,
    httpBodyTimeoutMs: 15_000,
    httpIdleTimeoutMs: 75_000,
    shutdownDrainMs: 300,
    shutdownGraceMs: 5000,
    logLevel: "silent",
    ...overrides,
  };
}

describe("trading-api graceful shutdown", function () {
  this.timeout(60_000);
  let ddb: DynamoLocal;
  let table: string;
  let order: OrderView;

  before(async function () {
    this.timeout(90_000);
    ddb = await sharedDynamoLocal();
    table = await ddb.createTable();
    const setupApp = testApp(ddb.doc, table);
    order = await placeOrder(setupApp, orderBody());
    await setupApp.close();
  });

  it("reports not-ready at once, finishes the in-flight request, then stops accepting", async () => {
    const slowDoc = delaying(ddb.doc, 1200, (input) => input.Key?.sk === `ORDER#${order.orderId}`);
    const server = await startServer(config({ tableName: table, shutdownDrainMs: 300 }), localClients(slowDoc), { logger: false });
    const port = server.port;
    expect((await get(port, "/readyz")).status).to.equal(200);

    const started = Date.now();
    const inFlight = get(port, `/v1/accounts/${order.account}/orders/${order.orderId}`);
    await sleep(100);
    let shutdownTook = -1;
    const stopped = server.shutdown("test").then(() => {
      shutdownTook = Date.now() - started;
    });

    const readiness = await get(port, "/readyz");
    expect(readiness.status).to.equal(503);
    expect(JSON.parse(readiness.body)).to.deep.equal({ status: "draining" });
    expect(readiness.headers.connection).to.equal("close");
    // Still serving during the drain window: the load balancer may route a few more requests.
    expect((await get(port, "/healthz")).status).to.equal(200);

    await sleep(500); // past the drain window: the listener is closed, the slow request still running
    let refused: unknown;
    await get(port, "/healthz").catch((error: unknown) => (refused = error));
    expect(refused, "new connections are refused once the listener closes").to.have.property("code", "ECONNREFUSED");
    expect(shutdownTook, "shutdown must wait for the in-flight request").to.equal(-1);

    const res = await inFlight;
    expect(res.status).to.equal(200);
    expect(JSON.parse(res.body)).to.deep.include({ orderId: order.orderId });
    await stopped;
    // The held request needed 1.2 s; finishing sooner would mean it was not waited for.
    expect(shutdownTook).to.be.at.least(1200);
  });

  it("with keep-alive clients: answers with connection: close after SIGTERM and stops as soon as in-flight requests are done", async () => {
    const slowDoc = delaying(ddb.doc, 900, (input) => input.Key?.sk === `ORDER#${order.orderId}`);
    const server = await startServer(
      config({ tableName: table, shutdownDrainMs: 300, shutdownGraceMs: 10_000 }),
      localClients(slowDoc),
      { logger: false },
    );
    const port = server.port;
    // Three keep-alive connections, as a load balancer holds them, all idle after their first request.
    const agent = new Agent({ keepAlive: true, maxSockets: 3 });
    try {
      await Promise.all([0, 1, 2].map(() => get(port, "/healthz", agent)));
      expect(agent.freeSockets[`127.0.0.1:${port}:`]?.length ?? 0).to.equal(3);

      const started = Date.now();
      const inFlight = get(port, `/v1/accounts/${order.account}/orders/${order.orderId}`, agent);
      await sleep(100);
      const stopped = server.shutdown("test").then(() => Date.now() - started);

      const duringDrain = await get(port, "/healthz", agent);
      expect(duringDrain.status).to.equal(200);
      expect(duringDrain.headers.connection, "a request during the drain window closes its connection").to.equal("close");

      const res = await inFlight;
      expect(res.status).to.equal(200);
      expect(res.headers.connection, "a request begun before SIGTERM also closes its connection").to.equal("close");
      // The in-flight request needs 900 ms, the drain window 300 ms; the grace period is 10 s, and
      // the third connection stays idle throughout: it must be closed, not waited for.
      const took = await stopped;
      expect(took).to.be.at.least(900);
      expect(took).to.be.below(1600);
    } finally {
      agent.destroy();
    }
  });

  it("stops waiting after the grace period and closes what is left", async () => {
    const stuckDoc = delaying(ddb.doc, 10_000, (input) => input.Key?.sk === `ORDER#${order.orderId}`);
    const server = await startServer(
      config({ tableName: table, shutdownDrainMs: 0, shutdownGraceMs: 300 }),
      localClients(stuckDoc),
      { logger: false },
    );
    const stuck = get(server.port, `/v1/accounts/${order.account}/orders/${order.orderId}`).then(
      () => "answered",
      () => "cut off",
    );
    await sleep(100);
    const started = Date.now();
    await server.shutdown("test");
    expect(Date.now() - started).to.be.below(2000);
    expect(await stuck).to.equal("cut off");
  });

  describe("main.ts as a process", () => {
    let child: ChildProcess | undefined;

    afterEach(() => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      child = undefined;
    });

    /** The service process from the shared harness (tests/support/serviceProcess.ts), killed after each test. */
    function run(env: Record<string, string>): { child: ChildProcess; output: () => string } {
      const service = runService(env);
      child = service.child;
      return { child: service.child, output: service.output };
    }

    it("drains on SIGTERM (readiness 503, then exit 0) with structured logs", async () => {
      const port = await freeLoopbackPort();
      const proc = run({
        PORT: String(port),
        HOST: "127.0.0.1",
        AWS_REGION: ddb.region,
        TABLE_NAME: table,
        DYNAMODB_ENDPOINT: ddb.endpoint,
        CURSOR_SECRET,
        // No cache or reference database here: this test is about the shutdown sequence.
        RISK_CHECKS: "disabled",
        AUTHENTICATION: "disabled",
        LOG_LEVEL: "info",
        SHUTDOWN_DRAIN_MS: "1500",
        SHUTDOWN_GRACE_MS: "2000",
      });
      const exited = once(proc.child, "exit");
      let ready = false;
      for (let i = 0; i < 200 && !ready; i++) {
        ready = await get(port, "/readyz").then((r) => r.status === 200, () => false);
        if (!ready) await sleep(100);
      }
      expect(ready, proc.output()).to.equal(true);
      const served = await get(port, `/v1/accounts/${order.account}/orders/${order.orderId}`);
      expect(served.status).to.equal(200);

      proc.child.kill("SIGTERM");
      await sleep(300);
      const draining = await get(port, "/readyz");
      expect(draining.status).to.equal(503);

      const [code] = (await exited) as [number | null];
      expect(code, proc.output()).to.equal(0);
      const lines = proc
        .output()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { msg: string; requestId?: string; statusCode?: number; level: number });
      const messages = lines.map((l) => l.msg);
      const drainAt = messages.findIndex((m) => m.startsWith("shutdown: readiness now 503"));
      const doneAt = messages.indexOf("shutdown: complete");
      expect(drainAt, messages.join("\n")).to.be.greaterThan(-1);
      expect(doneAt).to.be.greaterThan(drainAt);
      const served200 = lines.find((l) => l.msg === "request completed" && l.statusCode === 200 && l.requestId);
      expect(served200, "request logs carry a request id").to.not.equal(undefined);
    });

    it("refuses to start on a bad variable, naming it (exit 78)", async () => {
      const proc = run({ PORT: "abc", AWS_REGION: "us-east-1", TABLE_NAME: "trading-dev-trading", CURSOR_SECRET });
      const [code] = (await once(proc.child, "exit")) as [number | null];
      expect(code).to.equal(78);
      const line = JSON.parse(proc.output().trim().split("\n").pop() ?? "{}") as { msg: string };
      expect(line.msg).to.equal('Invalid configuration: PORT must be an integer between 1 and 65535 (got "abc")');
    });
  });
});
