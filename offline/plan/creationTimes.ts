/**
 * Typical creation time per resource type: the ONE table the deployment critical path is weighted
 * with. A figure is what `pulumi up` typically waits for a resource of that type to be created in
 * an empty account — the provider returns only when AWS reports the resource ready (available,
 * active, InService) — not the provider's timeout, which is a ceiling several times larger.
 *
 * The figures are typical, not guaranteed: AWS publishes no creation SLAs. Each entry says where
 * its figure comes from. Times vary with region load, instance class, and (for replicas) the data
 * already in the table; treat the critical path as an estimate to compare designs with, and the
 * slowest single resource as the floor no dependency change can beat.
 */

export interface CreationTime {
  /** Typical seconds from create call to ready. */
  seconds: number;
  /** Why this figure: the AWS behaviour it reflects and where that is documented or observed. */
  why: string;
}

const MINUTE = 60;

/** Used for any type not listed: a control-plane object that exists when its API call returns. */
export const DEFAULT_CREATION_TIME: CreationTime = {
  seconds: 10,
  why: "default for types not listed: most AWS control-plane objects exist when the create call returns; 10 s covers the call, the provider's read-back and eventual-consistency retries",
};

/** Keyed by Pulumi type token. */
export const CREATION_TIMES: Readonly<Record<string, CreationTime>> = {
  // --- Pulumi itself ---------------------------------------------------------------------------
  "pulumi:providers:aws": { seconds: 0, why: "a provider is configured in-process; nothing is created in AWS" },
  "pulumi:pulumi:StackReference": { seconds: 1, why: "one read of another stack's outputs from the Pulumi backend" },

  // --- Network ---------------------------------------------------------------------------------
  "aws:ec2/vpc:Vpc": { seconds: 10, why: "CreateVpc returns a pending VPC that is available within seconds; the provider then sets DNS attributes" },
  "aws:ec2/subnet:Subnet": { seconds: 5, why: "CreateSubnet is synchronous apart from a short wait for state 'available'" },
  "aws:ec2/internetGateway:InternetGateway": { seconds: 5, why: "create plus AttachInternetGateway, both synchronous" },
  "aws:ec2/eip:Eip": { seconds: 3, why: "AllocateAddress is synchronous" },
  "aws:ec2/natGateway:NatGateway": {
    seconds: 2 * MINUTE,
    why: "a NAT gateway starts 'pending' and is typically 'available' after 1-3 minutes (EC2 user guide, 'NAT gateways': the provider waits for state available)",
  },
  "aws:ec2/routeTable:RouteTable": { seconds: 3, why: "synchronous API call" },
  "aws:ec2/route:Route": { seconds: 3, why: "synchronous API call; the provider re-reads until the route is visible" },
  "aws:ec2/routeTableAssociation:RouteTableAssociation": { seconds: 3, why: "synchronous API call" },
  "aws:ec2/vpcEndpoint:VpcEndpoint": {
    seconds: 30,
    why: "gateway endpoints (DynamoDB, S3) are 'available' within tens of seconds; interface endpoints take minutes but none is declared here",
  },
  "aws:ec2/flowLog:FlowLog": { seconds: 5, why: "synchronous API call" },
  "aws:ec2/securityGroup:SecurityGroup": { seconds: 5, why: "create plus revoking the default egress rule, both synchronous" },
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": { seconds: 5, why: "adopts the VPC's default group and revokes its rules" },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": { seconds: 2, why: "synchronous API call" },
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": { seconds: 2, why: "synchronous API call" },

  // --- Identity, keys, logs, storage -----------------------------------------------------------
  "aws:iam/role:Role": { seconds: 10, why: "CreateRole is synchronous, but IAM is eventually consistent: the provider retries until the role is usable" },
  "aws:iam/rolePolicy:RolePolicy": { seconds: 5, why: "synchronous API call (IAM eventual consistency)" },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { seconds: 5, why: "synchronous API call (IAM eventual consistency)" },
  "aws:iam/policy:Policy": { seconds: 5, why: "synchronous API call (IAM eventual consistency)" },
  "aws:iam/instanceProfile:InstanceProfile": {
    seconds: 15,
    why: "an instance profile must propagate before EC2 accepts it; the provider waits for it to be visible",
  },
  "aws:kms/key:Key": { seconds: 10, why: "CreateKey is synchronous; the provider waits for the key policy and rotation to read back" },
  "aws:kms/alias:Alias": { seconds: 3, why: "synchronous API call" },
  "aws:cloudwatch/logGroup:LogGroup": { seconds: 3, why: "synchronous API call" },
  "aws:secretsmanager/secret:Secret": { seconds: 3, why: "synchronous API call" },
  "aws:secretsmanager/secretVersion:SecretVersion": { seconds: 3, why: "synchronous API call" },
  "aws:s3/bucket:Bucket": { seconds: 5, why: "CreateBucket plus the provider's read-back for S3's eventual consistency" },
  "aws:s3/bucketV2:BucketV2": { seconds: 5, why: "CreateBucket plus the provider's read-back for S3's eventual consistency" },
  "aws:s3/bucketObject:BucketObject": { seconds: 3, why: "one PutObject of a small artifact" },
  "aws:s3/bucketObjectv2:BucketObjectv2": { seconds: 3, why: "one PutObject of a small artifact" },
  "aws:sqs/queue:Queue": {
    seconds: 5,
    why: "CreateQueue is synchronous; the provider waits until the queue's attributes read back (SQS is eventually consistent)",
  },

  // --- Compute and load balancing --------------------------------------------------------------
  "aws:ec2/launchTemplate:LaunchTemplate": { seconds: 3, why: "synchronous API call" },
  "aws:autoscaling/group:Group": {
    seconds: 5 * MINUTE,
    why: "with ELB health checks the provider waits for the minimum capacity to be InService and healthy in the target group: instance boot (~1 min), user data installing and starting the service, then the health-check thresholds",
  },
  "aws:autoscaling/policy:Policy": { seconds: 3, why: "synchronous API call" },
  // ECS on Fargate (computePlatform fargate).
  "aws:ecr/repository:Repository": { seconds: 3, why: "CreateRepository is synchronous" },
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": { seconds: 3, why: "PutLifecyclePolicy is synchronous" },
  "docker-build:index:Image": {
    seconds: 3 * MINUTE,
    why: "an estimate, not a measurement: BuildKit pulls the two base images, copies one file, and pushes the image's layers to ECR (emulated arm64 on an x86_64 deployer; a warm cache makes it seconds)",
  },
  "aws:ecs/cluster:Cluster": { seconds: 10, why: "CreateCluster returns ACTIVE; the provider waits for it (ECS API: Cluster status)" },
  "aws:ecs/taskDefinition:TaskDefinition": { seconds: 3, why: "RegisterTaskDefinition is synchronous" },
  "aws:ecs/service:Service": {
    seconds: 5 * MINUTE,
    why: "with waitForSteadyState the provider waits until the desired tasks run and pass the target group's health checks: Fargate capacity and ENI per task (~1 min), image pull, the service's start, the health-check thresholds and the service's grace period",
  },
  "aws:lb/loadBalancer:LoadBalancer": {
    seconds: 3 * MINUTE,
    why: "an ALB starts 'provisioning' and is typically 'active' after about 3 minutes (ELB API: LoadBalancerState; the provider waits for active)",
  },
  "aws:lb/targetGroup:TargetGroup": { seconds: 3, why: "synchronous API call" },
  "aws:lb/listener:Listener": { seconds: 3, why: "synchronous API call" },
  "aws:lb/listenerRule:ListenerRule": { seconds: 3, why: "synchronous API call" },
  "aws:lambda/function:Function": {
    seconds: 20,
    why: "a new function is 'Pending' while Lambda prepares its execution environment (ENIs only in a VPC); the provider waits for 'Active'",
  },
  "aws:lambda/eventSourceMapping:EventSourceMapping": {
    seconds: 60,
    why: "a DynamoDB stream mapping goes 'Creating' → 'Enabled' in about a minute; the provider waits for Enabled",
  },
  "aws:lambda/permission:Permission": { seconds: 3, why: "synchronous API call" },

  // --- Data stores -----------------------------------------------------------------------------
  "aws:dynamodb/table:Table": {
    seconds: 1 * MINUTE,
    why: "an empty provisioned table with its GSIs goes 'CREATING' → 'ACTIVE' in well under a minute; with streams, PITR and TTL the provider's follow-up updates bring it to about a minute",
  },
  "aws:dynamodb/tableReplica:TableReplica": {
    seconds: 10 * MINUTE,
    why: "adding a region to a global table (2019.11.21) backfills the replica and re-creates its GSIs; minutes for an empty table and longer with data (DynamoDB developer guide, 'Global tables: adding a replica')",
  },
  "aws:dynamodb/kinesisStreamingDestination:KinesisStreamingDestination": { seconds: 1 * MINUTE, why: "enabling a destination takes about a minute" },
  "aws:appautoscaling/target:Target": { seconds: 3, why: "RegisterScalableTarget is synchronous" },
  "aws:appautoscaling/policy:Policy": { seconds: 3, why: "PutScalingPolicy is synchronous (it also creates the CloudWatch alarms)" },
  "aws:appautoscaling/scheduledAction:ScheduledAction": { seconds: 3, why: "synchronous API call" },
  "aws:dax/cluster:Cluster": {
    seconds: 10 * MINUTE,
    why: "'Creating the cluster takes several minutes' (DynamoDB developer guide, DAX: create a cluster); about 10 minutes for three nodes, the provider waits for every node to be available",
  },
  "aws:dax/subnetGroup:SubnetGroup": { seconds: 3, why: "synchronous API call" },
  "aws:dax/parameterGroup:ParameterGroup": { seconds: 3, why: "synchronous API call" },
  "aws:rds/cluster:Cluster": {
    seconds: 3 * MINUTE,
    why: "an Aurora cluster without instances (storage volume and endpoints) is 'available' in a few minutes; a Multi-AZ DB cluster has its own entry below",
  },
  "aws:rds/clusterInstance:ClusterInstance": {
    seconds: 10 * MINUTE,
    why: "an Aurora instance typically goes 'creating' → 'available' in about 10 minutes (Aurora user guide: creating a DB cluster; 10-20 minutes for a cluster with instances)",
  },
  "aws:rds/instance:Instance": {
    seconds: 15 * MINUTE,
    why: "an RDS Multi-AZ instance creates the primary, then the synchronous standby and its first backup: about 15 minutes",
  },
  "aws:rds/subnetGroup:SubnetGroup": { seconds: 3, why: "synchronous API call" },
  "aws:rds/clusterParameterGroup:ClusterParameterGroup": { seconds: 5, why: "create plus modify-parameters, synchronous" },
  "aws:rds/parameterGroup:ParameterGroup": { seconds: 5, why: "create plus modify-parameters, synchronous" },
  "aws:elasticache/replicationGroup:ReplicationGroup": {
    seconds: 12 * MINUTE,
    why: "a replication group with a node per AZ is typically 'available' after 10-15 minutes (the SDK's ReplicationGroupAvailable waiter allows 40 × 15 s); the provider waits for available",
  },
  "aws:elasticache/subnetGroup:SubnetGroup": { seconds: 3, why: "synchronous API call" },
  "aws:elasticache/parameterGroup:ParameterGroup": { seconds: 5, why: "create plus modify-parameters, synchronous" },
  "aws:elasticache/user:User": { seconds: 10, why: "an RBAC user is 'active' within seconds" },
  "aws:elasticache/userGroup:UserGroup": { seconds: 30, why: "a user group is 'active' within tens of seconds" },
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
    },
  },
  {
    type: "aws:autoscaling/group:Group",
    variant: "EC2 health checks only",
    applies: (inputs) => inputs.healthCheckType !== "ELB" && inputs.waitForElbCapacity === undefined,
    time: {
      seconds: 2 * MINUTE,
      why: "without ELB health checks the provider waits only for the minimum capacity to be InService: instance launch and boot",
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
