// dax-spans-azs (resilience pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/resilience/azSpread.ts.
import type { StackValidationPolicy } from "@pulumi/policy";
import { TYPES } from "../../lib/graph";
import {
daxPlacement
} from "../../lib/placement";
import { DaxSpreadConfig, graphOf, minAzsSchema, nodeSpreadMessage } from "../../lib/resilience/azSpread";
import { UNKNOWN } from "../../lib/values";

export const daxSpansAzs: StackValidationPolicy = {
  name: "dax-spans-azs",
  description:
    "Every DAX cluster has a replication factor of at least `minNodes` with one node per AZ over at least `minAzs` distinct AZs " +
    "(availabilityZones lists one AZ per node).",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      ...minAzsSchema.properties,
      minNodes: { type: "integer", minimum: 1, default: 3, description: "Minimum replicationFactor. Default 3." },
    },
  },
  validateStack: (args, reportViolation) => {
    const { minAzs, minNodes } = args.getConfig<DaxSpreadConfig>();
    const graph = graphOf(args.resources);
    for (const dax of graph.ofType(TYPES.daxCluster)) {
      const placement = daxPlacement(graph, dax);
      if (typeof placement.replicationFactor === "number" && placement.replicationFactor < minNodes) {
        reportViolation(`DAX cluster ${dax.name} has replicationFactor ${placement.replicationFactor}; at least ${minNodes} nodes are required`, dax.urn);
      }
      if (placement.replicationFactor === UNKNOWN) {
        continue;
      }
      const message = nodeSpreadMessage("DAX cluster", placement, minAzs);
      if (message) {
        reportViolation(message, dax.urn);
      }
    }
  },
};
