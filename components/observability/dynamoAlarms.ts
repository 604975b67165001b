/**
 * The hot path's alarms: the DynamoDB table (throttles, capacity against its scaling maxima,
 * replication latency, system errors) and its DAX cluster.
 */
import { DDB, metric, MIB, MINUTE, systemErrorsSum, window } from "./alarmMetrics";
import type { AlarmSpec, AlarmTargets, AlarmThresholds } from "./alarmSpec";

export function dynamoAlarms<T>(t: AlarmTargets<T>, th: AlarmThresholds): AlarmSpec<T>[] {
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

export function daxAlarms<T>(t: AlarmTargets<T>, th: AlarmThresholds): AlarmSpec<T>[] {
  const cluster = { ClusterId: t.dax.clusterName };
  return [
    {
      id: "dax-cpu",
      tier: "data",
      group: "DAX",
      description: "A DAX node runs hot: its requests slow down and the cluster needs more or larger nodes.",
      // CPUUtilization is "the percentage of CPU utilization of the node or cluster"; ClusterId
      // aggregates the cluster's nodes and ClusterId + NodeId limits it to one node, and Minimum,
      // Maximum and Average are its valid statistics (DynamoDB Developer Guide, "Viewing DAX
      // metrics and dimensions",
      // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/dax-metrics-dimensions-dax.html).
      // Maximum over the cluster is the hottest node's value: one hot node (a hot key, or the
      // primary taking every write) is not diluted by idle replicas as the Average was, and the
      // alarm does not name node ids that a scale-in or a node replacement changes.
      metric: metric("AWS/DAX", "CPUUtilization", cluster, "Maximum"),
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
