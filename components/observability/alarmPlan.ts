/**
 * Every alarm of a stack as data: which metric (or metric math) on which resource, the statistic,
 * the threshold and how long it must be breached. Pure and generic in the type of a dimension
 * value, so unit tests plan with strings and the Observability component with the Outputs of the
 * real resources (which is what makes each alarm depend on the resource it watches).
 *
 * Tiers follow the seed's diagram: edge (load balancer, NAT), fleet (Auto Scaling group, the API's
 * own metrics), data (DynamoDB, DAX, Aurora, the cache, the stream processor).
 */
import { SERVICE_METRICS_NAMESPACE, TABLE_DIMENSION } from "../../services/trading-api/src/metricsContract";

export const TIERS = ["edge", "fleet", "data"] as const;
export type Tier = (typeof TIERS)[number];

export type Comparison = "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold" | "LessThanOrEqualToThreshold";
export type MissingData = "notBreaching" | "breaching" | "missing" | "ignore";

/** One CloudWatch metric: what is measured, on which resource, aggregated how. */
export interface MetricRef<T> {
  namespace: string;
  metricName: string;
  /** Values are the watched resource's identifiers (T) or names fixed by the plan (a GSI, a region). */
  dimensions: Record<string, T | string>;
  /** Sum, Average, Minimum, Maximum, SampleCount, or a percentile such as p99. */
  stat: string;
  period: number;
}

/** A metric math expression over named metrics (ids are lower-case, as CloudWatch requires). */
export interface MetricMath<T> {
  expression: string;
  label: string;
  metrics: Record<string, MetricRef<T>>;
}

export interface AlarmSpec<T> {
  /** Stable, unique within a stack; the alarm's name is `<prefix>-<id>`. */
  id: string;
  tier: Tier;
  /** What it watches, for the plan and the dashboard: "ALB", "DynamoDB", ... */
  group: string;
  /** One line for the person paged. */
  description: string;
  metric: MetricRef<T> | MetricMath<T>;
  comparison: Comparison;
  threshold: number;
  /** The threshold as a person reads it, in the config key's unit: "> 1 % of requests". */
  thresholdText: string;
  /** The stack config key the threshold comes from. */
  configKey: string;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: MissingData;
  /** Part of the composite "trading degraded". */
  critical: boolean;
}

export function isMetricMath<T>(metric: MetricRef<T> | MetricMath<T>): metric is MetricMath<T> {
  return "expression" in metric;
}

/** Scaling maxima of one scope (the table or every GSI), capacity units per second. */
export interface CapacityMaxima {
  read: number;
  write: number;
}

/** The resources the alarms watch, by the identifiers CloudWatch names them with. */
export interface AlarmTargets<T> {
  loadBalancer: {
    /** `app/<name>/<id>`: the ALB's ARN suffix, the LoadBalancer dimension. */
    arnSuffix: T;
    /** `targetgroup/<name>/<id>`: the TargetGroup dimension. */
    targetGroupArnSuffix: T;
    /** The AZs the ALB (and the fleet) spans: AZ ID for ids, AZ name for the AvailabilityZone dimension. */
    zones: { azId: string; azName: T }[];
  };
  fleet: { autoScalingGroupName: T; minSize: number };
  natGateways: { azId: string; id: T }[];
  /** The service metrics' Table dimension. */
  serviceTable: T;
  table: {
    name: T;
    indexNames: string[];
    maxima: { table: CapacityMaxima; index: CapacityMaxima };
    /** Regions this table replicates to (ReceivingRegion). */
    receivingRegions: string[];
  };
  dax: { clusterName: T };
  aurora: { clusterIdentifier: T; instances: { azId: string; identifier: T; memoryBytes: number }[] };
  /** Member (cache) clusters of the replication group, in placement order. */
  cache: { members: { azId: string; cacheClusterId: T }[] };
  /** The stream processor and its on-failure queue; absent where it does not run (replica). */
  streamProcessor?: { functionName: T; queueName: T };
}

