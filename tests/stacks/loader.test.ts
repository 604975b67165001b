/**
 * The path `pulumi up` takes, which the rest of the suite (run through tsx) does not: the SDK's
 * language-host entry point loads stacks/index.ts with its TypeScript support (ts-node, the
 * project's typescript and tsconfig.json, type checking on) and runs the exported program. Here it
 * runs in a child process under the mock cloud (tests/support/pulumiLoader.ts), so a tsconfig.json,
 * package.json or Pulumi.yaml change that `pulumi up` could not load fails this file even when
 * `tsc --noEmit` and every other test pass.
 */
import { expect } from "chai";
import { LoaderRun, projectCopy, runWithPulumiLoader } from "../support/pulumiLoader";
import { runStackFile, StackRun } from "../support/mockCloud";

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

describe("pulumi up's loader: the SDK's ts-node support, started as pulumi-language-nodejs starts it", function () {
  // A cold ts-node cache type-checks every file: about 10 s on a quiet 2-core machine, 30 s on a busy one.
  this.timeout(180_000);

  describe(`${STACK}, as the repository is`, () => {
    let loaded: LoaderRun;
    let underTsx: StackRun;

    before(async () => {
      [loaded, underTsx] = await Promise.all([runWithPulumiLoader({ stack: STACK }), runStackFile(STACK)]);
    });

    it("compiles, type-checks and runs stacks/index.ts: exit code 0 and no error", () => {
      expect(loaded.exitCode, programError(loaded)).to.equal(0);
      expect(loaded.processExitCode).to.equal(0);
      expect(loaded.stderr).to.not.match(/error/i);
    });

    it("registers exactly what the program registers under the tests' loader, and exports the same outputs", () => {
      expect(loaded.resources.map(key).sort()).to.deep.equal(underTsx.resources.map(key).sort());
      expect(loaded.resources.filter((r) => r.type === "aws:dynamodb/table:Table")).to.have.length(1);
      expect(loaded.resources.filter((r) => r.type === "aws:autoscaling/group:Group")).to.have.length(1);
      expect(loaded.outputs.sort()).to.deep.equal(Object.keys(underTsx.outputs).sort());
    });
  });

  describe("a configuration `tsc --noEmit` accepts but `pulumi up` cannot load", () => {
    // Type checking plays no part in these failures (the emitted module format does), so these runs
    // skip it (PULUMI_NODEJS_TRANSPILE_ONLY, the SDK's own switch) to stay fast.
    it('fails when tsconfig.json says "module": "preserve" (ES import statements in a CommonJS package)', async () => {
      const copy = projectCopy({
        tsconfig: (tsconfig) => Object.assign(tsconfig.compilerOptions as object, { module: "preserve", moduleResolution: "bundler" }),
      });
      try {
        // Node 24 reparses ts-node's output as an ES module and fails on its extensionless imports;
        // Node 22 fails on the first import statement.
        expectLoadFailure(await runWithPulumiLoader({ stack: STACK, projectDir: copy.dir, transpileOnly: true }));
      } finally {
        copy.remove();
      }
    });

    it('fails when package.json says "type": "module" (the program is CommonJS: export =)', async () => {
      const copy = projectCopy({ packageJson: (pkg) => Object.assign(pkg, { type: "module" }) });
      try {
        // The SDK imports the entry point as an ES module; Node's own type stripping cannot run `export =`.
        expectLoadFailure(await runWithPulumiLoader({ stack: STACK, projectDir: copy.dir, transpileOnly: true }));
      } finally {
        copy.remove();
      }
    });
  });
});
