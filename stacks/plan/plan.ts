/**
 * The offline plan: runs the real program for `Pulumi.<stack>.yaml` in the mock cloud (no
 * credentials, no Pulumi CLI) and derives, from what it registered, the resource tree, the AZ
 * matrix, the policy report, the cost estimate, the deployment critical path and a diagram.
 *
 * The CLI (./cli.ts) is a thin shell over `plan` and `planAll`; tests call these directly.
 *
 * Runs are sequential: the mock cloud drives Pulumi's process-global runtime state.
 */
import { ProgramRunFailure, runStackFile, StackRun } from "../offline/mockCloud";
import { readStackFile, STACKS } from "../offline/stackFiles";
import { AzMatrix, buildAzMatrix } from "./azMatrix";
import { CriticalPath, criticalPathOf } from "./criticalPath";
import { renderMermaid } from "./mermaid";
import { buildTree, ResourceTree } from "./tree";

export interface PlanOptions {
  /**
   * Run as a first `pulumi preview` sees the stack (ids and computed values unknown) instead of
   * as deployed into the mock account (every value known). Default false: the fuller picture.
   */
  preview?: boolean;
  /** Config keys to change over the stack file (`undefined` removes one): a what-if, or a mutated stack in tests. */
  overrides?: Record<string, unknown>;
}

export interface StackPlan {
  stack: string;
  region: string;
  environment: string;
  role: string;
  preview: boolean;
  /** The config keys overridden for this plan (empty for the stack file as committed). */
  overrides: Record<string, unknown>;
  tree: ResourceTree;
  azMatrix: AzMatrix;
  criticalPath: CriticalPath;
  /** Mermaid flowchart source. */
  mermaid: string;
  /** Milliseconds spent running the program and deriving the plan. */
  timings: { programMs: number; analysisMs: number };
}

/** A stack whose program failed (bad config, a missing primary output): what the engine would print. */
export class PlanFailure extends Error {
  constructor(
    readonly stack: string,
    readonly cause: Error,
  ) {
    super(`stack ${stack}: ${cause.message}`);
    this.name = "PlanFailure";
  }
}

const PROJECT_KEY = "trading-platform";

function configString(stack: string, key: string): string | undefined {
  const value = readStackFile(stack)[key];
  return typeof value === "string" ? value : undefined;
}

/**
 * Outputs of stacks as deployed into the mock account, by short stack name: what a replica's
 * StackReference reads. Filled by plain (non-preview, non-overridden) plans and on demand.
 */
const deployedOutputs = new Map<string, Record<string, unknown>>();

/**
 * The StackReference outputs a stack's program reads: for a replica, its primary's outputs as the
 * primary's own program produces them in the mock account — the real contract, not a hand-made
 * fixture — so a change to the primary's outputs shows up in the replica's plan.
 */
async function stackReferencesFor(stack: string): Promise<Record<string, Record<string, unknown>>> {
  const primary = configString(stack, `${PROJECT_KEY}:primaryStack`);
  if (!primary) {
    return {};
  }
  const primaryShort = primary.split("/").pop() ?? primary;
  if (!(STACKS as readonly string[]).includes(primaryShort)) {
    throw new PlanFailure(stack, new Error(`primaryStack ${primary} has no stack file Pulumi.${primaryShort}.yaml in this project`));
  }
  let outputs = deployedOutputs.get(primaryShort);
  if (!outputs) {
    const run = await runOrFail(primaryShort, {});
    outputs = run.outputs;
    deployedOutputs.set(primaryShort, outputs);
  }
  return { [primary]: outputs };
}

async function runOrFail(stack: string, options: PlanOptions): Promise<StackRun> {
  const stackReferences = await stackReferencesFor(stack);
  try {
    return await runStackFile(stack, { preview: options.preview, overrides: options.overrides, stackReferences });
  } catch (err) {
    if (err instanceof ProgramRunFailure) {
      throw new PlanFailure(stack, err.error);
    }
    throw err;
  }
}

/** The plan of one stack from an existing run (exposed for tests that already hold a run). */
export function planFromRun(run: StackRun, options: PlanOptions = {}, programMs = 0): StackPlan {
  const started = performance.now();
  const azMatrix = buildAzMatrix(run);
  const result: StackPlan = {
    stack: run.stack,
    region: String(run.outputs.region ?? configString(run.stack, "aws:region") ?? ""),
    environment: String(run.outputs.environment ?? ""),
    role: String(run.outputs.role ?? ""),
    preview: run.preview,
    overrides: options.overrides ?? {},
    tree: buildTree(run),
    azMatrix,
    criticalPath: criticalPathOf(run),
    mermaid: renderMermaid(run, azMatrix),
    timings: { programMs, analysisMs: 0 },
  };
  result.timings.analysisMs = performance.now() - started;
  return result;
}

/** Plans one stack: runs its real program in the mock cloud and derives every part of the plan. */
export async function plan(stack: string, options: PlanOptions = {}): Promise<StackPlan> {
  if (!(STACKS as readonly string[]).includes(stack)) {
    throw new PlanFailure(stack, new Error(`no stack file Pulumi.${stack}.yaml; stacks are ${STACKS.join(", ")}`));
  }
  const started = performance.now();
  const run = await runOrFail(stack, options);
  const programMs = performance.now() - started;
  if (!options.preview && !options.overrides) {
    deployedOutputs.set(stack, run.outputs);
  }
  return planFromRun(run, options, programMs);
}

/** Every stack of the project, primaries first so a replica reuses its primary's outputs. */
export function stacksInPlanOrder(): string[] {
  const hasPrimary = (s: string) => configString(s, `${PROJECT_KEY}:primaryStack`) !== undefined;
  return [...STACKS.filter((s) => !hasPrimary(s)), ...STACKS.filter(hasPrimary)];
}

export async function planAll(options: PlanOptions = {}): Promise<StackPlan[]> {
  const plans: StackPlan[] = [];
  for (const stack of stacksInPlanOrder()) {
    plans.push(await plan(stack, options));
  }
  return plans;
}
