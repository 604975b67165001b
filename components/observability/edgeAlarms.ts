/**
 * The edge tier's alarms: the load balancer (target and ELB 5xx, p99 latency, healthy hosts per AZ)
 * and each AZ's NAT gateway (port allocation errors, dropped packets).
 */
import { ALB, metric, MIN_REQUESTS_FOR_RATE, window } from "./alarmMetrics";
import type { AlarmSpec, AlarmTargets, AlarmThresholds } from "./alarmSpec";

export function edgeAlarms<T>(t: AlarmTargets<T>, th: AlarmThresholds): AlarmSpec<T>[] {
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
