/**
 * The instance role's inline policy, as a pure function of the ARNs it may touch, so that its
 * least-privilege shape is unit tested and asserted over every stack.
 */

export interface InstancePolicyResources {
  region: string;
  tableArn: string;
  indexArns: string[];
  daxClusterArn: string;
  /** The artifact object exactly (`<bucket ARN>/<key>`), not the bucket. */
  artifactObjectArn: string;
  /** The cluster's KMS key: decrypts the artifact (SSE-KMS) and the cursor key (SecureString). */
  kmsKeyArn: string;
  cursorSecretParameterArn: string;
  logGroupArn: string;
  /** Reference data: `rds-db:connect` for the app's database user, `elasticache:Connect` on the cache. */
  referenceData?: {
    /** arn:…:rds-db:<region>:<account>:dbuser:<cluster resource id>/trading_app */
    dbConnectArn: string;
    cacheReplicationGroupArn: string;
    cacheUserArn: string;
  };
}

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** Item operations the service performs on the table (transactions are authorised per item action). */
export const TABLE_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:ConditionCheckItem",
] as const;

/** The same operations through DAX (eventually consistent reads and all writes go there). */
export const DAX_ACTIONS = TABLE_ACTIONS.map((a) => a.replace("dynamodb:", "dax:"));

/**
 * The only actions granted on "*", because AWS offers no resource-level permission for them:
 * Session Manager's agent registration (ssm:UpdateInstanceInformation) and its control and data
 * channels (ssmmessages:*Channel). This is the instance-profile policy AWS documents for Session
 * Manager, without the AmazonSSMManagedInstanceCore extras (no Run Command, no parameter reads).
 */
export const ACTIONS_AWS_REQUIRES_ON_ANY_RESOURCE = [
  "ssm:UpdateInstanceInformation",
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
] as const;

export function instancePolicyDocument(r: InstancePolicyResources): PolicyDocument {
  const statements: PolicyStatement[] = [
    { Sid: "TableItems", Effect: "Allow", Action: [...TABLE_ACTIONS], Resource: r.tableArn },
    { Sid: "DaxItems", Effect: "Allow", Action: DAX_ACTIONS, Resource: r.daxClusterArn },
    { Sid: "ServiceArtifact", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: r.artifactObjectArn },
    { Sid: "CursorKey", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: r.cursorSecretParameterArn },
    {
      Sid: "DecryptArtifactAndCursorKey",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: r.kmsKeyArn,
      // Only when S3 or SSM decrypts on the instance's behalf, never a direct Decrypt call.
      Condition: { StringEquals: { "kms:ViaService": [`s3.${r.region}.amazonaws.com`, `ssm.${r.region}.amazonaws.com`] } },
    },
    {
      Sid: "ServiceLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [r.logGroupArn, `${r.logGroupArn}:*`],
    },
    { Sid: "SessionManager", Effect: "Allow", Action: [...ACTIONS_AWS_REQUIRES_ON_ANY_RESOURCE], Resource: "*" },
  ];
  if (r.referenceData) {
    // IAM authentication as exactly one database user, and to exactly one cache with one cache user
    // (elasticache:Connect is authorised on both the replication group and the user).
    statements.push(
      { Sid: "ReferenceDatabase", Effect: "Allow", Action: ["rds-db:connect"], Resource: r.referenceData.dbConnectArn },
      {
        Sid: "ReferenceCache",
        Effect: "Allow",
        Action: ["elasticache:Connect"],
        Resource: [r.referenceData.cacheReplicationGroupArn, r.referenceData.cacheUserArn],
      },
    );
  }
  if (r.indexArns.length > 0) {
    // Indexes are only ever queried.
    statements.splice(1, 0, { Sid: "IndexQueries", Effect: "Allow", Action: ["dynamodb:Query"], Resource: r.indexArns });
  }
  return { Version: "2012-10-17", Statement: statements };
}
