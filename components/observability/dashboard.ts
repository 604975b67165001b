/**
 * The stack's CloudWatch dashboard as data, laid out in the order of the seed's diagram: edge
 * (load balancer, NAT), fleet (Auto Scaling group and the API's own metrics), data (DynamoDB,
 * DAX, stream processor, Aurora, cache). Metrics that exist per AZ get one row per AZ, so losing an
 * AZ reads as one row going flat. Pure and generic in the dimension value type, like alarmPlan.ts;
 * the component serialises it with the resources' Outputs inside (the dashboard then depends on
 * every resource it shows).
 *
 * Body format: CloudWatch API reference, "Dashboard Body Structure and Syntax"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
 * a 24-column grid of widgets; a metric widget lists metrics as
 * `[namespace, metricName, dimensionName, dimensionValue, ..., { rendering options }]`.
 */
import { SERVICE_METRICS_NAMESPACE, TABLE_DIMENSION } from "../../services/trading-api/src/metricsContract";
import { systemErrorsSum, type AlarmTargets, type MetricMath } from "./alarmPlan";

const GRID_WIDTH = 24;
const WIDGET_HEIGHT = 6;
const HEADER_HEIGHT = 1;

/** One metric line of a widget: namespace, name, dimension pairs, then options. */
export type MetricLine<T> = (string | T | Record<string, unknown>)[];

export interface MetricWidget<T> {
  type: "metric";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: {
    title: string;
    region: string | T;
    view: "timeSeries";
    stacked: false;
    period: number;
    stat: string;
    metrics: MetricLine<T>[];
  };
}

export interface TextWidget {
  type: "text";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: { markdown: string };
}

export interface AlarmWidget<T> {
  type: "alarm";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: { title: string; alarms: T[] };
}

export type Widget<T> = MetricWidget<T> | TextWidget | AlarmWidget<T>;

export interface DashboardBody<T> {
  widgets: Widget<T>[];
}

export interface DashboardLayout<T> {
  title: string;
  /** The region the metrics are in (each metric widget names it). */
  region: string | T;
  targets: AlarmTargets<T>;
  /** ARN of the composite "trading degraded" alarm, shown first. */
  degradedAlarmArn: T;
}

interface Panel<T> {
  title: string;
  stat: string;
  metrics: MetricLine<T>[];
}

function line<T>(namespace: string, metricName: string, dimensions: Record<string, T | string>, options: Record<string, unknown> = {}): MetricLine<T> {
  const pairs = Object.entries(dimensions).flatMap(([name, value]) => [name, value]);
  return Object.keys(options).length > 0 ? [namespace, metricName, ...pairs, options] : [namespace, metricName, ...pairs];
}

/**
 * A metric math expression on a dashboard: its input metrics, hidden, each with its math id and
 * statistic, then the expression line ("Dashboard Body Structure and Syntax": a metric line's
 * rendering options take `id`, `visible` and `stat`; an expression line is `[{ expression, label, id }]`).
 */
function mathLines<T>(math: MetricMath<T>): MetricLine<T>[] {
  return [
    ...Object.entries(math.metrics).map(([id, m]) => line(m.namespace, m.metricName, m.dimensions, { id, stat: m.stat, visible: false })),
    [{ expression: math.expression, label: math.label, id: "sum_of_metrics" }],
  ];
}

/** Lays widgets out top to bottom: headers across the grid, panels side by side in equal widths. */
class Grid<T> {
  readonly widgets: Widget<T>[] = [];
  y = 0;

  constructor(private readonly region: string | T) {}

  header(markdown: string): void {
    this.widgets.push({ type: "text", x: 0, y: this.y, width: GRID_WIDTH, height: HEADER_HEIGHT, properties: { markdown } });
    this.y += HEADER_HEIGHT;
  }

  row(panels: Panel<T>[]): void {
    if (panels.length === 0) {
      return;
    }
    const width = Math.floor(GRID_WIDTH / panels.length);
    panels.forEach((panel, i) => {
      this.widgets.push({
        type: "metric",
        x: i * width,
        y: this.y,
        width,
        height: WIDGET_HEIGHT,
        properties: { title: panel.title, region: this.region, view: "timeSeries", stacked: false, period: 60, stat: panel.stat, metrics: panel.metrics },
      });
    });
    this.y += WIDGET_HEIGHT;
  }

