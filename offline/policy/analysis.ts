/**
 * What the offline policy evaluator reads and returns: the resources as the engine hands them to an
 * analyzer, and a pack's violations, not-applicable results, config and suppressions in force.
 */
import type { EnforcementLevel, PolicyProviderResource, PolicyResourceOptions } from "@pulumi/policy";
import type { SuppressedViolationInfo, SuppressionInForce } from "../../policy/lib/suppressions";
import type { ResolvedPolicyConfig } from "./packConfig";

/** One resource as the engine hands it to an analyzer; values in wire form (unknowns as sentinels). */
export interface AnalyzedResource {
  urn: string;
  type: string;
  name: string;
  /** What `Analyze` receives: the resource's inputs. */
  inputs: Record<string, unknown>;
  /** What `AnalyzeStack` receives: the resource's state (planned state in a preview). */
  outputs: Record<string, unknown>;
  parent?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  options: PolicyResourceOptions;
  /** The resource's provider with the provider's inputs (the default provider when none was set). */
  provider?: PolicyProviderResource;
}

export interface AnalysisInput {
  resources: AnalyzedResource[];
  /** Stack tags, as the CLI sends them with ConfigureStack. */
  stackTags: ReadonlyMap<string, string>;
}

export type ReportedLevel = Exclude<EnforcementLevel, "disabled" | "remediate">;

export interface Violation {
  policyPack: string;
  policyName: string;
  /** Level after config: "remediate" is reported as "mandatory", as the server does. */
  enforcementLevel: ReportedLevel;
  /** The resource in violation (always set for resource policies; optional for stack policies). */
  urn?: string;
  /** The policy's own message. The CLI prints the policy description, a newline, then this. */
  message: string;
  description: string;
  /** True when this is the server's "can't run policy ... during preview" diagnostic. */
  couldNotRunInPreview: boolean;
  /**
   * True when the policy reported an object (`reportViolation({ message, ... })`): the server then
   * sends the message alone, where a string report gets the policy's description in front.
   */
  objectReport?: boolean;
  /**
   * Set when a suppression silenced this violation (policy/lib/suppressions.ts): the rule still
   * reports it, as advisory, with the suppression's label, reason and expiry before its message.
   */
  suppressed?: SuppressedViolationInfo;
}

export interface NotApplicable {
  policyPack: string;
  policyName: string;
  reason?: string;
  urn?: string;
}

export interface PackEvaluation {
  policyPack: string;
  violations: Violation[];
  notApplicable: NotApplicable[];
  /** The resolved config per policy (level and getConfig() value), for reports. */
  config: Map<string, ResolvedPolicyConfig>;
  /**
   * Every valid suppression in force in this stack, per policy that ran (config entries and tags),
   * with the resources it matches; bad ones are mandatory violations instead.
   */
  suppressions: SuppressionInForce[];
}
