/**
 * No user error of `npm run plan` prints a stack trace: each is exit code 2 and a short message on
 * stderr naming what was wrong and what is allowed. Every case runs through runCli() in-process;
 * a few also run the real CLI as a child process (main.ts, as `npm run plan` starts it), since
 * only a child shows what reaches the terminal, e.g. an error escaping runCli() with its trace.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../../../offline/cloud/stackFiles";
import { runCli } from "../../../offline/plan/cli";

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function inProcess(argv: string[]): Promise<Outcome> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: { write: (t: string) => out.push(t), isTTY: false }, stderr: { write: (t: string) => err.push(t) } });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

function child(argv: string[]): Outcome {
  const result = spawnSync(process.execPath, ["--import", "tsx", "offline/plan/main.ts", ...argv], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A stack file with a YAML syntax error on line 3, for the duration of one case. */
function brokenStackFile(): { stack: string; remove(): void } {
  const stack = `yaml-error-${process.pid}`;
  const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
  writeFileSync(file, "config:\n  aws:region: us-east-1\n  trading-platform:role: primary: yes\n");
  return { stack, remove: () => rmSync(file, { force: true }) };
}

interface Case {
  title: string;
  argv: (dir: string) => string[];
  /** The whole of stderr, or its first line when the message lists several problems. */
  stderr: RegExp;
  /** Most lines stderr may have. */
  lines: number;
  child?: boolean;
}

const HELP = "Run `npm run plan -- --help` for the options.";

const CASES: Case[] = [
  { title: "an unknown flag", argv: () => ["dev", "--colour"], stderr: new RegExp(`^plan: Unknown option '--colour'\\n${esc(HELP)}\\n$`), lines: 2, child: true },
  { title: "a stack with no file", argv: () => ["staging"], stderr: /^plan: no stack file Pulumi\.staging\.yaml in .+; stacks: .*dev.*\n$/, lines: 1 },
  { title: "a --set without =", argv: () => ["dev", "--set", "clusterMinSize"], stderr: /^plan: --set takes KEY=VALUE, got "clusterMinSize"\n/, lines: 2 },
  { title: "a workload that is not a number", argv: () => ["dev", "--writes", "lots"], stderr: /^plan: --writes must be a number from 0 to 10000000, got "lots"\n/, lines: 2 },
  { title: "a DAX hit ratio above 1", argv: () => ["dev", "--dax-hit", "2"], stderr: /^plan: --dax-hit must be a number from 0 to 1, got "2"\n/, lines: 2 },
  { title: "an unknown section", argv: () => ["dev", "--only", "costs"], stderr: /^plan: --only takes one of tree, az, policy, alarms, cost, path, diagram, region, gamedays, summary; got "costs"\n/, lines: 2 },
  {
    title: "a --mermaid file in a directory that does not exist",
    argv: (dir) => ["dev", "--mermaid", path.join(dir, "missing", "arch.md")],
    stderr: /^plan: --mermaid .+arch\.md: directory .+missing does not exist\n$/,
    lines: 1,
    child: true,
  },
  { title: "an empty --mermaid file name", argv: () => ["dev", "--mermaid", ""], stderr: /^plan: --mermaid needs a file name, e\.g\. --mermaid docs\/dev\.md\n$/, lines: 1 },
  { title: "a --mermaid path that is a directory", argv: (dir) => ["dev", "--mermaid", dir], stderr: /^plan: --mermaid .+: is a directory; give a file name\n$/, lines: 1 },
  {
    title: "a --mermaid path below a file",
    argv: (dir) => ["dev", "--mermaid", path.join(dir, "file.txt", "arch.md")],
    stderr: /^plan: --mermaid .+arch\.md: .+file\.txt is not a directory\n$/,
    lines: 1,
  },
  {
    title: "a config value out of range given with --set",
    argv: () => ["dev", "--set", "dynamoReadCapacity=-5"],
    stderr: /^plan: Invalid configuration for stack "dev" \(Pulumi\.dev\.yaml, --set\):\n {2}- trading-platform:dynamoReadCapacity: got -5; allowed 1–40000 \(from --set\)\nFix the stack file/,
    lines: 3,
    child: true,
  },
];

function esc(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\`]/g, "\\$&");
}

function expectUserError(outcome: Outcome, c: Pick<Case, "stderr" | "lines">): void {
  expect(outcome.code, outcome.stderr).to.equal(2);
  expect(outcome.stderr).to.match(c.stderr);
  expect(outcome.stderr).to.not.match(/^ {4}at /m);
  expect(outcome.stderr.trimEnd().split("\n").length).to.be.at.most(c.lines);
  expect(outcome.stdout).to.equal("");
}

describe("plan CLI: user errors are exit code 2 and a short message, never a stack trace", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "plan-errors-"));
    writeFileSync(path.join(dir, "file.txt"), "");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const c of CASES) {
    it(`${c.title} (in process)`, async () => {
      expectUserError(await inProcess(c.argv(dir)), c);
    });
    if (c.child) {
      it(`${c.title} (the real CLI, as a child process)`, () => {
        expectUserError(child(c.argv(dir)), c);
      });
    }
  }

  it("a YAML syntax error in a stack file names the file, line and column, in process and from the real CLI", async () => {
    const broken = brokenStackFile();
    try {
      const expected = {
        stderr: new RegExp(`^plan: Pulumi\\.${broken.stack}\\.yaml:3:\\d+: YAML syntax error: .+\\n$`),
        lines: 1,
      };
      expectUserError(await inProcess([broken.stack]), expected);
      expectUserError(child([broken.stack]), expected);
    } finally {
      broken.remove();
    }
  });
});
