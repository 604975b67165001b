/**
 * Data protection: point-in-time recovery on DynamoDB, backup retention on databases and caches,
 * and deletion protection on production data stores and load balancers.
 */



export interface BackupRetentionConfig {
  minDatabaseBackupDays: number;
  minCacheSnapshotDays: number;
}
