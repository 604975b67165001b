// replica-owns-no-write-scaling (cost pack): the rule's description below is what the CLI prints with each violation.
import type { StackValidationPolicy } from "@pulumi/policy";
import { dynamoScalingTargets } from "../../lib/dynamo";
import { ResourceGraph, TYPES } from "../../lib/graph";

export const replicaOwnsNoWriteScaling: StackValidationPolicy = {
  name: "replica-owns-no-write-scaling",
  description:
    "A stack that adds a global-table replica (and does not own the table) registers no write-capacity scalable target for it: DynamoDB " +
    "replicates the owning stack's write auto scaling to every replica.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const graph = new ResourceGraph(args.resources);
    for (const info of dynamoScalingTargets(graph)) {
      if (info.dimension === "write" && info.table?.type === TYPES.dynamoTableReplica) {
        reportViolation(
          `scalable target ${info.target.name} scales the writes of replica ${info.table.name}; write auto scaling is the global table's, owned by the stack of the table`,
          info.target.urn,
        );
      }
    }
  },
};
