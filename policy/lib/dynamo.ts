/**
 * DynamoDB capacity as AWS resources describe it: tables, their GSIs, replicas of global tables,
 * and the Application Auto Scaling targets and policies that manage their capacity. Shared by the
 * cost rules and the cost estimate.
 */
import { GraphResource, ResourceGraph, TYPES } from "./graph";
import { peek, peekNumber, peekString, UNKNOWN, Unknown } from "./values";

export type CapacityDimension = "read" | "write";

export interface ScalingTargetInfo {
  target: GraphResource;
  dimension: CapacityDimension;
  /** Table-level or index-level target. */
  level: "table" | "index";
  /** The table or table replica it scales, when it can be told. */
  table?: GraphResource;
  /** The index name (level "index"), UNKNOWN when the resourceId is not known yet. */
  indexName?: string | Unknown;
  minCapacity: number | Unknown | undefined;
  maxCapacity: number | Unknown | undefined;
}

const DIMENSION = /^dynamodb:(table|index):(Read|Write)CapacityUnits$/;
const RESOURCE_ID = /^table\/([^/]+)(?:\/index\/([^/]+))?$/;

/** The table name a TableReplica replicates: the last part of its global table's ARN. */
export function replicaTableName(replica: GraphResource): string | Unknown | undefined {
  const arn = peekString(replica.props, "globalTableArn");
  if (typeof arn !== "string") {
    return arn;
  }
  return arn.split("/").pop();
}

function tableName(table: GraphResource): string | Unknown | undefined {
  return table.type === TYPES.dynamoTableReplica ? replicaTableName(table) : peekString(table.props, "name");
}

/** Every DynamoDB scalable target of the stack, linked to its table when possible. */
export function dynamoScalingTargets(graph: ResourceGraph): ScalingTargetInfo[] {
  const tables = [...graph.ofType(TYPES.dynamoTable), ...graph.ofType(TYPES.dynamoTableReplica)];
  const result: ScalingTargetInfo[] = [];
  for (const target of graph.ofType(TYPES.scalableTarget)) {
    const namespace = peekString(target.props, "serviceNamespace");
    const dimension = peekString(target.props, "scalableDimension");
    const match = typeof dimension === "string" ? DIMENSION.exec(dimension) : null;
    if (namespace !== "dynamodb" || !match) {
      continue;
    }
    const level = match[1] as "table" | "index";
    const resourceId = peekString(target.props, "resourceId");
    const parsed = typeof resourceId === "string" ? RESOURCE_ID.exec(resourceId) : null;
    let table = (target.propertyDependencies.resourceId ?? []).find((d) => tables.includes(d));
    if (!table && parsed) {
      // A global table has one name in every region: prefer the table (or replica) of the target's region.
      const named = tables.filter((t) => tableName(t) === parsed[1]);
      table = named.find((t) => graph.regionOf(t) === graph.regionOf(target)) ?? named[0];
    }
    result.push({
      target,
      dimension: match[2] === "Read" ? "read" : "write",
      level,
      ...(table ? { table } : {}),
      ...(level === "index" ? { indexName: parsed ? parsed[2] : UNKNOWN } : {}),
      minCapacity: peekNumber(target.props, "minCapacity"),
      maxCapacity: peekNumber(target.props, "maxCapacity"),
    });
  }
  return result;
}

export interface GsiInfo {
  name: string | Unknown;
  readCapacity: number | Unknown | undefined;
  writeCapacity: number | Unknown | undefined;
}

/** The GSIs a table declares (a replica's come from the primary's definition and are not visible). */
export function tableGsis(table: GraphResource): GsiInfo[] {
  const gsis = peek(table.props, "globalSecondaryIndexes");
  if (!Array.isArray(gsis)) {
    return [];
  }
  return gsis.map((_, i) => {
    const name = peekString(gsis, i, "name");
    return {
      name: name === undefined ? UNKNOWN : name,
      readCapacity: peekNumber(gsis, i, "readCapacity"),
      writeCapacity: peekNumber(gsis, i, "writeCapacity"),
    };
  });
}

/** PROVISIONED unless the table says PAY_PER_REQUEST (the provider's default is PROVISIONED). */
export function billingMode(table: GraphResource): string | Unknown {
  const mode = peekString(table.props, "billingMode");
  return mode ?? "PROVISIONED";
}

/**
 * The targets of one table (or replica) for a dimension and level; for an index level with
 * `indexName`, the targets of that index. A target whose index name is unknown counts for an index
 * only when the table has no other index it could belong to.
 */
export function targetsFor(
  targets: readonly ScalingTargetInfo[],
  table: GraphResource,
  dimension: CapacityDimension,
  level: "table" | "index",
  indexName?: string,
  indexCount = 1,
): ScalingTargetInfo[] {
  return targets.filter(
    (t) =>
      t.table === table &&
      t.dimension === dimension &&
      t.level === level &&
      (level === "table" || t.indexName === indexName || (t.indexName === UNKNOWN && indexCount === 1)),
  );
}

/** Target-tracking policies attached to a scalable target. */
export function scalingPoliciesFor(graph: ResourceGraph, target: GraphResource): GraphResource[] {
  const targetResourceId = peekString(target.props, "resourceId");
  const targetDimension = peekString(target.props, "scalableDimension");
  return graph.ofType(TYPES.scalingPolicy).filter((policy) => {
    const deps = [...(policy.propertyDependencies.resourceId ?? []), ...(policy.propertyDependencies.scalableDimension ?? [])];
    if (deps.includes(target)) {
      return true;
    }
    return (
      typeof targetResourceId === "string" &&
      peekString(policy.props, "resourceId") === targetResourceId &&
      peekString(policy.props, "scalableDimension") === targetDimension
    );
  });
}
