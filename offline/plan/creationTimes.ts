/**
 * Typical creation time per resource type: the ONE table the deployment critical path is weighted
 * with. A figure is what `pulumi up` typically waits for a resource of that type to be created in
 * an empty account — the provider returns only when AWS reports the resource ready (available,
 * active, InService) — not the provider's timeout, which is a ceiling several times larger.
 *
 * The figures are typical, not guaranteed: AWS publishes no creation SLAs. Each entry cites its
 * source and says what kind of figure it is: `published` where AWS states a duration the figure falls
 * within; `estimate` where AWS documents the call and the state the provider waits for but no
 * duration (most types: the figure is this project's estimate, not a measurement in an AWS account,
 * and the plan says which steps of the path are estimates); `none` where nothing is created in AWS.
 * Times vary with region load, instance class, and (for replicas) the data already in the table;
 * treat the critical path as an estimate to compare designs with, and the slowest single resource
 * as the floor no dependency change can beat.
 */

export type CreationTimeKind = "published" | "estimate" | "none";

/** Where a figure comes from. */
export interface CreationTimeSource {
  kind: CreationTimeKind;
  /** The document: AWS's where AWS creates the resource (its API reference or user guide page). */
  url: string;
}

export interface CreationTime {
  /** Typical seconds from create call to ready. */
  seconds: number;
  /** Why this figure: the AWS behaviour it reflects (what the provider waits for). */
  why: string;
  source: CreationTimeSource;
}

const MINUTE = 60;

/** AWS states a duration the figure falls within. */
const published = (url: string): CreationTimeSource => ({ kind: "published", url });
/** AWS documents the call and what is waited for, but no duration: the figure is an estimate. */
const estimate = (url: string): CreationTimeSource => ({ kind: "estimate", url });
/** Nothing is created in AWS. */
const none = (url: string): CreationTimeSource => ({ kind: "none", url });

const EC2_API = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_";
const ECR_API = "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_";
const ECS_API = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_";
const ELB_API = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_";
const S3_API = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_";
const SECRETS_API = "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_";
const DYNAMODB_API = "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_";
const APP_AUTOSCALING_API = "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_";
const RDS_API = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_";
const ELASTICACHE_API = "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_";
/** IAM's eventual consistency, which the provider's retries wait out. */
const IAM_CONSISTENCY = "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency";
/**
 * AWS's own guidance for creating an Aurora cluster with instances: "Aurora cluster and instance
 * creation can take 10-20 minutes" (aws/agent-toolkit-for-aws, the Aurora creation skill). The
 * cluster (3 min) and one instance (10 min) together are 13.
 */
const AURORA_CREATION =
  "https://github.com/aws/agent-toolkit-for-aws/blob/main/skills/specialized-skills/database-skills/creating-amazon-aurora-db-cluster-with-instances/SKILL.md";

/** Used for any type not listed: a control-plane object that exists when its API call returns. */
export const DEFAULT_CREATION_TIME: CreationTime = {
  seconds: 10,
  why: "default for types not listed: most AWS control-plane objects exist when the create call returns; 10 s covers the call, the provider's read-back and eventual-consistency retries",
  source: estimate("https://docs.aws.amazon.com/ec2/latest/devguide/eventual-consistency.html"),
};