export interface AlarmThresholds {
  albTarget5xxPercent: number;
  albElb5xxPerMinute: number;
  albP99LatencyMs: number;
  minHealthyHostsPerAz: number;
  dynamoThrottleEventsPerMinute: number;
  dynamoCapacityPercentOfMax: number;
  dynamoReplicationLatencyMs: number;
  dynamoSystemErrorsPerMinute: number;
  daxCpuPercent: number;
  daxFaultsPerMinute: number;
  daxEvictedMiBPer5Minutes: number;
  auroraReplicaLagMs: number;
  auroraCpuPercent: number;
  auroraFreeableMemoryPercent: number;
  auroraDeadlocksPerMinute: number;
  cacheEngineCpuPercent: number;
  cacheMemoryPercent: number;
  cacheReplicationLagMs: number;
  cacheConnections: number;
  streamErrorsPerMinute: number;
  streamIteratorAgeSeconds: number;
  streamDlqMessages: number;
  natPortAllocationErrors: number;
  natPacketsDroppedPerMinute: number;
  apiRejectPercent: number;
  apiP99LatencyMs: number;
}

/** Below this many requests (orders) a minute a rate is too noisy to page on. */
export const MIN_REQUESTS_FOR_RATE = 50;
export const MIN_ORDERS_FOR_RATE = 20;

const MINUTE = 60;
const MIB = 1024 * 1024;

/** "M of N minutes" with the statistic over one-minute periods. */
function window(datapoints: number, periods: number) {
  return { datapointsToAlarm: datapoints, evaluationPeriods: periods };
}

function metric<T>(namespace: string, metricName: string, dimensions: Record<string, T | string>, stat: string, period = MINUTE): MetricRef<T> {
  return { namespace, metricName, dimensions, stat, period };
}

const ALB = "AWS/ApplicationELB";
const DDB = "AWS/DynamoDB";

/**
 * The DynamoDB operations run against the table on the platform's behalf, the Operation values its
 * SystemErrors are summed over. DynamoDB publishes SystemErrors only per TableName and Operation
 * (DynamoDB Developer Guide, "DynamoDB metrics and dimensions",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html), so an
 * alarm on TableName alone never receives a data point.
 * - The trading API (services/trading-api/src/store: get, query, update, transactWrite) and the
 *   stream processor (get, transactWrite), whether the call goes to DynamoDB or through DAX, which
 *   forwards cache misses as GetItem and Query and passes writes through.
 * - TransactGetItems: "To populate the cache after the write, DAX calls TransactGetItems in the
 *   background for each item in the TransactWriteItems operation" (DynamoDB Developer Guide,
 *   "Amazon DynamoDB Transactions: How it works", Using transactional APIs in DAX).
 * A test reads the services' source and fails when they call an operation missing here.
 */
export const DYNAMODB_OPERATIONS = ["GetItem", "Query", "UpdateItem", "TransactWriteItems", "TransactGetItems"] as const;

/**
 * CloudWatch: "Alarms based on metric math expressions can have up to 10 metrics" (CloudWatch User
 * Guide, "CloudWatch service quotas").
 */
export const MAX_METRICS_PER_MATH_ALARM = 10;

/** The per-operation SystemErrors of a table, summed (missing data is no error: DynamoDB sends only non-zero values). */
export function systemErrorsSum<T>(table: T, period = MINUTE): MetricMath<T> {
  const metrics = Object.fromEntries(
    DYNAMODB_OPERATIONS.map((operation) => [operation.toLowerCase(), metric<T>(DDB, "SystemErrors", { TableName: table, Operation: operation }, "Sum", period)]),
  );
  return {
    expression: Object.keys(metrics)
      .map((id) => `FILL(${id}, 0)`)
      .join(" + "),
    label: "system errors, all operations",
    metrics,
  };
}

