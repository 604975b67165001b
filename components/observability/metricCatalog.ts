/**
 * The CloudWatch metrics this platform alarms on and graphs, as AWS documents them: for each
 * namespace the page that lists its metrics, and for each metric the dimension combinations, the
 * unit and the statistics that page documents. Every alarm and dashboard widget is checked against
 * this list by a test, so a misspelt metric (`CurrentConnections` for ElastiCache's
 * `CurrConnections`), a dimension set the metric is not published with, or a statistic its page
 * calls meaningless — all of which CloudWatch accepts silently and then never alarms on (or alarms
 * on nonsense) — fails the build instead.
 *
 * Only what the platform uses is listed; extend it from the same pages when an alarm needs more.
 */
import {
  SERVICE_METRIC_DIMENSIONS,
  SERVICE_METRICS,
  SERVICE_METRICS_NAMESPACE,
} from "../../services/trading-api/src/metricsContract";

/** What a metric's page documents: how it is published, in which unit, and which statistics mean something. */
export interface MetricDoc {
  /** The dimension sets it is published with (each sorted alphabetically). */
  readonly dimensions: readonly (readonly string[])[];
  /** The unit the page gives (CloudWatch's name for it), or what the values count where it gives none (said so at the entry). */
  readonly unit?: string;
  /**
   * The statistics the page calls valid, useful or meaningful; `percentiles` admits any pNN(.NN).
   * Undefined where the page names none (then any statistic passes).
   */
  readonly statistics?: readonly string[];
}

export interface NamespaceCatalog {
  /** Where AWS lists the namespace's metrics and dimensions (or, for our own, the code that publishes them). */
  source: string;
  /** Metric name → what its page documents. */
  metrics: Record<string, MetricDoc>;
}

const sets = (...combos: string[][]) => combos.map((c) => [...c].sort());
const doc = (dimensions: string[][], unit: string | undefined, statistics?: string[]): MetricDoc => ({
  dimensions,
  ...(unit ? { unit } : {}),
  ...(statistics ? { statistics } : {}),
});

const ALL = ["Minimum", "Maximum", "Average", "Sum", "SampleCount"];

const ALB_TG = sets(["LoadBalancer"], ["LoadBalancer", "TargetGroup"], ["AvailabilityZone", "LoadBalancer"], ["AvailabilityZone", "LoadBalancer", "TargetGroup"]);
const ALB_TARGETS = sets(["LoadBalancer", "TargetGroup"], ["AvailabilityZone", "LoadBalancer", "TargetGroup"]);
const TABLE_OR_GSI = sets(["TableName"], ["GlobalSecondaryIndexName", "TableName"]);
const DAX = sets(["ClusterId"], ["ClusterId", "NodeId"]);
const RDS = sets(["DBInstanceIdentifier"], ["DBClusterIdentifier"], ["DBClusterIdentifier", "Role"]);
const CACHE = sets(["CacheClusterId"], ["CacheClusterId", "CacheNodeId"]);

/**
 * Each entry was checked (issue 5, 2026) against the page named in its namespace's `source`:
 * dimensions, unit and statistics as that page gives them. Where a page states no statistics the
 * entry has none (any statistic passes the check), and the alarm's choice is argued in alarmPlan.ts.
 */
