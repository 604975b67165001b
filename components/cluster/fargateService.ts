/**
 * The fleet on ECS Fargate (computePlatform fargate), beside autoScalingGroup.ts: an ECS cluster
 * with Container Insights, the task definition of the trading API's image, the service in the app
 * subnets behind the same target group (type ip), and its target-tracking auto scaling within the
 * same min/max as the EC2 group.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { targetTracking } from "./capacity";
import type { ScalingMetric } from "./config";
import { TASK_CPU_ARCHITECTURE } from "./image";

/** The container's name in the task definition (and the target group's registration). */
export const CONTAINER_NAME = "trading-api";

/**
 * The service's shutdown, as the service reads it (services/trading-api/src/config.ts): after
 * SIGTERM readiness answers 503 for SHUTDOWN_DRAIN_MS, then the listener closes and in-flight
 * requests get up to SHUTDOWN_GRACE_MS. Set explicitly in the task's environment so that the
 * stopTimeout below is computed from the values the process runs with.
 */
export const SHUTDOWN = { drainMs: 10_000, graceMs: 20_000 } as const;

/** Seconds between the service's last possible exit and ECS's SIGKILL: the Node exit itself. */
export const STOP_MARGIN_SECONDS = 10;

/** Fargate's largest `stopTimeout` ("stopTimeout", ECS task definition parameters: "up to 120 seconds" on Fargate). */
export const FARGATE_MAX_STOP_TIMEOUT_SECONDS = 120;

/**
 * The container's `stopTimeout`: the service's drain and grace plus {@link STOP_MARGIN_SECONDS}, so
 * ECS's SIGKILL never cuts an in-flight request the service is still allowed to finish. When a task
 * behind a load balancer stops, ECS first deregisters it and waits the target group's
 * deregistration delay, then sends SIGTERM and waits `stopTimeout` before SIGKILL (ECS Developer
 * Guide, "Amazon ECS task lifecycle" and the task definition's stopTimeout). Throws when the drain
 * does not fit Fargate's 120 s, or is longer than the deregistration delay (the ALB would then stop
 * waiting for requests the service is still answering).
 */
export function stopTimeoutSeconds(drainMs: number, graceMs: number, deregistrationDelaySeconds: number): number {
  const drainSeconds = Math.ceil((drainMs + graceMs) / 1000);
  const timeout = drainSeconds + STOP_MARGIN_SECONDS;
  if (timeout > FARGATE_MAX_STOP_TIMEOUT_SECONDS) {
    throw new Error(
      `the service's drain (${drainMs} ms) and grace (${graceMs} ms) need a stopTimeout of ${timeout} s, above Fargate's ${FARGATE_MAX_STOP_TIMEOUT_SECONDS} s`,
    );
  }
  if (drainSeconds > deregistrationDelaySeconds) {
    throw new Error(
      `the service's drain and grace (${drainSeconds} s) exceed the target group's deregistration delay (${deregistrationDelaySeconds} s): ` +
        "raise clusterDeregistrationDelaySeconds so the ALB keeps a stopping task's connections as long as the task serves them",
    );
  }
  return timeout;
}

/** An environment or secret entry of a container definition. */
export interface NameValue {
  name: string;
  value: string;
}
export interface NameValueFrom {
  name: string;
  valueFrom: string;
}

/**
 * The cursor key as ECS secrets: `valueFrom` the SSM parameter's ARN pinned to a version (Fargate
 * platform 1.4.0 or later injects "a specific JSON key or version of a secret", ECS Developer Guide,
 * "Pass Systems Manager parameters through Amazon ECS environment variables"). The current version,
 * and the one before it while a rotation rolls (the EC2 boot reads the same two): a rotation writes
 * a new version, so the task definition changes and the service deploys new tasks, which ECS would
 * not do for a changed parameter by itself ("the container will not receive the updated value").
 */
export function cursorSecrets(parameterArn: string, version: number): NameValueFrom[] {
  return [
    { name: "CURSOR_SECRET", valueFrom: `${parameterArn}:${version}` },
    ...(version > 1 ? [{ name: "CURSOR_SECRET_PREVIOUS", valueFrom: `${parameterArn}:${version - 1}` }] : []),
  ];
}