function edgeAlarms<T>(t: AlarmTargets<T>, th: AlarmThresholds): AlarmSpec<T>[] {
  const lb = { LoadBalancer: t.loadBalancer.arnSuffix, TargetGroup: t.loadBalancer.targetGroupArnSuffix };
  const alarms: AlarmSpec<T>[] = [
    {
      id: "alb-target-5xx-rate",
      tier: "edge",
      group: "ALB",
      description: "The trading API answers too many requests with 5xx (the fleet or a dependency is failing).",
      metric: {
        expression: `IF(requests >= ${MIN_REQUESTS_FOR_RATE}, 100 * FILL(errors, 0) / requests, 0)`,
        label: "target 5xx, % of requests",
        metrics: {
          requests: metric(ALB, "RequestCount", lb, "Sum"),
          errors: metric(ALB, "HTTPCode_Target_5XX_Count", lb, "Sum"),
        },
      },
      comparison: "GreaterThanThreshold",
      threshold: th.albTarget5xxPercent,
      thresholdText: `> ${th.albTarget5xxPercent} % of requests`,
      configKey: "alarmAlbTarget5xxPercent",
      ...window(3, 5),
      treatMissingData: "notBreaching",
      critical: true,
    },
    {
      id: "alb-elb-5xx",
      tier: "edge",
      group: "ALB",
      description: "The load balancer itself answers 5xx (no healthy target, target timeouts or refused connections).",
      metric: metric(ALB, "HTTPCode_ELB_5XX_Count", { LoadBalancer: t.loadBalancer.arnSuffix }, "Sum"),
      comparison: "GreaterThanThreshold",
      threshold: th.albElb5xxPerMinute,
      thresholdText: `> ${th.albElb5xxPerMinute} per minute`,
      configKey: "alarmAlbElb5xxPerMinute",
      ...window(3, 5),
      treatMissingData: "notBreaching",
      critical: true,
    },
    {
      id: "alb-p99-latency",
      tier: "edge",
      group: "ALB",
      description: "The p99 time the targets take to answer is above its budget.",
      metric: metric(ALB, "TargetResponseTime", lb, "p99"),
      comparison: "GreaterThanThreshold",
      threshold: th.albP99LatencyMs / 1000,
      thresholdText: `> ${th.albP99LatencyMs} ms (p99)`,
      configKey: "alarmAlbP99LatencyMs",
      ...window(3, 5),
      treatMissingData: "notBreaching",
      critical: false,
    },
    ...t.loadBalancer.zones.map(
      (zone): AlarmSpec<T> => ({
        id: `alb-healthy-hosts-${zone.azId}`,
        tier: "edge",
        group: "ALB",
        description: `Fewer healthy targets in ${zone.azId} than the per-AZ minimum: the AZ is losing its share of the fleet.`,
        metric: metric(ALB, "HealthyHostCount", { ...lb, AvailabilityZone: zone.azName }, "Minimum"),
        comparison: "LessThanThreshold",
        threshold: th.minHealthyHostsPerAz,
        thresholdText: `< ${th.minHealthyHostsPerAz} in ${zone.azId}`,
        configKey: "alarmMinHealthyHostsPerAz",
        ...window(2, 2),
        // No data point means no target registered in the AZ at all.
        treatMissingData: "breaching",
        critical: true,
      }),
    ),
  ];
  for (const nat of t.natGateways) {
    alarms.push(
      {
        id: `nat-port-allocation-${nat.azId}`,
        tier: "edge",
        group: "NAT",
        description: `The NAT gateway of ${nat.azId} cannot allocate source ports: new outbound connections from the AZ fail.`,
        metric: metric("AWS/NATGateway", "ErrorPortAllocation", { NatGatewayId: nat.id }, "Sum"),
        comparison: "GreaterThanThreshold",
        threshold: th.natPortAllocationErrors,
        thresholdText: `> ${th.natPortAllocationErrors} per minute`,
        configKey: "alarmNatPortAllocationErrors",
        ...window(2, 2),
        treatMissingData: "notBreaching",
        critical: false,
      },
      {
        id: `nat-packets-dropped-${nat.azId}`,
        tier: "edge",
        group: "NAT",
        description: `The NAT gateway of ${nat.azId} drops packets.`,
        metric: metric("AWS/NATGateway", "PacketsDropCount", { NatGatewayId: nat.id }, "Sum"),
        comparison: "GreaterThanThreshold",
        threshold: th.natPacketsDroppedPerMinute,
        thresholdText: `> ${th.natPacketsDroppedPerMinute} per minute`,
        configKey: "alarmNatPacketsDroppedPerMinute",
        ...window(3, 5),
        treatMissingData: "notBreaching",
        critical: false,
      },
    );
  }
  return alarms;
}

