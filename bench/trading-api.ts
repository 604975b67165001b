/**
 * `npm run bench`: the trading API's own CPU per request, in one run, for placing and reading an
 * order on the in-memory store (a DynamoDBDocument double, so the store costs little and what is
 * measured is the HTTP service), three targets making the same OrderStore calls:
 * - `service`: the service with everything on (authentication, validation of numbers as written,
 *   the risk checks and rate limits in a real redis-server, metrics, the write gate, the log line;
 *   bench/serviceTarget.ts);
 * - `fastify`: a plain Fastify route, and `bare`: a node:http handler (bench/plainTargets.ts).
 * Goal: the service's CPU per request within 1.5x the bare handler's, for both operations.
 *
 * CPU per request is the target process's own CPU time (user + system, from process.cpuUsage()
 * over IPC) divided by the requests it answered under closed-loop load (autocannon, BENCH_CONNECTIONS
 * connections): on a 2-core machine where the load generator shares the CPUs, throughput swings with
 * everything else that runs, the CPU a request costs the target much less. Each figure is the median
 * of three samples of BENCH_SECONDS, the targets taking turns in a rotating order after a warm-up.
 *
 * Then latency: each operation at half the service's measured peak rate, open-loop (openLoop.ts),
 * against the service and, at the same rate, the bare handler. Goal: the service's p99 under 2 ms.
 *
 * BENCH_STORES=memory,dynamo adds DynamoDB Local; BENCH_SERVICE_OFF=auth,risk,metrics,gate,log turns
 * parts of the service off (serviceTarget.ts); BENCH_BARE_EXTRA_US=N makes the bare handler burn N µs
 * per request (a calibration); BENCH_CPU_PROF=<dir> runs the service under `node --cpu-prof` and
 * prints its profile's top frames. Figures go to stdout and bench/results/ (git-ignored). Not a test:
 * the numbers depend on the machine.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { basename, resolve } from "node:path";
import { startDynamoLocal, type DynamoLocal } from "../tests/support/dynamoLocal";
import { openLoop, type OpenLoopResult } from "./openLoop";
import { formatTopFrames } from "./profileTop";
import { startRiskBackends } from "./riskBackends";
import { measureTokenVerification } from "./tokenVerification";
import { load, median, orderBody, startTarget, stopTarget, type Impl, type Op, type Sample, type Store, type Target } from "./targets";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 5);
/** Connections of the open-loop generator: enough that a due request rarely waits for one. */
const LATENCY_CONNECTIONS = 32;
const CPU_RATIO_GOAL = 1.5;
const P99_GOAL_MS = 2;
const IMPLS: Impl[] = ["bare", "fastify", "service"];
const STORES = (process.env.BENCH_STORES ?? "memory").split(",").map((s) => s.trim()) as Store[];
for (const store of STORES) if (store !== "dynamo" && store !== "memory") throw new Error(`BENCH_STORES: expected memory and/or dynamo, got ${store}`);
/** BENCH_OPS=read (or place) measures one operation only (profiling one path). */
const OPS = (process.env.BENCH_OPS ?? "place,read").split(",").map((s) => s.trim()) as Op[];
for (const op of OPS) if (op !== "place" && op !== "read") throw new Error(`BENCH_OPS: expected place and/or read, got ${op}`);
const PROFILE_DIR = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;

interface StoreResult {
  samples: Record<Op, Record<Impl, Sample>>;
  /** redis-server's CPU per service request (it shares the machine's CPUs; the targets do not count it). */
  redisUs: Record<Op, number>;
  latency: Record<Op, { rate: number; service: OpenLoopResult; bare: OpenLoopResult }>;
  /** Every request each target answered (warm-ups and latency runs included), for the profiles' per-request figures. */
  served: Record<Impl, number>;
  /** Each target's CPU profile (BENCH_CPU_PROF). */
  profiles?: Record<Impl, string>;
}

const loadAverage = () => loadavg().map((l) => l.toFixed(2)).join(" ");

/**
 * `op` against every target: a one-second warm-up each, then three samples each in a rotating
 * order, so drift (JIT, GC as the in-memory store grows, the machine's other load) hits all alike.
 */
