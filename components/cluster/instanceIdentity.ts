/**
 * Who the instances are: their IAM role, its one inline policy (instancePolicy.ts) and the instance
 * profile the launch template names.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { HotPathAccess } from "../dynamo/access";
import { instancePolicyDocument } from "./instancePolicy";

/** The resources the instances may touch, as the resources produce them. */
export interface InstanceIdentityArgs {
  readonly region: pulumi.Input<string>;
  readonly hotPath: HotPathAccess;
  /** The artifact object exactly (`<bucket ARN>/<key>`). */
  readonly artifactObjectArn: pulumi.Input<string>;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly cursorSecretParameterArn: pulumi.Input<string>;
  readonly logGroupArn: pulumi.Input<string>;
}

export interface InstanceIdentity {
  readonly role: aws.iam.Role;
  readonly instanceProfile: aws.iam.InstanceProfile;
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
  new aws.iam.RolePolicy(
    `${name}-instance`,
    {
      role: role.id,
      policy: pulumi
        .all([
          args.region,
          args.hotPath.tableArn,
          args.hotPath.indexArns,
          args.hotPath.daxClusterArn,
          args.artifactObjectArn,
          args.kmsKeyArn,
          args.cursorSecretParameterArn,
          args.logGroupArn,
        ])
        .apply(([region, tableArn, indexArns, daxClusterArn, artifactObjectArn, kmsKeyArn, cursorSecretParameterArn, logGroupArn]) =>
          JSON.stringify(
            instancePolicyDocument({
              region,
              tableArn,
              indexArns,
              daxClusterArn,
              artifactObjectArn,
              kmsKeyArn,
              cursorSecretParameterArn,
              logGroupArn,
            }),
          ),
        ),
    },
    parent,
  );
  const instanceProfile = new aws.iam.InstanceProfile(`${name}-instance`, { role: role.name }, parent);
  return { role, instanceProfile };
}
