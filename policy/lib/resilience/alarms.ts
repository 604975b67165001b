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
 *
 * An ECS service is watched only by an alarm on its own health: a service metric of its tasks
 * (running or desired task count from Container Insights, or CPU or memory utilisation) whose
 * dimensions are ClusterName and ServiceName. AWS/ECS reports service-level CPU and memory "filtered
 * by ClusterName, ServiceName" ("Amazon ECS CloudWatch metrics", ECS Developer Guide) and Container
 * Insights its task counts under the same two dimensions ("Amazon ECS Container Insights metrics");
 * a cluster-level metric (ClusterName alone) averages every service of the cluster, so it does not
 * say that this one is down.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import { replicaTableName } from "../dynamo";
import { GraphResource, ResourceGraph, TYPES } from "../graph";
import { knownStrings, peek, peekBoolean, peekString, UNKNOWN } from "../values";
import { ECS_SERVICE_TYPE } from "./ecsService";

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
  [ECS_SERVICE_TYPE]: "ECS service",
};

const ECS_CLUSTER = "aws:ecs/cluster:Cluster";

/** The metrics that show an ECS service degrading, by namespace. */
export const ECS_SERVICE_METRICS: Record<string, readonly string[]> = {
  "AWS/ECS": ["CPUUtilization", "MemoryUtilization"],
  "ECS/ContainerInsights": ["RunningTaskCount", "DesiredTaskCount", "CpuUtilized", "MemoryUtilized"],
};

/** Why no alarm counts for an ECS service: what an alarm on it must read. */
export const ECS_ALARM_HINT = "(running or desired task count, CPU or memory, with its ClusterName and ServiceName)";

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
      description: "Type tokens of the HA-critical resources that need an alarm (stream processors and on-failure queues always do). Default: ALB, target group, ASG, ECS service, table, replica, DAX, Aurora cluster, cache group.",
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

interface AlarmMetric {
  namespace: unknown;
  metricName: unknown;
  dimensions: unknown;
}

/** The alarm's metrics: its own, or each metric of its metric math. */
function alarmMetrics(alarm: GraphResource): AlarmMetric[] {
  const of = (source: unknown): AlarmMetric => ({ namespace: peek(source, "namespace"), metricName: peek(source, "metricName"), dimensions: peek(source, "dimensions") });
  const queries = peek(alarm.props, "metricQueries");
  if (Array.isArray(queries) && queries.length > 0) {
    return queries.map((_, i) => peek(queries, i, "metric")).filter((m) => m !== undefined && m !== null && m !== UNKNOWN).map(of);
  }
  return [of(alarm.props)];
}

/**
 * Whether `alarm` reads a health metric of `service` with its ClusterName and ServiceName. A
 * dimension's value is matched to the service (and its cluster) by a known identifier, or, when it
 * is unknown (a preview), by the alarm's property dependencies on the service and its cluster.
 */
export function watchesEcsService(graph: ResourceGraph, alarm: GraphResource, service: GraphResource): boolean {
  const fed = new Set([...(alarm.propertyDependencies.dimensions ?? []), ...(alarm.propertyDependencies.metricQueries ?? [])].map((d) => d.urn));
  const clusters = graph.refs(service, "cluster", [ECS_CLUSTER], ["arn", "id", "name"]).resources;
  const names = (value: unknown, resources: GraphResource[]): boolean =>
    typeof value === "string" ? resources.some((r) => identifiersOf(r).includes(value)) : value === UNKNOWN && resources.some((r) => fed.has(r.urn));
  return alarmMetrics(alarm).some((metric) => {
    const allowed = typeof metric.namespace === "string" ? ECS_SERVICE_METRICS[metric.namespace] : undefined;
    if (!allowed || typeof metric.metricName !== "string" || !allowed.includes(metric.metricName)) {
      return false;
    }
    const cluster = peek(metric.dimensions, "ClusterName");
    const serviceName = peek(metric.dimensions, "ServiceName");
    if (cluster === undefined || serviceName === undefined || !names(serviceName, [service])) {
      return false;
    }
    // A service whose cluster is not in the stack: its ServiceName is enough.
    return clusters.length === 0 || names(cluster, clusters);
  });
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
