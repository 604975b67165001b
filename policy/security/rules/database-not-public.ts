/**
 * No database is publicly accessible. Unset is not private: for a DB instance in a subnet group
 * whose VPC has an internet gateway attached, PubliclyAccessible defaults to public (RDS API
 * Reference, CreateDBInstance, PubliclyAccessible: "If the subnets are part of a VPC that has an
 * internet gateway attached to it, the DB instance is public"), and this platform's VPC has one for
 * its load balancers. So the rule asks for an explicit false on every RDS and Aurora instance.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

function check(kind: string, name: string, publiclyAccessible: boolean | undefined, reportViolation: (message: string) => void): void {
  if (publiclyAccessible === true) {
    reportViolation(`${kind} ${name} is publicly accessible (publiclyAccessible: true): its endpoint resolves to a public IP`);
  } else if (publiclyAccessible === undefined) {
    reportViolation(`${kind} ${name} does not set publiclyAccessible: RDS makes it public in a VPC with an internet gateway; set false`);
  }
}

export const databaseNotPublic: ResourceValidationPolicy = {
  name: "database-not-public",
  description:
    "Every RDS DB instance and Aurora cluster instance sets publiclyAccessible to false explicitly (unset, RDS makes an instance in a VPC " +
    "with an internet gateway public).",
  enforcementLevel: "mandatory",
  validateResource: [
    validateResourceOfType(aws.rds.ClusterInstance, (instance, args, reportViolation) => check("Aurora instance", args.name, instance.publiclyAccessible, reportViolation)),
    validateResourceOfType(aws.rds.Instance, (instance, args, reportViolation) => check("DB instance", args.name, instance.publiclyAccessible, reportViolation)),
  ],
};
