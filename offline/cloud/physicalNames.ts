/**
 * Which inputs of a resource are a physical name AWS keeps unique, in which namespace, and what AWS
 * answers when a second resource asks for a name that is taken. The fake account
 * (offline/cloud/fakeAccount.ts) refuses such a create, as a real account does, so a stack that
 * plans offline also creates in an account another stack already deploys into.
 *
 * A name longer than the type allows is refused too (limits from each service's API reference:
 * ALB and target group names 32 characters, DAX cluster names 20, ElastiCache replication group ids
 * 40, RDS identifiers and S3 bucket names 63, Lambda function and IAM role names 64, ...).
 *
 * Only names a program sets explicitly are claimed: a name the provider generates (no name input,
 * or `namePrefix`, to which it appends a random suffix) never collides.
 *
 * Where AWS does not refuse but silently shares or overwrites (SNS CreateTopic "is idempotent, so
 * if the requester already owns a topic with the specified name, that topic's ARN is returned
 * without creating a new topic", https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html;
 * SQS CreateQueue likewise returns a same-named queue with the same attributes; PutMetricAlarm,
 * PutDashboard, PutRule and PutResourcePolicy overwrite it: "the update completely overwrites the previous configuration of the alarm",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html), the
 * fake refuses all the same and says so: two stacks fighting over one alarm or topic are broken
 * even if no API call fails, and the second stack's `destroy` deletes the first one's resource.
 */

/** Where a name must be unique. */
export type NameScope =
  /** One account in one region (most services). */
  | "region"
  /** One account, every region (IAM, CloudWatch dashboards, RDS global clusters). */
  | "account"
  /** Every account, one region (Cognito prefix domains: <prefix>.auth.<region>.amazoncognito.com). */
  | "world-region"
  /** Every account, every region (S3 bucket names). */
  | "world";

export interface NameRule {
  /** The input that holds the name. */
  readonly property: string;
  readonly scope: NameScope;
  /** Names that differ only in case are the same name (RDS, ElastiCache, IAM, S3 are lower case or case-insensitive). */
  readonly caseInsensitive?: boolean;
  /** An input that narrows the namespace (a security group's name is unique per VPC). */
  readonly within?: string;
  /** The longest name AWS accepts, where this program could come near it. */
  readonly maxLength?: number;
  /** AWS's error for a taken name. */
  readonly error: (name: string) => string;
}

const silent = (what: string) => (name: string) =>
  `NameAlreadyTaken: ${what} "${name}" already exists in this account and region (AWS would not refuse: it would share or overwrite the existing one, and either stack's destroy would delete it for both)`;

/**
 * The physical-name rules by resource type token. A type not listed has no explicit name in this
 * program or a name scoped to a parent (an IAM inline policy per role, a scheduled action per
 * scalable target, a Route 53 record per zone and set identifier, a Cognito app client per pool).
 * Cognito user pool names are not unique at all (CreateUserPool accepts a duplicate name).
 */