/**
 * The container definition, pure so that it is unit tested: the image pinned by digest, the
 * service's environment (no secret in it), the cursor key as secrets, logs to the service's log
 * group (awslogs, through the execution role), a read-only root filesystem (the service writes no
 * file: its logs go to stdout), no privilege escalation, the image's non-root user.
 */
export function containerDefinition(s: {
  imageUri: string;
  port: number;
  environment: Record<string, string>;
  secrets: NameValueFrom[];
  logGroupName: string;
  region: string;
  stopTimeout: number;
}): Record<string, unknown> {
  const environment: NameValue[] = Object.entries(s.environment)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value }));
  const secretNames = new Set(s.secrets.map((secret) => secret.name));
  const leaked = environment.filter((e) => secretNames.has(e.name));
  if (leaked.length > 0) {
    throw new Error(`${leaked.map((e) => e.name).join(", ")} must reach the container as ECS secrets, not environment values`);
  }
  return {
    name: CONTAINER_NAME,
    image: s.imageUri,
    essential: true,
    portMappings: [{ containerPort: s.port, protocol: "tcp" }],
    environment,
    secrets: s.secrets,
    readonlyRootFilesystem: true,
    privileged: false,
    // The image's own non-root user (services/trading-api/Dockerfile), stated so that policy sees it.
    user: "65532:65532",
    linuxParameters: { capabilities: { drop: ["ALL"] } },
    stopTimeout: s.stopTimeout,
    logConfiguration: {
      logDriver: "awslogs",
      options: { "awslogs-group": s.logGroupName, "awslogs-region": s.region, "awslogs-stream-prefix": CONTAINER_NAME },
    },
  };
}

/** Inputs of {@link fargateService}: TradingClusterArgs' fields, defaults applied. */
export interface FargateServiceArgs {
  readonly appSubnetIds: pulumi.Input<string>[];
  readonly appSecurityGroupId: pulumi.Input<string>;
  readonly minSize: pulumi.Input<number>;
  readonly desiredCapacity: pulumi.Input<number>;
  readonly maxSize: pulumi.Input<number>;
  readonly taskCpu: number;
  readonly taskMemoryMiB: number;
  readonly imageUri: pulumi.Input<string>;
  readonly port: number;
  readonly region: pulumi.Input<string>;
  /** The service's environment (userData.ts serviceEnvironment), secrets excepted. */
  readonly environment: pulumi.Input<Record<string, string>>;
  readonly cursorSecretParameterArn: pulumi.Input<string>;
  readonly cursorSecretVersion: pulumi.Input<number>;
  readonly logGroupName: pulumi.Input<string>;
  readonly taskRoleArn: pulumi.Input<string>;
  readonly executionRoleArn: pulumi.Input<string>;
  readonly alb: aws.lb.LoadBalancer;
  readonly targetGroup: aws.lb.TargetGroup;
  /** The listeners that forward to the target group: ECS refuses a target group no load balancer uses. */
  readonly listeners: readonly pulumi.Resource[];
  /** Seconds ECS ignores failing ELB health checks of a new task (the EC2 group's grace period). */
  readonly graceSeconds: number;
  readonly deregistrationDelaySeconds: number;
  readonly scalingMetric: ScalingMetric;
  readonly scalingRequestsPerTarget: number;
  readonly scalingCpuPercent: number;
  /** The roles' policies: no task starts on a role without them. */
  readonly identity: readonly pulumi.Resource[];
}

export interface FargateService {
  readonly cluster: aws.ecs.Cluster;
  readonly service: aws.ecs.Service;
  readonly taskDefinition: aws.ecs.TaskDefinition;
}

