/**
 * The offline plan: runs the real program for `Pulumi.<stack>.yaml` in the mock cloud (no
 * credentials, no Pulumi CLI) and derives, from what it registered, the resource tree, the AZ
 * matrix, the policy report, the alarms, the cost estimate, the deployment critical path and a diagram.
 *
 * The CLI (./cli.ts) is a thin shell over `plan`, which tests call directly.
 *
 * Runs are sequential: the mock cloud drives Pulumi's process-global runtime state.
 */
import { analysisInputFromRun } from "../policy/fromRun";
import { evaluateStack, POLICY_ENVIRONMENTS, PolicyEnvironment, StackEvaluation } from "../policy/evaluateStack";
import { toPolicyResources } from "../policy/evaluator";
import { ProgramRunFailure, runStackFile, StackRun } from "../cloud/mockCloud";
import { withShortStacks } from "../cloud/shortStacks";
import { discoverStacks, hasStackFile, readStackFile, REPO_ROOT, StackFileError, stackFileName } from "../cloud/stackFiles";
import { AlarmReport, alarmReport } from "./alarms";
import { AzMatrix, buildAzMatrix } from "./azMatrix";
import { CostReport, costReport } from "./cost";
import { CriticalPath, criticalPathOf } from "./criticalPath";
import { DEFAULT_WORKLOAD, Workload } from "./dynamoCost";
import { GameDaysReport, gameDaysOf } from "./gameDays";
import { renderMermaid } from "./mermaid";
import { PolicyReport, policyReport } from "./policyReport";
import { RegionLoss, regionLossOf } from "./regionLoss";
import { buildTree, ResourceTree } from "./tree";
import { StackConfigError } from "../../stacks/config";

export interface PlanOptions {
  /**
   * Run as a first `pulumi preview` sees the stack (ids and computed values unknown) instead of
   * as deployed into the mock account (every value known). Default false: the fuller picture.
   */
  preview?: boolean;
  /** Config keys to change over the stack file (`undefined` removes one): a what-if, or a mutated stack in tests. */
  overrides?: Record<string, unknown>;
  /** What a config error calls the overrides' values, so it does not blame the stack file for them. Default "--set", the CLI flag. */
  overridesFrom?: string;
  /** Workload for the on-demand comparison; missing fields take DEFAULT_WORKLOAD's. */
  workload?: Partial<Workload>;
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
  policy: PolicyReport;
  /** The stack's alarms by tier, where they notify, the instance refresh rule and the dashboard. */
  alarms: AlarmReport;
  cost: CostReport;
  criticalPath: CriticalPath;
  /** Mermaid flowchart source. */
  mermaid: string;
  /** What losing this stack's region means (undefined for a single-region environment). */
  regionLoss?: RegionLoss;
  /** The stack's FIS experiment templates: targets, stop conditions, expected outcome and cost. */
  gameDays: GameDaysReport;
  /** Milliseconds spent running the program and deriving the plan. */
  timings: { programMs: number; analysisMs: number };
}

/** A stack whose program failed (bad config, a missing primary output): what the engine would print. */
export class PlanFailure extends Error {
  constructor(
    readonly stack: string,
    readonly cause: Error,
  ) {
    // A config or stack-file error already names the stack (or its file); others get the stack in front.
    super(cause instanceof StackConfigError || cause instanceof StackFileError ? cause.message : `stack ${stack}: ${cause.message}`);
    this.name = "PlanFailure";
  }
}

const PROJECT_KEY = "trading-platform";

function configString(stack: string, key: string): string | undefined {
  const value = readStackFile(stack)[key];
  return typeof value === "string" ? value : undefined;
}

/**
 * Outputs of stacks planned as deployed (not a preview, no overrides) in this process, by short
 * stack name. A replica's plan hands its primary's to the mock cloud, which otherwise runs the
 * primary itself to feed the replica's StackReference: planning both then costs one run less.
 */
const deployedOutputs = new Map<string, Record<string, unknown>>();

function stackReferencesFor(stack: string): Record<string, Record<string, unknown>> {
  const primary = configString(stack, `${PROJECT_KEY}:primaryStack`);
  const outputs = primary ? deployedOutputs.get(primary.split("/").pop() ?? primary) : undefined;
  return primary && outputs ? { [primary]: outputs } : {};
}

/** A config error that names, for each value given as an override, where it came from instead of the stack file. */
function attributed(error: Error, options: PlanOptions): Error {
  if (!(error instanceof StackConfigError) || !options.overrides) {
    return error;
  }
  const from = options.overridesFrom ?? "--set";
  const given = Object.entries(options.overrides).filter(([, value]) => value !== undefined);
  return error.withSources(Object.fromEntries(given.map(([key]) => [key, from])));
}

/**
 * Runs `fn` (a program run and its analysis) capturing no stack frames where stacks are unreadable
 * anyway: with source maps off (the CLI, offline/plan/startup.ts) their frames name transpiled
 * lines. The Pulumi SDK captures and formats a stack for every promise it tracks, only to report
 * leaked promises, and the policy evaluator an Error per not-applicable check: with the four frames
 * offline/cloud/shortStacks.ts keeps, that was 0.3 s of a cold `--all` by `node --cpu-prof`. Errors
 * keep their messages, which is what a PlanFailure reports; tests (source maps on) and
 * FULL_STACKS=1 keep the frames.
 */