export const METRIC_CATALOG: Record<string, NamespaceCatalog> = {
  "AWS/ApplicationELB": {
    // Per metric "Statistics: The most useful statistic is Sum" (counts; "Minimum, Maximum, and
    // Average all return 1"), "Average, Minimum, and Maximum" (host counts), "Average and pNN.NN"
    // (TargetResponseTime, "in seconds"). Dimensions: LoadBalancer, AvailabilityZone, TargetGroup;
    // host counts exist per target group only. The page gives no units; CloudWatch's are Count and
    // Seconds.
    source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html",
    metrics: {
      RequestCount: doc(ALB_TG, "Count", ["Sum"]),
      HTTPCode_Target_5XX_Count: doc(ALB_TG, "Count", ["Sum"]),
      HTTPCode_ELB_5XX_Count: doc(sets(["LoadBalancer"], ["AvailabilityZone", "LoadBalancer"]), "Count", ["Sum"]),
      HealthyHostCount: doc(ALB_TARGETS, "Count", ["Average", "Minimum", "Maximum"]),
      UnHealthyHostCount: doc(ALB_TARGETS, "Count", ["Average", "Minimum", "Maximum"]),
      TargetResponseTime: doc(ALB_TG, "Seconds", ["Average", "percentiles"]),
    },
  },
  "AWS/AutoScaling": {
    // Group metrics are published only once collection is enabled on the group (EnableMetricsCollection),
    // per AutoScalingGroupName; the page names neither a unit nor a statistic (the values count instances).
    source: "https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-cloudwatch-monitoring.html",
    metrics: {
      GroupInServiceInstances: doc(sets(["AutoScalingGroupName"]), "Count"),
      GroupDesiredCapacity: doc(sets(["AutoScalingGroupName"]), "Count"),
      GroupMinSize: doc(sets(["AutoScalingGroupName"]), "Count"),
    },
  },
  "AWS/EC2": {
    // "Units: Percent"; per InstanceId and aggregated per AutoScalingGroupName (the launch template
    // also turns on detailed monitoring, one-minute data). No statistic named.
    source: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html",
    metrics: { CPUUtilization: doc(sets(["AutoScalingGroupName"], ["InstanceId"]), "Percent") },
  },
  "AWS/NATGateway": {
    // One dimension, NatGatewayId. "The most useful statistic is Max" (ActiveConnectionCount) or
    // "Sum" (every other metric used here).
    source: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway-cloudwatch.html",
    metrics: {
      ErrorPortAllocation: doc(sets(["NatGatewayId"]), "Count", ["Sum"]),
      PacketsDropCount: doc(sets(["NatGatewayId"]), "Count", ["Sum"]),
      ActiveConnectionCount: doc(sets(["NatGatewayId"]), "Count", ["Maximum"]),
      BytesOutToDestination: doc(sets(["NatGatewayId"]), "Bytes", ["Sum"]),
    },
  },
  "AWS/DynamoDB": {
    // Each metric's "Units", "Dimensions" and "Valid Statistics".
    source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html",
    metrics: {
      ReadThrottleEvents: doc(TABLE_OR_GSI, "Count", ["SampleCount", "Sum"]),
      WriteThrottleEvents: doc(TABLE_OR_GSI, "Count", ["SampleCount", "Sum"]),
      ConsumedReadCapacityUnits: doc(TABLE_OR_GSI, "Count", ALL),
      ConsumedWriteCapacityUnits: doc(TABLE_OR_GSI, "Count", ALL),
      ProvisionedReadCapacityUnits: doc(TABLE_OR_GSI, "Count", ALL),
      ProvisionedWriteCapacityUnits: doc(TABLE_OR_GSI, "Count", ALL),
      ReplicationLatency: doc(sets(["ReceivingRegion", "TableName"]), "Milliseconds", ["Average", "Minimum", "Maximum"]),
      // "Dimensions: TableName, Operation": DynamoDB emits SystemErrors only per table AND operation.
      // This entry used to admit [TableName] alone (an older version of the page said "All
      // dimensions"), which let an alarm that could never receive data pass the build. The AWS CDK
      // hit the same trap: aws/aws-cdk#11269 ("the metricSystemErrors() is always emitted with the
      // Operation dimension") and its fix, metricSystemErrorsForOperations (aws/aws-cdk#11283).
      SystemErrors: doc(sets(["Operation", "TableName"]), "Count", ["Sum", "SampleCount"]),
      SuccessfulRequestLatency: doc(sets(["Operation", "TableName"]), "Milliseconds", ["Minimum", "Maximum", "Average", "SampleCount"]),
    },
  },
  "AWS/DAX": {
    // "Units" per metric; dimensions ClusterId and ClusterId, NodeId ("Dimensions for DAX metrics").
    // Valid statistics: Minimum, Maximum, Average for the percentages; all five for the counts and
    // byte amounts.
    source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/dax-metrics-dimensions-dax.html",
    metrics: {
      CPUUtilization: doc(DAX, "Percent", ["Minimum", "Maximum", "Average"]),
      FaultRequestCount: doc(DAX, "Count", ALL),
      ErrorRequestCount: doc(DAX, "Count", ALL),
      EvictedSize: doc(DAX, "Bytes", ALL),
      CacheMemoryUtilization: doc(DAX, "Percent", ["Minimum", "Maximum", "Average"]),
      ItemCacheHits: doc(DAX, "Count", ALL),
      ItemCacheMisses: doc(DAX, "Count", ALL),
    },
  },
  "AWS/RDS": {
    // Instance-level metrics, also aggregated per cluster (DBClusterIdentifier) and per cluster and
    // role, WRITER or READER ("Amazon CloudWatch dimensions for Aurora",
    // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/dimensions.html). The metrics
    // page gives units, and which instances report each metric (AuroraReplicaLag: replicas;
    // AuroraReplicaLagMaximum: the primary), but no statistics.
    source: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html",
    metrics: {
      AuroraReplicaLag: doc(sets(["DBInstanceIdentifier"]), "Milliseconds"),
      AuroraReplicaLagMaximum: doc(RDS, "Milliseconds"),
      // A cluster-level Aurora Global Database metric, "available only in secondary AWS Regions".
      // The dimensions page lists DBClusterIdentifier ("a specific Aurora DB cluster") and
      // SourceRegion ("the specified Region only") as separate sets and no combination of the two.
      AuroraGlobalDBRPOLag: doc(sets(["DBClusterIdentifier"], ["SourceRegion"]), "Milliseconds"),
      CPUUtilization: doc(RDS, "Percent"),
      FreeableMemory: doc(RDS, "Bytes"),
      // "The average number of deadlocks in the database per second", Count per second.
      Deadlocks: doc(RDS, "Count/Second"),
      DatabaseConnections: doc(RDS, "Count"),
    },
  },
  "AWS/ElastiCache": {
    // Valkey and Redis OSS engine and host-level metrics, per cache (member) cluster and per node,
    // with their units; ReplicationLag "in seconds", reported by replicas only. No statistics named.
    source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html",
    metrics: {
      EngineCPUUtilization: doc(CACHE, "Percent"),
      DatabaseMemoryUsagePercentage: doc(CACHE, "Percent"),
      ReplicationLag: doc(CACHE, "Seconds"),
      CurrConnections: doc(CACHE, "Count"),
      Evictions: doc(CACHE, "Count"),
    },
  },
  "AWS/Lambda": {
    // Per FunctionName (also Resource, ExecutedVersion). Invocation metrics are counts read with the
    // Sum statistic; IteratorAge is the age of the last record of a batch, in milliseconds.
    source: "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html",
    metrics: {
      Errors: doc(sets(["FunctionName"]), "Count", ["Sum"]),
      Invocations: doc(sets(["FunctionName"]), "Count", ["Sum"]),
      Throttles: doc(sets(["FunctionName"]), "Count", ["Sum"]),
      IteratorAge: doc(sets(["FunctionName"]), "Milliseconds"),
    },
  },
  "AWS/SQS": {
    // Per QueueName; "Valid statistics: Average, Minimum, Maximum, Sum, Data Samples" (SampleCount).
    source: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html",
    metrics: {
      ApproximateNumberOfMessagesVisible: doc(sets(["QueueName"]), "Count", ["Average", "Minimum", "Maximum", "Sum", "SampleCount"]),
      ApproximateAgeOfOldestMessage: doc(sets(["QueueName"]), "Seconds", ["Average", "Minimum", "Maximum", "Sum", "SampleCount"]),
    },
  },
  [SERVICE_METRICS_NAMESPACE]: {
    source: "services/trading-api/src/metricsContract.ts (published by services/trading-api/src/metrics.ts)",
    metrics: Object.fromEntries(
      Object.entries(SERVICE_METRICS).map(([name, unit]) => [
        name,
        doc(SERVICE_METRIC_DIMENSIONS[name as keyof typeof SERVICE_METRICS].map((s) => [...s].sort()), unit),
      ]),
    ),
  },
};

