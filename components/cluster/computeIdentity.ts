/**
 * What TradingCluster publishes about its compute, by platform, and the small helpers its
 * constructor shares between the platforms (kept apart so tradingCluster.ts stays the composition).
 */
import * as pulumi from "@pulumi/pulumi";
import type { ApiAuthentication, ServiceAuthSettings } from "../edge/authentication";
import type { ComputePlatform } from "./config";

/**
 * What runs the fleet, and its identifiers: the Auto Scaling group (ec2), or the ECS cluster,
 * service and image (fargate). The stack's outputs publish it as their `compute` section.
 */
export type ComputeIdentifiers =
  | { platform: "ec2"; autoScalingGroupName: pulumi.Output<string> }
  | {
      platform: "fargate";
      ecsClusterName: pulumi.Output<string>;
      ecsServiceName: pulumi.Output<string>;
      /** The ECR repository the image is pushed to (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`). */
      imageRepositoryUrl: pulumi.Output<string>;
      /** The image the tasks run, pinned by digest. */
      imageUri: pulumi.Output<string>;
      /** The role ECS pulls the image, ships the logs and injects the cursor key with. */
      executionRoleArn: pulumi.Output<string>;
    };

/**
 * The fleet's CloudWatch and EventBridge identifiers, known to be one platform's when the program
 * runs (what the alarms and the dashboard watch: components/observability FleetTarget, less its minimum).
 */
export type FleetIdentifiers =
  | { platform: "ec2"; autoScalingGroupName: pulumi.Output<string> }
  | { platform: "fargate"; ecsClusterName: pulumi.Output<string>; ecsServiceName: pulumi.Output<string>; ecsServiceArn: pulumi.Output<string> };

/** An output that exists on EC2 only: typed as present when the platform is statically ec2. */
export type Ec2Only<P extends ComputePlatform, T> = P extends "ec2" ? pulumi.Output<T> : pulumi.Output<T> | undefined;

/**
 * A number the program must know when it runs (the stop timeout is checked against it); the stack
 * passes the config value, a plain number.
 */
export function plainNumber(value: pulumi.Input<number>, name: string): number {
  if (typeof value !== "number") {
    throw new Error(`TradingCluster: ${name} must be a plain number on computePlatform fargate (the task's stopTimeout is checked against it)`);
  }
  return value;
}

/** The plain settings the boot script writes for the service (undefined: no authentication). */
export function serviceAuthSettings(auth: ApiAuthentication | undefined): pulumi.Output<ServiceAuthSettings | undefined> {
  if (!auth) return pulumi.output(undefined);
  return pulumi.all([auth.issuer, auth.jwksUrl]).apply(([issuer, jwksUrl]) => ({
    issuer,
    jwksUrl,
    clientIdClaim: auth.clientIdClaim,
    scopePrefix: auth.scopePrefix,
    requiredClaims: { ...auth.requiredClaims },
  }));
}
