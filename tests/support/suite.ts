/**
 * `npm test`: every tests/**\/*.test.ts file, in two mocha runs, then one summary.
 *
 * 1. The few files that change or look at what every process on the machine sees run first, alone
 *    (serial mocha): {@link RUN_ALONE}.
 * 2. Every other file runs under `mocha --parallel` (one worker per core, at least two): most of
 *    the suite's time is spent waiting on servers and child processes, which two workers overlap.
 *    The longest files are handed out first ({@link START_FIRST}), so no worker is left with one of
 *    them at the end while the other has nothing to do. The few files that must not run beside
 *    each other (./oneAtATime.ts) take turns through a lock under SUITE_LOCK_DIR; they are spaced
 *    out in that list so that one seldom waits for the other.
 *
 * Each run's reporter writes its counts and file timings to a file (its summaryFile option, see
 * ./summaryReporter.ts); this prints the slowest files over both and the closing line, last, and
 * exits non-zero when either run failed. `npx mocha FILE` still runs one file on its own (serially,
 * with the same reporter printing its own summary).
 */
import { spawn } from "node:child_process";
import { globSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import * as path from "node:path";
import { mergeReports, summaryLines, type RunReport } from "./suiteSummary";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const MOCHA = path.join(REPO_ROOT, "node_modules", ".bin", "mocha");

/**
 * Files that must not overlap another file. Each writes a Pulumi.<stack>.yaml into the project root
 * for a while (stack discovery, the plan's YAML error, preflight's stack), and every file that lists
 * the stacks would see it: the stack list is read when offline/cloud/stackFiles.ts is loaded, and
 * `plan --all` reads it again.
 */
export const RUN_ALONE = [
  "tests/offline/plan/cliErrors.test.ts",
  "tests/offline/plan/stackDiscovery.test.ts",
  "tests/offline/preflight/preflight.test.ts",
];

/**
 * The longest files (bench/README.md's timings), started first; a file missing here is skipped. The
 * one-at-a-time files are apart: the drill first, the failover command's test after about as much
 * work as the drill takes, the fault test further on.
 */
export const START_FIRST = [
  "tests/failover/drill.test.ts",
  "tests/policy/stacks.test.ts",
  "tests/policy/server.test.ts",
  "tests/offline/local/local.test.ts",
  "tests/offline/cliErrors.test.ts",
  "tests/services/failover.test.ts",
  "tests/stacks/dataTier.test.ts",
  "tests/stacks/deployCorrectness.test.ts",
  "tests/offline/plan/plan.test.ts",
  "tests/stacks/loader.test.ts",
  "tests/services/faults.test.ts",
];

/** All test files, the run-alone ones apart and the rest with the longest first. */
export function suiteFiles(root: string = REPO_ROOT): { alone: string[]; parallel: string[] } {
  const all = globSync("tests/**/*.test.ts", { cwd: root }).sort();
  const alone = all.filter((file) => RUN_ALONE.includes(file));
  const rest = all.filter((file) => !RUN_ALONE.includes(file));
  const first = START_FIRST.filter((file) => rest.includes(file));
  return { alone, parallel: [...first, ...rest.filter((file) => !first.includes(file))] };
}

/** Runs mocha with `args`, its output passed through; resolves to its report (undefined if it wrote none) and exit code. */
async function mocha(args: string[], reportFile: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; report: RunReport | undefined }> {
  const child = spawn(MOCHA, [...args, "--reporter-option", `summaryFile=${reportFile}`], { cwd: REPO_ROOT, stdio: "inherit", env: { ...process.env, ...env } });
  const code = await new Promise<number>((resolve) => {
    child.once("error", () => resolve(1));
    child.once("exit", (status, signal) => resolve(status ?? (signal ? 1 : 0)));
  });
  try {
    return { code, report: JSON.parse(readFileSync(reportFile, "utf8")) as RunReport };
  } catch {
    return { code, report: undefined };
  }
}

async function main(): Promise<number> {
  const { alone, parallel } = suiteFiles();
  const jobs = Math.max(2, Number(process.env.SUITE_JOBS) || availableParallelism());
  const dir = mkdtempSync(path.join(tmpdir(), "trading-suite-"));
  try {
    const runs = [];
    if (alone.length > 0) runs.push({ name: "files that run alone", ...(await mocha(alone, path.join(dir, "alone.json"))) });
    if (parallel.length > 0) {
      runs.push({ name: `parallel files (${jobs} workers)`, ...(await mocha(["--parallel", "--jobs", String(jobs), ...parallel], path.join(dir, "parallel.json"), { SUITE_LOCK_DIR: dir })) });
    }
    const missing = runs.filter((run) => run.report === undefined);
    for (const run of missing) console.log(`suite: the mocha run of ${run.name} exited with ${run.code} before reporting`);
    const merged = mergeReports(runs.flatMap((run) => (run.report ? [run.report] : [])));
    // A run that died before reporting counts as a failure, so the closing line can never read clean.
    merged.failures += missing.length;
    for (const line of summaryLines(merged)) console.log(line);
    return runs.some((run) => run.code !== 0) || merged.failures > 0 ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then((code) => (process.exitCode = code));
}
