// deletion-protection (security pack): the rule's description below is what the CLI prints with each violation.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const deletionProtection: ResourceValidationPolicy = {
  name: "deletion-protection",
  description:
    "Data stores and the entry point cannot be deleted by a mistaken update: RDS/Aurora clusters and instances set deletionProtection, " +
    "DynamoDB tables and replicas set deletionProtectionEnabled, load balancers set enableDeletionProtection (a new one has a new DNS " +
    "name). Meant to be mandatory in production and off in disposable environments.",
  enforcementLevel: "mandatory",
  validateResource: [
    validateResourceOfType(aws.rds.Cluster, (cluster, args, reportViolation) => {
      if (cluster.deletionProtection !== true) {
        reportViolation(`RDS cluster ${args.name} can be deleted (deletionProtection is off)`);
      }
    }),
    validateResourceOfType(aws.rds.Instance, (instance, args, reportViolation) => {
      if (instance.deletionProtection !== true) {
        reportViolation(`DB instance ${args.name} can be deleted (deletionProtection is off)`);
      }
    }),
    validateResourceOfType(aws.dynamodb.Table, (table, args, reportViolation) => {
      if (table.deletionProtectionEnabled !== true) {
        reportViolation(`table ${args.name} can be deleted (deletionProtectionEnabled is off)`);
      }
    }),
    validateResourceOfType(aws.dynamodb.TableReplica, (replica, args, reportViolation) => {
      if (replica.deletionProtectionEnabled !== true) {
        reportViolation(`table replica ${args.name} can be deleted (deletionProtectionEnabled is off)`);
      }
    }),
    validateResourceOfType(aws.lb.LoadBalancer, (lb, args, reportViolation) => {
      if (lb.enableDeletionProtection !== true) {
        reportViolation(`load balancer ${args.name} can be deleted (enableDeletionProtection is off)`);
      }
    }),
  ],
};
