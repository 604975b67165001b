// alb-spans-azs (resilience pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/resilience/azSpread.ts.
import type { StackValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../../lib/graph";
import {
loadBalancerSpread
} from "../../lib/placement";
import { checkSpread, graphOf, MinAzsConfig, minAzsSchema } from "../../lib/resilience/azSpread";

export const albSpansAzs: StackValidationPolicy = {
  name: "alb-spans-azs",
  description: "Every load balancer has subnets in at least `minAzs` distinct AZs, so it keeps serving when one AZ fails.",
  enforcementLevel: "mandatory",
  configSchema: minAzsSchema,
  validateStack: (args, reportViolation) => {
    const { minAzs } = args.getConfig<MinAzsConfig>();
    const graph = graphOf(args.resources);
    checkSpread(graph.ofType(TYPES.loadBalancer), (r) => loadBalancerSpread(graph, r), "load balancer", minAzs, reportViolation);
  },
};
