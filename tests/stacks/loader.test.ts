/**
 * The path `pulumi up` takes, which the rest of the suite (tsx imported by mocha) does not: the
 * CLI's language host starts `node <Pulumi.yaml nodeargs> @pulumi/pulumi/cmd/run ...` with the
 * environment Pulumi.yaml's runtime options give (`typescript: false`: no PULUMI_NODEJS_TYPESCRIPT,
 * so the SDK registers no ts-node; `nodeargs: --import tsx`: tsx transpiles every file as it is
 * required), and the SDK requires stacks/index.ts and runs the exported program. Here it runs in a
 * child process under the mock cloud (tests/support/pulumiLoader.ts computes that command line from
 * Pulumi.yaml as the CLI does), so a Pulumi.yaml, package.json or tsconfig.json change that `pulumi
 * up` could not load fails this file even when `tsc --noEmit` and every other test pass.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { LoaderRun, projectCopy, runtimeOptionsOf, runWithPulumiLoader, splitNodeargs } from "../support/pulumiLoader";
import { StackRun } from "../support/mockCloud";
import { deployedStackRun } from "../support/stackRuns";
import { REPO_ROOT } from "../../offline/cloud/stackFiles";

const STACK = "prod-us-east-1";
const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;

/** What the SDK prints when the program fails (before exiting with 32). */
const programError = (run: LoaderRun) => run.stderr.split("\n").slice(0, 8).join("\n");

/** The SDK's entry point reported that the program failed to load, and nothing but the root stack was registered. */
function expectLoadFailure(run: LoaderRun): void {
  expect(run.exitCode, run.stderr).to.equal(32);
  expect(run.stderr).to.match(/Running program '[^']*stacks\/index\.ts' failed with an unhandled exception/);
  expect(run.resources.map((r) => r.type)).to.deep.equal(["pulumi:pulumi:Stack"]);
}

describe("pulumi up's loader: the SDK's entry point started as pulumi-language-nodejs starts it from Pulumi.yaml's runtime options", function () {
  // A load under tsx takes 2-4 s on a quiet 2-core machine, 10-20 s on a busy one.
  this.timeout(180_000);

  describe(`${STACK}, as the repository is`, () => {
    let loaded: LoaderRun;
    let underTsx: StackRun;

    before(async () => {
      [loaded, underTsx] = await Promise.all([runWithPulumiLoader({ stack: STACK }), deployedStackRun(STACK)]);
    });

    it("starts node with Pulumi.yaml's nodeargs (--import tsx) before the SDK's script, without PULUMI_NODEJS_TYPESCRIPT (no ts-node, no type check)", () => {
      expect(loaded.nodeargs).to.deep.equal(["--import", "tsx"]);
      expect(loaded.typescript).to.equal(false);
    });

    it("compiles and runs stacks/index.ts: exit code 0 and no error", () => {
      expect(loaded.exitCode, programError(loaded)).to.equal(0);
      expect(loaded.processExitCode).to.equal(0);
      expect(loaded.stderr).to.not.match(/error/i);
      expect(loaded.load, "the SDK's require of the entry point returned").to.not.equal(undefined);
    });

    it("registers exactly what the program registers under the tests' loader, and exports the same outputs", () => {
      expect(loaded.resources.map(key).sort()).to.deep.equal(underTsx.resources.map(key).sort());
      expect(loaded.resources.filter((r) => r.type === "aws:dynamodb/table:Table")).to.have.length(1);
      expect(loaded.resources.filter((r) => r.type === "aws:autoscaling/group:Group")).to.have.length(1);
      expect(loaded.outputs.sort()).to.deep.equal(Object.keys(underTsx.outputs).sort());
    });
  });

  it("every package Pulumi.yaml's nodeargs imports is a runtime dependency (a deploy image installed with --omit=dev still loads the program)", () => {
    const imported = splitNodeargs(runtimeOptionsOf(REPO_ROOT).nodeargs ?? "").flatMap((arg, i, args) =>
      arg === "--import" || arg === "--require" || arg === "-r" ? [args[i + 1]] : arg.startsWith("--import=") ? [arg.slice("--import=".length)] : [],
    );
    expect(imported).to.include("tsx");
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    for (const name of imported) {
      expect(pkg.dependencies ?? {}, `package.json dependencies (not devDependencies) name ${name}`).to.have.property(name);
    }
  });

  describe("a configuration `tsc --noEmit` accepts but `pulumi up` cannot load", () => {
    it("fails without Pulumi.yaml's nodeargs: Node's own type stripping cannot run `export =` (the loader comes from nodeargs, nowhere else)", async () => {
      const run = await runWithPulumiLoader({ stack: STACK, runtimeOptions: { typescript: false } });
      expect(run.nodeargs).to.deep.equal([]);
      expectLoadFailure(run);
    });

    it('fails when package.json says "type": "module" (the program is CommonJS: export =, __dirname)', async () => {
      const copy = projectCopy({ packageJson: (pkg) => Object.assign(pkg, { type: "module" }) });
      try {
        // The SDK imports the entry point as an ES module; tsx then runs every file as ESM.
        expectLoadFailure(await runWithPulumiLoader({ stack: STACK, projectDir: copy.dir }));
      } finally {
        copy.remove();
      }
    });
  });
});
