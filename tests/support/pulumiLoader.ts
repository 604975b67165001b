/**
 * Runs a stack's program the way `pulumi up` loads it, under the mock cloud.
 *
 * The Pulumi CLI starts its Node.js language host (pulumi-language-nodejs), which runs
 * `node [nodeargs] <@pulumi/pulumi/cmd/run resolved from the program directory> --monitor ...
 * --project P --stack S --pwd <program directory> <entry point>` with PULUMI_NODEJS_TYPESCRIPT=true
 * (runtime option `typescript`, default true) and PULUMI_NODEJS_TSCONFIG_PATH (option `tsconfig`).
 * The program directory and entry point come from Pulumi.yaml's `main`: none means the project
 * directory and ".", a file means its directory and its base name (pulumi/pulumi pkg/engine
 * project.go, getPwdMain). The SDK's run code then changes to that directory, registers ts-node
 * (the project's own `ts-node` if installed, else the SDK's vendored 7.0.1) with the project's
 * `typescript`, `tsconfig.json` from that directory, and type checking on unless
 * PULUMI_NODEJS_TRANSPILE_ONLY or the tsconfig's `noCheck` says otherwise; it requires the entry
 * point (package.json `main` when the entry point is ".") and runs its export in the root Stack.
 *
 * This harness computes that command line from the project's files and runs it in a child process
 * (the tests' tsx loader must not be present there), with the mock cloud's recording monitor in
 * place of the engine's gRPC monitor: the only part of `pulumi up` it replaces.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { build, type Plugin } from "esbuild";
import { parse } from "yaml";
import { REPO_ROOT, stackConfig } from "../../offline/cloud/stackFiles";
import type { LoaderRequest, LoaderResult } from "./pulumiLoaderChild";

export type { LoaderResult };

export interface LoaderRunOptions {
  stack: string;
  /** The project to load (Pulumi.yaml, package.json, tsconfig.json, node_modules); default this repo. */
  projectDir?: string;
  /** PULUMI_NODEJS_TRANSPILE_ONLY=true: ts-node compiles without type checking (for measuring). */
  transpileOnly?: boolean;
  timeoutMs?: number;
}

export interface LoaderRun extends LoaderResult {
  /** The child's own exit code (the SDK's, or null when it was killed). */
  processExitCode: number | null;
  stdout: string;
  stderr: string;
  /** Wall time of the child process, from spawn to exit. */
  wallMs: number;
}

interface ProjectFile {
  name: string;
  main?: string;
  runtime: string | { name: string; options?: { typescript?: boolean; tsconfig?: string; nodeargs?: string } };
}

/** Program directory and entry point as the CLI derives them from Pulumi.yaml's `main`. */
export function programLocation(projectDir: string, main: string | undefined): { pwd: string; entryPoint: string } {
  if (!main) {
    return { pwd: projectDir, entryPoint: "." };
  }
  const target = path.resolve(projectDir, main);
  return statSync(target).isDirectory() ? { pwd: target, entryPoint: "." } : { pwd: path.dirname(target), entryPoint: path.basename(target) };
}

/** Resolves every package import to its absolute file in the project's node_modules and leaves it out of the bundle. */
function packagesFrom(projectDir: string): Plugin {
  return {
    name: "packages-from-project",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) =>
        args.path.startsWith("node:") ? { path: args.path, external: true } : { path: require.resolve(args.path, { paths: [projectDir] }), external: true },
      );
    },
  };
}

/** The child script as one CommonJS file: the mock cloud's recorder bundled, packages required from the project. */
async function bundleChild(projectDir: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [path.join(__dirname, "pulumiLoaderChild.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: `node${process.versions.node.split(".")[0]}`,
    logLevel: "error",
    plugins: [packagesFrom(projectDir)],
  });
}

