/**
 * The README's two commands as a newcomer meets them: CI runs exactly the two lines of the README's
 * "Two commands" block (.ci/run extracts them), every npm script that runs the project's code stops
 * at once on a too-old Node with one line saying what to run, and `npx mocha FILE` runs FILE alone.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../../offline/cloud/stackFiles";

const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), "utf8");
const GUARD = "node .ci/require-node.cjs && ";

/** The lines .ci/run takes from the README, by the same extraction .ci/run uses (its awk program). */
function readmeCommands(): string[] {
  const awk = /mapfile -t commands < <\(awk '([\s\S]*?)' README\.md\)/.exec(read(".ci/run"))?.[1];
  expect(awk, ".ci/run's awk program").to.be.a("string");
  return execFileSync("awk", [String(awk), "README.md"], { cwd: REPO_ROOT, encoding: "utf8" }).split("\n").filter(Boolean);
}

/** Runs .ci/require-node.cjs as if Node were `version`. */
function requireNodeAs(version: string) {
  const script = `Object.defineProperty(process.versions, "node", { value: ${JSON.stringify(version)} }); require("./.ci/require-node.cjs");`;
  return spawnSync(process.execPath, ["-e", script], { cwd: REPO_ROOT, encoding: "utf8" });
}

describe("the README's two commands", () => {
  it("CI runs the README's two lines: the first sets up and plans, the second is npm test", () => {
    const [setup, test] = readmeCommands();
    expect(readmeCommands()).to.have.length(2);
    expect(setup).to.match(/^source \.ci\/setup\.sh && npm run plan -- [\w-]+\s/);
    expect(test).to.match(/^npm test(\s|$)/);
    expect(read(".ci/run")).to.match(/for line in "\$\{commands\[@\]\}"/);
  });

  it("a Node older than engines stops with one line naming what to run; engines' floor passes", () => {
    const old = requireNodeAs("20.20.2");
    expect(old.status).to.equal(1);
    expect(old.stdout).to.equal("");
    expect(old.stderr.trim().split("\n")).to.have.length(1);
    expect(old.stderr).to.contain("needs Node.js >=22.12 but this is v20.20.2").and.contain("source .ci/node.sh");
    expect(requireNodeAs("22.11.0").status).to.equal(1);
    expect(requireNodeAs("22.12.0").status).to.equal(0);
    expect(requireNodeAs("24.0.0").status).to.equal(0);
  });

  it("every npm script that runs the project's code checks the Node version first, and so does mocha", () => {
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
    const runsCode = Object.entries(scripts).filter(([, command]) => /(^|\s)(node|mocha)\s/.test(command.replace(GUARD, "")));
    expect(runsCode.map(([name]) => name)).to.include.members(["plan", "test"]);
    for (const [name, command] of runsCode) {
      expect(command.startsWith(GUARD), `script ${name}: ${command}`).to.equal(true);
    }
    expect((JSON.parse(read(".mocharc.json")) as { require: string[] }).require).to.include(".ci/require-node.cjs");
  });

  it("npx mocha FILE runs that file alone (the suite's glob is in npm test, not in .mocharc.json)", function () {
    this.timeout(60_000);
    expect(JSON.parse(read(".mocharc.json"))).to.not.have.property("spec");
    const mocha = path.join(REPO_ROOT, "node_modules", ".bin", "mocha");
    const run = spawnSync(mocha, ["tests/runtime/nodeVersion.test.ts"], { cwd: REPO_ROOT, encoding: "utf8", env: { ...process.env, CI: "" } });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.contain("Node.js runtime").and.not.contain("the README's two commands");
    expect(run.stdout).to.match(/tests: 4 passed, 0 failed, 1 skipped/);
  });
});