/** Registers the ECS cluster, task definition, service and its scaling under `scope`. */
export function fargateService(scope: pulumi.Resource, name: string, args: FargateServiceArgs): FargateService {
  const parent = { parent: scope };
  const cluster = new aws.ecs.Cluster(
    `${name}-api`,
    // Container Insights: per-task and per-service CPU, memory and task counts in CloudWatch
    // (ECS/ContainerInsights), which the service's alarms and the dashboard read.
    { settings: [{ name: "containerInsights", value: "enabled" }] },
    parent,
  );

  const stopTimeout = stopTimeoutSeconds(SHUTDOWN.drainMs, SHUTDOWN.graceMs, args.deregistrationDelaySeconds);
  const containerDefinitions = pulumi
    .all([args.imageUri, args.environment, args.cursorSecretParameterArn, args.cursorSecretVersion, args.logGroupName, args.region])
    .apply(([imageUri, environment, parameterArn, version, logGroupName, region]) =>
      JSON.stringify([
        containerDefinition({
          imageUri,
          port: args.port,
          environment: {
            ...environment,
            SHUTDOWN_DRAIN_MS: String(SHUTDOWN.drainMs),
            SHUTDOWN_GRACE_MS: String(SHUTDOWN.graceMs),
          },
          secrets: cursorSecrets(parameterArn, version),
          logGroupName,
          region,
          stopTimeout,
        }),
      ]),
    );
  const taskDefinition = new aws.ecs.TaskDefinition(
    `${name}-api`,
    {
      family: `${name}-${pulumi.getStack()}-api`,
      requiresCompatibilities: ["FARGATE"],
      // awsvpc: each task has its own ENI in an app subnet, in the app security group (Fargate's only mode).
      networkMode: "awsvpc",
      cpu: String(args.taskCpu),
      memory: String(args.taskMemoryMiB),
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: TASK_CPU_ARCHITECTURE },
      taskRoleArn: args.taskRoleArn,
      executionRoleArn: args.executionRoleArn,
      containerDefinitions,
    },
    { parent: scope, dependsOn: [...args.identity] },
  );

  const service = new aws.ecs.Service(
    `${name}-api`,
    {
      cluster: cluster.arn,
      taskDefinition: taskDefinition.arn,
      launchType: "FARGATE",
      // 1.4.0 or later injects a parameter's version as a secret (cursorSecrets), and gives every
      // container ECS_CONTAINER_METADATA_URI_V4: the task reads its ARN there and names itself by it
      // in /healthz, which the failover command matches against ecs:ListTasks (the EC2 boot script's
      // instance id has no counterpart to set here: services/trading-api/src/fleetIdentity.ts).
      platformVersion: "1.4.0",
      desiredCount: args.desiredCapacity,
      networkConfiguration: { subnets: args.appSubnetIds, securityGroups: [args.appSecurityGroupId], assignPublicIp: false },
      loadBalancers: [{ targetGroupArn: args.targetGroup.arn, containerName: CONTAINER_NAME, containerPort: args.port }],
      healthCheckGracePeriodSeconds: args.graceSeconds,
      // Rolling update that never drops below the serving count (100 %) and rolls back a deployment
      // whose tasks fail to start or to pass the health checks ("How the Amazon ECS deployment
      // circuit breaker detects failures", ECS Developer Guide).
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      // Fargate spreads a service's tasks over the subnets' AZs; rebalancing moves tasks back after
      // an AZ's capacity returns ("Balancing an Amazon ECS service across Availability Zones").
      availabilityZoneRebalancing: "ENABLED",
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      // `pulumi up` reports a deployment the circuit breaker rolled back as a failure.
      waitForSteadyState: true,
    },
    // The scaling policy owns the desired count once the service exists (as the EC2 group's).
    { parent: scope, ignoreChanges: ["desiredCount"], dependsOn: [...args.listeners] },
  );

  const resourceId = pulumi.interpolate`service/${cluster.name}/${service.name}`;
  const target = new aws.appautoscaling.Target(
    `${name}-api`,
    { serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount", resourceId, minCapacity: args.minSize, maxCapacity: args.maxSize },
    parent,
  );
  const tracking = targetTracking(args.scalingMetric, args.scalingRequestsPerTarget, args.scalingCpuPercent);
  new aws.appautoscaling.Policy(
    `${name}-api-tracking`,
    {
      policyType: "TargetTrackingScaling",
      serviceNamespace: target.serviceNamespace,
      scalableDimension: target.scalableDimension,
      resourceId: target.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: tracking.targetValue,
        predefinedMetricSpecification: {
          predefinedMetricType: tracking.predefinedMetricType === "ALBRequestCountPerTarget" ? "ALBRequestCountPerTarget" : "ECSServiceAverageCPUUtilization",
          ...(tracking.needsResourceLabel ? { resourceLabel: pulumi.interpolate`${args.alb.arnSuffix}/${args.targetGroup.arnSuffix}` } : {}),
        },
      },
    },
    parent,
  );
  return { cluster, service, taskDefinition };
}
