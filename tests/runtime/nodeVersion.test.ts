/**
 * One Node.js major everywhere the code runs: the tests (on at least the `engines` floor, and in CI
 * on the major production runs), the Node CI provisions (.ci/node.sh), the GitHub workflows
 * (actions/setup-node), the EC2 fleet (AL2023's namespaced `nodejs{MAJOR}` package, NODE_MAJOR)
 * and the Lambda (esbuild target and `nodejs{MAJOR}.x` runtime).
 */
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { NODE_MAJOR } from "../../components/cluster/artifact";
import { BUNDLE_TARGET } from "../../components/dynamo/bundle";
import { REPO_ROOT } from "../../offline/cloud/stackFiles";

const read = (...parts: string[]) => readFileSync(path.join(REPO_ROOT, ...parts), "utf8");
const major = (version: string) => Number(version.replace(/^v/, "").split(".")[0]);

describe("Node.js runtime", () => {
  it("the tests run on a Node.js that satisfies engines (>= 22.12)", () => {
    const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
    expect(engines).to.equal(">=22.12");
    const [M, m] = process.versions.node.split(".").map(Number);
    expect(M > 22 || (M === 22 && m >= 12), `running on ${process.version}`).to.equal(true);
  });

  it("in CI, the tests run on the major production runs", function () {
    if (process.env.CI !== "true") {
      this.skip(); // a developer may run the suite on Node 22; CI runs it on what production runs
    }
    expect(major(process.version)).to.equal(NODE_MAJOR);
  });

  it("CI provisions that major when the machine's Node is older", () => {
    const pinned = /^NODE_PINNED_VERSION="(\d+\.\d+\.\d+)"$/m.exec(read(".ci", "node.sh"))?.[1];
    expect(pinned, "NODE_PINNED_VERSION in .ci/node.sh").to.be.a("string");
    expect(major(String(pinned))).to.equal(NODE_MAJOR);
  });

  it("every workflow sets up that major", () => {
    const dir = path.join(REPO_ROOT, ".github", "workflows");
    const setups = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .flatMap((f) => {
        const wf = parse(read(".github", "workflows", f)) as { jobs: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }> };
        return Object.values(wf.jobs).flatMap((job) => (job.steps ?? []).filter((s) => s.uses?.startsWith("actions/setup-node@")));
      });
    expect(setups).to.not.be.empty;
    for (const step of setups) {
      expect(step.with?.["node-version"]).to.equal(NODE_MAJOR);
    }
  });

  it("the fleet and the Lambda are built for that major", () => {
    expect(NODE_MAJOR).to.equal(24);
    expect(BUNDLE_TARGET).to.equal(`node${NODE_MAJOR}`);
  });
});
