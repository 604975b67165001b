/**
 * Runs a stack's program the way `pulumi up` loads it, under the mock cloud.
 *
 * The Pulumi CLI starts its Node.js language host (pulumi-language-nodejs), which runs
 * `node <nodeargs> <@pulumi/pulumi/cmd/run resolved from the program directory> --monitor ...
 * --project P --stack S --pwd <program directory> <entry point>`: Pulumi.yaml's runtime option
 * `nodeargs`, split as a shell would (shlex), comes before the script; PULUMI_NODEJS_TYPESCRIPT=true
 * is set only when the option `typescript` is true (its default), PULUMI_NODEJS_TSCONFIG_PATH from
 * the option `tsconfig` (pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go: parseOptions,
 * execNodejs, constructArguments). The program directory and entry point come from Pulumi.yaml's
 * `main`: none means the project directory and ".", a file means its directory and its base name
 * (pulumi/pulumi pkg/engine project.go, getPwdMain). The SDK's run code
 * (@pulumi/pulumi/cmd/run/run.js) then changes to that directory; with PULUMI_NODEJS_TYPESCRIPT=true
 * it registers ts-node (the project's own `ts-node` if installed, else the SDK's vendored 7.0.1)
 * with the project's `typescript` and `tsconfig.json`, type checking on unless
 * PULUMI_NODEJS_TRANSPILE_ONLY or the tsconfig's `noCheck` says otherwise; without it, it registers
 * nothing and relies on what `nodeargs` loaded (this project: `--import tsx`). It requires the entry
 * point (package.json `main` when the entry point is ".") and runs its export in the root Stack.
 *
 * This harness computes that command line from the project's files and runs it in a child process
 * (the tests' tsx loader must not be inherited there: only what Pulumi.yaml asks for is loaded),
 * with the mock cloud's recording monitor in place of the engine's gRPC monitor: the only part of
 * `pulumi up` it replaces.
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

/** Pulumi.yaml's `runtime.options` for the nodejs runtime (the ones the language host reads to start node). */
export interface NodeRuntimeOptions {
  typescript?: boolean;
  tsconfig?: string;
  nodeargs?: string;
}

export interface LoaderRunOptions {
  stack: string;
  /** The project to load (Pulumi.yaml, package.json, tsconfig.json, node_modules); default this repo. */
  projectDir?: string;
  /** Raw config of the stack as the CLI hands it over; default the repository's Pulumi.<stack>.yaml. */
  config?: Record<string, string>;
  /** Replaces Pulumi.yaml's runtime options (for measuring another loader, e.g. `{ typescript: true }`). */
  runtimeOptions?: NodeRuntimeOptions;
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
  /** The node arguments the language host would use before the SDK's run script (Pulumi.yaml `nodeargs`). */
  nodeargs: string[];
  /** Whether PULUMI_NODEJS_TYPESCRIPT=true was set (Pulumi.yaml `typescript`, default true). */
  typescript: boolean;
}

interface ProjectFile {
  name: string;
  main?: string;
  runtime: string | { name: string; options?: NodeRuntimeOptions };
}

/** Pulumi.yaml's runtime options, as the language host reads them (a bare `runtime: nodejs` has none). */
export function runtimeOptionsOf(projectDir: string): NodeRuntimeOptions {
  const project = parse(readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as ProjectFile;
  return typeof project.runtime === "string" ? {} : (project.runtime.options ?? {});
}

/**
 * Splits `nodeargs` as the language host does (github.com/google/shlex: words split on blanks,
 * single and double quotes group, a backslash escapes the next character).
 */
export function splitNodeargs(nodeargs: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < nodeargs.length; i++) {
    const c = nodeargs[i];
    if (quote) {
      if (c === quote) {
        quote = undefined;
      } else if (c === "\\" && quote === '"' && i + 1 < nodeargs.length) {
        word += nodeargs[++i];
      } else {
        word += c;
      }
    } else if (/\s/.test(c)) {
      if (word !== undefined) {
        words.push(word);
        word = undefined;
      }
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (c === "\\" && i + 1 < nodeargs.length) {
      word = (word ?? "") + nodeargs[++i];
    } else {
      word = (word ?? "") + c;
    }
  }
  if (quote) {
    throw new Error(`nodeargs: unclosed ${quote} in ${JSON.stringify(nodeargs)}`);
  }
  if (word !== undefined) {
    words.push(word);
  }
  return words;
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
  const runtimeOptions = options.runtimeOptions ?? runtimeOptionsOf(projectDir);
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
      config: options.config ?? stackConfig(options.stack),
      resultFile: path.join(work, "result.json"),
    };
    const env: NodeJS.ProcessEnv = { ...process.env, TRADING_LOADER_REQUEST: JSON.stringify(request) };
    delete env.NODE_OPTIONS; // the test runner's own TypeScript loader must not reach the child
    // `typescript` defaults to true; false leaves PULUMI_NODEJS_TYPESCRIPT unset (not "false").
    const typescript = runtimeOptions.typescript !== false;
    delete env.PULUMI_NODEJS_TYPESCRIPT;
    if (typescript) {
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
    // tsx caches its transforms in the OS temp folder too; a cold cache is what a fresh runner has.
    env.TSX_DISABLE_CACHE = "1";
    // `node <nodeargs> <cmd/run> <args>`: the nodeargs come before the script, as the language host puts them.
    const nodeargs = splitNodeargs(runtimeOptions.nodeargs ?? "");

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
    return { ...result, processExitCode, stdout, stderr, wallMs, nodeargs, typescript };
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
