import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_PORT } from "../../services/trading-api/src/contract";
import type { DataAccess } from "../data/access";
import type { HotPathAccess } from "../dynamo/access";
import type { ApiAuthentication } from "../edge/authentication";
import { rotatingKmsKey } from "../shared/kmsKey";
import { retainedLogGroup } from "../shared/logGroup";
import { bundleService, ServiceArtifact } from "./artifact";
import { autoScalingGroup } from "./autoScalingGroup";
import { plainNumber, serviceAuthSettings, type ComputeIdentifiers, type Ec2Only, type FleetIdentifiers } from "./computeIdentity";
import type { ComputePlatform, ScalingMetric } from "./config";
import { cursorSecretParameter } from "./cursorSecret";
import { serviceDelivery } from "./delivery";
import { fargateService } from "./fargateService";
import { serviceImage } from "./image";
import { instanceIdentity } from "./instanceIdentity";
import { launchTemplate, referenceDataEndpoints } from "./launchTemplate";
import { loadBalancer } from "./loadBalancer";
import { taskIdentity } from "./taskIdentity";
import { bootRetryBudgetSeconds, serviceEnvironment } from "./userData";

// TradingCluster's public API, as it was before each part got a file.
export { al2023AmiParameter } from "./launchTemplate";
export { TLS_POLICY } from "./loadBalancer";
export type { ComputeIdentifiers, Ec2Only, FleetIdentifiers } from "./computeIdentity";