function fleetAlarms<T>(t: AlarmTargets<T>, th: AlarmThresholds): AlarmSpec<T>[] {
  const service = { [TABLE_DIMENSION]: t.serviceTable };
  return [
    {
      id: "asg-in-service",
      tier: "fleet",
      group: "Auto Scaling",
      description: "Fewer instances in service than the group's minimum: launches are failing or instances are being replaced faster than they come up.",
      metric: metric("AWS/AutoScaling", "GroupInServiceInstances", { AutoScalingGroupName: t.fleet.autoScalingGroupName }, "Minimum"),
      comparison: "LessThanThreshold",
      threshold: t.fleet.minSize,
      thresholdText: `< ${t.fleet.minSize} (the group minimum)`,
      configKey: "clusterMinSize",
      ...window(3, 5),
      treatMissingData: "breaching",
      critical: true,
    },
    {
      id: "api-reject-rate",
      tier: "fleet",
      group: "API",
      description: "The API rejects an unusual share of orders (a client misbehaving, or a limit or validation change).",
      metric: {
        expression: `IF(FILL(accepted, 0) + FILL(rejected, 0) >= ${MIN_ORDERS_FOR_RATE}, 100 * FILL(rejected, 0) / (FILL(accepted, 0) + FILL(rejected, 0)), 0)`,
        label: "rejected orders, % of orders",
        metrics: {
          accepted: metric(SERVICE_METRICS_NAMESPACE, "OrdersAccepted", service, "Sum"),
          rejected: metric(SERVICE_METRICS_NAMESPACE, "OrdersRejected", service, "Sum"),
        },
      },
      comparison: "GreaterThanThreshold",
      threshold: th.apiRejectPercent,
      thresholdText: `> ${th.apiRejectPercent} % of orders`,
      configKey: "alarmApiRejectPercent",
      ...window(3, 5),
      treatMissingData: "notBreaching",
      critical: false,
    },
    {
      id: "api-p99-latency",
      tier: "fleet",
      group: "API",
      description: "The API's own p99 response time (measured in the service) is above its budget.",
      metric: metric(SERVICE_METRICS_NAMESPACE, "Latency", service, "p99"),
      comparison: "GreaterThanThreshold",
      threshold: th.apiP99LatencyMs,
      thresholdText: `> ${th.apiP99LatencyMs} ms (p99)`,
      configKey: "alarmApiP99LatencyMs",
      ...window(3, 5),
      treatMissingData: "notBreaching",
      critical: true,
    },
  ];
}