async function compare(op: Op, targets: Record<Impl, Target>, store: Store, redisCpu: () => number, served: Record<Impl, number>): Promise<{ medians: Record<Impl, Sample>; redisUs: number }> {
  for (const impl of IMPLS) served[impl] += (await load(targets[impl], op, 1, CONNECTIONS, `warm-${store}-${impl}`)).requests;
  const samples: Record<Impl, Sample[]> = { bare: [], fastify: [], service: [] };
  const redis: number[] = [];
  for (let turn = 0; turn < 3; turn++) {
    for (let k = 0; k < IMPLS.length; k++) {
      const impl = IMPLS[(turn + k) % IMPLS.length];
      const before = redisCpu();
      const sample = await load(targets[impl], op, SECONDS, CONNECTIONS, `${store}-${impl}-${turn}`);
      if (impl === "service") redis.push((redisCpu() - before) / Math.max(1, sample.requests));
      served[impl] += sample.requests;
      samples[impl].push(sample);
    }
  }
  redis.sort((x, y) => x - y);
  return { medians: { bare: median(samples.bare), fastify: median(samples.fastify), service: median(samples.service) }, redisUs: redis[1] };
}

function httpRequest(target: Target, op: Op, label: string): (i: number) => string {
  const auth = `authorization: ${target.authorization ?? ""}\r\n`;
  if (op === "read") return (i) => `GET ${target.readPaths[i % target.readPaths.length]} HTTP/1.1\r\nhost: 127.0.0.1\r\n${auth}\r\n`;
  return (i) => {
    const body = orderBody(label, i);
    return `POST /v1/orders HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n${auth}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  };
}

async function latencyAt(target: Target, op: Op, rate: number, label: string): Promise<OpenLoopResult> {
  return openLoop({ port: target.port, rate, seconds: LATENCY_SECONDS, connections: LATENCY_CONNECTIONS, request: httpRequest(target, op, label), expectedStatus: op === "place" ? 201 : 200 });
}

async function measureStore(store: Store, env: Record<string, string>, redisCpu: () => number): Promise<StoreResult> {
  if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const profileOf = (impl: Impl) => resolve(PROFILE_DIR ?? "", `${impl}-${store}-${stamp}.cpuprofile`);
  const start = (impl: Impl) => startTarget(impl, store, env, PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${basename(profileOf(impl))}`] : []);
  const service = await start("service");
  // Every target gets the service's header, so all parse the same request bytes.
  const targets: Record<Impl, Target> = { service, bare: { ...(await start("bare")), authorization: service.authorization }, fastify: { ...(await start("fastify")), authorization: service.authorization } };
  const result = { samples: {}, redisUs: {}, latency: {}, served: { bare: 0, fastify: 0, service: 0 } } as StoreResult;
  try {
    for (const op of OPS) {
      const { medians, redisUs } = await compare(op, targets, store, redisCpu, result.served);
      result.samples[op] = medians;
      result.redisUs[op] = redisUs;
    }
    for (const op of OPS) {
      const rate = Math.max(1, Math.round(result.samples[op].service.rps / 2));
      const serviceLatency = await latencyAt(targets.service, op, rate, `latency-${store}-service`);
      const bareLatency = await latencyAt(targets.bare, op, rate, `latency-${store}-bare`);
      result.latency[op] = { rate, service: serviceLatency, bare: bareLatency };
      result.served.service += serviceLatency.answered;
      result.served.bare += bareLatency.answered;
    }
  } finally {
    await Promise.all(IMPLS.map((impl) => stopTarget(targets[impl])));
  }
  if (PROFILE_DIR) result.profiles = { bare: profileOf("bare"), fastify: profileOf("fastify"), service: profileOf("service") };
  return result;
}

const pad = (s: string, n: number) => s.padEnd(n);
const ms = (x: number) => x.toFixed(2);

