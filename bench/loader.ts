/**
 * `npm run bench:loader`: what `pulumi up`'s own loader costs before the program registers its
 * first resource. Each pass loads and runs prod-us-east-1 the way the CLI's Node.js language host
 * does (tests/support/pulumiLoader.ts: the SDK's ts-node support, the project's tsconfig.json, a
 * cold ts-node cache), once with type checking (what `pulumi up` does) and once with
 * PULUMI_NODEJS_TRANSPILE_ONLY=true; the difference is the type check. Prints figures only.
 * Usage: npm run bench:loader -- [--passes N]
 */
import { parseArgs } from "node:util";
import { runWithPulumiLoader, type LoaderRun } from "../tests/support/pulumiLoader";

const STACK = "prod-us-east-1";
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`.padStart(7);

async function load(transpileOnly: boolean): Promise<LoaderRun> {
  const run = await runWithPulumiLoader({ stack: STACK, transpileOnly, timeoutMs: 300_000 });
  if (run.exitCode !== 0) {
    throw new Error(`the program failed to load (exit ${run.exitCode}):\n${run.stderr}`);
  }
  return run;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { passes: { type: "string", default: "2" } } });
  const passes = Math.max(1, Number.parseInt(values.passes ?? "2", 10) || 1);
  console.log(`${STACK} through the SDK's language-host entry point (node ${process.version}), cold ts-node cache`);
  console.log("pass  mode            wall (process)  load+run   CPU   resources");
  for (let pass = 1; pass <= passes; pass++) {
    const runs: [string, LoaderRun][] = [
      ["transpile only", await load(true)],
      ["type-checked", await load(false)],
    ];
    for (const [mode, run] of runs) {
      console.log(`${String(pass).padStart(4)}  ${mode.padEnd(14)}  ${s(run.wallMs)}        ${s(run.elapsedMs)}  ${s(run.cpuMs)}  ${String(run.resources.length).padStart(9)}`);
    }
    const [fast, checked] = runs.map(([, run]) => run);
    console.log(
      `      type check: ${s(checked.elapsedMs - fast.elapsedMs).trim()} wall, ${s(checked.cpuMs - fast.cpuMs).trim()} CPU; ` +
        `a type-checked load takes ${(checked.cpuMs / fast.cpuMs).toFixed(1)}x the CPU of a transpile-only one`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(`bench:loader: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