function dynamoAlarms<T>(t: AlarmTargets<T>, th: AlarmThresholds): AlarmSpec<T>[] {
  const scopes = [
    { id: "table", label: "the table", dimensions: { TableName: t.table.name } as Record<string, T | string>, maxima: t.table.maxima.table },
    ...t.table.indexNames.map((index) => ({
      id: index,
      label: `GSI ${index}`,
      dimensions: { TableName: t.table.name, GlobalSecondaryIndexName: index },
      maxima: t.table.maxima.index,
    })),
  ];
  const alarms: AlarmSpec<T>[] = [];
  for (const scope of scopes) {
    for (const dimension of ["read", "write"] as const) {
      const Dim = dimension === "read" ? "Read" : "Write";
      alarms.push({
        id: `dynamodb-${scope.id}-${dimension}-throttles`,
        tier: "data",
        group: "DynamoDB",
        description: `DynamoDB throttles ${dimension}s on ${scope.label}: capacity is short of demand (scaling too slow, a hot partition, or the maximum reached).`,
        metric: metric(DDB, `${Dim}ThrottleEvents`, scope.dimensions, "Sum"),
        comparison: "GreaterThanThreshold",
        threshold: th.dynamoThrottleEventsPerMinute,
        thresholdText: `> ${th.dynamoThrottleEventsPerMinute} per minute`,
        configKey: "alarmDynamoThrottleEventsPerMinute",
        ...window(3, 5),
        treatMissingData: "notBreaching",
        critical: true,
      });
    }
  }
  for (const scope of scopes) {
    for (const dimension of ["read", "write"] as const) {
      const Dim = dimension === "read" ? "Read" : "Write";
      const max = scope.maxima[dimension];
      // The Sum over a minute is capacity units per minute; the maxima are per second.
      const perMinute = Math.round((th.dynamoCapacityPercentOfMax / 100) * max * MINUTE);
      alarms.push({
        id: `dynamodb-${scope.id}-${dimension}-capacity`,
        tier: "data",
        group: "DynamoDB",
        description: `Consumed ${dimension} capacity of ${scope.label} is close to its auto scaling maximum (${max}/s): raise the maximum before it throttles.`,
        metric: metric(DDB, `Consumed${Dim}CapacityUnits`, scope.dimensions, "Sum"),
        comparison: "GreaterThanThreshold",
        threshold: perMinute,
        thresholdText: `> ${th.dynamoCapacityPercentOfMax} % of max ${max}/s`,
        configKey: "alarmDynamoCapacityPercentOfMax",
        ...window(5, 5),
        treatMissingData: "notBreaching",
        critical: false,
      });
    }
  }
  for (const region of t.table.receivingRegions) {
    alarms.push({
      id: `dynamodb-replication-${region}`,
      tier: "data",
      group: "DynamoDB",
      description: `Global table replication to ${region} is behind: a failover now would lose the writes not yet there.`,
      // ReplicationLatency is aggregated at five minutes (DynamoDB metrics and dimensions).
      metric: metric(DDB, "ReplicationLatency", { TableName: t.table.name, ReceivingRegion: region }, "Average", 5 * MINUTE),
      comparison: "GreaterThanThreshold",
      threshold: th.dynamoReplicationLatencyMs,
      thresholdText: `> ${th.dynamoReplicationLatencyMs} ms to ${region}`,
      configKey: "alarmDynamoReplicationLatencyMs",
      ...window(2, 2),
      treatMissingData: "notBreaching",
      critical: true,
    });
  }
  alarms.push({
    id: "dynamodb-system-errors",
    tier: "data",
    group: "DynamoDB",
    description: "DynamoDB answers requests on the table with 500 (a service-side problem in this region).",
    metric: systemErrorsSum(t.table.name),
    comparison: "GreaterThanThreshold",
    threshold: th.dynamoSystemErrorsPerMinute,
    thresholdText: `> ${th.dynamoSystemErrorsPerMinute} per minute`,
    configKey: "alarmDynamoSystemErrorsPerMinute",
    ...window(3, 5),
    treatMissingData: "notBreaching",
    critical: true,
  });
  return alarms;
}

