// dynamodb-capacity-caps (cost pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/cost/capacity.ts.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { CapacityCapsConfig, DIMENSION_PATTERN } from "../../lib/cost/capacity";
import { peekString } from "../../lib/values";

export const dynamodbCapacityCaps: ResourceValidationPolicy = {
  name: "dynamodb-capacity-caps",
  description:
    "No DynamoDB auto scaling target may scale a table or index beyond `maxReadCapacity` / `maxWriteCapacity` units, which bounds what " +
    "a traffic spike (or a runaway client) can cost.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      maxReadCapacity: { type: "integer", minimum: 1, default: 40000, description: "Largest allowed read maxCapacity. Default 40000." },
      maxWriteCapacity: { type: "integer", minimum: 1, default: 40000, description: "Largest allowed write maxCapacity. Default 40000." },
    },
  },
  validateResource: validateResourceOfType(aws.appautoscaling.Target, (target, args, reportViolation) => {
    const dimension = peekString(args.props, "scalableDimension");
    const match = typeof dimension === "string" ? DIMENSION_PATTERN.exec(dimension) : null;
    if (!match) {
      return args.notApplicable("not a DynamoDB scalable target");
    }
    const { maxReadCapacity, maxWriteCapacity } = args.getConfig<CapacityCapsConfig>();
    const read = match[2] === "Read";
    const cap = read ? maxReadCapacity : maxWriteCapacity;
    if (target.maxCapacity > cap) {
      reportViolation(`auto scaling target ${args.name} lets ${read ? "read" : "write"} capacity grow to ${target.maxCapacity} units; the cap is ${cap}`);
    }
  }),
};
