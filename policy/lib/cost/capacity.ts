/**
 * Provisioned-capacity rules for DynamoDB: provisioned billing, auto scaling on every table and GSI
 * for reads and writes, target utilisation inside a band, maxima under caps, and GSI write
 * capacity never below the table's (a GSI that cannot absorb the table's writes throttles it).
 */
import { scalingPoliciesFor, ScalingTargetInfo, targetsFor } from "../dynamo";
import { GraphResource, ResourceGraph } from "../graph";
import { peekString, Unknown } from "../values";

export interface ProvisionedBillingConfig {
  allowOnDemand: boolean;
}

export const DIMENSION_NAME = { read: "Read", write: "Write" } as const;

export function hasTargetTracking(graph: ResourceGraph, target: GraphResource): boolean {
  return scalingPoliciesFor(graph, target).some((p) => peekString(p.props, "policyType") === "TargetTrackingScaling");
}

export interface UtilisationBandConfig {
  minTargetUtilisation: number;
  maxTargetUtilisation: number;
}

export const DYNAMO_METRICS = ["DynamoDBReadCapacityUtilization", "DynamoDBWriteCapacityUtilization"];

export interface CapacityCapsConfig {
  maxReadCapacity: number;
  maxWriteCapacity: number;
}

export const DIMENSION_PATTERN = /^dynamodb:(table|index):(Read|Write)CapacityUnits$/;

/** The table's and each GSI's write minimum and maximum (auto scaling if present, else provisioned). */
export function writeBounds(
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
