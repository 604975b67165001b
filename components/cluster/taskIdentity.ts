/**
 * Who the Fargate tasks are (computePlatform fargate): a task role the service's code runs as, with
 * the instance role's permissions on the data it serves (instancePolicy.ts, filtered, so the two
 * platforms never drift apart), and an execution role ECS itself uses to pull the image, ship the
 * logs and inject the cursor key.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DataAccess } from "../data/access";
import type { HotPathAccess } from "../dynamo/access";
import { KEY_DECRYPT_ACTIONS } from "../shared/kmsKey";
import { LOG_WRITE_ACTIONS, logStreamsArn } from "../shared/logGroup";
import { instancePolicyDocument, InstancePolicyResources, PolicyDocument, PolicyStatement } from "./instancePolicy";

/**
 * The instance policy's statements a task's code needs: the table, its indexes and key, DAX, the
 * reference database and the cache. Left out, because on Fargate ECS does the work through the
 * execution role or it does not exist: the artifact (it is in the image), the cursor key (injected
 * as a secret), the logs (the awslogs driver ships stdout), Session Manager (no agent; ECS Exec is
 * off). The write-region flag is granted by RegionFailover to the role named by `instanceRoleArn`,
 * which on Fargate is the task role.
 */
export const TASK_STATEMENT_SIDS = ["TableItems", "IndexQueries", "TableKeyViaDynamoDB", "DaxItems", "ReferenceDatabase", "ReferenceCache"] as const;

export function taskPolicyDocument(r: InstancePolicyResources): PolicyDocument {
  const keep = new Set<string>(TASK_STATEMENT_SIDS);
  return { Version: "2012-10-17", Statement: instancePolicyDocument(r).Statement.filter((s) => keep.has(s.Sid)) };
}

/**
 * Reading an image from ECR (ECS Developer Guide, "Amazon ECS task execution IAM role": the managed
 * AmazonECSTaskExecutionRolePolicy grants these on "*"; here on the stack's repository only).
 */
export const IMAGE_PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"] as const;
/** ecr:GetAuthorizationToken has no resource-level permission: it is granted on "*" (ECR User Guide, "Private repository policies"). */
export const REGISTRY_TOKEN_ACTIONS = ["ecr:GetAuthorizationToken"] as const;

export interface ExecutionPolicyResources {
  region: string;
  repositoryArn: string;
  logGroupArn: string;
  cursorSecretParameterArn: string;
  /** The cluster's key, which encrypts the cursor key's SecureString. */
  kmsKeyArn: string;
}

/**
 * What ECS needs to start a task and nothing else: pull the image, create the task's log stream and
 * write to it (awslogs driver), and read the SecureString it injects ("Required IAM permissions for
 * Amazon ECS secrets": ssm:GetParameters, and kms:Decrypt for a customer managed key).
 */
export function executionPolicyDocument(r: ExecutionPolicyResources): PolicyDocument {
  const statements: PolicyStatement[] = [
    { Sid: "RegistryToken", Effect: "Allow", Action: [...REGISTRY_TOKEN_ACTIONS], Resource: "*" },
    { Sid: "ImagePull", Effect: "Allow", Action: [...IMAGE_PULL_ACTIONS], Resource: r.repositoryArn },
    { Sid: "TaskLogs", Effect: "Allow", Action: [...LOG_WRITE_ACTIONS], Resource: [r.logGroupArn, logStreamsArn(r.logGroupArn)] },
    { Sid: "CursorKeySecret", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: r.cursorSecretParameterArn },
    {
      Sid: "DecryptCursorKey",
      Effect: "Allow",
      Action: [...KEY_DECRYPT_ACTIONS],
      Resource: r.kmsKeyArn,
      Condition: { StringEquals: { "kms:ViaService": `ssm.${r.region}.amazonaws.com` } },
    },
  ];
  return { Version: "2012-10-17", Statement: statements };
}

/** The resources the roles name, as the resources produce them. */
export interface TaskIdentityArgs {
  readonly region: pulumi.Input<string>;
  readonly hotPath: HotPathAccess;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly cursorSecretParameterArn: pulumi.Input<string>;
  readonly logGroupArn: pulumi.Input<string>;
  readonly repositoryArn: pulumi.Input<string>;
  readonly referenceData?: DataAccess;
}

export interface TaskIdentity {
  readonly taskRole: aws.iam.Role;
  readonly executionRole: aws.iam.Role;
  /** The roles' inline policies: the task definition waits for them. */
  readonly policies: pulumi.Resource[];
}

const ecsTasksTrust = (accountId: pulumi.Input<string>) =>
  pulumi.output(accountId).apply((account) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "ecs-tasks.amazonaws.com" },
          Action: "sts:AssumeRole",
          // Only ECS acting for this account ("Amazon ECS task IAM role": confused deputy prevention).
          Condition: { StringEquals: { "aws:SourceAccount": account } },
        },
      ],
    }),
  );

/** Registers both roles and their policies under `scope`. */
export function taskIdentity(scope: pulumi.Resource, name: string, accountId: pulumi.Input<string>, args: TaskIdentityArgs): TaskIdentity {
  const parent = { parent: scope };
  const taskRole = new aws.iam.Role(`${name}-task`, { description: "Trading API tasks (the service's code)", assumeRolePolicy: ecsTasksTrust(accountId) }, parent);
  const executionRole = new aws.iam.Role(
    `${name}-task-execution`,
    { description: "ECS on behalf of the trading API tasks: image pull, logs, injected secrets", assumeRolePolicy: ecsTasksTrust(accountId) },
    parent,
  );
  const referenceData = args.referenceData
    ? pulumi.all([args.referenceData.dbConnectArn, args.referenceData.cacheReplicationGroupArn, args.referenceData.cacheUserArn]).apply(
        ([dbConnectArn, cacheReplicationGroupArn, cacheUserArn]) => ({ dbConnectArn, cacheReplicationGroupArn, cacheUserArn }),
      )
    : pulumi.output(undefined);
  const taskPolicy = new aws.iam.RolePolicy(
    `${name}-task`,
    {
      role: taskRole.id,
      policy: pulumi
        .all([args.region, args.hotPath.tableArn, args.hotPath.indexArns, args.hotPath.daxClusterArn, args.hotPath.kmsKeyArn, referenceData])
        .apply(([region, tableArn, indexArns, daxClusterArn, tableKmsKeyArn, refs]) =>
          JSON.stringify(
            taskPolicyDocument({
              region,
              tableArn,
              indexArns,
              daxClusterArn,
              tableKmsKeyArn,
              // Not granted to a task (taskPolicyDocument drops their statements).
              artifactObjectArn: "",
              kmsKeyArn: "",
              cursorSecretParameterArn: "",
              logGroupArn: "",
              ...(refs ? { referenceData: refs } : {}),
            }),
          ),
        ),
    },
    parent,
  );
  const executionPolicy = new aws.iam.RolePolicy(
    `${name}-task-execution`,
    {
      role: executionRole.id,
      policy: pulumi
        .all([args.region, args.repositoryArn, args.logGroupArn, args.cursorSecretParameterArn, args.kmsKeyArn])
        .apply(([region, repositoryArn, logGroupArn, cursorSecretParameterArn, kmsKeyArn]) =>
          JSON.stringify(executionPolicyDocument({ region, repositoryArn, logGroupArn, cursorSecretParameterArn, kmsKeyArn })),
        ),
    },
    parent,
  );
  return { taskRole, executionRole, policies: [taskPolicy, executionPolicy] };
}