function report(results: Partial<Record<Store, StoreResult>>): void {
  const rows = [`${pad("store", 8)}${pad("op", 7)}${pad("target", 9)}${pad("req/s", 10)}${pad("cpu us/req", 12)}${pad("p50 ms", 8)}${pad("p99 ms", 8)}${pad("requests", 10)}unexpected`];
  for (const [store, r] of Object.entries(results)) {
    for (const op of OPS) {
      for (const impl of IMPLS) {
        const s = r.samples[op][impl];
        rows.push(`${pad(store, 8)}${pad(op, 7)}${pad(impl, 9)}${pad(s.rps.toFixed(0), 10)}${pad(s.cpuUs.toFixed(1), 12)}${pad(String(s.p50), 8)}${pad(String(s.p99), 8)}${pad(String(s.requests), 10)}${s.unexpected}`);
      }
    }
  }
  console.log(`\nclosed loop, ${CONNECTIONS} connections (CPU per request is the target process's own; p50/p99 here are at full load):\n${rows.join("\n")}\n`);
  for (const [store, r] of Object.entries(results)) {
    for (const op of OPS) {
      const { bare, fastify, service } = r.samples[op];
      const ratio = service.cpuUs / bare.cpuUs;
      console.log(
        `${store}/${op}: CPU per request service/bare = ${ratio.toFixed(2)}x -> goal <= ${CPU_RATIO_GOAL}x ${ratio <= CPU_RATIO_GOAL ? "MET" : "NOT MET"}; ` +
          `fastify/bare = ${(fastify.cpuUs / bare.cpuUs).toFixed(2)}x, service/fastify = ${(service.cpuUs / fastify.cpuUs).toFixed(2)}x; ` +
          `redis-server ${r.redisUs[op].toFixed(1)} us per service request besides`,
      );
    }
  }
  const latencyRows = [`${pad("store", 8)}${pad("op", 7)}${pad("target", 9)}${pad("rate/s", 8)}${pad("p50 ms", 8)}${pad("p99 ms", 8)}${pad("max ms", 8)}${pad("p99 from due", 14)}${pad("answered", 10)}unexpected`];
  for (const [store, r] of Object.entries(results)) {
    for (const op of OPS) {
      const l = r.latency[op];
      for (const [impl, x] of [["service", l.service], ["bare", l.bare]] as const) {
        latencyRows.push(`${pad(store, 8)}${pad(op, 7)}${pad(impl, 9)}${pad(String(l.rate), 8)}${pad(ms(x.p50), 8)}${pad(ms(x.p99), 8)}${pad(ms(x.max), 8)}${pad(ms(x.p99FromDue), 14)}${pad(String(x.answered), 10)}${x.unexpected}`);
      }
    }
  }
  console.log(`\nopen loop at half the service's peak rate, ${LATENCY_SECONDS} s, ${LATENCY_CONNECTIONS} connections (latency from the request's write; "from due" adds the generator's lag):\n${latencyRows.join("\n")}\n`);
  for (const [store, r] of Object.entries(results)) {
    for (const op of OPS) {
      const p99 = r.latency[op].service.p99;
      console.log(`${store}/${op}: service p99 at ${r.latency[op].rate}/s = ${ms(p99)} ms -> goal < ${P99_GOAL_MS} ms ${p99 < P99_GOAL_MS ? "MET" : "NOT MET"}`);
    }
  }
}

async function main(): Promise<void> {
  const extra = Number(process.env.BENCH_BARE_EXTRA_US ?? 0);
  console.log(
    `trading-api benchmark: ${CONNECTIONS} connections, median of 3 x ${SECONDS}s per figure, ${cpus().length} CPUs, Node ${process.version}, load average ${loadAverage()}` +
      (process.env.BENCH_SERVICE_OFF ? `; service without: ${process.env.BENCH_SERVICE_OFF}` : "") +
      (extra > 0 ? `; calibration: the bare handler burns ${extra} us of CPU per request` : ""),
  );
  const risk = await startRiskBackends();
  let ddb: DynamoLocal | undefined;
  const results: Partial<Record<Store, StoreResult>> = {};
  try {
    ddb = STORES.includes("dynamo") ? await startDynamoLocal() : undefined;
    const table = ddb ? await ddb.createTable("bench-trading") : "bench-trading";
    for (const store of STORES) {
      results[store] = await measureStore(store, { ...risk.env, BENCH_TABLE: table, ...(ddb ? { BENCH_ENDPOINT: ddb.endpoint } : {}) }, () => risk.redisCpuMicros());
    }
  } finally {
    await Promise.all([risk.stop(), ddb?.stop()]);
  }
  report(results);
  const tokens = await measureTokenVerification();
  console.log(
    `\ntoken verification in the service's verifier: ${tokens.firstUseUs.toFixed(0)} us for a token's first use (RS256 signature), ` +
      `${tokens.rememberedUs.toFixed(1)} us for a remembered token (every later request with it)`,
  );
  console.log(`load average at the end: ${loadAverage()}`);
  for (const r of Object.values(results)) {
    // A profile covers the whole process, start-up included: per request is a slight upper bound.
    for (const impl of IMPLS) if (r.profiles) console.log(`\n${impl}: ${formatTopFrames(r.profiles[impl], r.served[impl])}`);
  }
  const dir = resolve(__dirname, "results");
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, `trading-api-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: cpus().length, seconds: SECONDS, connections: CONNECTIONS, loadavg: loadavg(), results, tokens }, null, 2)}\n`);
  console.log(`\nwritten to ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