function daxAlarms<T>(t: AlarmTargets<T>, th: AlarmThresholds): AlarmSpec<T>[] {
  const cluster = { ClusterId: t.dax.clusterName };
  return [
    {
      id: "dax-cpu",
      tier: "data",
      group: "DAX",
      description: "DAX nodes run hot: latency rises and the cluster needs more or larger nodes.",
      metric: metric("AWS/DAX", "CPUUtilization", cluster, "Average"),
      comparison: "GreaterThanThreshold",
      threshold: th.daxCpuPercent,
      thresholdText: `> ${th.daxCpuPercent} %`,
      configKey: "alarmDaxCpuPercent",
      ...window(5, 5),
      treatMissingData: "missing",
      critical: false,
    },
    {
      id: "dax-faults",
      tier: "data",
      group: "DAX",
      description: "DAX fails requests on its side (HTTP 500-class faults), not the client's.",
      metric: metric("AWS/DAX", "FaultRequestCount", cluster, "Sum"),
      comparison: "GreaterThanThreshold",
      threshold: th.daxFaultsPerMinute,
      thresholdText: `> ${th.daxFaultsPerMinute} per minute`,
      configKey: "alarmDaxFaultsPerMinute",
      ...window(3, 5),
      treatMissingData: "notBreaching",
      critical: true,
    },
    {
      id: "dax-evictions",
      tier: "data",
      group: "DAX",
      description: "DAX evicts a spike of cached data: the working set no longer fits and reads fall through to DynamoDB.",
      metric: metric("AWS/DAX", "EvictedSize", cluster, "Sum", 5 * MINUTE),
      comparison: "GreaterThanThreshold",
      threshold: th.daxEvictedMiBPer5Minutes * MIB,
      thresholdText: `> ${th.daxEvictedMiBPer5Minutes} MiB per 5 minutes`,
      configKey: "alarmDaxEvictedMiBPer5Minutes",
      ...window(1, 1),
      treatMissingData: "notBreaching",
      critical: false,
    },
  ];
}

function auroraAlarms<T>(t: AlarmTargets<T>, th: AlarmThresholds): AlarmSpec<T>[] {
  const cluster = { DBClusterIdentifier: t.aurora.clusterIdentifier };
  const alarms: AlarmSpec<T>[] = [
    {
      id: "aurora-replica-lag",
      tier: "data",
      group: "Aurora",
      description: "An Aurora reader lags the writer: reads there are stale, and a failover to it waits to catch up.",
      metric: metric("AWS/RDS", "AuroraReplicaLagMaximum", cluster, "Maximum"),
      comparison: "GreaterThanThreshold",
      threshold: th.auroraReplicaLagMs,
      thresholdText: `> ${th.auroraReplicaLagMs} ms`,
      configKey: "alarmAuroraReplicaLagMs",
      ...window(3, 5),
      treatMissingData: "missing",
      critical: false,
    },
    {
      id: "aurora-deadlocks",
      tier: "data",
      group: "Aurora",
      description: "Transactions on the reference database's writer deadlock.",
      // Deadlocks is "the average number of deadlocks in the database per second", per instance
      // (Aurora User Guide, "Amazon CloudWatch metrics for Amazon Aurora"): the per-minute threshold
      // over 60. Read on the writer (DBClusterIdentifier + Role=WRITER, "Amazon CloudWatch dimensions
      // for Aurora"): a reader is read-only, so transactions that can deadlock run there, and averaging over the whole
      // cluster divided the writer's rate by the number of instances (the readers report 0). Maximum,
      // not Average or Sum: a failover can briefly put two instances under WRITER, and Maximum is
      // diluted by neither while Sum would add per-second rates.
      metric: metric("AWS/RDS", "Deadlocks", { ...cluster, Role: "WRITER" }, "Maximum"),
      comparison: "GreaterThanThreshold",
      threshold: th.auroraDeadlocksPerMinute / MINUTE,
      thresholdText: `> ${th.auroraDeadlocksPerMinute} per minute`,
      configKey: "alarmAuroraDeadlocksPerMinute",
      ...window(3, 5),
      treatMissingData: "notBreaching",
      critical: false,
    },
  ];
  t.aurora.instances.forEach((instance, i) => {
    const dims = { DBInstanceIdentifier: instance.identifier };
    alarms.push(
      {
        id: `aurora-${i}-cpu`,
        tier: "data",
        group: "Aurora",
        description: `Aurora instance ${i} (${instance.azId}) runs hot.`,
        metric: metric("AWS/RDS", "CPUUtilization", dims, "Average"),
        comparison: "GreaterThanThreshold",
        threshold: th.auroraCpuPercent,
        thresholdText: `> ${th.auroraCpuPercent} %`,
        configKey: "alarmAuroraCpuPercent",
        ...window(5, 5),
        treatMissingData: "missing",
        critical: false,
      },
      {
        id: `aurora-${i}-freeable-memory`,
        tier: "data",
        group: "Aurora",
        description: `Aurora instance ${i} (${instance.azId}) is short of memory: the buffer cache shrinks and queries go to storage.`,
        metric: metric("AWS/RDS", "FreeableMemory", dims, "Minimum"),
        comparison: "LessThanThreshold",
        threshold: Math.round((th.auroraFreeableMemoryPercent / 100) * instance.memoryBytes),
        thresholdText: `< ${th.auroraFreeableMemoryPercent} % of ${instance.memoryBytes / 1024 ** 3} GiB`,
        configKey: "alarmAuroraFreeableMemoryPercent",
        ...window(5, 5),
        treatMissingData: "missing",
        critical: false,
      },
    );
  });
  return alarms;
}

