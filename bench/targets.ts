/**
 * The benchmark's target processes (server.ts) seen from the parent: starting and stopping one, its
 * CPU time (user + system, asked over IPC), and one closed-loop sample of load with autocannon (a
 * fixed number of connections, each sending its next request when the last is answered), which is
 * what the peak rate and the CPU per request are measured with.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import autocannon from "autocannon";

export type Impl = "bare" | "fastify" | "service";
export type Store = "dynamo" | "memory";
export type Op = "place" | "read";

export interface Target {
  impl: Impl;
  child: ChildProcess;
  port: number;
  readPaths: string[];
  /** The service's bearer token; every request to any target carries it (the baselines ignore it). */
  authorization?: string;
}

export interface Sample {
  rps: number;
  /** Target CPU (user + system) per request, microseconds. */
  cpuUs: number;
  p50: number;
  p99: number;
  requests: number;
  unexpected: number;
}

/** `nodeArgs`: extra Node options for the target (--cpu-prof for a profile). */
export async function startTarget(impl: Impl, store: Store, env: Record<string, string>, nodeArgs: string[] = []): Promise<Target> {
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", resolve(__dirname, "server.ts")], {
    env: { ...process.env, ...env, BENCH_IMPL: impl, BENCH_STORE: store, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const timeout = setTimeout(() => child.kill("SIGKILL"), 60_000);
  for await (const line of lines) {
    if (!line.startsWith("{")) continue;
    clearTimeout(timeout);
    const ready = JSON.parse(line) as { port: number; readPaths: string[]; authorization?: string };
    return { impl, child, port: ready.port, readPaths: ready.readPaths, ...(ready.authorization ? { authorization: ready.authorization } : {}) };
  }
  clearTimeout(timeout);
  throw new Error(`${impl}/${store} target exited before listening`);
}

export async function stopTarget(target: Target): Promise<void> {
  if (target.child.exitCode !== null) return;
  const exited = once(target.child, "exit");
  target.child.kill("SIGTERM");
  await exited;
}

export async function cpuMicros(target: Target): Promise<number> {
  const reply = once(target.child, "message") as Promise<[{ cpu: { user: number; system: number } }]>;
  target.child.send("cpu");
  const [{ cpu }] = await reply;
  return cpu.user + cpu.system;
}

let sequence = 0;

/** The body of the i-th order the load places: 1000 accounts, both sides, prices within the collar. */
export function orderBody(label: string, i: number): string {
  return JSON.stringify({
    account: `bench-${i % 1000}`,
    clientOrderId: `${label}-${i}`,
    symbol: "ACME",
    side: i % 2 === 0 ? "buy" : "sell",
    quantity: 1 + (i % 500),
    limitPrice: 9_000 + (i % 2_000),
    timeInForce: "GTC",
  });
}

/** One closed-loop sample: `connections` connections for `seconds`, the target's CPU measured around it. */
export async function load(target: Target, op: Op, seconds: number, connections: number, label: string): Promise<Sample> {
  const authorization = target.authorization ?? "";
  const expected = op === "place" ? 201 : 200;
  let unexpected = 0;
  const request: autocannon.Request =
    op === "place"
      ? {
          method: "POST",
          path: "/v1/orders",
          headers: { "content-type": "application/json", authorization },
          setupRequest: (req) => ({ ...req, body: orderBody(label, ++sequence) }),
        }
      : {
          method: "GET",
          headers: { authorization },
          setupRequest: (req) => ({ ...req, path: target.readPaths[++sequence % target.readPaths.length] }),
        };
  const cpuBefore = await cpuMicros(target);
  const result = await new Promise<autocannon.Result>((done, fail) => {
    const instance = autocannon(
      { url: `http://127.0.0.1:${target.port}`, connections, duration: seconds, requests: [request] },
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

/** Medians per figure, so one sample disturbed by other work on the machine does not decide. */
export function median(samples: Sample[]): Sample {
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
