/**
 * `npm run bench`: throughput and latency of placing and reading orders, for the Fastify service and
 * for a bare node:http handler making the same OrderStore calls, first on DynamoDB Local and then on
 * an in-memory DynamoDBDocument double. On DynamoDB Local the store dominates; the in-memory run
 * isolates what the service itself (routing, validation, logging, error handling) costs.
 * Target: the service keeps at least 75% of the bare handler's throughput (overhead <= 25%).
 *
 * The full order path (pre-trade checks, the rate limit in a real redis-server, the open-order
 * counter in the order's transaction; reference data synchronised from a real PostgreSQL into the
 * warmed in-process cache) is measured against the same bare handler placing orders, in its own
 * rows and ratio (measureFullOrderPath below). Goal: at least 0.75 of the bare throughput on the
 * in-memory store.
 *
 * Everything is on loopback and bounded: two stores x two operations x two targets, each measured
 * three times (alternating which target goes first) for BENCH_SECONDS (default 3) after a one-second
 * warm-up; figures are medians. Besides throughput, the server's CPU time per request is printed:
 * on a shared machine throughput swings with other load, CPU per request much less, and when the
 * server is CPU-bound 1 - cpu(bare)/cpu(service) estimates the same overhead. Figures are printed
 * and written to bench/results/ (git-ignored). Not a test: numbers depend on the machine.
 *
 * The service target authenticates every request (bearer token verified, entitlements checked;
 * bench/server.ts), so the ratio includes authentication. What authentication costs on its own is
 * measured twice: the service against the same service without authentication, in the same run
 * on the in-memory store (measureAuthentication below), and one token verification in isolation
 * (bench/tokenVerification.ts).
 *
 * BENCH_STORES=memory (or dynamo) measures one store only. BENCH_BARE_EXTRA_US=N makes the bare
 * handler burn N microseconds of CPU per request (bench/server.ts): compared with a run without it,
 * it shows how this machine turns added CPU into lost throughput.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import { startDynamoLocal } from "../tests/support/dynamoLocal";
import { measureTokenVerification } from "./tokenVerification";
import { startRiskBackends, type RiskBackends } from "./riskBackends";

type Impl = "bare" | "service";
type Store = "dynamo" | "memory";
type Op = "place" | "read";
/** The service with pre-trade checks, rate limit and open-order counter (bench/fullOrderPath.ts). */
type FullImpl = "full";

interface Target {
  child: ChildProcess;
  port: number;
  readPaths: string[];
  /** The service's bearer token; every request to either target carries it (the bare handler ignores it). */
  authorization?: string;
}

