/**
 * Capacity maths of the fleet, pure so that it is unit tested: how an instance refresh proceeds and
 * what the scaling policy tracks.
 */
import type { ScalingMetric } from "./config";

export interface RefreshPreferences {
  minHealthyPercentage: number;
  maxHealthyPercentage: number;
}

/**
 * Launch-before-terminate: capacity never drops below 100% during a refresh, so every AZ keeps
 * serving (a trading day's deploy must not take an AZ's share of traffic onto the others), and each
 * batch adds at most one AZ's share (ceil(100 / AZs) %) of extra instances.
 * AWS allows 100-200 for the maximum and at most 100 between the two.
 */
export function refreshPreferences(azCount: number): RefreshPreferences {
  if (!Number.isInteger(azCount) || azCount < 1) {
    throw new Error(`azCount must be a positive integer; got ${azCount}`);
  }
  return { minHealthyPercentage: 100, maxHealthyPercentage: 100 + Math.ceil(100 / azCount) };
}

/** The largest number of instances a refresh runs at once, for a group of `desired` instances. */
export function peakInstancesDuringRefresh(desired: number, prefs: RefreshPreferences): number {
  return Math.floor((desired * prefs.maxHealthyPercentage) / 100);
}

export interface TargetTracking {
  predefinedMetricType: "ALBRequestCountPerTarget" | "ASGAverageCPUUtilization";
  targetValue: number;
  /** ALBRequestCountPerTarget needs `<ALB arn suffix>/<target group arn suffix>`. */
  needsResourceLabel: boolean;
}

export function targetTracking(metric: ScalingMetric, requestsPerTarget: number, cpuPercent: number): TargetTracking {
  return metric === "alb-requests"
    ? { predefinedMetricType: "ALBRequestCountPerTarget", targetValue: requestsPerTarget, needsResourceLabel: true }
    : { predefinedMetricType: "ASGAverageCPUUtilization", targetValue: cpuPercent, needsResourceLabel: false };
}

/**
 * Auto Scaling group metrics the group publishes to CloudWatch (AWS/AutoScaling, one-minute
 * granularity). Collection is off unless enabled; the fleet's in-service alarm and the dashboard
 * read these. Group metrics cost nothing extra (Amazon EC2 Auto Scaling user guide, "Monitor
 * CloudWatch metrics for your Auto Scaling groups and instances").
 */
export const GROUP_METRICS = ["GroupMinSize", "GroupDesiredCapacity", "GroupInServiceInstances", "GroupPendingInstances", "GroupTerminatingInstances"] as const;