const PERCENTILE = /^p\d{1,2}(\.\d{1,2})?$|^p100$/;

/**
 * Why `namespace`/`metricName` with `dimensionNames` (read with `statistic`, when given) is not a
 * documented metric, or undefined when it is.
 */
export function catalogProblem(namespace: string, metricName: string, dimensionNames: readonly string[], statistic?: string): string | undefined {
  const ns = METRIC_CATALOG[namespace];
  if (!ns) {
    return `namespace ${namespace} is not in the metric catalog`;
  }
  const documented = ns.metrics[metricName];
  if (!documented) {
    return `${namespace} has no documented metric ${metricName} (${ns.source})`;
  }
  const key = [...dimensionNames].sort().join(",");
  if (!documented.dimensions.some((set) => set.join(",") === key)) {
    return `${namespace} ${metricName} is not published with dimensions [${key}]; documented: ${documented.dimensions.map((s) => `[${s.join(",")}]`).join(" ")}`;
  }
  const allowed = documented.statistics;
  if (statistic !== undefined && allowed !== undefined) {
    const ok = allowed.includes(statistic) || (allowed.includes("percentiles") && PERCENTILE.test(statistic));
    if (!ok) {
      return `${namespace} ${metricName}: statistic ${statistic} is not one its page documents (${allowed.join(", ")}; ${ns.source})`;
    }
  }
  return undefined;
}
