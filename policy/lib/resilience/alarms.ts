/**
 * Alarms are part of HA: an HA-critical resource nobody is told about when it degrades is a single
 * point of failure of the operators' attention. Every load balancer, target group, Auto Scaling
 * group, DynamoDB table (or replica), DAX cluster, Aurora cluster, cache replication group, stream
 * processor (a Lambda behind an event source mapping) and on-failure queue (an event source
 * mapping's onFailure destination) must be watched by at least one CloudWatch metric alarm whose
 * actions reach an SNS topic.
 *
 * An alarm watches a resource when the resource fed its dimensions (property dependencies of
 * `dimensions` or `metricQueries`, which is how a preview shows it while ids are unknown) or when a
 * known dimension value equals one of the resource's identifiers (a resource of another stack, or
 * an alarm built from literals after an update). Its actions reach SNS when `alarmActions` depends
 * on an SNS topic of the stack or names an SNS topic ARN.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import { replicaTableName } from "../dynamo";
import { GraphResource, ResourceGraph, TYPES } from "../graph";
import { knownStrings, peek, peekBoolean, peekString, UNKNOWN } from "../values";

/** What the rule calls each HA-critical resource type in its messages. */
export const CRITICAL_TYPES: Record<string, string> = {
  [TYPES.loadBalancer]: "load balancer",
  [TYPES.targetGroup]: "target group",
  [TYPES.autoscalingGroup]: "auto scaling group",
  [TYPES.dynamoTable]: "DynamoDB table",
  [TYPES.dynamoTableReplica]: "DynamoDB table replica",
  [TYPES.daxCluster]: "DAX cluster",
  [TYPES.rdsCluster]: "Aurora cluster",
  [TYPES.cacheReplicationGroup]: "cache replication group",
};

export const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/;

export interface AlarmCoverageConfig {
  /** Resource types to require an alarm for, beyond the stream processor and its queue. */
  resourceTypes: string[];
}

export const configSchema: PolicyConfigSchema = {
  properties: {
    resourceTypes: {
      type: "array",
      items: { type: "string" },
      default: Object.keys(CRITICAL_TYPES),
      description: "Type tokens of the HA-critical resources that need an alarm (stream processors and on-failure queues always do). Default: ALB, target group, ASG, table, replica, DAX, Aurora cluster, cache group.",
    },
  },
};

/** Every identifier CloudWatch could name the resource by, as far as known. */
export function identifiersOf(resource: GraphResource): string[] {
  const props = ["id", "name", "arn", "arnSuffix", "clusterName", "clusterIdentifier", "replicationGroupId", "identifier"];
  const ids = props.flatMap((p) => {
    const value = peekString(resource.props, p);
    return typeof value === "string" ? [value] : [];
  });
  ids.push(...knownStrings(resource.props, "memberClusters").values);
  if (resource.type === TYPES.dynamoTableReplica) {
    const name = replicaTableName(resource);
    if (typeof name === "string") ids.push(name);
  }
  return ids;
}

/** Known dimension values of an alarm (its own metric, or each metric of its metric math). */
export function dimensionValues(alarm: GraphResource): string[] {
  const values: string[] = [];
  const collect = (dimensions: unknown) => {
    if (dimensions === UNKNOWN || dimensions === null || typeof dimensions !== "object") return;
    for (const key of Object.keys(dimensions)) {
      const value = peek(dimensions, key);
      if (typeof value === "string") values.push(value);
    }
  };
  collect(peek(alarm.props, "dimensions"));
  const queries = peek(alarm.props, "metricQueries");
  if (Array.isArray(queries)) {
    queries.forEach((_, i) => collect(peek(queries, i, "metric", "dimensions")));
  }
  return values;
}

/** Whether the alarm notifies an SNS topic when it fires. */
export function reachesSns(alarm: GraphResource): boolean {
  if (peekBoolean(alarm.props, "actionsEnabled") === false) {
    return false;
  }
  if ((alarm.propertyDependencies.alarmActions ?? []).some((d) => d.type === TYPES.snsTopic)) {
    return true;
  }
  return knownStrings(alarm.props, "alarmActions").values.some((arn) => SNS_TOPIC_ARN.test(arn));
}

/** The stream processors (functions of an event source mapping) and their on-failure queues. */
export function streamResources(graph: ResourceGraph): { resource: GraphResource; label: string }[] {
  const found = new Map<string, { resource: GraphResource; label: string }>();
  for (const mapping of graph.ofType(TYPES.eventSourceMapping)) {
    for (const fn of graph.refs(mapping, "functionName", [TYPES.lambdaFunction], ["arn", "name", "id"]).resources) {
      found.set(fn.urn, { resource: fn, label: "stream processor function" });
    }
    const destinations = (mapping.propertyDependencies.destinationConfig ?? []).filter((d) => d.type === TYPES.sqsQueue);
    const arn = peekString(mapping.props, "destinationConfig", "onFailure", "destinationArn");
    for (const queue of graph.ofType(TYPES.sqsQueue)) {
      if (destinations.includes(queue) || (typeof arn === "string" && peekString(queue.props, "arn") === arn)) {
        found.set(queue.urn, { resource: queue, label: "on-failure queue" });
      }
    }
  }
  return [...found.values()];
}
