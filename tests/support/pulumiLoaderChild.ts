/**
 * The child process of tests/support/pulumiLoader.ts. esbuild bundles this file (and the mock
 * cloud's recorder) into plain CommonJS, so no TypeScript loader is registered in this process
 * before the SDK registers its own. It sets up the mock cloud, then hands the process to the SDK's
 * language-host entry point (`@pulumi/pulumi/cmd/run`) with the arguments and environment
 * pulumi-language-nodejs starts it with: that code registers ts-node with the project's
 * TypeScript and tsconfig.json, type-checks and requires the entry point, and runs its export inside
 * the root Stack. On exit it writes what was registered to the result file.
 */
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
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
  resources: { type: string; name: string; parent?: string }[];
  /** Names of the root stack's outputs. */
  outputs: string[];
}

const request = JSON.parse(process.env.TRADING_LOADER_REQUEST ?? "") as LoaderRequest;
const recording = startRecording({ project: request.project, stack: request.stack, config: request.config });
const started = performance.now();
const cpuStarted = process.cpuUsage();

process.argv = [process.argv[0], request.runEntry, ...request.args];
createRequire(__filename)(request.runEntry);

// Registered after the SDK's own exit handler, which sets the exit code when the program failed.
process.on("exit", (code) => {
  const stack = recording.resources.find((r) => r.type === "pulumi:pulumi:Stack");
  const result: LoaderResult = {
    exitCode: typeof process.exitCode === "number" ? process.exitCode : code,
    elapsedMs: Math.round(performance.now() - started),
    cpuMs: Math.round((process.cpuUsage(cpuStarted).user + process.cpuUsage(cpuStarted).system) / 1000),
    resources: recording.resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent })),
    outputs: Object.keys(stack?.outputs ?? {}),
  };
  writeFileSync(request.resultFile, JSON.stringify(result));
});