interface Sample {
  rps: number;
  /** Server CPU (user + system) per request, microseconds. */
  cpuUs: number;
  p50: number;
  p99: number;
  requests: number;
  unexpected: number;
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const TARGET_OVERHEAD = 0.25;
const STORES = (process.env.BENCH_STORES ?? "dynamo,memory").split(",").map((s) => s.trim()) as Store[];
for (const store of STORES) if (store !== "dynamo" && store !== "memory") throw new Error(`BENCH_STORES: expected dynamo and/or memory, got ${store}`);

async function startTarget(impl: Impl | FullImpl, store: Store, env: Record<string, string>): Promise<Target> {
  const child = spawn(process.execPath, ["--import", "tsx", resolve(__dirname, "server.ts")], {
    env: { ...process.env, ...env, BENCH_IMPL: impl, BENCH_STORE: store, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const timeout = setTimeout(() => child.kill("SIGKILL"), 60_000);
  for await (const line of lines) {
    if (!line.startsWith("{")) continue;
    clearTimeout(timeout);
    const ready = JSON.parse(line) as { port: number; readPaths: string[]; authorization?: string };
    return { child, port: ready.port, readPaths: ready.readPaths, ...(ready.authorization ? { authorization: ready.authorization } : {}) };
  }
  clearTimeout(timeout);
  throw new Error(`${impl}/${store} target exited before listening`);
}

async function stopTarget(target: Target): Promise<void> {
  const exited = once(target.child, "exit");
  target.child.kill("SIGTERM");
  await exited;
}

let sequence = 0;

async function cpuMicros(target: Target): Promise<number> {
  const reply = once(target.child, "message") as Promise<[{ cpu: { user: number; system: number } }]>;
  target.child.send("cpu");
  const [{ cpu }] = await reply;
  return cpu.user + cpu.system;
}

async function load(target: Target, op: Op, seconds: number, label: string, authorization: string): Promise<Sample> {
  const expected = op === "place" ? 201 : 200;
  let unexpected = 0;
  const request: autocannon.Request =
    op === "place"
      ? {
          method: "POST",
          path: "/v1/orders",
          headers: { "content-type": "application/json", authorization },
          setupRequest: (req) => {
            sequence += 1;
            return {
              ...req,
              body: JSON.stringify({
                account: `bench-${sequence % 1000}`,
                clientOrderId: `${label}-${sequence}`,
                symbol: "ACME",
                side: sequence % 2 === 0 ? "buy" : "sell",
                quantity: 1 + (sequence % 500),
                limitPrice: 9_000 + (sequence % 2_000),
                timeInForce: "GTC",
              }),
            };
          },
        }
      : {
          method: "GET",
          headers: { authorization },
          setupRequest: (req) => {
            sequence += 1;
            return { ...req, path: target.readPaths[sequence % target.readPaths.length] };
          },
        };
  const cpuBefore = await cpuMicros(target);
  const result = await new Promise<autocannon.Result>((done, fail) => {
    const instance = autocannon(
      { url: `http://127.0.0.1:${target.port}`, connections: CONNECTIONS, duration: seconds, requests: [request] },
      (error, finished) => (error ? fail(error) : done(finished)),
    );
    instance.on("response", (_client, statusCode) => {
      if (statusCode !== expected) unexpected += 1;
    });
  });
  const cpuUsed = (await cpuMicros(target)) - cpuBefore;
  return {
    rps: result.requests.average,
    cpuUs: cpuUsed / Math.max(1, result.requests.total),
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    unexpected: unexpected + result.errors + result.timeouts,
  };
}

/** Medians per figure, so one run disturbed by other work on the machine does not decide. */
function median(samples: Sample[]): Sample {
  const mid = (f: (s: Sample) => number) => {
    const sorted = samples.map(f).sort((x, y) => x - y);
    const m = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  };
  return {
    rps: mid((s) => s.rps),
    cpuUs: mid((s) => s.cpuUs),
    p50: mid((s) => s.p50),
    p99: mid((s) => s.p99),
    requests: samples.reduce((sum, s) => sum + s.requests, 0),
    unexpected: samples.reduce((sum, s) => sum + s.unexpected, 0),
  };
}

/** One side of a comparison: a target, the label its load uses, the header its requests carry. */
interface Side {
  target: Target;
  label: string;
  authorization: string;
  /** Runs one sample, for a side that measures something around it (redis-server's CPU). */
  around?: (run: () => Promise<Sample>) => Promise<Sample>;
}

/**
 * `op` against two targets: a one-second warm-up of each, then three samples each, alternating
 * which goes first so drift (JIT, GC, DynamoDB Local's growing tables) hits both alike.
 */
async function compare(op: Op, a: Side, b: Side): Promise<{ a: Sample[]; b: Sample[] }> {
  for (const side of [a, b]) await load(side.target, op, 1, `warm-${side.label}`, side.authorization);
  const samples = { a: [] as Sample[], b: [] as Sample[] };
  for (const order of [["a", "b"], ["b", "a"], ["a", "b"]] as const) {
    for (const which of order) {
      const side = which === "a" ? a : b;
      const run = () => load(side.target, op, SECONDS, side.label, side.authorization);
      samples[which].push(await (side.around ? side.around(run) : run()));
    }
  }
  return samples;
}

async function main(): Promise<void> {
  const extra = Number(process.env.BENCH_BARE_EXTRA_US ?? 0);
  console.log(
    `trading-api benchmark: ${CONNECTIONS} connections, median of 3 x ${SECONDS}s per figure, ${cpus().length} CPUs, Node ${process.version}` +
      (extra > 0 ? `; calibration: the bare handler burns ${extra} us of CPU per request` : ""),
  );
  const [ddb, risk] = await Promise.all([startDynamoLocal(), startRiskBackends()]);
  const results: Record<string, Record<Op, Record<Impl, Sample>>> = {};
  const fullPath: Record<string, FullPathResult> = {};
  let authentication: AuthenticationResult | undefined;
  try {
    const table = await ddb.createTable("bench-trading");
    for (const store of STORES) {
      const env = { BENCH_ENDPOINT: ddb.endpoint, BENCH_TABLE: table };
      const service = await startTarget("service", store, env);
      const targets = { service, bare: await startTarget("bare", store, env) };
      const authorization = service.authorization ?? "";
      results[store] = {} as Record<Op, Record<Impl, Sample>>;
      try {
        for (const op of ["place", "read"] as const) {
          const samples = await compare(
            op,
            { target: targets.bare, label: `${store}-bare`, authorization },
            { target: targets.service, label: `${store}-service`, authorization },
          );
          results[store][op] = { bare: median(samples.a), service: median(samples.b) };
        }
        fullPath[store] = await measureFullOrderPath(store, env, targets.bare, risk);
        if (store === "memory") authentication = await measureAuthentication(env);
      } finally {
        await stopTarget(targets.bare);
        await stopTarget(targets.service);
      }
    }
  } finally {
    await Promise.all([ddb.stop(), risk.stop()]);
  }

  const rows: string[] = [];
  const pad = (s: string, n: number) => s.padEnd(n);
  rows.push(`${pad("store", 8)}${pad("op", 7)}${pad("target", 9)}${pad("req/s", 10)}${pad("cpu us/req", 12)}${pad("p50 ms", 8)}${pad("p99 ms", 8)}${pad("requests", 10)}unexpected`);
  for (const [store, ops] of Object.entries(results)) {
    for (const [op, impls] of Object.entries(ops)) {
      for (const [impl, s] of Object.entries(impls)) {
        rows.push(
          `${pad(store, 8)}${pad(op, 7)}${pad(impl, 9)}${pad(s.rps.toFixed(0), 10)}${pad(s.cpuUs.toFixed(0), 12)}${pad(String(s.p50), 8)}${pad(String(s.p99), 8)}${pad(String(s.requests), 10)}${s.unexpected}`,
        );
      }
    }
  }
  console.log(`\n${rows.join("\n")}\n`);
  const verdicts: Record<string, { ratio: number; overhead: number; cpuOverhead: number; met: boolean }> = {};
  for (const [store, ops] of Object.entries(results)) {
    for (const [op, impls] of Object.entries(ops)) {
      const ratio = impls.service.rps / impls.bare.rps;
      const overhead = 1 - ratio;
      const cpuOverhead = 1 - impls.bare.cpuUs / impls.service.cpuUs;
      verdicts[`${store}/${op}`] = { ratio, overhead, cpuOverhead, met: overhead <= TARGET_OVERHEAD };
      const note = store === "memory" ? "(service's own overhead)" : "(store-bound; DynamoDB Local shares the CPUs)";
      console.log(
        `${store}/${op}: service/bare throughput = ${ratio.toFixed(2)}, overhead ${(overhead * 100).toFixed(0)}% ` +
          `-> target <= ${TARGET_OVERHEAD * 100}% ${overhead <= TARGET_OVERHEAD ? "MET" : "NOT MET"}; ` +
          `CPU-per-request overhead ${(cpuOverhead * 100).toFixed(0)}% ${note}`,
      );
    }
  }
  const tokens = await measureTokenVerification();
  console.log(
    `token verification in the service's verifier: ${tokens.firstUseUs.toFixed(0)} us for a token's first use (RS256 signature), ` +
      `${tokens.rememberedUs.toFixed(1)} us for a remembered token (every later request with it)`,
  );
  const fullVerdicts = reportFullOrderPath(fullPath, results);
  if (authentication) reportAuthentication(authentication);
  const dir = resolve(__dirname, "results");
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, `trading-api-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: cpus().length, seconds: SECONDS, connections: CONNECTIONS, results, verdicts, tokens, fullOrderPath: { results: fullPath, verdicts: fullVerdicts }, authentication }, null, 2)}\n`,
  );
  console.log(`\nwritten to ${file}`);
}

// ---- Full order path: pre-trade checks + rate limit + open-order counter vs the bare store path ----

const FULL_PATH_GOAL = 0.75;

interface FullPathResult {
  bare: Sample;
  full: Sample;
  /** redis-server CPU per full-path request, microseconds (it shares this machine's CPUs). */
  redisCpuUs: number;
}

/**
 * Placing orders through the full order path (a "full" target: the service with its pre-trade gate,
 * the real redis-server and PostgreSQL of riskBackends.ts, the reference cache warmed, the counter
 * in the order's transaction) against the bare handler's store path, alternating as above, in the
 * same run and on the same store. The bare target is the one the service was compared with.
 */
/** The full order path runs without authentication (its ratio is the checks' alone); the bare handler ignores the header. */
const NO_TOKEN = "";

async function measureFullOrderPath(store: Store, env: Record<string, string>, bare: Target, risk: RiskBackends): Promise<FullPathResult> {
  const full = await startTarget("full", store, { ...env, ...risk.env });
  try {
    const redisUs: number[] = [];
    const samples = await compare(
      "place",
      { target: bare, label: `full-${store}-bare`, authorization: NO_TOKEN },
      {
        target: full,
        label: `full-${store}-full`,
        authorization: NO_TOKEN,
        around: async (run) => {
          const before = risk.redisCpuMicros();
          const sample = await run();
          redisUs.push((risk.redisCpuMicros() - before) / Math.max(1, sample.requests));
          return sample;
        },
      },
    );
    redisUs.sort((x, y) => x - y);
    return { bare: median(samples.a), full: median(samples.b), redisCpuUs: redisUs[1] };
  } finally {
    await stopTarget(full);
  }
}

function reportFullOrderPath(fullPath: Record<string, FullPathResult>, results: Record<string, Record<Op, Record<Impl, Sample>>>) {
  const pad = (s: string, n: number) => s.padEnd(n);
  const rows = [
    `${pad("store", 8)}${pad("op", 7)}${pad("target", 9)}${pad("req/s", 10)}${pad("cpu us/req", 12)}${pad("redis us/req", 14)}${pad("p50 ms", 8)}${pad("p99 ms", 8)}${pad("requests", 10)}unexpected`,
  ];
  for (const [store, r] of Object.entries(fullPath)) {
    for (const [target, s] of [["bare", r.bare], ["full", r.full]] as const) {
      const redis = target === "full" ? r.redisCpuUs.toFixed(0) : "-";
      rows.push(
        `${pad(store, 8)}${pad("place", 7)}${pad(target, 9)}${pad(s.rps.toFixed(0), 10)}${pad(s.cpuUs.toFixed(0), 12)}${pad(redis, 14)}${pad(String(s.p50), 8)}${pad(String(s.p99), 8)}${pad(String(s.requests), 10)}${s.unexpected}`,
      );
    }
  }
  console.log(`\nfull order path (pre-trade checks + rate limit in redis-server + open-order counter in the transaction) vs the bare store path:\n${rows.join("\n")}\n`);
  const verdicts: Record<string, { ratio: number; cpuRatio: number; cpuRatioWithRedis: number; ratioToService: number; met: boolean }> = {};
  for (const [store, r] of Object.entries(fullPath)) {
    const ratio = r.full.rps / r.bare.rps;
    const cpuRatio = r.bare.cpuUs / r.full.cpuUs;
    const cpuRatioWithRedis = r.bare.cpuUs / (r.full.cpuUs + r.redisCpuUs);
    const ratioToService = r.full.rps / results[store].place.service.rps;
    verdicts[store] = { ratio, cpuRatio, cpuRatioWithRedis, ratioToService, met: ratio >= FULL_PATH_GOAL };
    console.log(
      `${store}/place full order path: full/bare throughput = ${ratio.toFixed(2)} -> goal >= ${FULL_PATH_GOAL} ${ratio >= FULL_PATH_GOAL ? "MET" : "NOT MET"}; ` +
        `CPU per request bare/full = ${cpuRatio.toFixed(2)} (${cpuRatioWithRedis.toFixed(2)} counting redis-server); full/service throughput = ${ratioToService.toFixed(2)}`,
    );
  }
  return verdicts;
}

// ---- Authentication's own cost: the same service with and without bearer tokens ----

type AuthenticationResult = Record<Op, { authenticated: Sample; open: Sample }>;

/**
 * The service with authentication against the same service built without it (BENCH_AUTH=off), on
 * the in-memory store in the same run, so the ratio is what token verification and the entitlement
 * check cost on their own. Both are fresh processes that get the same load in the same order: the
 * in-memory store keeps every order, so a process that has taken more orders pays more for
 * garbage collection and would not be a fair match for a new one.
 */
async function measureAuthentication(env: Record<string, string>): Promise<AuthenticationResult> {
  const [service, open] = await Promise.all([startTarget("service", "memory", env), startTarget("service", "memory", { ...env, BENCH_AUTH: "off" })]);
  try {
    const result = {} as AuthenticationResult;
    for (const op of ["place", "read"] as const) {
      const samples = await compare(
        op,
        { target: open, label: "auth-open", authorization: NO_TOKEN },
        { target: service, label: "auth-authenticated", authorization: service.authorization ?? NO_TOKEN },
      );
      result[op] = { open: median(samples.a), authenticated: median(samples.b) };
    }
    return result;
  } finally {
    await Promise.all([stopTarget(open), stopTarget(service)]);
  }
}

function reportAuthentication(result: AuthenticationResult): void {
  const pad = (s: string, n: number) => s.padEnd(n);
  const rows = [`${pad("op", 7)}${pad("target", 15)}${pad("req/s", 10)}${pad("cpu us/req", 12)}${pad("requests", 10)}unexpected`];
  for (const [op, r] of Object.entries(result)) {
    for (const [target, s] of [["open", r.open], ["authenticated", r.authenticated]] as const) {
      rows.push(`${pad(op, 7)}${pad(target, 15)}${pad(s.rps.toFixed(0), 10)}${pad(s.cpuUs.toFixed(0), 12)}${pad(String(s.requests), 10)}${s.unexpected}`);
    }
  }
  console.log(`\nauthentication's own cost (in-memory store): the service with bearer tokens vs the same service without authentication:\n${rows.join("\n")}\n`);
  for (const [op, r] of Object.entries(result)) {
    console.log(
      `memory/${op} authentication: authenticated/open throughput = ${(r.authenticated.rps / r.open.rps).toFixed(2)}; ` +
        `CPU per request open/authenticated = ${(r.open.cpuUs / r.authenticated.cpuUs).toFixed(2)}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
