/**
 * `npm run local`: the trading API on this machine as it runs in production, authentication and
 * pre-trade risk checks on, against real local servers and nothing from AWS:
 *   DynamoDB Local (the table from services/table/schema.ts), PostgreSQL (migrated with the real
 *   migrations, seeded through the real repository: ./seed.ts), redis-server (filled from
 *   PostgreSQL by the service's own syncer), a token issuer (JWKS + client credentials endpoint),
 *   then services/trading-api/src/main.ts as a child process on 127.0.0.1:${PORT:-8080}, with
 *   LOCAL_DEPENDENCIES=loopback (static passwords and the local CA instead of IAM tokens and the
 *   RDS CAs; the service refuses that mode for any host that is not loopback).
 *
 * Every server listens on 127.0.0.1 (DynamoDB Local on every interface: it has no bind option).
 * Ctrl-C, SIGTERM or SIGHUP stops everything it started, API first, and removes the temporary
 * directories and the state file; a failed start does the same. README.md beside this file.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { Pool } from "pg";
import { APP_DB_ROLE, REFDATA_DB_ROLE } from "../../services/reference-data/contract";
import { migratedReferenceDatabase } from "./referenceDatabase";
import { ReferenceDataRepository } from "../../services/reference-data/src/repository";
import { missingPrerequisites } from "./prerequisites";
import { DEFAULT_CLIENT, EXAMPLE_ORDER, SEED_ACCOUNTS, SEED_CLIENTS, SEED_INSTRUMENTS, seedReferenceData } from "./seed";
import { startDynamoLocal, type DynamoLocal } from "./servers/dynamoLocal";
import { LocalIssuer } from "./servers/oidcIssuer";
import { portOpen } from "./servers/ports";
import { startPostgres, type Postgres } from "./servers/postgres";
import { startRedis, type RedisServer } from "./servers/redis";
import { runService } from "./servers/tradingApi";
import { isAlive, readState, removeState, stateDir, statePath, writeState, type LocalState } from "./state";
import { Teardown } from "./teardown";

const REGION = "us-east-1";
const TABLE = "trading-local";
const DATABASE = "trading";
const DEFAULT_PORT = 8080;

const out = (line: string) => process.stdout.write(`${line}\n`);
const fail = (line: string, code = 1): never => {
  process.stderr.write(`local: ${line}\n`);
  process.exit(code);
};
const seconds = (ms: number) => (ms / 1000).toFixed(1);

function apiPort(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return DEFAULT_PORT;
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port < 1 || port > 65535) fail(`PORT must be an integer between 1 and 65535 (got "${value}")`, 2);
  return port;
}

/** A stack that was killed outright (SIGKILL, a crash) leaves its state file; say what may still run. */
function previousRun(): void {
  let state: LocalState | undefined;
  try {
    state = readState();
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (!state) return;
  if (isAlive(state.pid)) fail(`npm run local is already running (pid ${state.pid}, API ${state.apiUrl}): stop it first (Ctrl-C in its terminal, or kill ${state.pid})`);
  const left = state.servers.filter((s) => s.pid !== undefined && isAlive(s.pid));
  if (left.length > 0) {
    process.stderr.write(`local: a previous npm run local (pid ${state.pid}) did not stop cleanly; these may still run: ${left.map((s) => `${s.name} pid ${s.pid}`).join(", ")}\n`);
  }
  removeState();
}

const teardown = new Teardown();
let exitCode = 0;

/** Stops everything started so far and exits; the first call wins. */
async function stop(why: string): Promise<void> {
  if (teardown.started) return;
  out(`local: stopping (${why})`);
  const failures = await teardown.stopAll();
  removeState();
  for (const failure of failures) process.stderr.write(`local: ${failure}\n`);
  out(failures.length === 0 ? "local: stopped: every server ended, temporary files removed" : "local: stopped, with the problems above");
  process.exit(failures.length === 0 ? exitCode : 1);
}

async function main(): Promise<void> {
  const began = performance.now();
  const port = apiPort(process.env.PORT);
  const problems = missingPrerequisites({ path: process.env.PATH ?? "" });
  if (problems.length > 0) {
    for (const problem of problems) process.stderr.write(`local: ${problem}\n`);
    process.exit(1);
  }
  previousRun();
  if (await portOpen(port)) fail(`port ${port} on 127.0.0.1 is in use: stop what listens there or choose another with PORT=<port> npm run local`);

  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(signal));
  // npm forwards signals to the script's process (package.json execs node for that), but whatever
  // started this may die without a signal reaching it: then nothing would stop the servers.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop("the parent process exited");
  }, 1000).unref();

  const dir = stateDir();
  mkdirSync(dir, { recursive: true });
  const apiLog = path.join(dir, "trading-api.log");
  const secrets = Object.fromEntries(SEED_CLIENTS.map((c) => [c.clientId, { secret: randomBytes(24).toString("base64url"), scopes: [...c.tokenScopes] }]));

  out("local: starting DynamoDB Local, PostgreSQL, redis-server and the token issuer");
  // Each server is stopped once it is up, whatever happens to its preparation (table, migrations, seed) after.
  const dynamo = teardown.track("DynamoDB Local", startDynamoLocal(), (d) => d.stop()).then(async (d) => ({ d, table: await d.createTable(TABLE) }));
  const postgres = teardown.track("PostgreSQL", startPostgres(), (p) => p.stop()).then(async (p) => {
    await preparePostgres(p);
    return p;
  });
  const redis = teardown.track("redis-server", startRedis(), (r) => r.stop());
  const issuer = teardown.track("token issuer", LocalIssuer.start({ clients: secrets }), (i) => i.stop());
  const settled = await Promise.allSettled([dynamo, postgres, redis, issuer]);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  // After a Ctrl-C, a failure is the interrupted start's, not news: the stop under way ends the process.
  if (teardown.started) return;
  if (failed) {
    exitCode = 1;
    process.stderr.write(`local: start-up failed: ${failed.reason instanceof Error ? failed.reason.message : String(failed.reason)}\n`);
    return stop("start-up failed");
  }
  const [{ d: ddb, table }, pg, cache, tokens] = await Promise.all([dynamo, postgres, redis, issuer]);
  const serversUp = performance.now();

  const service = runService(apiEnvironment(port, ddb, table, pg, cache, tokens), { logFile: apiLog, keepChars: 20_000 });
  teardown.add("trading-api", () => service.stop(10_000));
  void service.exited.then(async (code) => {
    // A Ctrl-C reaches the whole process group: the API may exit from it a moment before this
    // process's own handler has begun the stop. Only an exit nothing asked for is a failure.
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (teardown.started) return;
    process.stderr.write(`local: trading-api exited (${code}) on its own; its last lines:\n${lastLines(service.output(), 15)}\n`);
    exitCode = 1;
    void stop("trading-api exited");
  });
  try {
    // "ready", not "degraded": the syncer has filled redis-server and the cache has the reference data, so orders are accepted.
    await service.waitReady(port, 30_000, (body) => (JSON.parse(body) as { status?: string }).status === "ready");
  } catch {
    if (teardown.started) return;
    exitCode = 1;
    process.stderr.write(`local: trading-api did not become ready within 30 s; its last lines:\n${lastLines(service.output(), 15)}\n`);
    return stop("start-up failed");
  }

  // A stop that began while the API was starting removes the state file when it ends; do not write one after it.
  if (teardown.started) return;
  const apiUrl = `http://127.0.0.1:${port}`;
  writeState({
    version: 1,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    apiUrl,
    tokenEndpoint: tokens.tokenUrl.href,
    defaultClient: DEFAULT_CLIENT,
    clients: secrets,
    servers: [
      { name: "DynamoDB Local", url: ddb.endpoint, port: ddb.port, ...(ddb.pid ? { pid: ddb.pid } : {}) },
      { name: "PostgreSQL", url: `postgres://127.0.0.1:${pg.port}/${DATABASE}`, port: pg.port, ...(pg.pid() ? { pid: pg.pid() } : {}) },
      { name: "redis-server", url: `redis://127.0.0.1:${cache.port}`, port: cache.port, ...(cache.pid() ? { pid: cache.pid() } : {}) },
      { name: "token issuer", url: tokens.url, port: tokens.listeningPort, pid: process.pid },
      { name: "trading-api", url: apiUrl, port, ...(service.child.pid ? { pid: service.child.pid } : {}) },
    ],
    tempDirs: [pg.dir],
    apiLog,
  });
  const relative = (file: string) => {
    const shown = path.relative(process.cwd(), file);
    return shown.startsWith("..") || shown === "" ? file : shown;
  };
  out(`local: ready in ${seconds(performance.now() - began)} s (servers ${seconds(serversUp - began)} s, then the API): authentication and risk checks on`);
  out(`  DynamoDB Local   ${ddb.endpoint}  table ${table}, in memory`);
  out(`  PostgreSQL       127.0.0.1:${pg.port}  database ${DATABASE}, migrated; ${SEED_INSTRUMENTS.length} instruments, ${SEED_ACCOUNTS.length} accounts, ${SEED_CLIENTS.length} clients (offline/local/README.md)`);
  out(`  redis-server     127.0.0.1:${cache.port}  reference data copied from PostgreSQL by the service's syncer`);
  out(`  token issuer     ${tokens.url}  JWKS and client credentials (${tokens.tokenUrl.href})`);
  out(`  trading-api      ${apiUrl}  pid ${service.child.pid}, log ${relative(apiLog)}`);
  out(`  state            ${relative(statePath())}`);
  out(`Place the README's order as ${DEFAULT_CLIENT}:`);
  out(`  curl -sS -H "Authorization: Bearer $(npm run -s local:token)" -H 'content-type: application/json' \\`);
  out(`    -d '${EXAMPLE_ORDER}' \\`);
  out(`    ${apiUrl}/v1/orders`);
  out("Ctrl-C stops everything.");
}

