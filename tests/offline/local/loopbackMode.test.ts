/**
 * The service's loopback mode (LOCAL_DEPENDENCIES=loopback, services/trading-api/src/config.ts) end
 * to end: the real entry point as a process against PostgreSQL (TLS verified against the local CA,
 * a static password for trading_app), redis-server (a static ACL password) and DynamoDB Local, with
 * authentication on, places an order; pointed at a host that is not loopback it refuses to start,
 * naming the variable; given a CA that did not sign the server's certificate it never reads the
 * reference data, so verification is real.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Pool } from "pg";
import { APP_DB_ROLE, REFDATA_DB_ROLE } from "../../../services/reference-data/contract";
import { migratedReferenceDatabase } from "../../../offline/local/referenceDatabase";
import { ReferenceDataRepository } from "../../../services/reference-data/src/repository";
import { DEFAULT_CLIENT, EXAMPLE_ORDER, seedReferenceData } from "../../../offline/local/seed";
import { freeLoopbackPort, sharedDynamoLocal, type DynamoLocal } from "../../support/dynamoLocal";
import { TestIssuer } from "../../support/oidcIssuer";
import { sharedPostgres, type Postgres } from "../../support/postgres";
import { startRedis, type RedisServer } from "../../support/redis";
import { runService, type ServiceProcess } from "../../support/serviceProcess";

describe("trading-api LOCAL_DEPENDENCIES=loopback (PostgreSQL with TLS, redis-server, DynamoDB Local)", function () {
  this.timeout(90_000);
  let ddb: DynamoLocal;
  let pg: Postgres;
  let redis: RedisServer;
  let issuer: TestIssuer;
  let database: string;
  let table: string;
  let dir: string;
  const services: ServiceProcess[] = [];

  before(async function () {
    this.timeout(120_000);
    [ddb, pg, redis, issuer] = await Promise.all([sharedDynamoLocal(), sharedPostgres(), startRedis(), TestIssuer.start()]);
    dir = mkdtempSync(path.join(tmpdir(), "loopback-mode-"));
    table = await ddb.createTable();
    database = await migratedReferenceDatabase(pg, "loopback");
    const writer = new Pool({ ...pg.config(database, REFDATA_DB_ROLE), max: 1 });
    await seedReferenceData(new ReferenceDataRepository(writer, "test:loopback"));
    await writer.end();
  });
  afterEach(() => {
    for (const service of services.splice(0)) service.kill();
  });
  after(async () => {
    await redis?.stop();
    await issuer?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function environment(overrides: Record<string, string> = {}): Promise<{ port: number; env: Record<string, string> }> {
    const port = await freeLoopbackPort();
    return {
      port,
      env: {
        PORT: String(port),
        HOST: "127.0.0.1",
        AWS_REGION: "us-east-1",
        TABLE_NAME: table,
        DYNAMODB_ENDPOINT: ddb.endpoint,
        CURSOR_SECRET: "c".repeat(40),
        SHUTDOWN_DRAIN_MS: "0",
        LOCAL_DEPENDENCIES: "loopback",
        REFDATA_DB_HOST: "127.0.0.1",
        REFDATA_DB_PORT: String(pg.port),
        REFDATA_DB_NAME: database,
        REFDATA_DB_USER: APP_DB_ROLE,
        REFDATA_DB_PASSWORD: pg.password,
        REFDATA_DB_CA_FILE: pg.caFile,
        CACHE_HOST: "127.0.0.1",
        CACHE_PORT: String(redis.port),
        CACHE_USER: redis.username,
        CACHE_PASSWORD: redis.password,
        CACHE_TLS: "false",
        REFDATA_SYNC_INTERVAL_MS: "200",
        REFDATA_POLL_MS: "100",
        AUTH_ISSUER: issuer.url,
        AUTH_JWKS_URL: issuer.jwksUrl.href,
        AUTH_TOKEN_USE: "access",
        ...overrides,
      },
    };
  }

  const statusIs = (wanted: string) => (body: string) => (JSON.parse(body) as { status?: string }).status === wanted;

  it("places the README's order with a token, reading the reference data over verified TLS with a static password", async () => {
    const { port, env } = await environment();
    const service = runService(env);
    services.push(service);
    await service.waitReady(port, 30_000, statusIs("ready"));

    const token = await issuer.token(DEFAULT_CLIENT, ["orders.read", "orders.write"]);
    const placed = await fetch(`http://127.0.0.1:${port}/v1/orders`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: EXAMPLE_ORDER,
    });
    expect(placed.status, await placed.clone().text()).to.equal(201);
    expect(((await placed.json()) as { status: string }).status).to.equal("open");
    const anonymous = await fetch(`http://127.0.0.1:${port}/v1/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: EXAMPLE_ORDER });
    expect(anonymous.status).to.equal(401);

    // The service's own connections to PostgreSQL, as the server sees them: encrypted.
    const admin = await pg.connect("postgres", "postgres");
    try {
      const rows = (await admin.query<{ ssl: boolean }>("SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.usename = $1 AND a.datname = $2", [APP_DB_ROLE, database])).rows;
      expect(rows.length).to.be.greaterThan(0);
      expect(rows.every((r) => r.ssl)).to.equal(true);
    } finally {
      await admin.end();
    }
    const warning = service.jsonLines().find((line) => String(line.msg).startsWith("LOCAL_DEPENDENCIES=loopback"));
    expect(warning, "the mode is announced in the log").to.not.equal(undefined);
  });

  it("refuses to start (exit 78) when a host is not loopback, naming LOCAL_DEPENDENCIES", async () => {
    const { env } = await environment({ REFDATA_DB_HOST: "trading.cluster-ro-abc.us-east-1.rds.amazonaws.com" });
    const service = runService(env);
    services.push(service);
    expect(await service.exited).to.equal(78);
    const [line] = service.jsonLines();
    expect(line.problems).to.deep.equal([
      {
        variable: "LOCAL_DEPENDENCIES",
        message: 'loopback is allowed only when REFDATA_DB_HOST and CACHE_HOST are loopback hosts (127.0.0.0/8, ::1 or localhost); REFDATA_DB_HOST is "trading.cluster-ro-abc.us-east-1.rds.amazonaws.com"',
      },
    ]);
    expect(service.output()).to.not.include(pg.password);
  });

  it("does not trust a PostgreSQL certificate its CA file did not sign: the reference data is never read", async () => {
    const otherCa = path.join(dir, "other-ca.crt");
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path.join(dir, "other-ca.key"), "-out", otherCa, "-days", "1", "-subj", "/CN=not-the-local-ca"], { stdio: "ignore" });
    const { port, env } = await environment({ REFDATA_DB_CA_FILE: otherCa, CACHE_PORT: String((await startedRedis()).port) });
    const service = runService(env);
    services.push(service);
    await service.waitReady(port, 30_000, statusIs("degraded"));
    // Several sync intervals: a verifying client never gets past the handshake.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const readiness = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { status: string; dependencies: { referenceDatabase: { ok: boolean; detail: string } } };
    expect(readiness.status).to.equal("degraded");
    expect(readiness.dependencies.referenceDatabase.ok).to.equal(false);
    expect(readiness.dependencies.referenceDatabase.detail).to.match(/certificate/i);
  });

  /** An empty redis-server of its own, so the copy the first test's syncer wrote cannot stand in for a read. */
  let second: RedisServer | undefined;
  async function startedRedis(): Promise<RedisServer> {
    second ??= await startRedis();
    return second;
  }
  after(async () => second?.stop());
});
