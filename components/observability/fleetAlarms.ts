/**
 * The fleet tier's alarms: the Auto Scaling group's in-service instances and the trading API's own
 * metrics (rejections, latency).
 */
import { SERVICE_METRICS_NAMESPACE, TABLE_DIMENSION } from "../../services/trading-api/src/metricsContract";
import { metric, MIN_ORDERS_FOR_RATE, window } from "./alarmMetrics";
import type { AlarmSpec, AlarmTargets, AlarmThresholds } from "./alarmSpec";

export function fleetAlarms<T>(t: AlarmTargets<T>, th: AlarmThresholds): AlarmSpec<T>[] {
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
