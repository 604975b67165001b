/**
 * Who the instances are: their IAM role, its one inline policy (instancePolicy.ts) and the instance
 * profile the launch template names.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DataAccess } from "../data/access";
import type { HotPathAccess } from "../dynamo/access";
import { instancePolicyDocument, InstancePolicyResources } from "./instancePolicy";

/** The resources the instances may touch, as the resources produce them. */
export interface InstanceIdentityArgs {
  readonly region: pulumi.Input<string>;
  readonly hotPath: HotPathAccess;
  /** The artifact object exactly (`<bucket ARN>/<key>`). */
  readonly artifactObjectArn: pulumi.Input<string>;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly cursorSecretParameterArn: pulumi.Input<string>;
  readonly logGroupArn: pulumi.Input<string>;
  /** Aurora and the cache the service reads reference data from: `rds-db:connect` and `elasticache:Connect` on exactly them. */
  readonly referenceData?: DataAccess;
}

export interface InstanceIdentity {
  readonly role: aws.iam.Role;
  readonly instanceProfile: aws.iam.InstanceProfile;
  /**
   * Every policy this function puts on the role (inline policies and attachments): what the Auto
   * Scaling group must wait for, so that no instance boots on a role without its permissions.
   */
  readonly policies: pulumi.Resource[];
}

/** Registers the role, its policy and the instance profile under `scope`. */
export function instanceIdentity(scope: pulumi.Resource, name: string, args: InstanceIdentityArgs): InstanceIdentity {
  const parent = { parent: scope };
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
  const policy = new aws.iam.RolePolicy(
    `${name}-instance`,
    {
      role: role.id,
      policy: pulumi
        .all([
          pulumi.output<{ [K in keyof Omit<InstancePolicyResources, "referenceData">]: pulumi.Input<InstancePolicyResources[K]> }>({
            region: args.region,
            tableArn: args.hotPath.tableArn,
            indexArns: args.hotPath.indexArns,
            daxClusterArn: args.hotPath.daxClusterArn,
            tableKmsKeyArn: args.hotPath.kmsKeyArn,
            artifactObjectArn: args.artifactObjectArn,
            kmsKeyArn: args.kmsKeyArn,
            cursorSecretParameterArn: args.cursorSecretParameterArn,
            logGroupArn: args.logGroupArn,
          }),
          referenceDataArns(args.referenceData),
        ])
        .apply(([resources, referenceData]) =>
          JSON.stringify(
            instancePolicyDocument({ ...(resources as Omit<InstancePolicyResources, "referenceData">), ...(referenceData ? { referenceData } : {}) }),
          ),
        ),
    },
    parent,
  );
  const instanceProfile = new aws.iam.InstanceProfile(`${name}-instance`, { role: role.name }, parent);
  return { role, instanceProfile, policies: [policy] };
}

function referenceDataArns(
  access: DataAccess | undefined,
): pulumi.Output<{ dbConnectArn: string; cacheReplicationGroupArn: string; cacheUserArn: string } | undefined> {
  if (!access) return pulumi.output(undefined);
  return pulumi.all([access.dbConnectArn, access.cacheReplicationGroupArn, access.cacheUserArn]).apply(
    ([dbConnectArn, cacheReplicationGroupArn, cacheUserArn]) => ({ dbConnectArn, cacheReplicationGroupArn, cacheUserArn }),
  );
}