export const NAME_RULES: Readonly<Record<string, readonly NameRule[]>> = {
  "aws:lambda/function:Function": [{ maxLength: 64, property: "name", scope: "region", error: (n) => `ResourceConflictException: Function already exist: ${n}` }],
  "aws:cloudwatch/logGroup:LogGroup": [
    { maxLength: 512, property: "name", scope: "region", error: (n) => `ResourceAlreadyExistsException: The specified log group already exists: ${n}` },
  ],
  "aws:iam/role:Role": [{ maxLength: 64, property: "name", scope: "account", caseInsensitive: true, error: (n) => `EntityAlreadyExists: Role with name ${n} already exists.` }],
  "aws:iam/policy:Policy": [
    { maxLength: 128, property: "name", scope: "account", caseInsensitive: true, error: (n) => `EntityAlreadyExists: A policy called ${n} already exists. Duplicate names are not allowed.` },
  ],
  "aws:iam/instanceProfile:InstanceProfile": [
    { maxLength: 128, property: "name", scope: "account", caseInsensitive: true, error: (n) => `EntityAlreadyExists: Instance Profile ${n} already exists.` },
  ],
  "aws:rds/cluster:Cluster": [
    { maxLength: 63, property: "clusterIdentifier", scope: "region", caseInsensitive: true, error: (n) => `DBClusterAlreadyExistsFault: DB Cluster already exists (${n})` },
  ],
  "aws:rds/globalCluster:GlobalCluster": [
    { maxLength: 63, property: "globalClusterIdentifier", scope: "account", caseInsensitive: true, error: (n) => `GlobalClusterAlreadyExistsFault: Global cluster ${n} already exists` },
  ],
  "aws:rds/clusterInstance:ClusterInstance": [
    { maxLength: 63, property: "identifier", scope: "region", caseInsensitive: true, error: (n) => `DBInstanceAlreadyExists: DB instance already exists (${n})` },
  ],
  "aws:rds/clusterParameterGroup:ClusterParameterGroup": [
    { maxLength: 255, property: "name", scope: "region", caseInsensitive: true, error: (n) => `DBParameterGroupAlreadyExists: Parameter group ${n} already exists` },
  ],
  "aws:rds/subnetGroup:SubnetGroup": [
    { maxLength: 255, property: "name", scope: "region", caseInsensitive: true, error: (n) => `DBSubnetGroupAlreadyExists: The DB subnet group '${n}' already exists.` },
  ],
  "aws:elasticache/replicationGroup:ReplicationGroup": [
    { maxLength: 40, property: "replicationGroupId", scope: "region", caseInsensitive: true, error: (n) => `ReplicationGroupAlreadyExists: Replication group ${n} already exists.` },
  ],
  "aws:elasticache/user:User": [{ maxLength: 40, property: "userId", scope: "region", error: (n) => `UserAlreadyExists: User ${n} already exists.` }],
  "aws:elasticache/userGroup:UserGroup": [{ maxLength: 40, property: "userGroupId", scope: "region", error: (n) => `UserGroupAlreadyExists: User group ${n} already exists.` }],
  "aws:elasticache/parameterGroup:ParameterGroup": [
    { property: "name", scope: "region", caseInsensitive: true, error: (n) => `CacheParameterGroupAlreadyExists: Parameter group ${n} already exists.` },
  ],
  "aws:elasticache/subnetGroup:SubnetGroup": [
    { property: "name", scope: "region", caseInsensitive: true, error: (n) => `CacheSubnetGroupAlreadyExists: Cache subnet group ${n} already exists.` },
  ],
  "aws:dax/cluster:Cluster": [{ maxLength: 20, property: "clusterName", scope: "region", caseInsensitive: true, error: (n) => `ClusterAlreadyExistsFault: Cluster ${n} already exists.` }],
  "aws:dax/subnetGroup:SubnetGroup": [
    { property: "name", scope: "region", caseInsensitive: true, error: (n) => `SubnetGroupAlreadyExistsFault: Subnet group ${n} already exists.` },
  ],
  "aws:dax/parameterGroup:ParameterGroup": [
    { property: "name", scope: "region", caseInsensitive: true, error: (n) => `ParameterGroupAlreadyExistsFault: Parameter group ${n} already exists.` },
  ],
  "aws:dynamodb/table:Table": [{ maxLength: 255, property: "name", scope: "region", error: (n) => `ResourceInUseException: Table already exists: ${n}` }],
  "aws:kms/alias:Alias": [{ maxLength: 256, property: "name", scope: "region", error: (n) => `AlreadyExistsException: An alias with the name ${n} already exists` }],
  "aws:ssm/parameter:Parameter": [
    {
      property: "name",
      scope: "region",
      error: (n) => `ParameterAlreadyExists: The parameter ${n} already exists. To overwrite this value, set the overwrite option in the request to true.`,
    },
  ],
  "aws:secretsmanager/secret:Secret": [
    { maxLength: 512, property: "name", scope: "region", error: (n) => `ResourceExistsException: The operation failed because the secret ${n} already exists.` },
  ],
  "aws:sns/topic:Topic": [{ maxLength: 256, property: "name", scope: "region", error: silent("SNS topic") }],
  "aws:sqs/queue:Queue": [{ maxLength: 80, property: "name", scope: "region", error: silent("SQS queue") }],
  "aws:cloudwatch/metricAlarm:MetricAlarm": [{ maxLength: 255, property: "name", scope: "region", error: silent("CloudWatch alarm") }],
  "aws:cloudwatch/compositeAlarm:CompositeAlarm": [{ maxLength: 255, property: "alarmName", scope: "region", error: silent("CloudWatch composite alarm") }],
  // A dashboard's ARN has no region (arn:aws:cloudwatch::<account>:dashboard/<name>): one namespace per account.
  "aws:cloudwatch/dashboard:Dashboard": [{ maxLength: 255, property: "dashboardName", scope: "account", error: silent("CloudWatch dashboard") }],
  "aws:cloudwatch/eventRule:EventRule": [{ maxLength: 64, property: "name", scope: "region", within: "eventBusName", error: silent("EventBridge rule") }],
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": [{ property: "policyName", scope: "region", error: silent("CloudWatch Logs resource policy") }],
  "aws:wafv2/webAcl:WebAcl": [
    { maxLength: 128, property: "name", scope: "region", within: "scope", error: (n) => `WAFDuplicateItemException: AWS WAF couldn't perform the operation because some resource in your request is a duplicate of an existing one (web ACL ${n}).` },
  ],
  "aws:cognito/userPoolDomain:UserPoolDomain": [
    { maxLength: 63, property: "domain", scope: "world-region", caseInsensitive: true, error: (n) => `InvalidParameterException: Domain already exists. (${n})` },
  ],
  "aws:lb/loadBalancer:LoadBalancer": [
    { maxLength: 32, property: "name", scope: "region", caseInsensitive: true, error: (n) => `DuplicateLoadBalancerName: A load balancer with the same name '${n}' exists, but with different settings` },
  ],
  "aws:lb/targetGroup:TargetGroup": [
    { maxLength: 32, property: "name", scope: "region", caseInsensitive: true, error: (n) => `DuplicateTargetGroupName: A target group with the same name '${n}' exists, but with different settings` },
  ],
  "aws:ec2/launchTemplate:LaunchTemplate": [
    { maxLength: 128, property: "name", scope: "region", error: (n) => `InvalidLaunchTemplateName.AlreadyExistsException: Launch template name already in use (${n}).` },
  ],
  "aws:autoscaling/group:Group": [{ maxLength: 255, property: "name", scope: "region", error: (n) => `AlreadyExists: AutoScalingGroup by this name already exists - A group with the name ${n} already exists` }],
  "aws:ec2/securityGroup:SecurityGroup": [
    { property: "name", scope: "region", within: "vpcId", error: (n) => `InvalidGroup.Duplicate: The security group '${n}' already exists for VPC` },
  ],
  "aws:ecr/repository:Repository": [
    { property: "name", scope: "region", error: (n) => `RepositoryAlreadyExistsException: The repository with name '${n}' already exists in the registry` },
  ],
  "aws:ecs/cluster:Cluster": [{ property: "name", scope: "region", error: silent("ECS cluster") }],
  "aws:s3/bucket:Bucket": [
    {
      maxLength: 63, property: "bucket",
      scope: "world",
      caseInsensitive: true,
      error: (n) => `BucketAlreadyExists: The requested bucket name is not available. The bucket namespace is shared by all users of the system. (${n})`,
    },
  ],
  "aws:s3/bucketV2:BucketV2": [
    {
      maxLength: 63, property: "bucket",
      scope: "world",
      caseInsensitive: true,
      error: (n) => `BucketAlreadyExists: The requested bucket name is not available. The bucket namespace is shared by all users of the system. (${n})`,
    },
  ],
};

/** One name a resource asks for: the namespace key it must be unique in, and AWS's refusal. */
export interface NameClaim {
  readonly scope: NameScope;
  /** Namespace within the scope: type and property, plus the `within` input when there is one. */
  readonly namespace: string;
  readonly name: string;
  readonly error: string;
  /** AWS's refusal of a name that is too long, when it is. */
  readonly tooLong?: string;
}

/** The explicit physical names a resource of `type` with `inputs` asks for (none when auto-named). */
export function nameClaims(type: string, inputs: Record<string, unknown>): NameClaim[] {
  return (NAME_RULES[type] ?? []).flatMap((rule) => {
    const value = inputs[rule.property];
    if (typeof value !== "string" || value === "") return [];
    const within = rule.within ? `/${String(inputs[rule.within] ?? "")}` : "";
    const name = rule.caseInsensitive ? value.toLowerCase() : value;
    const tooLong =
      rule.maxLength !== undefined && value.length > rule.maxLength
        ? `ValidationError: ${rule.property} "${value}" of ${type} is ${value.length} characters; AWS accepts at most ${rule.maxLength}`
        : undefined;
    return [{ scope: rule.scope, namespace: `${type}.${rule.property}${within}`, name, error: rule.error(value), tooLong }];
  });
}