function cacheAlarms<T>(t: AlarmTargets<T>, th: AlarmThresholds): AlarmSpec<T>[] {
  return t.cache.members.flatMap((member, i): AlarmSpec<T>[] => {
    const dims = { CacheClusterId: member.cacheClusterId };
    const node = `${i + 1}`.padStart(3, "0");
    const where = `cache node ${node} (${member.azId})`;
    const base = { tier: "data" as const, group: "Cache", critical: false };
    return [
      {
        ...base,
        id: `cache-${node}-engine-cpu`,
        description: `The engine thread of ${where} is saturated: every command waits.`,
        metric: metric("AWS/ElastiCache", "EngineCPUUtilization", dims, "Average"),
        comparison: "GreaterThanThreshold",
        threshold: th.cacheEngineCpuPercent,
        thresholdText: `> ${th.cacheEngineCpuPercent} %`,
        configKey: "alarmCacheEngineCpuPercent",
        ...window(5, 5),
        treatMissingData: "missing",
      },
      {
        ...base,
        id: `cache-${node}-memory`,
        description: `${where} is close to maxmemory: keys with a TTL are evicted, writes of keys without one fail.`,
        metric: metric("AWS/ElastiCache", "DatabaseMemoryUsagePercentage", dims, "Maximum"),
        comparison: "GreaterThanThreshold",
        threshold: th.cacheMemoryPercent,
        thresholdText: `> ${th.cacheMemoryPercent} %`,
        configKey: "alarmCacheMemoryPercent",
        ...window(5, 5),
        treatMissingData: "missing",
      },
      {
        ...base,
        id: `cache-${node}-replication-lag`,
        description: `${where} lags its primary (reported by replicas only; the primary has no data, which is not a breach).`,
        metric: metric("AWS/ElastiCache", "ReplicationLag", dims, "Maximum"),
        comparison: "GreaterThanThreshold",
        threshold: th.cacheReplicationLagMs / 1000,
        thresholdText: `> ${th.cacheReplicationLagMs} ms`,
        configKey: "alarmCacheReplicationLagMs",
        ...window(3, 5),
        treatMissingData: "notBreaching",
      },
      {
        ...base,
        id: `cache-${node}-connections`,
        description: `${where} holds unusually many client connections (a connection leak or a reconnect storm).`,
        metric: metric("AWS/ElastiCache", "CurrConnections", dims, "Maximum"),
        comparison: "GreaterThanThreshold",
        threshold: th.cacheConnections,
        thresholdText: `> ${th.cacheConnections}`,
        configKey: "alarmCacheConnections",
        ...window(5, 5),
        treatMissingData: "missing",
      },
    ];
  });
}

