// stateful-resources-protected (resilience pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/resilience/protection.ts.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { LABELS, ProtectionConfig, configSchema } from "../../lib/resilience/protection";

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
