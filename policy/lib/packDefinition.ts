/**
 * A policy pack as data: what each pack's `index.ts` hands to `new PolicyPack(...)`, kept apart from
 * the constructor because constructing a PolicyPack starts the analyzer's gRPC server. The offline
 * evaluator imports these definitions; only the CLI runs the packs' index.ts.
 */
import type { EnforcementLevel, Policies, PolicyPackArgs } from "@pulumi/policy";

export interface PolicyPackDefinition {
  /** Pack name (`PolicyPack` name): letters, digits, `-`, `_`, `.`. */
  name: string;
  /** Semantic version; equals the pack's package.json version, which the CLI reads. */
  version: string;
  description: string;
  /** Default enforcement level of the pack's policies that do not set one. */
  enforcementLevel: EnforcementLevel;
  policies: Policies;
}

/** The PolicyPack constructor's arguments for a definition. */
export function policyPackArgs(pack: PolicyPackDefinition): PolicyPackArgs {
  return {
    policies: pack.policies,
    enforcementLevel: pack.enforcementLevel,
    description: pack.description,
    provider: "aws",
    tags: ["aws", "trading-platform"],
  };
}

/** A policy pack config file (`--policy-pack-config`): per policy name, or "all". */
export type PolicyPackConfigFile = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;
