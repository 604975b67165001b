/**
 * `npm run bench:loader`: what `pulumi up`'s own loader costs before and while the program registers
 * its resources. Each pass loads and runs prod-us-east-1 the way the CLI's Node.js language host
 * does (tests/support/pulumiLoader.ts: `node <nodeargs> @pulumi/pulumi/cmd/run ...` with the
 * environment the runtime options give), with cold caches, three ways:
 *
 * - before: `typescript: true` (the SDK's ts-node with the project's tsconfig.json, type checking on),
 *   what Pulumi.yaml said until issue 28;
 * - the same with PULUMI_NODEJS_TRANSPILE_ONLY=true (the type check's share is the difference);
 * - after: Pulumi.yaml as committed (`typescript: false`, `nodeargs: --import tsx`: esbuild
 *   transpiles each file as it is required, nothing is type-checked; CI runs `tsc --noEmit`).
 *
 * "load" is what the loader costs: from the process's start until the SDK's require of the entry
 * point returns (Node's start-up, the `nodeargs` loaders, the SDK, compiling, type-checking when
 * ts-node does, and requiring every module of the program), wall and CPU (user + system) of the
 * process. "whole run" adds running the program under the mock cloud (256 registrations, which
 * the engine's gRPC monitor would receive instead) to the process's exit. Goal: load under 2 s of
 * CPU. Prints figures only.
 * Usage: npm run bench:loader -- [--passes N]
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { runWithPulumiLoader, runtimeOptionsOf, type LoaderRun, type LoaderRunOptions } from "../tests/support/pulumiLoader";
import { REPO_ROOT } from "../offline/cloud/stackFiles";

const STACK = "prod-us-east-1";
const GOAL_CPU_MS = 2000;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`.padStart(7);

function loadOf(run: LoaderRun): { wallMs: number; cpuMs: number } {
  if (!run.load) {
    throw new Error("the entry point never finished loading");
  }
  return run.load;
}

async function load(options: Omit<LoaderRunOptions, "stack" | "timeoutMs">): Promise<LoaderRun> {
  const run = await runWithPulumiLoader({ stack: STACK, timeoutMs: 300_000, ...options });
  if (run.exitCode !== 0) {
    throw new Error(`the program failed to load (exit ${run.exitCode}):\n${run.stderr}`);
  }
  return run;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { passes: { type: "string", default: "2" } } });
  const passes = Math.max(1, Number.parseInt(values.passes ?? "2", 10) || 1);
  const committed = runtimeOptionsOf(REPO_ROOT);
  console.log(`${STACK} through the SDK's language-host entry point (node ${process.version}), cold ts-node and tsx caches`);
  console.log(`Pulumi.yaml runtime options: ${JSON.stringify(committed)}; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  console.log("pass  loader                                    load: wall    CPU   whole run: wall    CPU   resources");
  const afterCpu: number[] = [];
  for (let pass = 1; pass <= passes; pass++) {
    const before = await load({ runtimeOptions: { typescript: true } });
    const transpileOnly = await load({ runtimeOptions: { typescript: true }, transpileOnly: true });
    const after = await load({});
    const runs: [string, LoaderRun][] = [
      ["before: ts-node, type-checked", before],
      ["ts-node, transpile only", transpileOnly],
      [`after: Pulumi.yaml (node ${after.nodeargs.join(" ")})`, after],
    ];
    for (const [mode, run] of runs) {
      console.log(
        `${String(pass).padStart(4)}  ${mode.padEnd(40)}  ${s(loadOf(run).wallMs)}  ${s(loadOf(run).cpuMs)}  ${s(run.wallMs)}      ${s(run.processCpuMs)}  ${String(run.resources.length).padStart(9)}`,
      );
    }
    afterCpu.push(loadOf(after).cpuMs);
    console.log(
      `      type check: ${s(loadOf(before).cpuMs - loadOf(transpileOnly).cpuMs).trim()} CPU; ` +
        `load after/before: ${(loadOf(after).cpuMs / loadOf(before).cpuMs).toFixed(2)}x the CPU, ${(loadOf(after).wallMs / loadOf(before).wallMs).toFixed(2)}x the wall`,
    );
  }
  const best = Math.min(...afterCpu);
  console.log(
    `after: program load ${s(best).trim()} CPU (best of ${passes}) -> goal < ${GOAL_CPU_MS / 1000} s ${best < GOAL_CPU_MS ? "MET" : "NOT MET"}; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`,
  );
}

main().catch((err: unknown) => {
  console.error(`bench:loader: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