/** Keyed by Pulumi type token. */
export const CREATION_TIMES: Readonly<Record<string, CreationTime>> = {
  // --- Pulumi itself ---------------------------------------------------------------------------
  "pulumi:providers:aws": { seconds: 0, why: "a provider is configured in-process; nothing is created in AWS", source: none("https://www.pulumi.com/docs/iac/concepts/resources/providers/") },
  "pulumi:pulumi:StackReference": { seconds: 1, why: "one read of another stack's outputs from the Pulumi backend", source: none("https://www.pulumi.com/docs/iac/concepts/stacks/#stackreferences") },

  // --- Network ---------------------------------------------------------------------------------
  "aws:ec2/vpc:Vpc": { seconds: 10, why: "CreateVpc returns a pending VPC that is available within seconds; the provider then sets DNS attributes", source: estimate(`${EC2_API}CreateVpc.html`) },
  "aws:ec2/subnet:Subnet": { seconds: 5, why: "CreateSubnet is synchronous apart from a short wait for state 'available'", source: estimate(`${EC2_API}CreateSubnet.html`) },
  "aws:ec2/internetGateway:InternetGateway": { seconds: 5, why: "create plus AttachInternetGateway, both synchronous", source: estimate(`${EC2_API}AttachInternetGateway.html`) },
  "aws:ec2/eip:Eip": { seconds: 3, why: "AllocateAddress is synchronous", source: estimate(`${EC2_API}AllocateAddress.html`) },
  "aws:ec2/natGateway:NatGateway": {
    seconds: 2 * MINUTE,
    why: "a NAT gateway starts 'pending' and is typically 'available' after 1-3 minutes (EC2 user guide, 'NAT gateways': the provider waits for state available)",
    source: estimate("https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html"),
  },
  "aws:ec2/routeTable:RouteTable": { seconds: 3, why: "synchronous API call", source: estimate(`${EC2_API}CreateRouteTable.html`) },
  "aws:ec2/route:Route": { seconds: 3, why: "synchronous API call; the provider re-reads until the route is visible", source: estimate(`${EC2_API}CreateRoute.html`) },
  "aws:ec2/routeTableAssociation:RouteTableAssociation": { seconds: 3, why: "synchronous API call", source: estimate(`${EC2_API}AssociateRouteTable.html`) },
  "aws:ec2/vpcEndpoint:VpcEndpoint": {
    seconds: 30,
    why: "gateway endpoints (DynamoDB, S3) are 'available' within tens of seconds; interface endpoints take minutes but none is declared here",
    source: estimate(`${EC2_API}CreateVpcEndpoint.html`),
  },
  "aws:ec2/flowLog:FlowLog": { seconds: 5, why: "synchronous API call", source: estimate(`${EC2_API}CreateFlowLogs.html`) },
  "aws:ec2/securityGroup:SecurityGroup": { seconds: 5, why: "create plus revoking the default egress rule, both synchronous", source: estimate(`${EC2_API}CreateSecurityGroup.html`) },
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": { seconds: 5, why: "adopts the VPC's default group and revokes its rules", source: estimate(`${EC2_API}RevokeSecurityGroupIngress.html`) },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": { seconds: 2, why: "synchronous API call", source: estimate(`${EC2_API}AuthorizeSecurityGroupIngress.html`) },
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": { seconds: 2, why: "synchronous API call", source: estimate(`${EC2_API}AuthorizeSecurityGroupEgress.html`) },

  // --- Identity, keys, logs, storage -----------------------------------------------------------
  "aws:iam/role:Role": { seconds: 10, why: "CreateRole is synchronous, but IAM is eventually consistent: the provider retries until the role is usable", source: estimate(IAM_CONSISTENCY) },
  "aws:iam/rolePolicy:RolePolicy": { seconds: 5, why: "synchronous API call (IAM eventual consistency)", source: estimate(IAM_CONSISTENCY) },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { seconds: 5, why: "synchronous API call (IAM eventual consistency)", source: estimate(IAM_CONSISTENCY) },
  "aws:iam/policy:Policy": { seconds: 5, why: "synchronous API call (IAM eventual consistency)", source: estimate(IAM_CONSISTENCY) },
  "aws:iam/instanceProfile:InstanceProfile": {
    seconds: 15,
    why: "an instance profile must propagate before EC2 accepts it; the provider waits for it to be visible",
    source: estimate(IAM_CONSISTENCY),
  },
  "aws:kms/key:Key": { seconds: 10, why: "CreateKey is synchronous; the provider waits for the key policy and rotation to read back", source: estimate("https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html") },
  "aws:kms/alias:Alias": { seconds: 3, why: "synchronous API call", source: estimate("https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html") },
  "aws:cloudwatch/logGroup:LogGroup": { seconds: 3, why: "synchronous API call", source: estimate("https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html") },
  "aws:secretsmanager/secret:Secret": { seconds: 3, why: "synchronous API call", source: estimate(`${SECRETS_API}CreateSecret.html`) },
  "aws:secretsmanager/secretVersion:SecretVersion": { seconds: 3, why: "synchronous API call", source: estimate(`${SECRETS_API}PutSecretValue.html`) },
  "aws:s3/bucket:Bucket": { seconds: 5, why: "CreateBucket plus the provider's read-back for S3's eventual consistency", source: estimate(`${S3_API}CreateBucket.html`) },
  "aws:s3/bucketV2:BucketV2": { seconds: 5, why: "CreateBucket plus the provider's read-back for S3's eventual consistency", source: estimate(`${S3_API}CreateBucket.html`) },
  "aws:s3/bucketObject:BucketObject": { seconds: 3, why: "one PutObject of a small artifact", source: estimate(`${S3_API}PutObject.html`) },
  "aws:s3/bucketObjectv2:BucketObjectv2": { seconds: 3, why: "one PutObject of a small artifact", source: estimate(`${S3_API}PutObject.html`) },
  "aws:sqs/queue:Queue": {
    seconds: 5,
    why: "CreateQueue is synchronous; the provider waits until the queue's attributes read back (SQS is eventually consistent)",
    source: estimate("https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html"),
  },

  // --- Compute and load balancing --------------------------------------------------------------
  "aws:ec2/launchTemplate:LaunchTemplate": { seconds: 3, why: "synchronous API call", source: estimate(`${EC2_API}CreateLaunchTemplate.html`) },
  "aws:autoscaling/group:Group": {
    seconds: 5 * MINUTE,
    why: "with ELB health checks the provider waits for the minimum capacity to be InService and healthy in the target group: instance boot (~1 min), user data installing and starting the service, then the health-check thresholds",
    source: estimate("https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-health-checks.html"),
  },
  "aws:autoscaling/policy:Policy": { seconds: 3, why: "synchronous API call", source: estimate("https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutScalingPolicy.html") },
  // ECS on Fargate (computePlatform fargate).
  "aws:ecr/repository:Repository": { seconds: 3, why: "CreateRepository is synchronous", source: estimate(`${ECR_API}CreateRepository.html`) },
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": { seconds: 3, why: "PutLifecyclePolicy is synchronous", source: estimate(`${ECR_API}PutLifecyclePolicy.html`) },
  "docker-build:index:Image": {
    seconds: 3 * MINUTE,
    why: "an estimate, not a measurement: BuildKit pulls the two base images, copies one file, and pushes the image's layers to ECR (emulated arm64 on an x86_64 deployer; a warm cache makes it seconds)",
    source: estimate("https://www.pulumi.com/registry/packages/docker-build/api-docs/image/"),
  },
  "aws:ecs/cluster:Cluster": { seconds: 10, why: "CreateCluster returns ACTIVE; the provider waits for it (ECS API: Cluster status)", source: estimate(`${ECS_API}CreateCluster.html`) },
  "aws:ecs/taskDefinition:TaskDefinition": { seconds: 3, why: "RegisterTaskDefinition is synchronous", source: estimate(`${ECS_API}RegisterTaskDefinition.html`) },
  "aws:ecs/service:Service": {
    seconds: 5 * MINUTE,
    why: "with waitForSteadyState the provider waits until the desired tasks run and pass the target group's health checks: Fargate capacity and ENI per task (~1 min), image pull, the service's start, the health-check thresholds and the service's grace period",
    source: estimate(`${ECS_API}CreateService.html`),
  },
  "aws:lb/loadBalancer:LoadBalancer": {
    seconds: 3 * MINUTE,
    why: "an ALB starts 'provisioning' and is typically 'active' after about 3 minutes (ELB API: LoadBalancerState; the provider waits for active)",
    source: estimate(`${ELB_API}LoadBalancerState.html`),
  },
  "aws:lb/targetGroup:TargetGroup": { seconds: 3, why: "synchronous API call", source: estimate(`${ELB_API}CreateTargetGroup.html`) },
  "aws:lb/listener:Listener": { seconds: 3, why: "synchronous API call", source: estimate(`${ELB_API}CreateListener.html`) },
  "aws:lb/listenerRule:ListenerRule": { seconds: 3, why: "synchronous API call", source: estimate(`${ELB_API}CreateRule.html`) },
  "aws:lambda/function:Function": {
    seconds: 20,
    why: "a new function is 'Pending' while Lambda prepares its execution environment (ENIs only in a VPC); the provider waits for 'Active'",
    source: estimate("https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html"),
  },
  "aws:lambda/eventSourceMapping:EventSourceMapping": {
    seconds: 60,
    why: "a DynamoDB stream mapping goes 'Creating' → 'Enabled' in about a minute; the provider waits for Enabled",
    source: estimate("https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html"),
  },
  "aws:lambda/permission:Permission": { seconds: 3, why: "synchronous API call", source: estimate("https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html") },

  // --- Data stores -----------------------------------------------------------------------------
  "aws:dynamodb/table:Table": {
    seconds: 1 * MINUTE,
    why: "an empty provisioned table with its GSIs goes 'CREATING' → 'ACTIVE' in well under a minute; with streams, PITR and TTL the provider's follow-up updates bring it to about a minute",
    source: estimate(`${DYNAMODB_API}CreateTable.html`),
  },
  "aws:dynamodb/tableReplica:TableReplica": {
    seconds: 10 * MINUTE,
    why: "adding a region to a global table (2019.11.21) backfills the replica and re-creates its GSIs; minutes for an empty table and longer with data (DynamoDB developer guide, 'Global tables: adding a replica')",
    source: estimate(`${DYNAMODB_API}UpdateTable.html`),
  },
  "aws:dynamodb/kinesisStreamingDestination:KinesisStreamingDestination": { seconds: 1 * MINUTE, why: "enabling a destination takes about a minute", source: estimate(`${DYNAMODB_API}EnableKinesisStreamingDestination.html`) },
  "aws:appautoscaling/target:Target": { seconds: 3, why: "RegisterScalableTarget is synchronous", source: estimate(`${APP_AUTOSCALING_API}RegisterScalableTarget.html`) },
  "aws:appautoscaling/policy:Policy": { seconds: 3, why: "PutScalingPolicy is synchronous (it also creates the CloudWatch alarms)", source: estimate(`${APP_AUTOSCALING_API}PutScalingPolicy.html`) },
  "aws:appautoscaling/scheduledAction:ScheduledAction": { seconds: 3, why: "synchronous API call", source: estimate(`${APP_AUTOSCALING_API}PutScheduledAction.html`) },
  "aws:dax/cluster:Cluster": {
    seconds: 10 * MINUTE,
    why: "'Creating the cluster takes several minutes' (DynamoDB developer guide, DAX: create a cluster); about 10 minutes for three nodes, the provider waits for every node to be available",
    source: estimate(`${DYNAMODB_API}dax_CreateCluster.html`),
  },
  "aws:dax/subnetGroup:SubnetGroup": { seconds: 3, why: "synchronous API call", source: estimate(`${DYNAMODB_API}dax_CreateSubnetGroup.html`) },
  "aws:dax/parameterGroup:ParameterGroup": { seconds: 3, why: "synchronous API call", source: estimate(`${DYNAMODB_API}dax_CreateParameterGroup.html`) },
  "aws:rds/cluster:Cluster": {
    seconds: 3 * MINUTE,
    why: "an Aurora cluster without instances (storage volume and endpoints) is 'available' in a few minutes; a Multi-AZ DB cluster has its own entry below",
    source: published(AURORA_CREATION),
  },
  "aws:rds/clusterInstance:ClusterInstance": {
    seconds: 10 * MINUTE,
    why: "an Aurora instance goes 'creating' → 'available' in about 10 minutes; with the cluster's 3, inside AWS's 10-20 minutes for a cluster and its instance",
    source: published(AURORA_CREATION),
  },
  "aws:rds/instance:Instance": {
    seconds: 15 * MINUTE,
    why: "an RDS Multi-AZ instance creates the primary, then the synchronous standby and its first backup: about 15 minutes",
    source: estimate(`${RDS_API}CreateDBInstance.html`),
  },
  "aws:rds/subnetGroup:SubnetGroup": { seconds: 3, why: "synchronous API call", source: estimate(`${RDS_API}CreateDBSubnetGroup.html`) },
  "aws:rds/clusterParameterGroup:ClusterParameterGroup": { seconds: 5, why: "create plus modify-parameters, synchronous", source: estimate(`${RDS_API}CreateDBClusterParameterGroup.html`) },
  "aws:rds/parameterGroup:ParameterGroup": { seconds: 5, why: "create plus modify-parameters, synchronous", source: estimate(`${RDS_API}CreateDBParameterGroup.html`) },
  "aws:elasticache/replicationGroup:ReplicationGroup": {
    seconds: 12 * MINUTE,
    why: "a replication group with a node per AZ is typically 'available' after 10-15 minutes (the SDK's ReplicationGroupAvailable waiter allows 40 × 15 s); the provider waits for available",
    source: estimate(`${ELASTICACHE_API}CreateReplicationGroup.html`),
  },
  "aws:elasticache/subnetGroup:SubnetGroup": { seconds: 3, why: "synchronous API call", source: estimate(`${ELASTICACHE_API}CreateCacheSubnetGroup.html`) },
  "aws:elasticache/parameterGroup:ParameterGroup": { seconds: 5, why: "create plus modify-parameters, synchronous", source: estimate(`${ELASTICACHE_API}CreateCacheParameterGroup.html`) },
  "aws:elasticache/user:User": { seconds: 10, why: "an RBAC user is 'active' within seconds", source: estimate(`${ELASTICACHE_API}CreateUser.html`) },
  "aws:elasticache/userGroup:UserGroup": { seconds: 30, why: "a user group is 'active' within tens of seconds", source: estimate(`${ELASTICACHE_API}CreateUserGroup.html`) },
};

