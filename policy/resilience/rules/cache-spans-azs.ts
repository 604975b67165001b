// cache-spans-azs (resilience pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/resilience/azSpread.ts.
import type { StackValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../../lib/graph";
import {
cachePlacement
} from "../../lib/placement";
import { graphOf, MinAzsConfig, minAzsSchema, nodeSpreadMessage } from "../../lib/resilience/azSpread";

export const cacheSpansAzs: StackValidationPolicy = {
  name: "cache-spans-azs",
  description:
    "Every ElastiCache replication group has automatic failover and Multi-AZ enabled and nodes in at least `minAzs` distinct AZs " +
    "(preferredCacheClusterAzs names one AZ per node).",
  enforcementLevel: "mandatory",
  configSchema: minAzsSchema,
  validateStack: (args, reportViolation) => {
    const { minAzs } = args.getConfig<MinAzsConfig>();
    const graph = graphOf(args.resources);
    for (const group of graph.ofType(TYPES.cacheReplicationGroup)) {
      const placement = cachePlacement(graph, group);
      if (placement.automaticFailover === false) {
        reportViolation(`replication group ${group.name} has automatic failover off; set automaticFailoverEnabled: true`, group.urn);
      }
      if (placement.multiAz === false) {
        reportViolation(`replication group ${group.name} is not Multi-AZ; set multiAzEnabled: true`, group.urn);
      }
      const message = nodeSpreadMessage("replication group", placement, minAzs);
      if (message) {
        reportViolation(message, group.urn);
      }
    }
  },
};
