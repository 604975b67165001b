/** The IAM role RDS Enhanced Monitoring publishes an Aurora cluster's OS metrics with. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AuroraArgs } from "./auroraArgs";

/** The Enhanced Monitoring role, trusted by RDS for this account only, with AWS's managed policy attached. */
export function enhancedMonitoringRole(scope: pulumi.Resource, name: string, clusterId: string, args: AuroraArgs): pulumi.Output<string> {
  const parent = { parent: scope };
  const role = new aws.iam.Role(
    `${name}-db-monitoring`,
    {
      description: `Enhanced Monitoring of ${clusterId}`,
      assumeRolePolicy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "monitoring.rds.amazonaws.com" },
            Action: "sts:AssumeRole",
            // Only RDS acting for this account may assume the role (confused-deputy guard).
            Condition: { StringEquals: { "aws:SourceAccount": args.accountId } },
          },
        ],
      }),
    },
    parent,
  );
  const attachment = new aws.iam.RolePolicyAttachment(
    `${name}-db-monitoring`,
    {
      role: role.name,
      policyArn: pulumi.interpolate`arn:${args.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
    },
    parent,
  );
  // The instances may only name the role once it can actually publish metrics.
  return pulumi.all([role.arn, attachment.id]).apply(([arn]) => arn);
}