function streamAlarms<T>(t: AlarmTargets<T>, th: AlarmThresholds): AlarmSpec<T>[] {
  const stream = t.streamProcessor;
  if (!stream) {
    return [];
  }
  const fn = { FunctionName: stream.functionName };
  return [
    {
      id: "stream-errors",
      tier: "data",
      group: "Stream processor",
      description: "Stream processor invocations fail (a throw or a timeout): positions stop following fills while the batch is retried.",
      metric: metric("AWS/Lambda", "Errors", fn, "Sum"),
      comparison: "GreaterThanThreshold",
      threshold: th.streamErrorsPerMinute,
      thresholdText: `> ${th.streamErrorsPerMinute} per minute`,
      configKey: "alarmStreamErrorsPerMinute",
      ...window(3, 5),
      treatMissingData: "notBreaching",
      critical: false,
    },
    {
      id: "stream-iterator-age",
      tier: "data",
      group: "Stream processor",
      description: "The stream processor is behind the table's stream: positions lag fills.",
      metric: metric("AWS/Lambda", "IteratorAge", fn, "Maximum"),
      comparison: "GreaterThanThreshold",
      threshold: th.streamIteratorAgeSeconds * 1000,
      thresholdText: `> ${th.streamIteratorAgeSeconds} s behind`,
      configKey: "alarmStreamIteratorAgeSeconds",
      ...window(3, 5),
      treatMissingData: "notBreaching",
      critical: true,
    },
    {
      id: "stream-dlq-not-empty",
      tier: "data",
      group: "Stream processor",
      description: "Stream records were given up on and sent to the on-failure queue: those fills are missing from positions until replayed.",
      metric: metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", { QueueName: stream.queueName }, "Maximum"),
      comparison: "GreaterThanThreshold",
      threshold: th.streamDlqMessages,
      thresholdText: th.streamDlqMessages === 0 ? "> 0 (any message)" : `> ${th.streamDlqMessages}`,
      configKey: "alarmStreamDlqMessages",
      ...window(1, 1),
      treatMissingData: "notBreaching",
      critical: true,
    },
  ];
}

/** Every alarm of the stack, edge first, then fleet, then data. Ids are unique. */
export function planAlarms<T>(targets: AlarmTargets<T>, thresholds: AlarmThresholds): AlarmSpec<T>[] {
  const alarms = [
    ...edgeAlarms(targets, thresholds),
    ...fleetAlarms(targets, thresholds),
    ...dynamoAlarms(targets, thresholds),
    ...daxAlarms(targets, thresholds),
    ...auroraAlarms(targets, thresholds),
    ...cacheAlarms(targets, thresholds),
    ...streamAlarms(targets, thresholds),
  ];
  const seen = new Set<string>();
  for (const alarm of alarms) {
    if (seen.has(alarm.id)) {
      throw new Error(`planAlarms: alarm id ${alarm.id} is used twice`);
    }
    seen.add(alarm.id);
    if (isMetricMath(alarm.metric) && Object.keys(alarm.metric.metrics).length > MAX_METRICS_PER_MATH_ALARM) {
      throw new Error(`planAlarms: alarm ${alarm.id} reads more than ${MAX_METRICS_PER_MATH_ALARM} metrics, CloudWatch's limit for a metric math alarm`);
    }
  }
  return alarms;
}

/** The metrics an alarm reads (one, or the metric math's inputs). */
export function metricsOf<T>(alarm: AlarmSpec<T>): MetricRef<T>[] {
  return isMetricMath(alarm.metric) ? Object.values(alarm.metric.metrics) : [alarm.metric];
}

/** The composite alarm's rule over the critical alarms' names: any one in ALARM degrades trading. */
export function degradedRule(alarmNames: readonly string[]): string {
  if (alarmNames.length === 0) {
    throw new Error("degradedRule: no critical alarm to combine");
  }
  return alarmNames.map((name) => `ALARM("${name}")`).join(" OR ");
}
