// dynamodb-autoscaling-coverage (cost pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/cost/capacity.ts.
import { StackValidationPolicy } from "@pulumi/policy";
import { DIMENSION_NAME, hasTargetTracking } from "../../lib/cost/capacity";
import { billingMode, CapacityDimension, dynamoScalingTargets, ScalingTargetInfo, tableGsis, targetsFor } from "../../lib/dynamo";
import { GraphResource, ResourceGraph, TYPES } from "../../lib/graph";
import { UNKNOWN } from "../../lib/values";

export const dynamodbAutoscalingCoverage: StackValidationPolicy = {
  name: "dynamodb-autoscaling-coverage",
  description:
    "Every provisioned DynamoDB table and each of its GSIs has an Application Auto Scaling target for reads and for writes, each with a " +
    "target-tracking policy. A global-table replica needs read scaling of its own; its write capacity follows the global table.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const graph = new ResourceGraph(args.resources);
    const targets = dynamoScalingTargets(graph);
    const check = (owner: GraphResource, found: ScalingTargetInfo[], what: string, dimension: CapacityDimension, level: "table" | "index") => {
      if (found.length === 0) {
        reportViolation(
          `${what} has no ${dimension} auto scaling target (an aws.appautoscaling.Target for dynamodb:${level}:${DIMENSION_NAME[dimension]}CapacityUnits)`,
          owner.urn,
        );
        return;
      }
      for (const t of found) {
        if (!hasTargetTracking(graph, t.target)) {
          reportViolation(`${dimension} auto scaling target ${t.target.name} of ${what} has no target-tracking scaling policy`, t.target.urn);
        }
      }
    };
    for (const table of graph.ofType(TYPES.dynamoTable)) {
      if (billingMode(table) !== "PROVISIONED") {
        continue;
      }
      const gsis = tableGsis(table);
      for (const dimension of ["read", "write"] as const) {
        check(table, targetsFor(targets, table, dimension, "table"), `table ${table.name}`, dimension, "table");
        for (const gsi of gsis) {
          if (gsi.name === UNKNOWN) {
            continue;
          }
          check(table, targetsFor(targets, table, dimension, "index", gsi.name, gsis.length), `index ${gsi.name} of table ${table.name}`, dimension, "index");
        }
      }
    }
    for (const replica of graph.ofType(TYPES.dynamoTableReplica)) {
      check(replica, targetsFor(targets, replica, "read", "table"), `table replica ${replica.name}`, "read", "table");
    }
  },
};
