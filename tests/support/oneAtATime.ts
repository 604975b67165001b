/**
 * A root hook plugin (.mocharc.json `require`): under `npm test`'s parallel run, the test files in
 * {@link ONE_AT_A_TIME} never run at the same time as each other. Each starts many real processes
 * (trading-api instances, moto_server, the failover command) and asserts bounds measured in wall
 * time (fence and switchover windows, request deadlines); two of them side by side on two cores
 * overrun those bounds, while either beside an ordinary file does not.
 *
 * In parallel mode mocha runs root hooks once per file, in the worker running it (mocha's root hook
 * plugin docs), so `beforeAll` takes a lock before the file's own hooks and `afterAll` gives it back.
 * The lock is a directory (mkdir either creates it or fails, atomically) under SUITE_LOCK_DIR, which
 * tests/support/suite.ts sets; a lock whose holder process is gone is taken over. Serial mocha and a
 * parallel run without SUITE_LOCK_DIR take no lock: nothing runs beside their files.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type Mocha from "mocha";
import { inMochaWorker } from "./processEnd";

/** Files (relative to the project root) that wait for each other. */
export const ONE_AT_A_TIME = ["tests/failover/drill.test.ts", "tests/services/failover.test.ts", "tests/services/faults.test.ts"];

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const POLL_MS = 200;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock at `dir` for this process, waiting while a live process holds it. */
export async function acquire(dir: string): Promise<void> {
  const owner = path.join(dir, "pid");
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(owner, String(process.pid));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let holder: number | undefined;
    try {
      holder = Number(readFileSync(owner, "utf8"));
    } catch {
      // Just created, its pid not written yet: wait.
    }
    if (holder && !alive(holder)) rmSync(dir, { recursive: true, force: true });
    else await sleep(POLL_MS);
  }
}

export function release(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The file of the suites in this root suite (a parallel worker's root holds one file's). */
function fileOf(context: Mocha.Context): string | undefined {
  const root = context.test?.parent;
  const file = root?.suites.find((suite) => suite.file)?.file;
  return file ? path.relative(REPO_ROOT, file) : undefined;
}

function lockFor(context: Mocha.Context): string | undefined {
  const base = process.env.SUITE_LOCK_DIR;
  const file = fileOf(context);
  if (!base || !inMochaWorker() || !file || !ONE_AT_A_TIME.includes(file)) return undefined;
  return path.join(base, "one-at-a-time.lock");
}

let held: string | undefined;

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    const lock = lockFor(this);
    if (!lock) return;
    // Waiting for the other file is not this file's time to judge.
    this.timeout(0);
    await acquire(lock);
    held = lock;
  },
  afterAll() {
    if (held) release(held);
    held = undefined;
  },
};
