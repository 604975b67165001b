/**
 * Stops what a test process shares between its test files (the run-wide DynamoDB Local, PostgreSQL,
 * redis-server and moto_server of the other support modules) once, after the process's last file.
 *
 * - Serial mocha (`npx mocha FILE`, and the suite's phase of files that run alone) runs every file
 *   in one root suite: a root-level `after` hook, registered while the support module is imported
 *   during file loading, runs once after the last file.
 * - A `mocha --parallel` worker runs many files one after another, each in a root suite of its own,
 *   so a root `after` would run after the worker's first file only (mocha's parallel-mode docs:
 *   root hooks are not global) and stop a server the worker's later files still use, which then
 *   start another that nothing stops. There the stops run when mocha's worker pool ends the worker
 *   after the run: workerpool's `onTerminate` option (documented in workerpool's README: "release
 *   resources that might have been allocated for this specific worker") runs in the worker before
 *   it exits.
 * - Outside mocha (the benchmarks) nothing is registered: callers stop what they start.
 */
import { createRequire } from "node:module";

type Stop = () => Promise<void>;

/** How long a worker's stops may take before it exits anyway (a PostgreSQL stop is about a second). */
const WORKER_STOP_BOUND_MS = 30_000;

/** A mocha parallel worker: mocha forks lib/nodejs/worker.cjs through workerpool and names it MOCHA_WORKER_ID. */
export function inMochaWorker(): boolean {
  return process.env.MOCHA_WORKER_ID !== undefined && /[\\/]mocha[\\/]lib[\\/]nodejs[\\/]worker\.c?js$/.test(process.argv[1] ?? "");
}

const workerStops: { name: string; stop: Stop }[] = [];

interface WorkerPoolModule {
  worker(methods: Record<string, never>, options: { onTerminate: () => Promise<void> }): void;
}

async function stopAllInWorker(): Promise<void> {
  // workerpool kills (SIGTERM) a worker that has not exited a second after it was asked to; Node's
  // default for SIGTERM is to exit at once, which would leave the servers running. A listener
  // replaces that default while the stops run; the bound below still ends the worker.
  process.on("SIGTERM", () => undefined);
  const stops = workerStops.splice(0).map(({ name, stop }) =>
    stop().catch((error: unknown) => console.error(`stopping the worker's ${name} failed:`, error)),
  );
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, WORKER_STOP_BOUND_MS)));
  await Promise.race([Promise.all(stops), bound]);
  clearTimeout(timer);
}

function registerInWorker(name: string, stop: Stop): void {
  if (workerStops.length === 0) {
    // The workerpool instance mocha's worker registered with (resolved from mocha's own directory):
    // registering again keeps mocha's methods and adds the termination handler.
    const workerpool = createRequire(require.resolve("mocha"))("workerpool") as WorkerPoolModule;
    workerpool.worker({}, { onTerminate: stopAllInWorker });
  }
  workerStops.push({ name, stop });
}

/**
 * Has `stop` run once when this test process has run its last file. Call it when the support
 * module is imported (at top level), not from inside a test or hook.
 */
export function stopAtProcessEnd(name: string, timeoutMs: number, stop: Stop): void {
  if (inMochaWorker()) {
    registerInWorker(name, stop);
  } else if (typeof after === "function") {
    // Root level: mocha attaches a hook registered while files load to the root suite.
    after(async function () {
      this.timeout(timeoutMs);
      await stop();
    });
  }
}
