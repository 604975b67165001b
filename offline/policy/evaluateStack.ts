/**
 * All three packs over one mock-cloud run, with one environment's config files: what a pull request
 * runs with the CLI (`pulumi preview --policy-pack ... --policy-pack-config policy/config/<env>/...`),
 * offline and without credentials.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { StackRun } from "../cloud/mockCloud";
import { costPack } from "../../policy/cost/policies";
import { resiliencePack } from "../../policy/resilience/policies";
import { securityPack } from "../../policy/security/policies";
import type { PolicyPackConfigFile, PolicyPackDefinition } from "../../policy/lib/packDefinition";
import { AnalysisInput, evaluatePack, PackEvaluation, Violation } from "./evaluator";
import { analysisInputFromRun, AnalysisInputOptions } from "./fromRun";
import type { SuppressionInForce } from "../../policy/lib/suppressions";

/** The packs, by the directory they live in under policy/. */
export const POLICY_PACKS = {
  resilience: resiliencePack,
  cost: costPack,
  security: securityPack,
} as const satisfies Record<string, PolicyPackDefinition>;

export type PackDirectory = keyof typeof POLICY_PACKS;
export const PACK_DIRECTORIES = Object.keys(POLICY_PACKS) as PackDirectory[];

export const POLICY_ENVIRONMENTS = ["dev", "prod"] as const;
export type PolicyEnvironment = (typeof POLICY_ENVIRONMENTS)[number];

export const POLICY_ROOT = path.resolve(__dirname, "..", "..", "policy");

/** policy/config/<env>/<pack>.json: the file passed with --policy-pack-config. */
export function packConfigPath(environment: PolicyEnvironment, pack: PackDirectory): string {
  return path.join(POLICY_ROOT, "config", environment, `${pack}.json`);
}

export function loadPackConfig(environment: PolicyEnvironment, pack: PackDirectory): PolicyPackConfigFile {
  return JSON.parse(readFileSync(packConfigPath(environment, pack), "utf8")) as PolicyPackConfigFile;
}

export interface StackEvaluation {
  stack: string;
  environment: PolicyEnvironment;
  preview: boolean;
  packs: PackEvaluation[];
  /** Every violation of every pack, mandatory and advisory. */
  violations: Violation[];
  /** Violations that would fail `pulumi preview` / `pulumi up`. */
  mandatory: Violation[];
  /** Advisory violations, not counting the suppressed ones. */
  advisory: Violation[];
  /** Violations a suppression silenced (reported as advisory, with `suppressed` set). */
  suppressed: Violation[];
  /** Every suppression in force in this stack, per pack and rule, with the resources it matches. */
  suppressions: (SuppressionInForce & { policyPack: string })[];
}

export interface EvaluateStackOptions extends AnalysisInputOptions {
  /** Config files to use instead of policy/config/<env>/ (per pack directory). */
  configs?: Partial<Record<PackDirectory, PolicyPackConfigFile>>;
  /** Only these packs. Default all three. */
  packs?: PackDirectory[];
}

/** Runs the given packs over an analysis input. */
export async function evaluateInput(
  input: AnalysisInput,
  environment: PolicyEnvironment,
  options: EvaluateStackOptions = {},
): Promise<PackEvaluation[]> {
  const results: PackEvaluation[] = [];
  for (const pack of options.packs ?? PACK_DIRECTORIES) {
    results.push(await evaluatePack(POLICY_PACKS[pack], input, options.configs?.[pack] ?? loadPackConfig(environment, pack)));
  }
  return results;
}

/** The three packs over `run` with `environment`'s configs. */
export async function evaluateStack(run: StackRun, environment: PolicyEnvironment, options: EvaluateStackOptions = {}): Promise<StackEvaluation> {
  const packs = await evaluateInput(analysisInputFromRun(run, options), environment, options);
  const violations = packs.flatMap((p) => p.violations);
  return {
    stack: run.stack,
    environment,
    preview: run.preview,
    packs,
    violations,
    mandatory: violations.filter((v) => v.enforcementLevel === "mandatory"),
    advisory: violations.filter((v) => v.enforcementLevel === "advisory" && !v.suppressed),
    suppressed: violations.filter((v) => v.suppressed !== undefined),
    suppressions: packs.flatMap((p) => p.suppressions.map((s) => ({ policyPack: p.policyPack, ...s }))),
  };
}

/** Violations as the CLI groups them: one line per violation, the resource's name last. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations
    .map((v) => {
      const resource = v.urn ? ` [${v.urn.split("::").pop()}]` : "";
      return `${v.enforcementLevel} ${v.policyPack}/${v.policyName}${resource}: ${v.message}`;
    })
    .join("\n");
}