/** Inputs of TradingCluster. */
export interface TradingClusterArgs<P extends ComputePlatform = ComputePlatform> {
  /**
   * Where the service runs: an Auto Scaling group of EC2 instances, or an ECS service of Fargate
   * tasks built from services/trading-api/Dockerfile. Both behind the same ALB, target group
   * health check, listeners, security groups and data permissions.
   * @default "ec2"
   */
  readonly computePlatform?: P;
  /**
   * CPU units of each Fargate task (fargate only; 512, 1024, 2048 or 4096).
   * @default 1024
   */
  readonly taskCpu?: number;
  /**
   * Memory (MiB) of each Fargate task, a size Fargate offers with `taskCpu` (fargate only).
   * @default 2048
   */
  readonly taskMemoryMiB?: number;
  /** The VPC of the target group. */
  readonly vpcId: pulumi.Input<string>;
  /**
   * App (private) subnets, one per AZ, as the subnets' own id outputs so that the ASG's
   * `vpcZoneIdentifiers` depend on the subnet resources. HA needs three.
   */
  readonly appSubnetIds: pulumi.Input<string>[];
  /** Public subnets for the internet-facing ALB, one per AZ. */
  readonly publicSubnetIds: pulumi.Input<string>[];
  /** From ClusterSecurityGroups. */
  readonly albSecurityGroupId: pulumi.Input<string>;
  /** From ClusterSecurityGroups. */
  readonly appSecurityGroupId: pulumi.Input<string>;
  /** The regional table and DAX cluster: the IAM policy names exactly these; the service is pointed at them. */
  readonly hotPath: HotPathAccess;
  /** EC2 instance type (ec2 only). Validated by the stack config. */
  readonly instanceType: string;
  /**
   * AMI of the fleet (ec2 only), pinned (Amazon Linux 2023 of the instance type's architecture; see
   * al2023AmiParameter). A new id is a new launch template version, so an instance refresh.
   */
  readonly imageId: pulumi.Input<string>;
  /** Smallest number of instances or tasks; min <= desired <= max. */
  readonly minSize: pulumi.Input<number>;
  /** Instances or tasks at first deploy, between `minSize` and `maxSize` (auto scaling owns the number afterwards). */
  readonly desiredCapacity: pulumi.Input<number>;
  /** Largest number of instances or tasks the target-tracking policy may reach. */
  readonly maxSize: pulumi.Input<number>;
  /**
   * Seconds before ELB health checks count after launch; also the default instance warmup. The
   * boot's S3/SSM retries get this less 60 s (userData.ts bootRetryBudgetSeconds); at least 75.
   * On Fargate, the service's health check grace period.
   * @default 120
   */
  readonly healthCheckGraceSeconds?: number;
  /**
   * Target-group deregistration delay in seconds.
   * @default 30
   */
  readonly deregistrationDelaySeconds?: pulumi.Input<number>;
  /**
   * Target-tracking metric.
   * @default "alb-requests"
   */
  readonly scalingMetric?: ScalingMetric;
  /**
   * Target ALB requests per target per minute (metric alb-requests).
   * @default 1000
   */
  readonly scalingRequestsPerTarget?: number;
  /**
   * Target average CPU percent (metric cpu).
   * @default 50
   */
  readonly scalingCpuPercent?: number;
  /**
   * ACM certificate for the HTTPS listener. Plain because it decides which listeners exist: with it,
   * HTTPS forwards and HTTP only redirects; without it (dev) HTTP forwards.
   * @default - none
   */
  readonly certificateArn?: string;
  /**
   * Days ALB access logs are kept.
   * @default 90
   */
  readonly accessLogRetentionDays?: pulumi.Input<number>;
  /**
   * Days the service's CloudWatch log group keeps logs (a CloudWatch retention value).
   * @default 90
   */
  readonly serviceLogRetentionDays?: pulumi.Input<number>;
  /**
   * Port the service listens on.
   * @default 8080 (DEFAULT_PORT of the service's contract)
   */
  readonly appPort?: number;
  /**
   * ALB deletion protection (on in prod).
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * Let `pulumi destroy` empty and delete the artifact and access-log buckets (S3 refuses to delete
   * a bucket that still holds objects or versions: BucketNotEmpty). Disposable stacks only: the
   * stacks turn it on outside prod.
   * @default false
   */
  readonly forceDestroyBuckets?: boolean;
  /**
   * Tags put on instances at launch (the stack's default tags; the provider does not tag instances).
   * @default - none
   */
  readonly instanceTags?: Record<string, string>;
  /**
   * Rotation counter of the cursor key: raising it writes a new key and rolls the fleet.
   * @default 1
   */
  readonly cursorSecretRotation?: number;
  /**
   * The service to run.
   * @default - services/trading-api bundled now with esbuild
   */
  readonly artifact?: ServiceArtifact;
  /**
   * Aurora and the cache (DataTier.access): the instance role gains exactly `rds-db:connect` for the
   * app's database user and `elasticache:Connect` on the cache and its user, and the service is
   * pointed at them (the reader endpoint, the primary cache endpoint).
   * @default - none (the service runs without reference data only with RISK_CHECKS=disabled)
   */
  readonly referenceData?: DataAccess;
  /**
   * SSM parameter naming the write region (components/region WriteRegionFlag), passed to the service.
   * @default - none (always write mode)
   */
  readonly writeRegionParameterName?: pulumi.Input<string>;
  /**
   * The environment's other regions, whose flag of the same name the service also reads.
   * @default - none
   */
  readonly writeRegionPeers?: string[];
  /**
   * The token issuer: the HTTPS listener verifies a JWT on every forwarded request but the liveness
   * path, and the service verifies it again (its AUTH_* environment).
   * @default - none: the listeners forward unverified and the service, given no issuer, refuses to start
   */
  readonly authentication?: ApiAuthentication;
}

/**
 * The trading API fleet: an Auto Scaling group of Amazon Linux 2023 instances over the app subnets
 * behind an internet-facing Application Load Balancer, with the service bundled at deploy time and
 * delivered through a private, KMS-encrypted, versioned S3 bucket.
 */
