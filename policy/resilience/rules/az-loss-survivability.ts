// az-loss-survivability (resilience pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/resilience/azLoss.ts.
import type { StackValidationPolicy } from "@pulumi/policy";
import { AzLossConfig, azLossFindings } from "../../lib/resilience/azLoss";

export const azLossSurvivability: StackValidationPolicy = {
  name: "az-loss-survivability",
  description:
    "For each AZ of the stack, removes that AZ from the resource graph and reports every tier that then loses service or more than " +
    "`maxCapacityLossShare` of its minimum capacity: a NAT gateway other AZs route through, an auto scaling group minimum or an ECS " +
    "service minimum (its auto scaling target's minCapacity, else desiredCount) that the remaining AZs cannot cover, a database writer with no standby in another AZ, a cache or DAX cluster left without a majority of nodes.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      maxCapacityLossShare: {
        type: "number",
        minimum: 0,
        maximum: 1,
        default: 0.34,
        description: "Largest share of a tier's minimum capacity one AZ may hold (0.34: one AZ of three). Default 0.34.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const config = args.getConfig<AzLossConfig>();
    for (const finding of azLossFindings(args.resources, config)) {
      reportViolation(finding.message, finding.resource.urn);
    }
  },
};
