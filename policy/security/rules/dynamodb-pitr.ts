// dynamodb-pitr (security pack): the rule's description below is what the CLI prints with each violation.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const dynamodbPitr: ResourceValidationPolicy = {
  name: "dynamodb-pitr",
  description: "DynamoDB tables and global-table replicas have point-in-time recovery on (35 days of continuous backups).",
  enforcementLevel: "mandatory",
  validateResource: [
    validateResourceOfType(aws.dynamodb.Table, (table, args, reportViolation) => {
      if (table.pointInTimeRecovery?.enabled !== true) {
        reportViolation(`table ${args.name} has point-in-time recovery off (pointInTimeRecovery.enabled)`);
      }
    }),
    validateResourceOfType(aws.dynamodb.TableReplica, (replica, args, reportViolation) => {
      if (replica.pointInTimeRecovery !== true) {
        reportViolation(`table replica ${args.name} has point-in-time recovery off (pointInTimeRecovery)`);
      }
    }),
  ],
};