/**
 * Resources whose creation time depends on how they are configured, not only on their type: checked
 * before CREATION_TIMES, first match wins.
 */
export const CREATION_TIME_VARIANTS: readonly {
  type: string;
  variant: string;
  applies: (inputs: Record<string, unknown>) => boolean;
  time: CreationTime;
}[] = [
  {
    type: "aws:rds/cluster:Cluster",
    variant: "Multi-AZ DB cluster",
    applies: (inputs) => typeof inputs.dbClusterInstanceClass === "string",
    time: {
      seconds: 20 * MINUTE,
      why: "a Multi-AZ DB cluster (dbClusterInstanceClass set) creates its writer and two readable standbys itself: about 20 minutes",
      source: estimate(`${RDS_API}CreateDBCluster.html`),
    },
  },
  {
    type: "aws:autoscaling/group:Group",
    variant: "EC2 health checks only",
    applies: (inputs) => inputs.healthCheckType !== "ELB" && inputs.waitForElbCapacity === undefined,
    time: {
      seconds: 2 * MINUTE,
      why: "without ELB health checks the provider waits only for the minimum capacity to be InService: instance launch and boot",
      source: estimate("https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-health-checks.html"),
    },
  },
];

/** The figure for one type token (the default for types the table does not know). */
export function creationTime(type: string): CreationTime {
  return CREATION_TIMES[type] ?? DEFAULT_CREATION_TIME;
}

/** The figure for one resource: a configuration variant of its type if one applies, else its type's. */
export function creationTimeOf(resource: { type: string; inputs: Record<string, unknown> }): CreationTime {
  const variant = CREATION_TIME_VARIANTS.find((v) => v.type === resource.type && v.applies(resource.inputs));
  return variant?.time ?? creationTime(resource.type);
}