async function withoutStackFrames<T>(fn: () => Promise<T>): Promise<T> {
  if (process.sourceMapsEnabled || process.env.FULL_STACKS || process.env.PLAN_FULL_STACKS) {
    return fn();
  }
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return await fn();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

async function runOrFail(stack: string, options: PlanOptions): Promise<StackRun> {
  try {
    return await runStackFile(stack, { preview: options.preview, overrides: options.overrides, stackReferences: stackReferencesFor(stack) });
  } catch (err) {
    if (err instanceof ProgramRunFailure) {
      throw new PlanFailure(stack, attributed(err.error, options));
    }
    if (err instanceof StackFileError) {
      throw new PlanFailure(stack, err);
    }
    throw err;
  }
}

function policyEnvironment(stack: string, environment: string): PolicyEnvironment {
  const found = POLICY_ENVIRONMENTS.find((e) => e === environment);
  if (!found) {
    throw new PlanFailure(stack, new Error(`environment "${environment}" has no policy config (policy/config/<env>/); environments are ${POLICY_ENVIRONMENTS.join(", ")}`));
  }
  return found;
}

/** The ALB baseline the environment's budget rule prices with, so the plan's total is the rule's. */
function albBaselineLcu(evaluation: StackEvaluation): number {
  const cost = evaluation.packs.find((p) => p.config.has("monthly-budget"));
  const value = cost?.config.get("monthly-budget")?.properties.albBaselineLcu;
  return typeof value === "number" ? value : 1;
}

/** The plan of one stack from an existing run (exposed for tests that already hold a run). */
export async function planFromRun(run: StackRun, options: PlanOptions = {}, programMs = 0): Promise<StackPlan> {
  const started = performance.now();
  const azMatrix = buildAzMatrix(run);
  const environment = String(run.outputs.environment ?? configString(run.stack, `${PROJECT_KEY}:environment`) ?? "");
  const region = String(run.outputs.region ?? configString(run.stack, "aws:region") ?? "");
  const evaluation = await evaluateStack(run, policyEnvironment(run.stack, environment));
  const resources = toPolicyResources(analysisInputFromRun(run).resources);
  const result: StackPlan = {
    stack: run.stack,
    region,
    environment,
    role: String(run.outputs.role ?? configString(run.stack, `${PROJECT_KEY}:role`) ?? ""),
    preview: run.preview,
    overrides: options.overrides ?? {},
    tree: buildTree(run),
    azMatrix,
    policy: policyReport(evaluation),
    alarms: alarmReport(run),
    cost: costReport(resources, {
      workload: { ...DEFAULT_WORKLOAD, ...options.workload },
      albBaselineLcu: albBaselineLcu(evaluation),
      defaultRegion: region,
    }),
    criticalPath: criticalPathOf(run),
    mermaid: renderMermaid(run, azMatrix),
    ...(regionLossOf(run) ? { regionLoss: regionLossOf(run) } : {}),
    gameDays: gameDaysOf(resources, policyEnvironment(run.stack, environment)),
    timings: { programMs, analysisMs: 0 },
  };
  result.timings.analysisMs = performance.now() - started;
  return result;
}

/** Plans one stack: runs its real program in the mock cloud and derives every part of the plan. */
export async function plan(stack: string, options: PlanOptions = {}): Promise<StackPlan> {
  if (!hasStackFile(stack)) {
    throw new PlanFailure(stack, new Error(noStackFileMessage(stack)));
  }
  return withShortStacks(() => withoutStackFrames(async () => {
    const started = performance.now();
    const run = await runOrFail(stack, options);
    const programMs = performance.now() - started;
    if (!options.preview && !options.overrides) {
      deployedOutputs.set(stack, run.outputs);
    }
    return await planFromRun(run, options, programMs);
  }));
}

/** What a stack name with no file gets: the file looked for and the stacks there are. */
export function noStackFileMessage(stack: string): string {
  const stacks = discoverStacks();
  return `no stack file ${stackFileName(stack)} in ${REPO_ROOT}; stacks: ${stacks.length > 0 ? stacks.join(", ") : "none"}`;
}

/** A stack's role as its own config declares it (never guessed from its name); undefined when unreadable or unset. */
function declaredRole(stack: string): string | undefined {
  try {
    return configString(stack, `${PROJECT_KEY}:role`);
  } catch (err) {
    if (err instanceof StackFileError) {
      return undefined; // planned last, where its plan reports the file's error
    }
    throw err;
  }
}

/**
 * Every stack file of the project, primaries first so a replica reuses its primary's outputs, then
 * replicas, then stacks whose role is missing or invalid (their plan reports the config error).
 */
export function stacksInPlanOrder(): string[] {
  const rank = (role: string | undefined) => (role === "primary" ? 0 : role === "replica" ? 1 : 2);
  return discoverStacks()
    .map((stack) => ({ stack, rank: rank(declaredRole(stack)) }))
    .sort((a, b) => a.rank - b.rank || a.stack.localeCompare(b.stack))
    .map((s) => s.stack);
}
