/**
 * The fleet tier's alarms: the Auto Scaling group's in-service instances (or the ECS service's
 * running tasks, CPU and memory on Fargate) and the trading API's own
 * metrics (rejections, latency).
 */
import { SERVICE_METRICS_NAMESPACE, TABLE_DIMENSION } from "../../services/trading-api/src/metricsContract";
import { metric, MIN_ORDERS_FOR_RATE, window } from "./alarmMetrics";
import type { AlarmSpec, AlarmTargets, AlarmThresholds } from "./alarmSpec";

/**
 * Average CPU or memory of the service's tasks above which the service is running hot: target
 * tracking should have added tasks by then (it tracks 50 % CPU or the request rate by default), so
 * staying above means it cannot (the maximum is reached, or tasks fail to start). Not critical:
 * the running-task alarm is the one that says capacity is missing.
 */
export const ECS_UTILIZATION_PERCENT = 85;

/** The fleet's capacity alarms: the group's in-service instances, or the service's tasks. */
function capacityAlarms<T>(t: AlarmTargets<T>): AlarmSpec<T>[] {
  const fleet = t.fleet;
  if (fleet.platform === "fargate") {
    const dims = { ClusterName: fleet.ecsClusterName, ServiceName: fleet.ecsServiceName };
    const utilization = (id: string, name: "CPUUtilization" | "MemoryUtilization", what: string): AlarmSpec<T> => ({
      id,
      tier: "fleet",
      group: "ECS",
      description: `The service's tasks use more than ${ECS_UTILIZATION_PERCENT} % of their ${what} on average: scaling out is not keeping up (maximum reached, or tasks failing to start).`,
      // AWS/ECS service metrics, published for every service on Fargate without Container Insights.
      metric: metric("AWS/ECS", name, dims, "Average"),
      comparison: "GreaterThanThreshold",
      threshold: ECS_UTILIZATION_PERCENT,
      thresholdText: `> ${ECS_UTILIZATION_PERCENT} %`,
      configKey: "clusterTaskCpu",
      ...window(3, 5),
      treatMissingData: "notBreaching",
      critical: false,
    });
    return [
      {
        id: "ecs-running-tasks",
        tier: "fleet",
        group: "ECS",
        description: "Fewer tasks running than the service's minimum: tasks are failing to start or to stay healthy, or an AZ's tasks were lost faster than they are replaced.",
        // Container Insights' RunningTaskCount (ECS/ContainerInsights), enabled on the cluster.
        metric: metric("ECS/ContainerInsights", "RunningTaskCount", dims, "Minimum"),
        comparison: "LessThanThreshold",
        threshold: fleet.minSize,
        thresholdText: `< ${fleet.minSize} (the service minimum)`,
        configKey: "clusterMinSize",
        ...window(3, 5),
        treatMissingData: "breaching",
        critical: true,
      },
      utilization("ecs-cpu", "CPUUtilization", "CPU"),
      { ...utilization("ecs-memory", "MemoryUtilization", "memory"), configKey: "clusterTaskMemoryMiB" },
    ];
  }
  return [
    {
      id: "asg-in-service",
      tier: "fleet",
      group: "Auto Scaling",
      description: "Fewer instances in service than the group's minimum: launches are failing or instances are being replaced faster than they come up.",
      metric: metric("AWS/AutoScaling", "GroupInServiceInstances", { AutoScalingGroupName: fleet.autoScalingGroupName }, "Minimum"),
      comparison: "LessThanThreshold",
      threshold: fleet.minSize,
      thresholdText: `< ${fleet.minSize} (the group minimum)`,
      configKey: "clusterMinSize",
      ...window(3, 5),
      treatMissingData: "breaching",
      critical: true,
    },
  ];
}

export function fleetAlarms<T>(t: AlarmTargets<T>, th: AlarmThresholds): AlarmSpec<T>[] {
  const service = { [TABLE_DIMENSION]: t.serviceTable };
  return [
    ...capacityAlarms(t),
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
