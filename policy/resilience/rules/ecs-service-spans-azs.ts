// ecs-service-spans-azs (resilience pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/resilience/azSpread.ts.
import type { StackValidationPolicy } from "@pulumi/policy";
import type { GraphResource, ResourceGraph } from "../../lib/graph";
import { subnetSpread, type SubnetSpread } from "../../lib/placement";
import { checkSpread, graphOf, MinAzsConfig, minAzsSchema } from "../../lib/resilience/azSpread";
import { peek } from "../../lib/values";

const ECS_SERVICE = "aws:ecs/service:Service";

/**
 * An awsvpc service's subnets are networkConfiguration.subnets; ECS spreads its tasks over their
 * AZs ("Amazon ECS task placement": Fargate tasks are spread across the AZs of the service's
 * subnets). The subnets are followed through the property's dependencies, as the ids are unknown in
 * a first preview.
 */
function serviceSpread(graph: ResourceGraph, service: GraphResource): SubnetSpread {
  const view: GraphResource = {
    ...service,
    props: { subnets: peek(service.props, "networkConfiguration", "subnets") },
    propertyDependencies: { subnets: service.propertyDependencies.networkConfiguration ?? [] },
  };
  return subnetSpread(graph, view, "subnets");
}

export const ecsServiceSpansAzs: StackValidationPolicy = {
  name: "ecs-service-spans-azs",
  description:
    "Every ECS service runs its tasks in subnets of at least `minAzs` distinct AZs (networkConfiguration.subnets, followed to the subnet resources).",
  enforcementLevel: "mandatory",
  configSchema: minAzsSchema,
  validateStack: (args, reportViolation) => {
    const { minAzs } = args.getConfig<MinAzsConfig>();
    const graph = graphOf(args.resources);
    checkSpread(graph.ofType(ECS_SERVICE), (r) => serviceSpread(graph, r), "ECS service", minAzs, reportViolation);
  },
};
