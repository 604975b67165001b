/**
 * Fault injection against the real entry point (main.ts as a child process), as an operator would
 * try it: the store frozen, refused and reset under concurrent load, then back; and SIGTERM while a
 * load balancer's keep-alive connections are busy. Bounded: each scenario runs a few seconds.
 */
import { expect } from "chai";
import { Agent } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { freeLoopbackPort, sharedDynamoLocal, type DynamoLocal } from "../support/dynamoLocal";
import { FaultProxy, type FaultMode } from "../support/faultProxy";
import { send, type HttpResponse } from "../support/http";
import { runService, type ServiceProcess } from "../support/serviceProcess";
import { accountPk, clientOrderKey } from "../../services/table/keys";
import { CURSOR_SECRET, orderBody, placeOrder, testApp, unique, type OrderBody } from "./fixtures";

const DEADLINE_MS = 1000;
/** Event-loop and scheduling slack on a shared 2-core machine. */
const SLACK_MS = 600;

interface Attempt {
  body: OrderBody;
  phase: FaultMode;
  /** Which step of the fault schedule the request started in. */
  step: number;
  res?: HttpResponse;
  transportError?: string;
}

describe("trading-api fault injection (main.ts, store behind a fault proxy)", function () {
  this.timeout(60_000);
  let ddb: DynamoLocal;
  let table: string;
  let proxy: FaultProxy;
  let service: ServiceProcess | undefined;

  before(async function () {
    this.timeout(90_000);
    ddb = await sharedDynamoLocal();
    table = await ddb.createTable();
    proxy = await FaultProxy.start({ host: "127.0.0.1", port: ddb.port });
  });

  afterEach(async () => {
    service?.kill();
    service = undefined;
    proxy.delayMs = 0;
    await proxy.setMode("pass");
  });

  after(() => proxy.close());

  async function start(port: number, env: Record<string, string>): Promise<ServiceProcess> {
    service = runService({
      PORT: String(port),
      HOST: "127.0.0.1",
      AWS_REGION: ddb.region,
      TABLE_NAME: table,
      DYNAMODB_ENDPOINT: proxy.endpoint,
      CURSOR_SECRET,
      LOG_LEVEL: "info",
      DYNAMODB_TIMEOUT_MS: "400",
      DYNAMODB_MAX_ATTEMPTS: "2",
      REQUEST_DEADLINE_MS: String(DEADLINE_MS),
      // The store's faults are under test here; the risk tier's are in riskFailures.test.ts, auth's in auth.test.ts.
      RISK_CHECKS: "disabled",
      AUTHENTICATION: "disabled",
      ...env,
    });
    await service.waitReady(port);
    return service;
  }

  it("frozen, refused and reset store under load: only 503 + Retry-After, never past the deadline, recovery, nothing acknowledged is lost", async () => {
    const port = await freeLoopbackPort();
    const proc = await start(port, { SHUTDOWN_DRAIN_MS: "0" });
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const attempts: Attempt[] = [];
    let running = true;
    let step = 0;
    const worker = async (account: string) => {
      while (running) {
        const attempt: Attempt = { body: orderBody({ account, clientOrderId: unique("cl") }), phase: proxy.currentMode, step };
        attempts.push(attempt);
        try {
          attempt.res = await send(port, { method: "POST", path: "/v1/orders", body: JSON.stringify(attempt.body), agent, timeoutMs: 5000 });
        } catch (error) {
          attempt.transportError = String(error);
        }
        // Bounded load: each client paces itself, so the run checks a few hundred orders, not thousands.
        await sleep(25);
      }
    };
    const accounts = Array.from({ length: 8 }, () => unique("load"));
    const workers = accounts.map((account) => worker(account));
    const schedule: [FaultMode, number][] = [["pass", 500], ["stall", 1500], ["refuse", 500], ["reset", 400], ["pass", 1200]];
    for (const [mode, ms] of schedule) {
      await proxy.setMode(mode);
      await sleep(ms);
      step += 1;
    }
    running = false;
    await Promise.all(workers);
    agent.destroy();

    expect(attempts.filter((a) => a.transportError).map((a) => a.transportError), "every request was answered").to.deep.equal([]);
    const statuses = new Set(attempts.map((a) => a.res?.status));
    expect([...statuses].sort(), "only 201 and 503, never a 500").to.deep.equal([201, 503]);
    const slowest = Math.max(...attempts.map((a) => a.res?.tookMs ?? 0));
    expect(slowest, "no request outlived its deadline").to.be.below(DEADLINE_MS + SLACK_MS);
    const unavailable = attempts.filter((a) => a.res?.status === 503);
    expect(unavailable.length).to.be.greaterThan(0);
    for (const a of unavailable) {
      expect(a.res?.headers["retry-after"]).to.equal("1");
      const body = JSON.parse(a.res?.body ?? "{}") as { error: string; outcome?: string; requestId?: string };
      expect(["store_unavailable", "deadline_exceeded"]).to.include(body.error);
      expect(body.outcome).to.equal("unknown");
      expect(body.requestId).to.be.a("string");
    }
    // Recovery: once the store is back, every client's orders go through again. (Not every single
    // request: DynamoDB Local on a shared machine can still miss a 400 ms attempt now and then.)
    const recovered = attempts.filter((a) => a.step === schedule.length - 1);
    for (const account of accounts) {
      expect(recovered.some((a) => a.body.account === account && a.res?.status === 201), `${account} recovered`).to.equal(true);
    }
    expect(recovered.filter((a) => a.res?.status === 201).length, JSON.stringify(recovered.map((a) => [a.res?.status, a.res?.tookMs]))).to.be.greaterThan(recovered.length / 2);

    // Every acknowledged order is in the table, under its client order id.
    const acknowledged = attempts.filter((a) => a.res?.status === 201);
    await Promise.all(
      acknowledged.map(async (a) => {
        const claim = await ddb.doc.get({ TableName: table, Key: clientOrderKey(a.body.account, a.body.clientOrderId), ConsistentRead: true });
        expect(claim.Item?.orderId, `order for ${a.body.clientOrderId}`).to.equal((JSON.parse(a.res?.body ?? "{}") as { orderId: string }).orderId);
      }),
    );
    // Retrying each unknown outcome with the same clientOrderId, as a client following Retry-After
    // would, settles it: exactly one order each (checked below), whether the first try landed or not.
    const retryAgent = new Agent({ keepAlive: true, maxSockets: 8 });
    const settle = async (a: Attempt): Promise<number> => {
      for (let tries = 0; ; tries++) {
        const res = await send(port, { method: "POST", path: "/v1/orders", body: JSON.stringify(a.body), agent: retryAgent, timeoutMs: 5000 });
        if (res.status !== 503 || tries === 4) return res.status;
        await sleep(200);
      }
    };
    for (let i = 0; i < unavailable.length; i += 8) {
      const statuses = await Promise.all(unavailable.slice(i, i + 8).map(settle));
      for (const status of statuses) expect([200, 201]).to.include(status);
    }
    retryAgent.destroy();
    for (const account of accounts) {
      const items = await ddb.doc.query({
        TableName: table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": accountPk(account) },
        ConsistentRead: true,
      });
      const orders = (items.Items ?? []).filter((i) => i.entity === "ORDER");
      const expected = attempts.filter((a) => a.body.account === account && a.res && [201, 503].includes(a.res.status)).length;
      expect(orders.length, `orders of ${account}`).to.equal(expected);
    }
    const gone = proc.exited;
    proc.child.kill("SIGTERM");
    expect(await gone).to.equal(0);
    expect(() => proc.jsonLines(), "the log is JSON lines only").to.not.throw();
  });

  it("SIGTERM with busy keep-alive clients: every accepted request is answered, then the process exits within drain + a small margin", async () => {
    const port = await freeLoopbackPort();
    const drainMs = 1000;
    // The store answers slowly here (300 ms) but within the attempt timeout: slow, not failing.
    const proc = await start(port, { SHUTDOWN_DRAIN_MS: String(drainMs), SHUTDOWN_GRACE_MS: "20000", DYNAMODB_TIMEOUT_MS: "700" });
    const setup = testApp(ddb.doc, table);
    const order = await placeOrder(setup, orderBody());
    await setup.close();
    const path = `/v1/accounts/${order.account}/orders/${order.orderId}`;

    // Six keep-alive connections, as a load balancer holds them, warmed with a first read each.
    const agent = new Agent({ keepAlive: true, maxSockets: 6 });
    await Promise.all(Array.from({ length: 6 }, () => send(port, { path, agent })));
    proxy.delayMs = 300; // every store answer takes 300 ms: there is always work in flight

    let signalledAt = 0;
    const answers: HttpResponse[] = [];
    const failures: string[] = [];
    let refused = 0;
    const worker = async () => {
      for (;;) {
        try {
          const res = await send(port, { path, agent, timeoutMs: 10_000 });
          answers.push(res);
          if (res.status !== 200) failures.push(`status ${res.status}`);
        } catch (error) {
          // Refused at connect once the listener is closed: never accepted, so nothing was lost.
          if ((error as NodeJS.ErrnoException).code === "ECONNREFUSED" && signalledAt > 0) {
            refused += 1;
            return;
          }
          failures.push(String(error));
          return;
        }
      }
    };
    const workers = Array.from({ length: 6 }, () => worker());
    await sleep(500);
    const exited = proc.exited;
    signalledAt = Date.now();
    const sentBefore = answers.length;
    proc.child.kill("SIGTERM");
    const code = await exited;
    const exitedAfter = Date.now() - signalledAt;
    await Promise.all(workers);
    agent.destroy();

    expect(failures, "no request was dropped or reset").to.deep.equal([]);
    expect(code).to.equal(0);
    expect(answers.length).to.be.greaterThan(sentBefore);
    expect(refused).to.equal(6);
    const afterSignal = answers.slice(sentBefore + 6);
    expect(afterSignal.length, "requests kept being served during the drain window").to.be.greaterThan(0);
    for (const res of afterSignal) expect(res.headers.connection).to.equal("close");
    // Drain window, then at most one in-flight store call (300 ms), then exit: nowhere near the 20 s grace.
    expect(exitedAfter).to.be.at.least(drainMs);
    expect(exitedAfter).to.be.below(drainMs + 300 + 1200);
    expect(() => proc.jsonLines()).to.not.throw();
  });
});
