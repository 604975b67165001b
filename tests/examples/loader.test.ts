/**
 * `pulumi up` from an example's folder: the SDK's language-host entry point, started as
 * pulumi-language-nodejs starts it (program folder and entry point from Pulumi.yaml's `main`),
 * registers ts-node with the example's tsconfig.json (which extends the
 * repository's and reaches ../../components), type-checks and runs index.ts under the mock cloud.
 * The other example tests import main.ts through tsx, which neither reads that tsconfig.json nor
 * type-checks; this is the path a real `pulumi up` takes (see tests/support/pulumiLoader.ts).
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { build } from "esbuild";
import { programLocation } from "../support/pulumiLoader";
import type { LoaderRequest, LoaderResult } from "../support/pulumiLoaderChild";
import { exampleConfig, exampleDir, runExample } from "./support";
import { main as singleRegion } from "../../examples/single-region/main";
import { readProjectFile } from "../../offline/cloud/stackFiles";

interface ExampleLoad extends LoaderResult {
  stderr: string;
}

/** Runs examples/<example>'s program for `stack` through the SDK's entry point in a child process. */
async function loadExample(example: string, stack: string): Promise<ExampleLoad> {
  const projectDir = exampleDir(example);
  const project = readProjectFile(projectDir) as ReturnType<typeof readProjectFile> & { main?: string };
  // Where the CLI runs the program from and what it requires, from Pulumi.yaml's `main`.
  const { pwd, entryPoint } = programLocation(projectDir, project.main);
  const work = mkdtempSync(path.join(tmpdir(), "example-loader-"));
  try {
    const childFile = path.join(work, "child.cjs");
    // The child must not inherit the test runner's TypeScript loader: bundle it to plain CommonJS.
    await build({
      entryPoints: [path.join(__dirname, "..", "support", "pulumiLoaderChild.ts")],
      outfile: childFile,
      bundle: true,
      platform: "node",
      format: "cjs",
      logLevel: "error",
      // Packages stay outside the bundle, required by absolute path from the example's node_modules
      // (the repository's, found up the tree as Node finds it), so the SDK in the child is the
      // program's own.
      plugins: [
        {
          name: "packages-from-example",
          setup(b) {
            b.onResolve({ filter: /^[^./]/ }, (args) =>
              args.path.startsWith("node:") ? { path: args.path, external: true } : { path: require.resolve(args.path, { paths: [projectDir] }), external: true },
            );
          },
        },
      ],
    });
    const request: LoaderRequest = {
      runEntry: require.resolve("@pulumi/pulumi/cmd/run", { paths: [pwd] }),
      args: ["--monitor", "mock", "--project", project.name, "--stack", stack, "--pwd", pwd, entryPoint],
      project: project.name,
      stack,
      config: exampleConfig(example, stack),
      resultFile: path.join(work, "result.json"),
    };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TRADING_LOADER_REQUEST: JSON.stringify(request),
      PULUMI_NODEJS_TYPESCRIPT: "true",
      // An empty ts-node cache: every file is type-checked, as on a first `pulumi up`.
      TS_NODE_CACHE_DIRECTORY: path.join(work, "ts-node-cache"),
    };
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, [childFile], { cwd: projectDir, env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 170_000);
    await new Promise<void>((resolve, reject) => {
      child.on("error", reject);
      child.on("exit", () => resolve());
    }).finally(() => clearTimeout(timer));
    let result: LoaderResult;
    try {
      result = JSON.parse(readFileSync(request.resultFile, "utf8")) as LoaderResult;
    } catch {
      throw new Error(`the loader exited without a result:\n${stderr}`);
    }
    return { ...result, stderr };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

describe("examples under pulumi up's loader (ts-node, the example's tsconfig.json, type checking on)", function () {
  this.timeout(180_000);

  it("loads, type-checks and runs examples/single-region, registering what the tsx run registers", async () => {
    const [loaded, underTsx] = await Promise.all([loadExample("single-region", "sandbox"), runExample("single-region", "sandbox", singleRegion)]);
    expect(loaded.exitCode, loaded.stderr.split("\n").slice(0, 12).join("\n")).to.equal(0);
    const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;
    expect(loaded.resources.map(key).sort()).to.deep.equal(underTsx.resources.map(key).sort());
    expect(loaded.outputs.sort()).to.deep.equal(Object.keys(underTsx.outputs).sort());
  });
});
