/**
 * How `npm test` runs the suite (tests/support/suite.ts): which files run alone and which in
 * parallel, the merged summary's closing line, and the shared servers' stop once per test process
 * (tests/support/processEnd.ts), in a parallel worker as in a serial run, and the lock the
 * one-at-a-time files take turns with (tests/support/oneAtATime.ts). The stop is proved on generated
 * test files run by the repository's own mocha and .mocharc.json.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { globSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { acquire, ONE_AT_A_TIME, release } from "../support/oneAtATime";
import { RUN_ALONE, START_FIRST, suiteFiles } from "../support/suite";
import { mergeReports, summaryLines, type RunReport } from "../support/suiteSummary";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const MOCHA = path.join(REPO_ROOT, "node_modules", ".bin", "mocha");

function mocha(args: string[]): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: "" };
  // An outer parallel run's worker id must not make the inner mocha look like one of its workers.
  delete env.MOCHA_WORKER_ID;
  const child = spawn(MOCHA, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, output })));
}

describe("npm test's runner", () => {
  it("runs every test file once: the run-alone files apart, the longest first among the rest", () => {
    const { alone, parallel } = suiteFiles();
    const all = globSync("tests/**/*.test.ts", { cwd: REPO_ROOT }).sort();
    expect([...alone, ...parallel].sort()).to.deep.equal(all);
    expect(alone).to.have.members(RUN_ALONE);
    expect(parallel).to.not.include.members(RUN_ALONE);
    const first = START_FIRST.filter((file) => all.includes(file));
    expect(parallel.slice(0, first.length)).to.deep.equal(first);
    expect(parallel).to.include("tests/runtime/testSuite.test.ts");
  });

  it("the one-at-a-time files run in the parallel run, none of them next to another in the start order", () => {
    const { parallel } = suiteFiles();
    expect(parallel).to.include.members(ONE_AT_A_TIME);
    const positions = ONE_AT_A_TIME.map((file) => START_FIRST.indexOf(file)).sort((a, b) => a - b);
    expect(positions[0]).to.equal(0);
    for (let i = 1; i < positions.length; i++) expect(positions[i] - positions[i - 1]).to.be.greaterThan(1);
  });

  it("the one-at-a-time lock: a second taker waits for the release; a lock whose holder is gone is taken over", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "one-at-a-time-"));
    try {
      const lock = path.join(dir, "lock");
      await acquire(lock);
      let second = false;
      const waiting = acquire(lock).then(() => (second = true));
      await new Promise((r) => setTimeout(r, 600));
      expect(second, "taken while held").to.equal(false);
      release(lock);
      await waiting;
      expect(second).to.equal(true);
      release(lock);
      // A holder that died without releasing: a pid no process has (a child that has exited).
      const gone = spawn(process.execPath, ["-e", ""]);
      await new Promise((resolve) => gone.once("exit", resolve));
      mkdirSync(lock);
      writeFileSync(path.join(lock, "pid"), String(gone.pid));
      await acquire(lock);
      expect(readFileSync(path.join(lock, "pid"), "utf8")).to.equal(String(process.pid));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("every test file that writes a stack file into the project root runs alone", () => {
    const writers = globSync("tests/**/*.test.ts", { cwd: REPO_ROOT }).filter((file) =>
      // A path of a stack file in the root held in a variable: the file it then writes and removes.
      /=\s*path\.join\(REPO_ROOT, `Pulumi\./.test(readFileSync(path.join(REPO_ROOT, file), "utf8")),
    );
    expect(writers).to.have.length.greaterThan(0);
    expect(RUN_ALONE).to.include.members(writers);
  });

  it("the merged summary adds the runs' counts and ends with the closing line CI reads", () => {
    const run = (passes: number, failures: number, pending: number, file: string, ms: number): RunReport => ({
      passes,
      failures,
      pending,
      files: { [path.join(REPO_ROOT, file)]: { ms, testsMs: ms / 2, tests: passes + failures } },
    });
    const lines = summaryLines(mergeReports([run(3, 0, 0, "tests/a.test.ts", 1000), run(5, 1, 2, "tests/b.test.ts", 4000)]), REPO_ROOT);
    expect(lines.at(-1)).to.equal("tests: 8 passed, 1 failed, 2 skipped");
    expect(lines[0]).to.equal("slowest files (of 2, 5.0 s in files; seconds: file, tests' own, tests)");
    expect(lines[1]).to.match(/^\s+4\.0\s+2\.0\s+6\s+tests\/b\.test\.ts$/);
    expect(summaryLines(mergeReports([run(2, 0, 0, "tests/a.test.ts", 10)])).at(-1)).to.equal("tests: 2 passed, 0 failed");
  });

  describe("a process's shared server stops once, after its last file", function () {
    this.timeout(120_000);
    let dir: string;
    let log: string;
    let files: string[];

    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), "process-end-"));
      log = path.join(dir, "log");
      writeFileSync(log, "");
      // A stand-in for tests/support/dynamoLocal.ts and the others: one "server" per process,
      // refusing use once stopped; its stop takes longer than workerpool's one-second kill.
      writeFileSync(
        path.join(dir, "shared.ts"),
        [
          `import { appendFileSync } from "node:fs";`,
          `import { setTimeout as sleep } from "node:timers/promises";`,
          `import { stopAtProcessEnd } from ${JSON.stringify(path.join(REPO_ROOT, "tests", "support", "processEnd"))};`,
          `let stopped = false;`,
          `export function use(file: string): void {`,
          `  if (stopped) throw new Error("the shared server was stopped before " + file);`,
          `  appendFileSync(${JSON.stringify(log)}, "ran " + process.pid + "\\n");`,
          `}`,
          `stopAtProcessEnd("stand-in", 10_000, async () => {`,
          `  stopped = true;`,
          `  await sleep(1500);`,
          `  appendFileSync(${JSON.stringify(log)}, "stopped " + process.pid + "\\n");`,
          `});`,
        ].join("\n"),
      );
      files = ["a", "b", "c", "d", "e", "f"].map((name) => {
        const file = path.join(dir, `${name}.test.ts`);
        writeFileSync(file, `import { use } from "./shared";\nit("uses the shared server", async () => {\n  await new Promise((r) => setTimeout(r, 100));\n  use(${JSON.stringify(name)});\n});\n`);
        return file;
      });
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    /** Per process: how many files used the server, and whether its stop came once, after them. */
    function perProcess(): Map<string, { ran: number; stops: number; stopLast: boolean }> {
      const processes = new Map<string, { ran: number; stops: number; stopLast: boolean }>();
      for (const line of readFileSync(log, "utf8").split("\n").filter(Boolean)) {
        const [what, pid] = line.split(" ");
        const p = processes.get(pid) ?? { ran: 0, stops: 0, stopLast: false };
        if (what === "ran") {
          p.ran += 1;
          p.stopLast = false;
        } else {
          p.stops += 1;
          p.stopLast = true;
        }
        processes.set(pid, p);
      }
      return processes;
    }

    it("under mocha --parallel: each worker's server serves all its files and is stopped when the worker ends", async () => {
      const run = await mocha(["--parallel", "--jobs", "2", ...files]);
      expect(run.code, run.output).to.equal(0);
      expect(run.output).to.contain("tests: 6 passed, 0 failed");
      const processes = [...perProcess().values()];
      expect(processes.reduce((sum, p) => sum + p.ran, 0)).to.equal(6);
      // Six files on two workers: some worker ran several, so a per-file stop would have failed above.
      expect(Math.max(...processes.map((p) => p.ran))).to.be.greaterThan(1);
      for (const p of processes) expect(p).to.deep.include({ stops: 1, stopLast: true });
    });

    it("under serial mocha: the one process's server is stopped after the last file", async () => {
      writeFileSync(log, "");
      const run = await mocha(files.slice(0, 3));
      expect(run.code, run.output).to.equal(0);
      expect([...perProcess().values()]).to.deep.equal([{ ran: 3, stops: 1, stopLast: true }]);
    });
  });
});
