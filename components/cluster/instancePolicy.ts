/**
 * The instance role's inline policy, as a pure function of the ARNs it may touch, so that its
 * least-privilege shape is unit tested and asserted over every stack. The actions come from the
 * resources' owners (components/dynamo/perms.ts, components/shared/); only Session Manager's, which
 * belong to no resource of ours, are listed here.
 */
import { DAX_ACTIONS, INDEX_ACTIONS, TABLE_ACTIONS } from "../dynamo/perms";
import { KEY_DECRYPT_ACTIONS } from "../shared/kmsKey";
import { LOG_WRITE_AND_DESCRIBE_ACTIONS, logStreamsArn } from "../shared/logGroup";
import { OBJECT_READ_ACTIONS } from "../shared/privateBucket";

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
    { Sid: "ServiceArtifact", Effect: "Allow", Action: [...OBJECT_READ_ACTIONS], Resource: r.artifactObjectArn },
    { Sid: "CursorKey", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: r.cursorSecretParameterArn },
    {
      Sid: "DecryptArtifactAndCursorKey",
      Effect: "Allow",
      Action: [...KEY_DECRYPT_ACTIONS],
      Resource: r.kmsKeyArn,
      // Only when S3 or SSM decrypts on the instance's behalf, never a direct Decrypt call.
      Condition: { StringEquals: { "kms:ViaService": [`s3.${r.region}.amazonaws.com`, `ssm.${r.region}.amazonaws.com`] } },
    },
    {
      Sid: "ServiceLogs",
      Effect: "Allow",
      Action: [...LOG_WRITE_AND_DESCRIBE_ACTIONS],
      Resource: [r.logGroupArn, logStreamsArn(r.logGroupArn)],
    },
    { Sid: "SessionManager", Effect: "Allow", Action: [...ACTIONS_AWS_REQUIRES_ON_ANY_RESOURCE], Resource: "*" },
  ];
  if (r.indexArns.length > 0) {
    statements.splice(1, 0, { Sid: "IndexQueries", Effect: "Allow", Action: [...INDEX_ACTIONS], Resource: r.indexArns });
  }
  return { Version: "2012-10-17", Statement: statements };
}
