// gsi-write-capacity-floor (cost pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/cost/capacity.ts.
import { StackValidationPolicy } from "@pulumi/policy";
import { writeBounds } from "../../lib/cost/capacity";
import { billingMode, dynamoScalingTargets, tableGsis } from "../../lib/dynamo";
import { ResourceGraph, TYPES } from "../../lib/graph";
import { peekNumber } from "../../lib/values";

export const gsiWriteCapacityFloor: StackValidationPolicy = {
  name: "gsi-write-capacity-floor",
  description:
    "Each GSI's write capacity minimum (and auto scaling maximum) is at least the table's: every table write that touches an indexed " +
    "attribute is also a GSI write, and a GSI that runs out of write capacity throttles writes to the table.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const graph = new ResourceGraph(args.resources);
    const targets = dynamoScalingTargets(graph);
    for (const table of graph.ofType(TYPES.dynamoTable)) {
      if (billingMode(table) !== "PROVISIONED") {
        continue;
      }
      const tableBounds = writeBounds(targets, table, "table", peekNumber(table.props, "writeCapacity"));
      const gsis = tableGsis(table);
      for (const gsi of gsis) {
        if (typeof gsi.name !== "string") {
          continue;
        }
        const bounds = writeBounds(targets, table, "index", gsi.writeCapacity, gsi.name, gsis.length);
        if (typeof bounds.min === "number" && typeof tableBounds.min === "number" && bounds.min < tableBounds.min) {
          reportViolation(
            `index ${gsi.name} of table ${table.name} has a write capacity minimum of ${bounds.min}, below the table's ${tableBounds.min}; ` +
              "a GSI that cannot absorb the table's writes throttles the table",
            table.urn,
          );
        }
        if (typeof bounds.max === "number" && typeof tableBounds.max === "number" && bounds.max < tableBounds.max) {
          reportViolation(
            `index ${gsi.name} of table ${table.name} can scale writes only to ${bounds.max}, below the table's ${tableBounds.max}`,
            table.urn,
          );
        }
      }
    }
  },
};
