// backup-retention (security pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/security/dataProtection.ts.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { BackupRetentionConfig } from "../../lib/security/dataProtection";

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
