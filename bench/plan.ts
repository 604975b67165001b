/**
 * `npm run bench:plan`: wall time of planning all three stacks in one process (the offline plan,
 * offline/plan), per stack and in total; target under 5 s. Prints figures only; nothing asserts on
 * them, because timings depend on the machine and its load.
 *
 * Pass 1 is what `npm run plan -- --all` costs after its modules are loaded (it includes the
 * one-off esbuild bundles of the services); later passes show the steady state.
 * Usage: npm run bench:plan -- [--passes N]
 */
import { parseArgs } from "node:util";
import { plan, stacksInPlanOrder } from "../offline/plan/plan";

const TARGET_MS = 5000;

function ms(value: number): string {
  return `${Math.round(value).toLocaleString("en-US")} ms`.padStart(9);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { passes: { type: "string", default: "2" } } });
  const passes = Math.max(1, Number.parseInt(values.passes ?? "2", 10) || 1);

  console.log(`process start → modules loaded  ${ms(performance.now())}  (tsx, Pulumi SDK, AWS provider SDK, components, policy packs)`);

  for (let pass = 1; pass <= passes; pass++) {
    console.log(`\npass ${pass}: plan of every stack, one process, sequential`);
    console.log("  stack             program   analysis      total  resources");
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    for (const stack of stacksInPlanOrder()) {
      const t = performance.now();
      const p = await plan(stack);
      const total = performance.now() - t;
      console.log(
        `  ${stack.padEnd(16)}${ms(p.timings.programMs)}  ${ms(p.timings.analysisMs)}  ${ms(total)}  ${String(p.tree.resourceCount).padStart(9)}`,
      );
    }
    const wall = performance.now() - started;
    const cpu = process.cpuUsage(cpuStarted);
    const verdict = wall < TARGET_MS ? "under" : "OVER";
    console.log(`  all three stacks  ${ms(wall)}  wall (${verdict} the ${TARGET_MS / 1000} s target)`);
    // CPU time of this Node process only (esbuild bundles in its own process): on a busy machine
    // it shows what the wall time would be on an idle one, for this single-threaded work.
    console.log(`                    ${ms((cpu.user + cpu.system) / 1000)}  CPU of the Node process (user + system)`);
  }
  console.log(`\nend to end, process start to last plan: ${ms(performance.now())}`);
}

main().catch((err: unknown) => {
  console.error(`bench:plan: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