/** Loads and runs `stack`'s program as `pulumi up` would, under the mock cloud, in a child process. */
export async function runWithPulumiLoader(options: LoaderRunOptions): Promise<LoaderRun> {
  const projectDir = options.projectDir ?? REPO_ROOT;
  const project = parse(readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as ProjectFile;
  const runtimeOptions = typeof project.runtime === "string" ? {} : (project.runtime.options ?? {});
  const { pwd, entryPoint } = programLocation(projectDir, project.main);

  const work = mkdtempSync(path.join(tmpdir(), "pulumi-loader-"));
  try {
    const childFile = path.join(work, "child.cjs");
    await bundleChild(projectDir, childFile);
    const request: LoaderRequest = {
      runEntry: require.resolve("@pulumi/pulumi/cmd/run", { paths: [pwd] }),
      // The language host also passes --engine and --sync (the engine's addresses); there is no engine here.
      args: ["--monitor", "mock", "--project", project.name, "--stack", options.stack, "--pwd", pwd, entryPoint],
      project: project.name,
      stack: options.stack,
      config: stackConfig(options.stack),
      resultFile: path.join(work, "result.json"),
    };
    const env: NodeJS.ProcessEnv = { ...process.env, TRADING_LOADER_REQUEST: JSON.stringify(request) };
    delete env.NODE_OPTIONS; // the test runner's own TypeScript loader must not reach the child
    if (runtimeOptions.typescript !== false) {
      env.PULUMI_NODEJS_TYPESCRIPT = "true";
    }
    if (runtimeOptions.tsconfig) {
      env.PULUMI_NODEJS_TSCONFIG_PATH = runtimeOptions.tsconfig;
    }
    if (options.transpileOnly) {
      env.PULUMI_NODEJS_TRANSPILE_ONLY = "true";
    }
    // ts-node 7 keeps compiled files in the OS temp folder and does not check a cached file again;
    // an empty cache makes every run check every file, as a first `pulumi up` on a CI runner does.
    env.TS_NODE_CACHE_DIRECTORY = path.join(work, "ts-node-cache");
    const nodeargs = (runtimeOptions.nodeargs ?? "").split(/\s+/).filter(Boolean);

    const started = performance.now();
    const child = spawn(process.execPath, [...nodeargs, childFile], { cwd: projectDir, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timeoutMs = options.timeoutMs ?? 120_000;
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    const processExitCode = await new Promise<number | null>((resolve, reject) => {
      child.on("error", reject);
      child.on("exit", (code) => resolve(code));
    }).finally(() => clearTimeout(timer));
    const wallMs = Math.round(performance.now() - started);

    let result: LoaderResult;
    try {
      result = JSON.parse(readFileSync(request.resultFile, "utf8")) as LoaderResult;
    } catch {
      throw new Error(`the loader's child process exited with ${processExitCode} after ${wallMs} ms without a result:\n${stderr}`);
    }
    return { ...result, processExitCode, stdout, stderr, wallMs };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

type Json = Record<string, unknown>;

export interface ProjectCopy {
  dir: string;
  remove(): void;
}

/**
 * A throwaway copy of this project as `pulumi up` sees it (Pulumi.yaml and the stack files,
 * package.json, tsconfig.json, and the program's folders: stacks, components, services), with
 * node_modules linked and `edit` applied to the parsed tsconfig.json and package.json.
 */
export function projectCopy(edit: { tsconfig?: (tsconfig: Json) => void; packageJson?: (pkg: Json) => void }): ProjectCopy {
  const dir = mkdtempSync(path.join(tmpdir(), "pulumi-project-"));
  for (const entry of readdirSync(REPO_ROOT)) {
    if (/^Pulumi(\.[\w-]+)?\.yaml$/.test(entry) || ["stacks", "components", "services"].includes(entry)) {
      cpSync(path.join(REPO_ROOT, entry), path.join(dir, entry), { recursive: true });
    }
  }
  symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  const rewrite = (file: string, change: ((json: Json) => void) | undefined) => {
    const json = JSON.parse(readFileSync(path.join(REPO_ROOT, file), "utf8")) as Json;
    change?.(json);
    writeFileSync(path.join(dir, file), JSON.stringify(json, null, 2));
  };
  rewrite("tsconfig.json", edit.tsconfig);
  rewrite("package.json", edit.packageJson);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
