/**
 * The CloudWatch metrics this platform alarms on and graphs, as AWS documents them: for each
 * namespace the page that lists its metrics, and for each metric the dimension combinations that
 * page documents. Every alarm and dashboard widget is checked against this list by a test, so a
 * misspelt metric (`CurrentConnections` for ElastiCache's `CurrConnections`) or a dimension the
 * metric is not published with — both of which CloudWatch accepts silently and then never alarms
 * on — fails the build instead.
 *
 * Only what the platform uses is listed; extend it from the same pages when an alarm needs more.
 */
import {
  SERVICE_METRIC_DIMENSIONS,
  SERVICE_METRICS,
  SERVICE_METRICS_NAMESPACE,
} from "../../services/trading-api/src/metricsContract";

export interface NamespaceCatalog {
  /** Where AWS lists the namespace's metrics and dimensions (or, for our own, the code that publishes them). */
  source: string;
  /** Metric name → its documented dimension sets (each sorted alphabetically). */
  metrics: Record<string, readonly (readonly string[])[]>;
}

const sets = (...combos: string[][]) => combos.map((c) => [...c].sort());

const ALB_TG = sets(["LoadBalancer"], ["LoadBalancer", "TargetGroup"], ["AvailabilityZone", "LoadBalancer"], ["AvailabilityZone", "LoadBalancer", "TargetGroup"]);
const TABLE_OR_GSI = sets(["TableName"], ["GlobalSecondaryIndexName", "TableName"]);
const DAX = sets(["ClusterId"], ["ClusterId", "NodeId"]);
const RDS = sets(["DBInstanceIdentifier"], ["DBClusterIdentifier"], ["DBClusterIdentifier", "Role"]);
const CACHE = sets(["CacheClusterId"], ["CacheClusterId", "CacheNodeId"]);

export const METRIC_CATALOG: Record<string, NamespaceCatalog> = {
  "AWS/ApplicationELB": {
    source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html",
    metrics: {
      RequestCount: ALB_TG,
      HTTPCode_Target_5XX_Count: ALB_TG,
      HTTPCode_ELB_5XX_Count: sets(["LoadBalancer"], ["AvailabilityZone", "LoadBalancer"]),
      HealthyHostCount: sets(["LoadBalancer", "TargetGroup"], ["AvailabilityZone", "LoadBalancer", "TargetGroup"]),
      UnHealthyHostCount: sets(["LoadBalancer", "TargetGroup"], ["AvailabilityZone", "LoadBalancer", "TargetGroup"]),
      TargetResponseTime: ALB_TG,
    },
  },
  "AWS/AutoScaling": {
    // Group metrics are published only once collection is enabled on the group (EnableMetricsCollection).
    source: "https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-cloudwatch-monitoring.html",
    metrics: {
      GroupInServiceInstances: sets(["AutoScalingGroupName"]),
      GroupDesiredCapacity: sets(["AutoScalingGroupName"]),
      GroupMinSize: sets(["AutoScalingGroupName"]),
    },
  },
  "AWS/EC2": {
    source: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html",
    metrics: { CPUUtilization: sets(["AutoScalingGroupName"], ["InstanceId"]) },
  },
  "AWS/NATGateway": {
    source: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway-cloudwatch.html",
    metrics: {
      ErrorPortAllocation: sets(["NatGatewayId"]),
      PacketsDropCount: sets(["NatGatewayId"]),
      ActiveConnectionCount: sets(["NatGatewayId"]),
      BytesOutToDestination: sets(["NatGatewayId"]),
    },
  },
  "AWS/DynamoDB": {
    source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html",
    metrics: {
      ReadThrottleEvents: TABLE_OR_GSI,
      WriteThrottleEvents: TABLE_OR_GSI,
      ConsumedReadCapacityUnits: TABLE_OR_GSI,
      ConsumedWriteCapacityUnits: TABLE_OR_GSI,
      ProvisionedReadCapacityUnits: TABLE_OR_GSI,
      ProvisionedWriteCapacityUnits: TABLE_OR_GSI,
      ReplicationLatency: sets(["ReceivingRegion", "TableName"]),
      // "Dimensions: All dimensions": published per table and per table and operation.
      SystemErrors: sets(["TableName"], ["Operation", "TableName"]),
      SuccessfulRequestLatency: sets(["Operation", "TableName"]),
    },
  },
  "AWS/DAX": {
    source: "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/dax-metrics-dimensions-dax.html",
    metrics: {
      CPUUtilization: DAX,
      FaultRequestCount: DAX,
      ErrorRequestCount: DAX,
      EvictedSize: DAX,
      CacheMemoryUtilization: DAX,
      ItemCacheHits: DAX,
      ItemCacheMisses: DAX,
    },
  },
  "AWS/RDS": {
    // Instance metrics are also aggregated per cluster (DBClusterIdentifier) and per cluster and role.
    source: "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html",
    metrics: {
      AuroraReplicaLag: sets(["DBInstanceIdentifier"]),
      AuroraReplicaLagMaximum: RDS,
      CPUUtilization: RDS,
      FreeableMemory: RDS,
      Deadlocks: RDS,
      DatabaseConnections: RDS,
    },
  },
  "AWS/ElastiCache": {
    // Valkey and Redis OSS engine metrics and host-level metrics, per cache (member) cluster and per node.
    source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html",
    metrics: {
      EngineCPUUtilization: CACHE,
      DatabaseMemoryUsagePercentage: CACHE,
      ReplicationLag: CACHE,
      CurrConnections: CACHE,
      Evictions: CACHE,
    },
  },
  "AWS/Lambda": {
    source: "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html",
    metrics: {
      Errors: sets(["FunctionName"]),
      Invocations: sets(["FunctionName"]),
      Throttles: sets(["FunctionName"]),
      IteratorAge: sets(["FunctionName"]),
    },
  },
  "AWS/SQS": {
    source: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html",
    metrics: {
      ApproximateNumberOfMessagesVisible: sets(["QueueName"]),
      ApproximateAgeOfOldestMessage: sets(["QueueName"]),
    },
  },
  [SERVICE_METRICS_NAMESPACE]: {
    source: "services/trading-api/src/metricsContract.ts (published by services/trading-api/src/metrics.ts)",
    metrics: Object.fromEntries(
      Object.keys(SERVICE_METRICS).map((name) => [name, SERVICE_METRIC_DIMENSIONS[name as keyof typeof SERVICE_METRICS].map((s) => [...s].sort())]),
    ),
  },
};

/**
 * Why `namespace`/`metricName` with `dimensionNames` is not a documented metric, or undefined when
 * it is.
 */
export function catalogProblem(namespace: string, metricName: string, dimensionNames: readonly string[]): string | undefined {
  const ns = METRIC_CATALOG[namespace];
  if (!ns) {
    return `namespace ${namespace} is not in the metric catalog`;
  }
  const documented = ns.metrics[metricName];
  if (!documented) {
    return `${namespace} has no documented metric ${metricName} (${ns.source})`;
  }
  const key = [...dimensionNames].sort().join(",");
  if (!documented.some((set) => set.join(",") === key)) {
    return `${namespace} ${metricName} is not published with dimensions [${key}]; documented: ${documented.map((s) => `[${s.join(",")}]`).join(" ")}`;
  }
  return undefined;
}
