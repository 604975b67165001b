/**
 * One `pulumi up`-mode run per committed stack file for the test files that only read them (a run
 * takes seconds; several files assert on the same stacks). Runs are never mutated by readers.
 */
import { runStackFile, type StackRun } from "./mockCloud";

const runs = new Map<string, Promise<StackRun>>();

export function deployedStackRun(stack: string): Promise<StackRun> {
  let run = runs.get(stack);
  if (!run) {
    run = runStackFile(stack);
    runs.set(stack, run);
  }
  return run;
}
