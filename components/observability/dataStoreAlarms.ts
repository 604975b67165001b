/**
 * The reference data stores' alarms: the Aurora cluster and its instances, and the cache's member
 * clusters.
 */
import { metric, MINUTE, window } from "./alarmMetrics";
import type { AlarmSpec, AlarmTargets, AlarmThresholds } from "./alarmSpec";

export function auroraAlarms<T>(t: AlarmTargets<T>, th: AlarmThresholds): AlarmSpec<T>[] {
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
  if (t.aurora.globalSecondary) {
    alarms.push({
      id: "aurora-global-rpo-lag",
      tier: "data",
      group: "Aurora",
      description:
        "This secondary of the Aurora global database is behind its primary for committed user transactions: a failover to this Region now would lose them.",
      // AuroraGlobalDBRPOLag: "how far the secondary cluster is behind the primary cluster for user
      // transactions", Milliseconds, a cluster-level metric "available only in secondary AWS
      // Regions" (Aurora User Guide, "Amazon CloudWatch metrics for Amazon Aurora",
      // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html),
      // hence only where this stack's cluster is a secondary. The RPO metric, not
      // AuroraGlobalDBReplicationLag: for Aurora PostgreSQL global databases (this cluster's
      // engine) AWS directs operators to AuroraGlobalDBRPOLag to judge a switchover or failover
      // ("Using switchover or failover in Amazon Aurora Global Database"). Maximum: the worst
      // minute is what a failover at that moment would lose.
      metric: metric("AWS/RDS", "AuroraGlobalDBRPOLag", cluster, "Maximum"),
      comparison: "GreaterThanThreshold",
      threshold: th.auroraGlobalRpoLagMs,
      thresholdText: `> ${th.auroraGlobalRpoLagMs} ms`,
      configKey: "alarmAuroraGlobalRpoLagMs",
      ...window(3, 5),
      // No data from a secondary is not a healthy one: it stays INSUFFICIENT_DATA, visibly.
      treatMissingData: "missing",
      // Not critical: a lagging secondary degrades the recovery point, not trading in either
      // Region (writes go to the primary, reads here are a little stale), and the composite it
      // would join is the stop condition of this stack's game days, which an unrelated
      // cross-Region lag must not end.
      critical: false,
    });
  }
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

export function cacheAlarms<T>(t: AlarmTargets<T>, th: AlarmThresholds): AlarmSpec<T>[] {
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
