/**
 * Runs an example project (examples/<name>) under the mock cloud as the Pulumi CLI would run it:
 * its own Pulumi.yaml (project name, config defaults) and Pulumi.<stack>.yaml, and prices the
 * recording with the plan's cost estimate, the figure each example's README states.
 */
import * as path from "node:path";
import { readFileSync } from "node:fs";
import { runProgram, type StackRun } from "../support/mockCloud";
import { readProjectFile, readStackFile } from "../../offline/cloud/stackFiles";
import { costReport, type CostReport } from "../../offline/plan/cost";
import { DEFAULT_WORKLOAD } from "../../offline/plan/dynamoCost";
export { formatUsd } from "../../offline/plan/format";
import { analysisInputFromRun } from "../../offline/policy/fromRun";
import { toPolicyResources } from "../../offline/policy/evaluator";
import { loadPackConfig } from "../../offline/policy/evaluateStack";

export const EXAMPLES_ROOT = path.resolve(__dirname, "..", "..", "examples");

export const exampleDir = (example: string): string => path.join(EXAMPLES_ROOT, example);

/** The raw config of an example's stack: the project's defaults, then its stack file, as strings. */
export function exampleConfig(example: string, stack: string): Record<string, string> {
  const root = exampleDir(example);
  const project = readProjectFile(root);
  const merged: Record<string, unknown> = {};
  for (const [key, declaration] of Object.entries(project.config ?? {})) {
    if (declaration.default !== undefined) merged[`${project.name}:${key}`] = declaration.default;
  }
  Object.assign(merged, readStackFile(stack, root));
  return Object.fromEntries(Object.entries(merged).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
}

export interface ExampleRunOptions {
  stackReferences?: Record<string, Record<string, unknown>>;
  /** Config keys to change over the stack file (as the CLI's strings). */
  overrides?: Record<string, string>;
}

/** Runs `program` (the example's main) as `pulumi up` of `stack` in the example's project. */
export function runExample(
  example: string,
  stack: string,
  program: () => Promise<Record<string, unknown>>,
  options: ExampleRunOptions = {},
): Promise<StackRun> {
  return runProgram(program, {
    project: readProjectFile(exampleDir(example)).name,
    stack,
    config: { ...exampleConfig(example, stack), ...options.overrides },
    stackReferences: options.stackReferences,
  });
}

/**
 * The monthly cost of a run as `npm run plan` prices a stack: the minimum footprint from the
 * committed price snapshot, with the dev budget rule's ALB baseline.
 */
export function exampleCost(run: StackRun, region: string): CostReport {
  const budget = loadPackConfig("dev", "cost")["monthly-budget"];
  const albBaselineLcu = typeof budget === "object" && budget !== null && "albBaselineLcu" in budget ? Number(budget.albBaselineLcu) : 1;
  return costReport(toPolicyResources(analysisInputFromRun(run).resources), {
    workload: DEFAULT_WORKLOAD,
    albBaselineLcu,
    defaultRegion: region,
  });
}

/** The README of an example. */
export const exampleReadme = (example: string): string => readFileSync(path.join(exampleDir(example), "README.md"), "utf8");