/** Migrated as the master user, the application roles given passwords (IAM tokens in AWS), then seeded as trading_refdata. */
async function preparePostgres(pg: Postgres): Promise<void> {
  await migratedReferenceDatabase(pg, DATABASE, DATABASE);
  const writer = new Pool({ ...pg.config(DATABASE, REFDATA_DB_ROLE), max: 1 });
  try {
    await seedReferenceData(new ReferenceDataRepository(writer, "local:seed"));
  } finally {
    await writer.end();
  }
}

function apiEnvironment(port: number, ddb: DynamoLocal, table: string, pg: Postgres, cache: RedisServer, issuer: LocalIssuer): Record<string, string> {
  return {
    PORT: String(port),
    HOST: "127.0.0.1",
    AWS_REGION: REGION,
    TABLE_NAME: table,
    DYNAMODB_ENDPOINT: ddb.endpoint,
    AWS_ACCESS_KEY_ID: ddb.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ddb.credentials.secretAccessKey,
    CURSOR_SECRET: randomBytes(32).toString("base64url"),
    // Nothing routes to a local process: stop at once (the production default waits 10 s for the ALB).
    SHUTDOWN_DRAIN_MS: "0",
    SHUTDOWN_GRACE_MS: "3000",
    LOCAL_DEPENDENCIES: "loopback",
    REFDATA_DB_HOST: pg.host,
    REFDATA_DB_PORT: String(pg.port),
    REFDATA_DB_NAME: DATABASE,
    REFDATA_DB_USER: APP_DB_ROLE,
    REFDATA_DB_PASSWORD: pg.password,
    REFDATA_DB_CA_FILE: pg.caFile,
    CACHE_HOST: cache.host,
    CACHE_PORT: String(cache.port),
    CACHE_USER: cache.username,
    CACHE_PASSWORD: cache.password,
    CACHE_TLS: "false",
    AUTH_ISSUER: issuer.url,
    AUTH_JWKS_URL: issuer.jwksUrl.href,
    AUTH_TOKEN_USE: "access",
  };
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split("\n").slice(-count).join("\n");
}

main().catch((error: unknown) => {
  process.stderr.write(`local: ${error instanceof Error ? error.message : String(error)}\n`);
  exitCode = 1;
  void stop("error");
});
