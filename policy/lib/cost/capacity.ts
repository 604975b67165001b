/**
 * Provisioned-capacity rules for DynamoDB: provisioned billing, auto scaling on every table and GSI
 * for reads and writes, target utilisation inside a band, maxima under caps, and GSI write
 * capacity never below the table's (a GSI that cannot absorb the table's writes throttles it).
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { billingMode, CapacityDimension, dynamoScalingTargets, scalingPoliciesFor, ScalingTargetInfo, tableGsis, targetsFor } from "../lib/dynamo";
import { GraphResource, ResourceGraph, TYPES } from "../lib/graph";
import { peekNumber, peekString, UNKNOWN, Unknown } from "../lib/values";

export interface ProvisionedBillingConfig {
  allowOnDemand: boolean;
}

export const dynamodbProvisionedBilling: ResourceValidationPolicy = {
  name: "dynamodb-provisioned-billing",
  description:
    "DynamoDB tables use PROVISIONED capacity with auto scaling: at Nov-2024 prices on-demand costs about 3.5x fully used provisioned " +
    "capacity, so provisioned wins above ~29% average utilisation. `allowOnDemand` permits PAY_PER_REQUEST (e.g. in dev).",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowOnDemand: { type: "boolean", default: false, description: "Allow PAY_PER_REQUEST tables. Default false." },
    },
  },
  validateResource: validateResourceOfType(aws.dynamodb.Table, (table, args, reportViolation) => {
    const { allowOnDemand } = args.getConfig<ProvisionedBillingConfig>();
    if (table.billingMode === "PAY_PER_REQUEST" && !allowOnDemand) {
      reportViolation(`table ${args.name} uses on-demand billing (PAY_PER_REQUEST); use PROVISIONED capacity with auto scaling`);
    }
  }),
};

const DIMENSION_NAME = { read: "Read", write: "Write" } as const;

function hasTargetTracking(graph: ResourceGraph, target: GraphResource): boolean {
  return scalingPoliciesFor(graph, target).some((p) => peekString(p.props, "policyType") === "TargetTrackingScaling");
}

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

export interface UtilisationBandConfig {
  minTargetUtilisation: number;
  maxTargetUtilisation: number;
}

const DYNAMO_METRICS = ["DynamoDBReadCapacityUtilization", "DynamoDBWriteCapacityUtilization"];

export const dynamodbTargetUtilisationBand: ResourceValidationPolicy = {
  name: "dynamodb-target-utilisation-band",
  description:
    "DynamoDB target-tracking policies aim at a utilisation inside [minTargetUtilisation, maxTargetUtilisation] percent: lower wastes " +
    "provisioned capacity, higher leaves no headroom for the ~2 minutes target tracking needs to react.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      minTargetUtilisation: { type: "number", minimum: 20, maximum: 90, default: 50, description: "Lowest allowed target, percent. Default 50." },
      maxTargetUtilisation: { type: "number", minimum: 20, maximum: 90, default: 80, description: "Highest allowed target, percent. Default 80." },
    },
  },
  validateResource: validateResourceOfType(aws.appautoscaling.Policy, (policy, args, reportViolation) => {
    const { minTargetUtilisation, maxTargetUtilisation } = args.getConfig<UtilisationBandConfig>();
    const tracking = policy.targetTrackingScalingPolicyConfiguration;
    const metric = tracking?.predefinedMetricSpecification?.predefinedMetricType;
    if (!tracking || metric === undefined || !DYNAMO_METRICS.includes(metric)) {
      return args.notApplicable("not a DynamoDB target-tracking policy");
    }
    // Read through the SDK's proxy: an unknown target gives the server's "can't run during preview".
    const target = tracking.targetValue;
    if (target < minTargetUtilisation || target > maxTargetUtilisation) {
      reportViolation(
        `scaling policy ${args.name} targets ${target}% ${metric}; the target must be between ${minTargetUtilisation}% and ${maxTargetUtilisation}%`,
      );
    }
  }),
};

export interface CapacityCapsConfig {
  maxReadCapacity: number;
  maxWriteCapacity: number;
}

const DIMENSION_PATTERN = /^dynamodb:(table|index):(Read|Write)CapacityUnits$/;

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

/** The table's and each GSI's write minimum and maximum (auto scaling if present, else provisioned). */
function writeBounds(
  targets: ScalingTargetInfo[],
  table: GraphResource,
  level: "table" | "index",
  provisioned: number | Unknown | undefined,
  indexName?: string,
  indexCount?: number,
): { min: number | Unknown | undefined; max: number | Unknown | undefined } {
  const found = targetsFor(targets, table, "write", level, indexName, indexCount);
  if (found.length > 0) {
    return { min: found[0].minCapacity, max: found[0].maxCapacity };
  }
  return { min: provisioned, max: provisioned };
}

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