  alarm(title: string, alarms: T[]): void {
    this.widgets.push({ type: "alarm", x: 0, y: this.y, width: GRID_WIDTH, height: 2, properties: { title, alarms } });
    this.y += 2;
  }
}

const ALB = "AWS/ApplicationELB";
const DDB = "AWS/DynamoDB";

export function dashboardBody<T>(layout: DashboardLayout<T>): DashboardBody<T> {
  const t = layout.targets;
  const grid = new Grid<T>(layout.region);
  const lb = { LoadBalancer: t.loadBalancer.arnSuffix, TargetGroup: t.loadBalancer.targetGroupArnSuffix };
  const azIds = t.loadBalancer.zones.map((z) => z.azId);

  grid.header(`# ${layout.title}`);
  grid.alarm("Trading degraded (any critical alarm)", [layout.degradedAlarmArn]);

  // --- Edge ---------------------------------------------------------------------------------
  grid.header("## Edge: load balancer and NAT gateways");
  grid.row([
    {
      title: "ALB requests and 5xx",
      stat: "Sum",
      metrics: [
        line(ALB, "RequestCount", lb),
        line(ALB, "HTTPCode_Target_5XX_Count", lb),
        line(ALB, "HTTPCode_ELB_5XX_Count", { LoadBalancer: t.loadBalancer.arnSuffix }),
      ],
    },
    {
      title: "Target response time (s)",
      stat: "p99",
      metrics: [line(ALB, "TargetResponseTime", lb, { stat: "p50" }), line(ALB, "TargetResponseTime", lb, { stat: "p99" })],
    },
  ]);
  for (const azId of azIds) {
    const zone = t.loadBalancer.zones.find((z) => z.azId === azId);
    const nat = t.natGateways.find((n) => n.azId === azId);
    const panels: Panel<T>[] = [];
    if (zone) {
      panels.push({
        title: `${azId}: healthy and unhealthy targets`,
        stat: "Minimum",
        metrics: [
          line(ALB, "HealthyHostCount", { ...lb, AvailabilityZone: zone.azName }),
          line(ALB, "UnHealthyHostCount", { ...lb, AvailabilityZone: zone.azName }, { stat: "Maximum" }),
        ],
      });
    }
    if (nat) {
      panels.push({
        title: `${azId}: NAT gateway errors and drops`,
        stat: "Sum",
        metrics: [line("AWS/NATGateway", "ErrorPortAllocation", { NatGatewayId: nat.id }), line("AWS/NATGateway", "PacketsDropCount", { NatGatewayId: nat.id })],
      });
      panels.push({
        title: `${azId}: NAT gateway connections`,
        stat: "Maximum",
        metrics: [line("AWS/NATGateway", "ActiveConnectionCount", { NatGatewayId: nat.id })],
      });
    }
    grid.row(panels);
  }

  // --- Fleet --------------------------------------------------------------------------------
  const service = { [TABLE_DIMENSION]: t.serviceTable };
  const fleet = t.fleet;
  let capacityPanels: Panel<T>[];
  if (fleet.platform === "fargate") {
    grid.header("## Fleet: ECS service on Fargate and the trading API");
    const ecs = { ClusterName: fleet.ecsClusterName, ServiceName: fleet.ecsServiceName };
    capacityPanels = [
      {
        title: "Tasks running, desired",
        stat: "Minimum",
        metrics: [
          line("ECS/ContainerInsights", "RunningTaskCount", ecs),
          line("ECS/ContainerInsights", "DesiredTaskCount", ecs, { stat: "Maximum" }),
        ],
      },
      {
        title: "Service CPU and memory (%)",
        stat: "Average",
        metrics: [line("AWS/ECS", "CPUUtilization", ecs), line("AWS/ECS", "MemoryUtilization", ecs)],
      },
    ];
  } else {
    grid.header("## Fleet: Auto Scaling group and the trading API");
    const asg = { AutoScalingGroupName: fleet.autoScalingGroupName };
    capacityPanels = [
      {
        title: "Instances in service, desired, minimum",
        stat: "Minimum",
        metrics: [
          line("AWS/AutoScaling", "GroupInServiceInstances", asg),
          line("AWS/AutoScaling", "GroupDesiredCapacity", asg, { stat: "Maximum" }),
          line("AWS/AutoScaling", "GroupMinSize", asg, { stat: "Maximum" }),
        ],
      },
      { title: "Fleet CPU (%)", stat: "Average", metrics: [line("AWS/EC2", "CPUUtilization", asg)] },
    ];
  }
  grid.row([
    ...capacityPanels,
    {
      title: "API requests and 5xx",
      stat: "Sum",
      metrics: [line(SERVICE_METRICS_NAMESPACE, "Requests", service), line(SERVICE_METRICS_NAMESPACE, "ServerErrors", service)],
    },
    {
      title: "Orders accepted and rejected",
      stat: "Sum",
      metrics: [line(SERVICE_METRICS_NAMESPACE, "OrdersAccepted", service), line(SERVICE_METRICS_NAMESPACE, "OrdersRejected", service)],
    },
  ]);
  grid.row([
    {
      title: "API latency (ms)",
      stat: "p99",
      metrics: ["p50", "p90", "p99"].map((stat) => line(SERVICE_METRICS_NAMESPACE, "Latency", service, { stat })),
    },
  ]);

  // --- Data ---------------------------------------------------------------------------------
  grid.header("## Data: DynamoDB, DAX, stream processor, Aurora, cache");
  const table = { TableName: t.table.name };
  const gsis = t.table.indexNames.map((index) => ({ TableName: t.table.name, GlobalSecondaryIndexName: index }));
  grid.row([
    {
      title: "Table capacity: consumed (per minute) and provisioned (per second)",
      stat: "Sum",
      metrics: [
        line(DDB, "ConsumedReadCapacityUnits", table),
        line(DDB, "ConsumedWriteCapacityUnits", table),
        line(DDB, "ProvisionedReadCapacityUnits", table, { stat: "Average" }),
        line(DDB, "ProvisionedWriteCapacityUnits", table, { stat: "Average" }),
      ],
    },
    {
      title: "Throttled events: table and GSIs",
      stat: "Sum",
      metrics: [table, ...gsis].flatMap((dims) => [line(DDB, "ReadThrottleEvents", dims), line(DDB, "WriteThrottleEvents", dims)]),
    },
    {
      title: "Replication latency (ms) and system errors",
      stat: "Average",
      metrics: [
        ...t.table.receivingRegions.map((region) => line(DDB, "ReplicationLatency", { TableName: t.table.name, ReceivingRegion: region })),
        // The alarm's sum over the operations (alarmPlan.ts systemErrorsSum): DynamoDB publishes
        // SystemErrors per table and operation only, so a TableName-only line stays empty.
        ...mathLines(systemErrorsSum(t.table.name)),
      ],
    },
  ]);
  const dax = { ClusterId: t.dax.clusterName };
  const streamPanels: Panel<T>[] = t.streamProcessor
    ? [
        {
          title: "Stream processor: errors and records behind (ms)",
          stat: "Sum",
          metrics: [
            line("AWS/Lambda", "Errors", { FunctionName: t.streamProcessor.functionName }),
            line("AWS/Lambda", "IteratorAge", { FunctionName: t.streamProcessor.functionName }, { stat: "Maximum" }),
          ],
        },
        {
          title: "On-failure queue: messages",
          stat: "Maximum",
          metrics: [line("AWS/SQS", "ApproximateNumberOfMessagesVisible", { QueueName: t.streamProcessor.queueName })],
        },
      ]
    : [];
  grid.row([
    {
      title: "DAX CPU of the busiest node (%) and faults",
      stat: "Maximum",
      // The hottest node's CPU, as the alarm reads it (dynamoAlarms.ts).
      metrics: [line("AWS/DAX", "CPUUtilization", dax), line("AWS/DAX", "FaultRequestCount", dax, { stat: "Sum" })],
    },
    {
      title: "DAX item cache hits, misses and evicted bytes",
      stat: "Sum",
      metrics: [line("AWS/DAX", "ItemCacheHits", dax), line("AWS/DAX", "ItemCacheMisses", dax), line("AWS/DAX", "EvictedSize", dax)],
    },
    ...streamPanels,
  ]);
  grid.row([
    {
      title: "Aurora replica lag (ms) and deadlocks",
      stat: "Maximum",
      metrics: [
        line("AWS/RDS", "AuroraReplicaLagMaximum", { DBClusterIdentifier: t.aurora.clusterIdentifier }),
        // The writer's, as the alarm reads it (alarmPlan.ts): the cluster average divides it by the instance count.
        line("AWS/RDS", "Deadlocks", { DBClusterIdentifier: t.aurora.clusterIdentifier, Role: "WRITER" }, { stat: "Maximum" }),
        // Published for a global database's secondary only (dataStoreAlarms.ts).
        ...(t.aurora.globalSecondary ? [line("AWS/RDS", "AuroraGlobalDBRPOLag", { DBClusterIdentifier: t.aurora.clusterIdentifier })] : []),
      ],
    },
  ]);
  for (const azId of azIds) {
    const instances = t.aurora.instances.filter((i) => i.azId === azId);
    const members = t.cache.members.filter((m) => m.azId === azId);
    const panels: Panel<T>[] = [];
    if (instances.length > 0) {
      panels.push(
        {
          title: `${azId}: Aurora CPU (%)`,
          stat: "Average",
          metrics: instances.map((i) => line("AWS/RDS", "CPUUtilization", { DBInstanceIdentifier: i.identifier })),
        },
        {
          title: `${azId}: Aurora freeable memory (bytes)`,
          stat: "Minimum",
          metrics: instances.map((i) => line("AWS/RDS", "FreeableMemory", { DBInstanceIdentifier: i.identifier })),
        },
      );
    }
    if (members.length > 0) {
      panels.push(
        {
          title: `${azId}: cache engine CPU and memory (%)`,
          stat: "Maximum",
          metrics: members.flatMap((m) => [
            line("AWS/ElastiCache", "EngineCPUUtilization", { CacheClusterId: m.cacheClusterId }),
            line("AWS/ElastiCache", "DatabaseMemoryUsagePercentage", { CacheClusterId: m.cacheClusterId }),
          ]),
        },
        {
          title: `${azId}: cache replication lag (s) and connections`,
          stat: "Maximum",
          metrics: members.flatMap((m) => [
            line("AWS/ElastiCache", "ReplicationLag", { CacheClusterId: m.cacheClusterId }),
            line("AWS/ElastiCache", "CurrConnections", { CacheClusterId: m.cacheClusterId }),
          ]),
        },
      );
    }
    if (panels.length > 0) {
      grid.header(`### Data in ${azId}`);
      grid.row(panels);
    }
  }
  return { widgets: grid.widgets };
}

/** The rendering options of a metric line (its trailing object), or of an expression line (its only element). */
export function metricLineOptions(lineValue: readonly unknown[]): Record<string, unknown> {
  const last = lineValue[lineValue.length - 1];
  return typeof last === "object" && last !== null && !Array.isArray(last) ? (last as Record<string, unknown>) : {};
}

/** Namespace, metric name and dimensions of a metric line (for checks against the catalog). */
export function parseMetricLine(lineValue: readonly unknown[]): { namespace: string; metricName: string; dimensions: Record<string, unknown> } {
  const [namespace, metricName, ...rest] = lineValue;
  const pairs = rest.length % 2 === 1 ? rest.slice(0, -1) : rest;
  const dimensions: Record<string, unknown> = {};
  for (let i = 0; i < pairs.length; i += 2) {
    dimensions[String(pairs[i])] = pairs[i + 1];
  }
  return { namespace: String(namespace), metricName: String(metricName), dimensions };
}
