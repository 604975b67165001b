import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { randomBytes } from "node:crypto";
import { DEFAULT_PORT, READINESS_PATH } from "../../services/trading-api/src/contract";
import type { HotPathAccess } from "../dynamo/access";
import { artifactKey, bundleService, ServiceArtifact } from "./artifact";
import { GROUP_METRICS, refreshPreferences, targetTracking } from "./capacity";
import { architectureOf, ScalingMetric } from "./config";
import { instancePolicyDocument } from "./instancePolicy";
import { ALB_LISTENER_PORTS } from "./securityGroups";
import { renderUserData } from "./userData";

/** TLS 1.3 with TLS 1.2 fallback for older trading clients; no TLS 1.0/1.1, forward secrecy only. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** Public SSM parameter of the current Amazon Linux 2023 AMI for an architecture. */
export function al2023AmiParameter(instanceType: string): string {
  return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architectureOf(instanceType)}`;
}

/** Prefix of the ALB's access logs in their bucket (AWS appends AWSLogs/<account>/...). */
const ACCESS_LOG_PREFIX = "alb";

/** Inputs of TradingCluster. */
export interface TradingClusterArgs {
  /** The VPC of the target group. Required. */
  vpcId: pulumi.Input<string>;
  /**
   * App (private) subnets, one per AZ, as the subnets' own id outputs so that the ASG's
   * `vpcZoneIdentifiers` depend on the subnet resources. Required; HA needs three.
   */
  appSubnetIds: pulumi.Input<string>[];
  /** Public subnets for the internet-facing ALB, one per AZ. Required. */
  publicSubnetIds: pulumi.Input<string>[];
  /** From ClusterSecurityGroups. Required. */
  albSecurityGroupId: pulumi.Input<string>;
  /** From ClusterSecurityGroups. Required. */
  appSecurityGroupId: pulumi.Input<string>;
  /** The regional table and DAX cluster: the IAM policy names exactly these; the service is pointed at them. Required. */
  hotPath: HotPathAccess;
  /** EC2 instance type; plain because it picks the AMI's architecture. Required (validated by the stack config). */
  instanceType: string;
  /** Group sizes; min <= desired <= max. Required. */
  minSize: pulumi.Input<number>;
  desiredCapacity: pulumi.Input<number>;
  maxSize: pulumi.Input<number>;
  /** Seconds before ELB health checks count after launch; also the default instance warmup. Default 120. */
  healthCheckGraceSeconds?: number;
  /** Target-group deregistration delay in seconds. Default 30. */
  deregistrationDelaySeconds?: pulumi.Input<number>;
  /** Target-tracking metric. Default "alb-requests". */
  scalingMetric?: ScalingMetric;
  /** Target ALB requests per target per minute (metric alb-requests). Default 1000. */
  scalingRequestsPerTarget?: number;
  /** Target average CPU percent (metric cpu). Default 50. */
  scalingCpuPercent?: number;
  /**
   * ACM certificate for the HTTPS listener. Plain because it decides which listeners exist: with it,
   * HTTPS forwards and HTTP only redirects; without it (dev) HTTP forwards. Default none.
   */
  certificateArn?: string;
  /** Days ALB access logs are kept. Default 90. */
  accessLogRetentionDays?: pulumi.Input<number>;
  /** Days the service's CloudWatch log group keeps logs (a CloudWatch retention value). Default 90. */
  serviceLogRetentionDays?: pulumi.Input<number>;
  /** Port the service listens on. Default the service's DEFAULT_PORT (8080). */
  appPort?: number;
  /** ALB deletion protection (on in prod). Default false. */
  deletionProtection?: boolean;
  /** Tags put on instances at launch (the stack's default tags; the provider does not tag instances). Default none. */
  instanceTags?: Record<string, string>;
  /** Rotation counter of the cursor key: raising it writes a new key and rolls the fleet. Default 1. */
  cursorSecretRotation?: number;
  /** The service to run. Default: services/trading-api bundled now with esbuild. */
  artifact?: ServiceArtifact;
}

/**
 * The trading API fleet: an Auto Scaling group of Amazon Linux 2023 instances over the app subnets
 * behind an internet-facing Application Load Balancer, with the service bundled at deploy time and
 * delivered through a private, KMS-encrypted, versioned S3 bucket.
 */
export class TradingCluster extends pulumi.ComponentResource {
  public readonly albDnsName: pulumi.Output<string>;
  public readonly albZoneId: pulumi.Output<string>;
  public readonly albArn: pulumi.Output<string>;
  /** `app/<name>/<id>`: the LoadBalancer dimension of the ALB's CloudWatch metrics. */
  public readonly albArnSuffix: pulumi.Output<string>;
  public readonly targetGroupArn: pulumi.Output<string>;
  /** `targetgroup/<name>/<id>`: the TargetGroup dimension of the ALB's CloudWatch metrics. */
  public readonly targetGroupArnSuffix: pulumi.Output<string>;
  public readonly asgName: pulumi.Output<string>;
  public readonly appSecurityGroupId: pulumi.Output<string>;
  public readonly instanceRoleArn: pulumi.Output<string>;
  public readonly artifactBucketName: pulumi.Output<string>;
  public readonly artifactKey: pulumi.Output<string>;
  public readonly serviceLogGroupName: pulumi.Output<string>;
  public readonly cursorSecretParameterName: pulumi.Output<string>;
  /** The URL clients use: https when a certificate is configured. */
  public readonly endpoint: pulumi.Output<string>;

  constructor(name: string, args: TradingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("trading:cluster:TradingCluster", name, {}, opts);
    const parent = { parent: this };
    const stack = pulumi.getStack();
    const appPort = args.appPort ?? DEFAULT_PORT;
    const graceSeconds = args.healthCheckGraceSeconds ?? 120;
    const artifact = args.artifact ?? bundleService();
    const region = aws.getRegionOutput({}, parent).region;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;

    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Trading cluster ${stack}: service artifact and cursor key`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
      },
      parent,
    );

    // --- Service delivery -------------------------------------------------------------------
    const { bucket: artifactBucket } = this.privateBucket(`${name}-artifacts`, {
      sse: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn },
      // Old artifacts stay fetchable by version for a rollback to an older launch template version.
      noncurrentDays: 90,
    });
    const artifactObject = new aws.s3.BucketObjectv2(
      `${name}-artifact`,
      {
        bucket: artifactBucket.id,
        key: artifactKey(artifact),
        source: new pulumi.asset.StringAsset(artifact.code),
        contentType: "application/javascript",
        serverSideEncryption: "aws:kms",
        kmsKeyId: key.arn,
        bucketKeyEnabled: true,
      },
      parent,
    );

    const cursorSecret = new aws.ssm.Parameter(
      `${name}-cursor-secret`,
      {
        name: `/${name}/${stack}/trading-api/cursor-secret`,
        description: "HMAC key of the trading API's pagination cursors (read by instances at boot)",
        type: "SecureString",
        keyId: key.arn,
        // Write-only: sent to SSM when the rotation counter changes and never diffed; generated
        // here so no person ever sees it, and marked secret so it is encrypted in the state inputs.
        valueWo: pulumi.secret(randomBytes(48).toString("base64url")),
        valueWoVersion: args.cursorSecretRotation ?? 1,
      },
      parent,
    );

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-service-logs`,
      { name: `/${name}/${stack}/trading-api`, retentionInDays: args.serviceLogRetentionDays ?? 90 },
      parent,
    );

    // --- Instance identity ------------------------------------------------------------------
    const role = new aws.iam.Role(
      `${name}-instance`,
      {
        description: "Trading API instances",
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      },
      parent,
    );
    const artifactObjectArn = pulumi.interpolate`${artifactBucket.arn}/${artifactObject.key}`;
    new aws.iam.RolePolicy(
      `${name}-instance`,
      {
        role: role.id,
        policy: pulumi
          .all([
            region,
            args.hotPath.tableArn,
            args.hotPath.indexArns,
            args.hotPath.daxClusterArn,
            artifactObjectArn,
            key.arn,
            cursorSecret.arn,
            logGroup.arn,
          ])
          .apply(([rg, tableArn, indexArns, daxClusterArn, objectArn, kmsKeyArn, parameterArn, logGroupArn]) =>
            JSON.stringify(
              instancePolicyDocument({
                region: rg,
                tableArn,
                indexArns,
                daxClusterArn,
                artifactObjectArn: objectArn,
                kmsKeyArn,
                cursorSecretParameterArn: parameterArn,
                logGroupArn,
              }),
            ),
          ),
      },
      parent,
    );
    const instanceProfile = new aws.iam.InstanceProfile(`${name}-instance`, { role: role.name }, parent);

    // --- Launch template --------------------------------------------------------------------
    const ami = aws.ssm.getParameterOutput({ name: al2023AmiParameter(args.instanceType) }, parent);
    const userData = pulumi
      .all([
        region,
        artifactBucket.id,
        artifactObject.key,
        artifactObject.versionId,
        args.hotPath.tableName,
        args.hotPath.daxEndpoint,
        cursorSecret.name,
        logGroup.name,
      ])
      .apply(([rg, bucket, objectKey, versionId, tableName, daxEndpoint, parameterName, logGroupName]) =>
        Buffer.from(
          renderUserData({
            region: rg,
            artifactBucket: bucket,
            artifactKey: objectKey,
            artifactVersionId: versionId,
            artifactSha256: artifact.sha256,
            port: appPort,
            tableName,
            daxEndpoint,
            cursorSecretParameter: parameterName,
            cursorSecretRotation: args.cursorSecretRotation ?? 1,
            logGroupName,
          }),
        ).toString("base64"),
      );
    const instanceTags = { ...(args.instanceTags ?? {}), Name: `${name}-api` };
    const launchTemplate = new aws.ec2.LaunchTemplate(
      `${name}-api`,
      {
        description: "Trading API instances (Amazon Linux 2023)",
        imageId: ami.insecureValue,
        instanceType: args.instanceType,
        iamInstanceProfile: { arn: instanceProfile.arn },
        userData,
        updateDefaultVersion: true,
        // IMDSv2 only, and a hop limit of 1 so nothing in a container or behind a proxy on the host
        // can reach the instance credentials.
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        monitoring: { enabled: true },
        networkInterfaces: [
          { deviceIndex: 0, associatePublicIpAddress: "false", securityGroups: [args.appSecurityGroupId], deleteOnTermination: "true" },
        ],
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            // The account's AWS-managed EBS key: a customer key would need a key-policy grant to the
            // Auto Scaling service-linked role, which may not exist yet in a fresh account.
            ebs: { volumeType: "gp3", volumeSize: 20, encrypted: "true", deleteOnTermination: "true" },
          },
        ],
        tagSpecifications: [
          { resourceType: "volume", tags: instanceTags },
          { resourceType: "network-interface", tags: instanceTags },
        ],
      },
      parent,
    );

    // --- Load balancer ----------------------------------------------------------------------
    // The region's Elastic Load Balancing account writes the access logs.
    const elbAccount = aws.elb.getServiceAccountOutput({}, parent);
    const { bucket: logBucket, policy: logBucketPolicy } = this.privateBucket(`${name}-alb-logs`, {
      // ALB log delivery supports SSE-S3 only.
      sse: { sseAlgorithm: "AES256" },
      expirationDays: args.accessLogRetentionDays ?? 90,
      statements: (bucketArn) => [
        {
          Sid: "AlbLogDelivery",
          Effect: "Allow",
          Principal: { AWS: elbAccount.arn },
          Action: "s3:PutObject",
          Resource: pulumi.interpolate`${bucketArn}/${ACCESS_LOG_PREFIX}/AWSLogs/${accountId}/*`,
        },
      ],
    });

    const alb = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        loadBalancerType: "application",
        internal: false,
        subnets: args.publicSubnetIds,
        securityGroups: [args.albSecurityGroupId],
        dropInvalidHeaderFields: true,
        enableDeletionProtection: args.deletionProtection ?? false,
        // Always on for ALBs; stated so the intent is visible to readers and policy checks.
        enableCrossZoneLoadBalancing: true,
        accessLogs: { bucket: logBucket.id, prefix: ACCESS_LOG_PREFIX, enabled: true },
      },
      { parent: this, dependsOn: [logBucketPolicy] },
    );

    const targetGroup = new aws.lb.TargetGroup(
      `${name}-api`,
      {
        vpcId: args.vpcId,
        targetType: "instance",
        port: appPort,
        protocol: "HTTP",
        deregistrationDelay: args.deregistrationDelaySeconds ?? 30,
        loadBalancingCrossZoneEnabled: "true",
        healthCheck: {
          enabled: true,
          path: READINESS_PATH,
          port: "traffic-port",
          protocol: "HTTP",
          matcher: "200",
          // Out of rotation ~10 s after readiness turns 503 (draining, table unreachable).
          interval: 5,
          timeout: 3,
          healthyThreshold: 2,
          unhealthyThreshold: 2,
        },
      },
      parent,
    );

    const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
    if (args.certificateArn) {
      new aws.lb.Listener(
        `${name}-https`,
        {
          loadBalancerArn: alb.arn,
          port: ALB_LISTENER_PORTS.https,
          protocol: "HTTPS",
          sslPolicy: TLS_POLICY,
          certificateArn: args.certificateArn,
          defaultActions: forward,
        },
        parent,
      );
      new aws.lb.Listener(
        `${name}-http`,
        {
          loadBalancerArn: alb.arn,
          port: ALB_LISTENER_PORTS.http,
          protocol: "HTTP",
          defaultActions: [
            {
              type: "redirect",
              redirect: { protocol: "HTTPS", port: String(ALB_LISTENER_PORTS.https), statusCode: "HTTP_301" },
            },
          ],
        },
        parent,
      );
    } else {
      // No certificate (dev only; the config refuses this in prod): plain HTTP, flagged by policy.
      new aws.lb.Listener(
        `${name}-http`,
        { loadBalancerArn: alb.arn, port: ALB_LISTENER_PORTS.http, protocol: "HTTP", defaultActions: forward },
        parent,
      );
    }

    // --- Auto Scaling group -----------------------------------------------------------------
    const group = new aws.autoscaling.Group(
      `${name}-api`,
      {
        vpcZoneIdentifiers: args.appSubnetIds,
        minSize: args.minSize,
        maxSize: args.maxSize,
        desiredCapacity: args.desiredCapacity,
        // latestVersion, not "$Latest": only a changed version on the group starts an instance refresh.
        launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply((v) => String(v)) },
        targetGroupArns: [targetGroup.arn],
        // Group metrics are published only when collected; the in-service alarm reads them.
        enabledMetrics: [...GROUP_METRICS],
        healthCheckType: "ELB",
        healthCheckGracePeriod: graceSeconds,
        defaultInstanceWarmup: graceSeconds,
        instanceRefresh: {
          strategy: "Rolling",
          // No auto rollback: the provider saves the new version on the group before it starts the
          // refresh, so a "rollback" would relaunch the same failing version (terraform-provider-aws
          // #34189). With min healthy 100% a failing version never replaces a serving instance: the
          // refresh fails and the old instances keep serving until the next deploy.
          preferences: { ...refreshPreferences(args.appSubnetIds.length), autoRollback: false, skipMatching: true },
        },
        tags: Object.entries(instanceTags).map(([k, value]) => ({ key: k, value, propagateAtLaunch: true })),
      },
      // The scaling policy owns the desired capacity once the group exists.
      { parent: this, ignoreChanges: ["desiredCapacity"] },
    );

    const tracking = targetTracking(
      args.scalingMetric ?? "alb-requests",
      args.scalingRequestsPerTarget ?? 1000,
      args.scalingCpuPercent ?? 50,
    );
    new aws.autoscaling.Policy(
      `${name}-api-tracking`,
      {
        autoscalingGroupName: group.name,
        policyType: "TargetTrackingScaling",
        targetTrackingConfiguration: {
          targetValue: tracking.targetValue,
          predefinedMetricSpecification: {
            predefinedMetricType: tracking.predefinedMetricType,
            ...(tracking.needsResourceLabel ? { resourceLabel: pulumi.interpolate`${alb.arnSuffix}/${targetGroup.arnSuffix}` } : {}),
          },
        },
      },
      parent,
    );

    this.albDnsName = alb.dnsName;
    this.albZoneId = alb.zoneId;
    this.albArn = alb.arn;
    this.albArnSuffix = alb.arnSuffix;
    this.targetGroupArn = targetGroup.arn;
    this.targetGroupArnSuffix = targetGroup.arnSuffix;
    this.asgName = group.name;
    this.appSecurityGroupId = pulumi.output(args.appSecurityGroupId);
    this.instanceRoleArn = role.arn;
    this.artifactBucketName = artifactBucket.id;
    this.artifactKey = artifactObject.key;
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

  /**
   * A bucket with public access blocked, ACLs disabled, default encryption, a lifecycle and a policy
   * that refuses plain-HTTP access (plus `statements`, built from the bucket's ARN).
   */
  private privateBucket(
    name: string,
    opts: {
      sse: { sseAlgorithm: "aws:kms"; kmsMasterKeyId: pulumi.Input<string> } | { sseAlgorithm: "AES256" };
      /** Keep object versions, expiring noncurrent ones after this many days. Default unversioned. */
      noncurrentDays?: number;
      /** Expire objects after this many days. Default never. */
      expirationDays?: pulumi.Input<number>;
      statements?: (bucketArn: pulumi.Output<string>) => unknown[];
    },
  ): { bucket: aws.s3.Bucket; policy: aws.s3.BucketPolicy } {
    const parent = { parent: this };
    const bucket = new aws.s3.Bucket(name, {}, parent);
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      name,
      { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      parent,
    );
    new aws.s3.BucketOwnershipControls(name, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
    new aws.s3.BucketServerSideEncryptionConfiguration(
      name,
      {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: opts.sse, bucketKeyEnabled: opts.sse.sseAlgorithm === "aws:kms" }],
      },
      parent,
    );
    if (opts.noncurrentDays !== undefined) {
      new aws.s3.BucketVersioning(name, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, parent);
    }
    new aws.s3.BucketLifecycleConfiguration(
      name,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire",
            status: "Enabled",
            filter: {},
            ...(opts.expirationDays !== undefined ? { expiration: { days: opts.expirationDays } } : {}),
            ...(opts.noncurrentDays !== undefined
              ? { noncurrentVersionExpiration: { noncurrentDays: opts.noncurrentDays } }
              : {}),
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      parent,
    );
    const policy = new aws.s3.BucketPolicy(
      name,
      {
        bucket: bucket.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [...(opts.statements?.(bucket.arn) ?? []), denyInsecureTransport(bucket.arn)],
        }),
      },
      // The public access block first: with BlockPublicPolicy a policy is checked against it.
      { parent: this, dependsOn: [publicAccessBlock] },
    );
    return { bucket, policy };
  }
}

function denyInsecureTransport(bucketArn: pulumi.Output<string>) {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}
