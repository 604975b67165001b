/**
 * The fleet: an Auto Scaling group over the app subnets that rolls onto every new launch template
 * version, and its target-tracking policy.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GROUP_METRICS, refreshPreferences, targetTracking } from "./capacity";
import type { ScalingMetric } from "./config";

/** Inputs of {@link autoScalingGroup}: TradingClusterArgs' fields, defaults applied. */
export interface AutoScalingGroupArgs {
  readonly appSubnetIds: pulumi.Input<string>[];
  readonly minSize: pulumi.Input<number>;
  readonly desiredCapacity: pulumi.Input<number>;
  readonly maxSize: pulumi.Input<number>;
  readonly launchTemplate: aws.ec2.LaunchTemplate;
  readonly alb: aws.lb.LoadBalancer;
  readonly targetGroup: aws.lb.TargetGroup;
  /** Seconds before ELB health checks count after launch; also the default instance warmup. */
  readonly graceSeconds: number;
  /** Tags propagated to the instances at launch. */
  readonly instanceTags: Record<string, string>;
  readonly scalingMetric: ScalingMetric;
  readonly scalingRequestsPerTarget: number;
  readonly scalingCpuPercent: number;
  /**
   * The instance role's policies and profile. The launch template names only the profile, so
   * without this the group could launch instances while the role still has no policy (or, on an
   * update, the old one); the boot's retries (userData.ts) cover the IAM propagation after that.
   */
  readonly instanceIdentity: readonly pulumi.Resource[];
}

/** Registers the group and its scaling policy under `scope`. */
export function autoScalingGroup(scope: pulumi.Resource, name: string, args: AutoScalingGroupArgs): aws.autoscaling.Group {
  const group = new aws.autoscaling.Group(
    `${name}-api`,
    {
      vpcZoneIdentifiers: args.appSubnetIds,
      minSize: args.minSize,
      maxSize: args.maxSize,
      desiredCapacity: args.desiredCapacity,
      // latestVersion, not "$Latest": only a changed version on the group starts an instance refresh.
      launchTemplate: { id: args.launchTemplate.id, version: args.launchTemplate.latestVersion.apply((v) => String(v)) },
      targetGroupArns: [args.targetGroup.arn],
      // Group metrics are published only when collected; the in-service alarm reads them.
      enabledMetrics: [...GROUP_METRICS],
      healthCheckType: "ELB",
      healthCheckGracePeriod: args.graceSeconds,
      defaultInstanceWarmup: args.graceSeconds,
      instanceRefresh: {
        strategy: "Rolling",
        // No auto rollback: the provider saves the new version on the group before it starts the
        // refresh, so a "rollback" would relaunch the same failing version (terraform-provider-aws
        // #34189). With min healthy 100% a failing version never replaces a serving instance: the
        // refresh fails and the old instances keep serving until the next deploy.
        preferences: { ...refreshPreferences(args.appSubnetIds.length), autoRollback: false, skipMatching: true },
      },
      tags: Object.entries(args.instanceTags).map(([k, value]) => ({ key: k, value, propagateAtLaunch: true })),
    },
    // The scaling policy owns the desired capacity once the group exists.
    { parent: scope, ignoreChanges: ["desiredCapacity"], dependsOn: [...args.instanceIdentity] },
  );

  const tracking = targetTracking(args.scalingMetric, args.scalingRequestsPerTarget, args.scalingCpuPercent);
  new aws.autoscaling.Policy(
    `${name}-api-tracking`,
    {
      autoscalingGroupName: group.name,
      policyType: "TargetTrackingScaling",
      targetTrackingConfiguration: {
        targetValue: tracking.targetValue,
        predefinedMetricSpecification: {
          predefinedMetricType: tracking.predefinedMetricType,
          ...(tracking.needsResourceLabel ? { resourceLabel: pulumi.interpolate`${args.alb.arnSuffix}/${args.targetGroup.arnSuffix}` } : {}),
        },
      },
    },
    { parent: scope },
  );
  return group;
}
