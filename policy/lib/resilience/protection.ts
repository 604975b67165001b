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
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../lib/graph";

/** What the messages call each default type. */
const LABELS: Record<string, string> = {
  [TYPES.daxCluster]: "DAX cluster",
  [TYPES.rdsCluster]: "Aurora cluster",
};

export interface ProtectionConfig {
  resourceTypes: string[];
}

const configSchema: PolicyConfigSchema = {
  properties: {
    resourceTypes: {
      type: "array",
      items: { type: "string", minLength: 1 },
      default: Object.keys(LABELS),
      description: "Type tokens of the resources that must be protected. Default the DAX cluster and the Aurora (RDS) cluster.",
    },
  },
};

export const statefulResourcesProtected: ResourceValidationPolicy = {
  name: "stateful-resources-protected",
  description:
    "DAX clusters and Aurora clusters (`resourceTypes`) carry Pulumi's protect resource option, so no deployment deletes or replaces " +
    "them unless they are first unprotected on purpose. Meant to be mandatory in production and disabled in disposable environments.",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: (args, reportViolation) => {
    const { resourceTypes } = args.getConfig<ProtectionConfig>();
    if (!resourceTypes.includes(args.type) || args.opts.protect === true) {
      return;
    }
    const label = LABELS[args.type] ?? args.type;
    reportViolation(
      `${label} ${args.name} is not protected (resource option protect): a deployment that replaces or deletes it would go ahead; ` +
        "a deliberate replacement unprotects it and sets this rule to advisory for that one deploy",
    );
  },
};