export class TradingCluster<P extends ComputePlatform = "ec2"> extends pulumi.ComponentResource {
  /** DNS name of the internet-facing ALB. */
  public readonly albDnsName: pulumi.Output<string>;
  /** Route 53 hosted zone of the ALB, for alias records. */
  public readonly albZoneId: pulumi.Output<string>;
  /** ARN of the ALB (what EdgeProtection's web ACL is associated with). */
  public readonly albArn: pulumi.Output<string>;
  /** `app/<name>/<id>`: the LoadBalancer dimension of the ALB's CloudWatch metrics. */
  public readonly albArnSuffix: pulumi.Output<string>;
  /** ARN of the fleet's target group. */
  public readonly targetGroupArn: pulumi.Output<string>;
  /** `targetgroup/<name>/<id>`: the TargetGroup dimension of the ALB's CloudWatch metrics. */
  public readonly targetGroupArnSuffix: pulumi.Output<string>;
  /** Which platform runs the fleet. */
  public readonly computePlatform: P;
  /** The fleet's identifiers for alarms and the dashboard, by platform. */
  public readonly fleet: FleetIdentifiers;
  /** The platform and its identifiers (the outputs' `compute` section). */
  public readonly compute: ComputeIdentifiers;
  /** Name of the Auto Scaling group (the AutoScalingGroupName dimension of its metrics); ec2 only. */
  public readonly asgName: Ec2Only<P, string>;
  /** The app security group the instances or tasks run in (`appSecurityGroupId`, passed through). */
  public readonly appSecurityGroupId: pulumi.Output<string>;
  /**
   * ARN of the role the service's code runs as: the instances' role (ec2) or the task role
   * (fargate). RegionFailover grants it the write-region flag.
   */
  public readonly instanceRoleArn: pulumi.Output<string>;
  /** The private bucket the service artifact is delivered through; ec2 only (Fargate runs the image). */
  public readonly artifactBucketName: Ec2Only<P, string>;
  /** S3 key of the current artifact (content-addressed by the bundle's SHA-256); ec2 only. */
  public readonly artifactKey: Ec2Only<P, string>;
  /** CloudWatch log group of the service's logs. */
  public readonly serviceLogGroupName: pulumi.Output<string>;
  /** SSM SecureString parameter holding the pagination-cursor key. */
  public readonly cursorSecretParameterName: pulumi.Output<string>;
  /** The URL clients use: https when a certificate is configured. */
  public readonly endpoint: pulumi.Output<string>;

