/**
 * Data protection: point-in-time recovery on DynamoDB, backup retention on databases and caches,
 * and deletion protection on production data stores and load balancers.
 */
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

export interface BackupRetentionConfig {
  minDatabaseBackupDays: number;
  minCacheSnapshotDays: number;
}

export const backupRetention: ResourceValidationPolicy = {
  name: "backup-retention",
  description:
    "RDS/Aurora keeps automated backups for at least `minDatabaseBackupDays` days and ElastiCache keeps daily snapshots for at least " +
    "`minCacheSnapshotDays` days.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      minDatabaseBackupDays: { type: "integer", minimum: 1, maximum: 35, default: 7, description: "Minimum backupRetentionPeriod. Default 7." },
      minCacheSnapshotDays: { type: "integer", minimum: 0, maximum: 35, default: 1, description: "Minimum snapshotRetentionLimit. Default 1." },
    },
  },
  validateResource: [
    validateResourceOfType(aws.rds.Cluster, (cluster, args, reportViolation) => {
      const { minDatabaseBackupDays } = args.getConfig<BackupRetentionConfig>();
      // RDS keeps 1 day when the period is not set.
      const days = cluster.backupRetentionPeriod ?? 1;
      if (days < minDatabaseBackupDays) {
        reportViolation(`RDS cluster ${args.name} keeps backups for ${days} day(s); at least ${minDatabaseBackupDays} are required (backupRetentionPeriod)`);
      }
    }),
    validateResourceOfType(aws.rds.Instance, (instance, args, reportViolation) => {
      const { minDatabaseBackupDays } = args.getConfig<BackupRetentionConfig>();
      const days = instance.backupRetentionPeriod ?? 0;
      if (days < minDatabaseBackupDays) {
        reportViolation(`DB instance ${args.name} keeps backups for ${days} day(s); at least ${minDatabaseBackupDays} are required (backupRetentionPeriod)`);
      }
    }),
    validateResourceOfType(aws.elasticache.ReplicationGroup, (group, args, reportViolation) => {
      const { minCacheSnapshotDays } = args.getConfig<BackupRetentionConfig>();
      // ElastiCache takes no snapshots when the limit is not set.
      const days = group.snapshotRetentionLimit ?? 0;
      if (days < minCacheSnapshotDays) {
        reportViolation(`replication group ${args.name} keeps snapshots for ${days} day(s); at least ${minCacheSnapshotDays} are required (snapshotRetentionLimit)`);
      }
    }),
  ],
};

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
