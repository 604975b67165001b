// ecs-service-spans-azs (resilience pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/resilience/azSpread.ts and ecsService.ts.
import type { StackValidationPolicy } from "@pulumi/policy";
import { checkSpread, graphOf, MinAzsConfig, minAzsSchema } from "../../lib/resilience/azSpread";
import { ECS_SERVICE_TYPE, ecsServiceSpread } from "../../lib/resilience/ecsService";

export const ecsServiceSpansAzs: StackValidationPolicy = {
  name: "ecs-service-spans-azs",
  description:
    "Every ECS service runs its tasks in subnets of at least `minAzs` distinct AZs (networkConfiguration.subnets, followed to the subnet resources).",
  enforcementLevel: "mandatory",
  configSchema: minAzsSchema,
  validateStack: (args, reportViolation) => {
    const { minAzs } = args.getConfig<MinAzsConfig>();
    const graph = graphOf(args.resources);
    checkSpread(graph.ofType(ECS_SERVICE_TYPE), (r) => ecsServiceSpread(graph, r), "ECS service", minAzs, reportViolation);
  },
};