  constructor(name: string, args: TradingClusterArgs<P>, opts?: pulumi.ComponentResourceOptions) {
    super("trading:cluster:TradingCluster", name, {}, opts);
    const parent = { parent: this };
    const stack = pulumi.getStack();
    const appPort = args.appPort ?? DEFAULT_PORT;
    const graceSeconds = args.healthCheckGraceSeconds ?? 120;
    const cursorSecretRotation = args.cursorSecretRotation ?? 1;
    const artifact = args.artifact ?? bundleService();
    // The default is ec2, which is what P defaults to when computePlatform is left out.
    const platform = (args.computePlatform ?? "ec2") as P;
    const region = aws.getRegionOutput({}, parent).region;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;

    const key = rotatingKmsKey(`${name}-key`, { description: `Trading cluster ${stack}: service artifact and cursor key` }, this);

    // Each part registers its resources with this component as parent, under the names it always had.
    const forceDestroy = args.forceDestroyBuckets ?? false;
    // The S3 delivery exists for instances only: a task runs the image, which holds the same bundle.
    const delivery =
      platform === "ec2"
        ? serviceDelivery(this, name, {
            artifact,
            kmsKeyArn: key.arn,
            accountId,
            accessLogRetentionDays: args.accessLogRetentionDays ?? 90,
            forceDestroy,
          })
        : undefined;
    const cursorSecret = cursorSecretParameter(this, name, key.arn, cursorSecretRotation);
    const logGroup = retainedLogGroup(
      `${name}-service-logs`,
      { name: `/${name}/${stack}/trading-api`, retentionInDays: args.serviceLogRetentionDays ?? 90 },
      this,
    );

    // The front door is the same on both platforms; only the target type follows the platform.
    const deregistrationDelaySeconds = args.deregistrationDelaySeconds ?? 30;
    const frontDoor = () =>
      loadBalancer(this, name, {
        vpcId: args.vpcId,
        publicSubnetIds: args.publicSubnetIds,
        albSecurityGroupId: args.albSecurityGroupId,
        accountId,
        appPort,
        targetType: platform === "ec2" ? "instance" : "ip",
        deregistrationDelaySeconds,
        accessLogRetentionDays: args.accessLogRetentionDays ?? 90,
        deletionProtection: args.deletionProtection ?? false,
        certificateArn: args.certificateArn,
        forceDestroy,
        authentication: args.authentication,
      });
    const scaling = {
      scalingMetric: args.scalingMetric ?? "alb-requests",
      scalingRequestsPerTarget: args.scalingRequestsPerTarget ?? 1000,
      scalingCpuPercent: args.scalingCpuPercent ?? 50,
    } as const;

    let front: ReturnType<typeof frontDoor>;
    if (delivery) {
      const identity = instanceIdentity(this, name, {
        region,
        hotPath: args.hotPath,
        artifactObjectArn: pulumi.interpolate`${delivery.bucket.arn}/${delivery.object.key}`,
        kmsKeyArn: key.arn,
        cursorSecretParameterArn: cursorSecret.arn,
        logGroupArn: logGroup.arn,
        ...(args.referenceData ? { referenceData: args.referenceData } : {}),
      });

      const instanceTags = { ...(args.instanceTags ?? {}), Name: `${name}-api` };
      const template = launchTemplate(this, name, {
        instanceType: args.instanceType,
        imageId: args.imageId,
        instanceProfileArn: identity.instanceProfile.arn,
        appSecurityGroupId: args.appSecurityGroupId,
        instanceTags,
        boot: {
          region,
          artifactBucket: delivery.bucket.id,
          artifactKey: delivery.object.key,
          tableName: args.hotPath.tableName,
          daxEndpoint: args.hotPath.daxEndpoint,
          cursorSecretParameter: cursorSecret.name,
          logGroupName: logGroup.name,
          writeRegionParameter: args.writeRegionParameterName ?? "",
          authentication: serviceAuthSettings(args.authentication),
        },
        ...(args.referenceData ? { referenceData: args.referenceData } : {}),
        fixedBoot: {
          artifactSha256: artifact.sha256,
          port: appPort,
          cursorSecretRotation,
          writeRegionPeers: args.writeRegionPeers ?? [],
          // The boot's S3/SSM retries end early enough for the instance to pass its health checks
          // before the grace period does (and the grace period is refused when nothing fits).
          retryBudgetSeconds: bootRetryBudgetSeconds(graceSeconds),
        },
      });

      front = frontDoor();
      const group = autoScalingGroup(this, name, {
        appSubnetIds: args.appSubnetIds,
        minSize: args.minSize,
        desiredCapacity: args.desiredCapacity,
        maxSize: args.maxSize,
        launchTemplate: template,
        alb: front.alb,
        targetGroup: front.targetGroup,
        graceSeconds,
        instanceTags,
        ...scaling,
        instanceIdentity: [...identity.policies, identity.instanceProfile],
      });
      this.asgName = group.name as Ec2Only<P, string>;
      this.instanceRoleArn = identity.role.arn;
      this.artifactBucketName = delivery.bucket.id as Ec2Only<P, string>;
      this.artifactKey = delivery.object.key as Ec2Only<P, string>;
      this.fleet = { platform: "ec2", autoScalingGroupName: group.name };
      this.compute = { platform: "ec2", autoScalingGroupName: group.name };
    } else {
      front = frontDoor();
      const image = serviceImage(this, name, { artifact, forceDelete: forceDestroy });
      const identity = taskIdentity(this, name, accountId, {
        region,
        hotPath: args.hotPath,
        kmsKeyArn: key.arn,
        cursorSecretParameterArn: cursorSecret.arn,
        logGroupArn: logGroup.arn,
        repositoryArn: image.repository.arn,
        ...(args.referenceData ? { referenceData: args.referenceData } : {}),
      });
      const environment = pulumi
        .all([region, args.hotPath.tableName, args.hotPath.daxEndpoint, referenceDataEndpoints(args.referenceData), pulumi.output(args.writeRegionParameterName ?? ""), serviceAuthSettings(args.authentication)])
        .apply(([regionName, tableName, daxEndpoint, referenceData, writeRegionParameter, authentication]) =>
          serviceEnvironment({
            port: appPort,
            region: regionName,
            tableName,
            daxEndpoint,
            ...(referenceData ? { referenceData } : {}),
            ...(writeRegionParameter ? { writeRegionParameter, writeRegionPeers: args.writeRegionPeers ?? [] } : {}),
            ...(authentication ? { authentication } : {}),
          }),
        );
      const fargate = fargateService(this, name, {
        appSubnetIds: args.appSubnetIds,
        appSecurityGroupId: args.appSecurityGroupId,
        minSize: args.minSize,
        desiredCapacity: args.desiredCapacity,
        maxSize: args.maxSize,
        taskCpu: args.taskCpu ?? 1024,
        taskMemoryMiB: args.taskMemoryMiB ?? 2048,
        imageUri: image.imageUri,
        port: appPort,
        region,
        environment,
        cursorSecretParameterArn: cursorSecret.arn,
        cursorSecretVersion: cursorSecret.version,
        logGroupName: logGroup.name,
        taskRoleArn: identity.taskRole.arn,
        executionRoleArn: identity.executionRole.arn,
        alb: front.alb,
        targetGroup: front.targetGroup,
        listeners: front.listeners,
        graceSeconds,
        deregistrationDelaySeconds: plainNumber(deregistrationDelaySeconds, "deregistrationDelaySeconds"),
        ...scaling,
        identity: identity.policies,
      });
      this.asgName = undefined as Ec2Only<P, string>;
      this.instanceRoleArn = identity.taskRole.arn;
      this.artifactBucketName = undefined as Ec2Only<P, string>;
      this.artifactKey = undefined as Ec2Only<P, string>;
      this.fleet = { platform: "fargate", ecsClusterName: fargate.cluster.name, ecsServiceName: fargate.service.name, ecsServiceArn: fargate.service.arn };
      this.compute = {
        platform: "fargate",
        ecsClusterName: fargate.cluster.name,
        ecsServiceName: fargate.service.name,
        imageRepositoryUrl: image.repository.repositoryUrl,
        imageUri: image.imageUri,
        executionRoleArn: identity.executionRole.arn,
      };
    }
    const { alb, targetGroup } = front;

    this.computePlatform = platform;
    this.albDnsName = alb.dnsName;
    this.albZoneId = alb.zoneId;
    this.albArn = alb.arn;
    this.albArnSuffix = alb.arnSuffix;
    this.targetGroupArn = targetGroup.arn;
    this.targetGroupArnSuffix = targetGroup.arnSuffix;
    this.appSecurityGroupId = pulumi.output(args.appSecurityGroupId);
    this.serviceLogGroupName = logGroup.name;
    this.cursorSecretParameterName = cursorSecret.name;
    this.endpoint = pulumi.interpolate`${args.certificateArn ? "https" : "http"}://${alb.dnsName}`;
    this.registerOutputs({
      albDnsName: this.albDnsName,
      albZoneId: this.albZoneId,
      albArn: this.albArn,
      albArnSuffix: this.albArnSuffix,
      targetGroupArn: this.targetGroupArn,
      targetGroupArnSuffix: this.targetGroupArnSuffix,
      compute: this.compute,
      asgName: this.asgName,
      appSecurityGroupId: this.appSecurityGroupId,
      instanceRoleArn: this.instanceRoleArn,
      artifactBucketName: this.artifactBucketName,
      artifactKey: this.artifactKey,
      serviceLogGroupName: this.serviceLogGroupName,
      cursorSecretParameterName: this.cursorSecretParameterName,
      endpoint: this.endpoint,
    });
  }
}
