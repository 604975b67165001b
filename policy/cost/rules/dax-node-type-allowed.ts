// dax-node-type-allowed (cost pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/cost/allowLists.ts.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { DaxAllowListConfig, typeList } from "../../lib/cost/allowLists";

export const daxNodeTypeAllowed: ResourceValidationPolicy = {
  name: "dax-node-type-allowed",
  description:
    "DAX clusters use a node type from `allowedNodeTypes`; a cluster's node type cannot be changed after creation, so a wrong one means a new cluster.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedNodeTypes: typeList("Allowed DAX node types. Default the r5 large to 2xlarge types.", ["dax.r5.large", "dax.r5.xlarge", "dax.r5.2xlarge"]),
    },
  },
  validateResource: validateResourceOfType(aws.dax.Cluster, (cluster, args, reportViolation) => {
    const { allowedNodeTypes } = args.getConfig<DaxAllowListConfig>();
    if (!allowedNodeTypes.includes(cluster.nodeType)) {
      reportViolation(`DAX cluster ${args.name} uses node type ${cluster.nodeType}, which is not allowed (allowed: ${allowedNodeTypes.join(", ")})`);
    }
  }),
};
