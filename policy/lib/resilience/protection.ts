/**
 * Stateful tiers that take long to rebuild are Pulumi-protected: "A protected resource cannot be
 * deleted directly, and any deployment that would delete it (including a replacement) fails with an
 * error instead" (Pulumi docs, "Resource option: protect" and "Protecting against undesired
 * changes"). An edit that forces a replacement of the DAX cluster (node type, replication factor,
 * AZs) or of the Aurora cluster then stops the deployment instead of emptying the cache or
 * recreating the system of record. Resource policies see the option as `args.opts.protect`.
 *
 * A deliberate replacement unprotects the resource for one deploy (daxAllowReplacement for DAX);
 * that deploy runs with this rule set to advisory in its policy config, a reviewed change of its own.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import { TYPES } from "../graph";

/** What the messages call each default type. */
export const LABELS: Record<string, string> = {
  [TYPES.daxCluster]: "DAX cluster",
  [TYPES.rdsCluster]: "Aurora cluster",
};

export interface ProtectionConfig {
  resourceTypes: string[];
}

export const configSchema: PolicyConfigSchema = {
  properties: {
    resourceTypes: {
      type: "array",
      items: { type: "string", minLength: 1 },
      default: Object.keys(LABELS),
      description: "Type tokens of the resources that must be protected. Default the DAX cluster and the Aurora (RDS) cluster.",
    },
  },
};
