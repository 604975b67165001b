/**
 * The child process of tests/support/pulumiLoader.ts. esbuild bundles this file (and the mock
 * cloud's recorder) into plain CommonJS, so no TypeScript loader is registered in this process
 * before the SDK registers its own. It sets up the mock cloud, then hands the process to the SDK's
 * language-host entry point (`@pulumi/pulumi/cmd/run`) with the arguments and environment
 * pulumi-language-nodejs starts it with (after the `nodeargs` the parent put before this script,
 * e.g. `--import tsx`): that code registers ts-node when PULUMI_NODEJS_TYPESCRIPT=true, requires the
 * entry point, and runs its export inside the root Stack. On exit it writes what was registered to
 * the result file.
 */
import { writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import * as path from "node:path";
import { startRecording } from "../../offline/cloud/recorder";

/** What the parent asks for (JSON in TRADING_LOADER_REQUEST). */
export interface LoaderRequest {
  /** Absolute path of `@pulumi/pulumi/cmd/run`, resolved from the program directory as the language host does. */
  runEntry: string;
  /** The command line after the entry point, as the language host builds it. */
  args: string[];
  project: string;
  stack: string;
  /** Raw stack config, as the CLI hands it to the program. */
  config: Record<string, string>;
  resultFile: string;
}

/** What the child writes to the result file. */
export interface LoaderResult {
  /** The exit code the SDK's entry point set (32: it already printed the program's error). */
  exitCode: number;
  /** From handing over to the SDK to exit: compiling, type-checking, running the program. */
  elapsedMs: number;
  /** CPU time (user + system) of the process over the same span; esbuild's bundling runs in its own process. */
  cpuMs: number;
  /** CPU time (user + system) of the whole process, from its start (Node, the `nodeargs` loaders) to exit. */
  processCpuMs: number;
  /**
   * The program's load: from the process's start until the SDK's `require` of the entry point
   * returns (Node, the `nodeargs` loaders, the SDK, compiling and requiring every module of the
   * program, and type-checking them when ts-node does), wall and CPU; absent when it never returned.
   */
  load?: { wallMs: number; cpuMs: number };
  resources: { type: string; name: string; parent?: string }[];
  /** Names of the root stack's outputs. */
  outputs: string[];
}

const request = JSON.parse(process.env.TRADING_LOADER_REQUEST ?? "") as LoaderRequest;
const recording = startRecording({ project: request.project, stack: request.stack, config: request.config });
const started = performance.now();
const cpuStarted = process.cpuUsage();

// The SDK's `require(<entry point>)` returning marks the end of the program's load.
let load: LoaderResult["load"];
const moduleLoader = Module as unknown as { _load(request: string, parent: { filename?: string } | undefined, isMain: boolean): unknown };
const originalLoad = moduleLoader._load;
const runScript = path.join("cmd", "run", "run.js");
moduleLoader._load = function (this: unknown, request, parent, isMain) {
  const exported = originalLoad.call(this, request, parent, isMain);
  if (!load && parent?.filename?.endsWith(runScript) && path.isAbsolute(request) && !request.includes(`${path.sep}node_modules${path.sep}`)) {
    const cpu = process.cpuUsage();
    load = { wallMs: Math.round(performance.now()), cpuMs: Math.round((cpu.user + cpu.system) / 1000) };
  }
  return exported;
};

process.argv = [process.argv[0], request.runEntry, ...request.args];
createRequire(__filename)(request.runEntry);

// Registered after the SDK's own exit handler, which sets the exit code when the program failed.
process.on("exit", (code) => {
  const stack = recording.resources.find((r) => r.type === "pulumi:pulumi:Stack");
  const result: LoaderResult = {
    exitCode: typeof process.exitCode === "number" ? process.exitCode : code,
    elapsedMs: Math.round(performance.now() - started),
    cpuMs: Math.round((process.cpuUsage(cpuStarted).user + process.cpuUsage(cpuStarted).system) / 1000),
    processCpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
    load,
    resources: recording.resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent })),
    outputs: Object.keys(stack?.outputs ?? {}),
  };
  writeFileSync(request.resultFile, JSON.stringify(result));
});
