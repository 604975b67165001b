// asg-spans-azs (resilience pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/resilience/azSpread.ts.
import type { StackValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../../lib/graph";
import {
asgSpread
} from "../../lib/placement";
import { checkSpread, graphOf, MinAzsConfig, minAzsSchema } from "../../lib/resilience/azSpread";

export const asgSpansAzs: StackValidationPolicy = {
  name: "asg-spans-azs",
  description:
    "Every auto scaling group launches into subnets in at least `minAzs` distinct AZs (its vpcZoneIdentifiers are followed to the subnet resources, " +
    "because subnet ids are unknown in a first preview).",
  enforcementLevel: "mandatory",
  configSchema: minAzsSchema,
  validateStack: (args, reportViolation) => {
    const { minAzs } = args.getConfig<MinAzsConfig>();
    const graph = graphOf(args.resources);
    checkSpread(graph.ofType(TYPES.autoscalingGroup), (r) => asgSpread(graph, r), "auto scaling group", minAzs, reportViolation);
  },
};
