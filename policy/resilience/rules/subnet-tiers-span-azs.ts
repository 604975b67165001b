// subnet-tiers-span-azs (resilience pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/resilience/azSpread.ts.
import type { StackValidationPolicy } from "@pulumi/policy";
import { distinct, GraphResource, TYPES } from "../../lib/graph";
import { graphOf, minAzsSchema, routingTier, spreadMessage, SubnetTierConfig } from "../../lib/resilience/azSpread";
import { peekString } from "../../lib/values";

export const subnetTiersSpanAzs: StackValidationPolicy = {
  name: "subnet-tiers-span-azs",
  description:
    "Every subnet tier (public, app, data, ...) of each VPC has subnets in at least `minAzs` distinct AZs, so no tier depends on one AZ. " +
    "The tier is the subnet's `tierTag` tag, or else its routing (public, private through NAT, isolated).",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      ...minAzsSchema.properties,
      tierTag: { type: "string", minLength: 1, default: "Tier", description: 'Tag holding the subnet tier. Default "Tier".' },
    },
  },
  validateStack: (args, reportViolation) => {
    const { minAzs, tierTag } = args.getConfig<SubnetTierConfig>();
    const graph = graphOf(args.resources);
    const groups = new Map<string, { vpc?: GraphResource; tier: string; subnets: GraphResource[] }>();
    for (const subnet of graph.ofType(TYPES.subnet)) {
      const vpc = graph.refs(subnet, "vpcId", [TYPES.vpc]).resources[0];
      const tagged = peekString(subnet.props, "tags", tierTag);
      const tier = typeof tagged === "string" ? tagged : routingTier(graph, subnet);
      const key = `${vpc?.urn ?? "?"}|${tier}`;
      const group = groups.get(key) ?? { ...(vpc ? { vpc } : {}), tier, subnets: [] };
      group.subnets.push(subnet);
      groups.set(key, group);
    }
    for (const group of groups.values()) {
      const { keys, unknownSubnets } = graph.subnetAzKeys(group.subnets);
      const azs = distinct(keys);
      if (azs.length < minAzs) {
        const unresolved = unknownSubnets.length > 0 ? `AZ unknown for ${unknownSubnets.map((s) => s.name).join(", ")}` : undefined;
        const where = group.vpc ? ` of VPC ${group.vpc.name}` : "";
        reportViolation(spreadMessage(`subnet tier "${group.tier}"${where}`, azs, minAzs, unresolved), (group.vpc ?? group.subnets[0]).urn);
      }
    }
  },
};
