/**
 * The shapes of the alarm plan: an alarm as data (metric or metric math, dimensions, statistic,
 * threshold, window, critical), the resources it watches and the thresholds from the stack config.
 * Generic in the type of a dimension value, so unit tests plan with strings and the Observability
 * component with the Outputs of the real resources.
 */
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

/**
 * The fleet, by platform: an Auto Scaling group (ec2; `platform` may be left out, as before
 * computePlatform existed) or an ECS service of Fargate tasks.
 */
export type FleetTarget<T> =
  | { platform?: "ec2"; autoScalingGroupName: T; minSize: number }
  | {
      platform: "fargate";
      /** The ClusterName dimension. */
      ecsClusterName: T;
      /** The ServiceName dimension. */
      ecsServiceName: T;
      /** The service's ARN: what its EventBridge deployment events name in `resources`. */
      ecsServiceArn: T;
      minSize: number;
    };

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
  fleet: FleetTarget<T>;
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
  aurora: {
    clusterIdentifier: T;
    instances: { azId: string; identifier: T; memoryBytes: number }[];
    /**
     * The cluster is a secondary of an Aurora global database (it replicates from another
     * Region's primary). Left out or false: a regional cluster or the global database's primary.
     */
    globalSecondary?: boolean;
  };
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
  auroraGlobalRpoLagMs: number;
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

/** The metrics an alarm reads (one, or the metric math's inputs). */
export function metricsOf<T>(alarm: AlarmSpec<T>): MetricRef<T>[] {
  return isMetricMath(alarm.metric) ? Object.values(alarm.metric.metrics) : [alarm.metric];
}
