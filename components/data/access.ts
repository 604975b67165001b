import * as pulumi from "@pulumi/pulumi";

/**
 * What the application tier needs to reach DataTier's stores. Neither store has a password for the
 * application: the database is reached with IAM database authentication (`rds-db:connect` on
 * `dbConnectArn`) and the cache with ElastiCache IAM authentication (`elasticache:Connect` on
 * `cacheReplicationGroupArn` and `cacheUserArn`), so TradingCluster's instance role is the only
 * credential and its IAM policy can name exactly these resources.
 */
export interface DataAccess {
  /** Writer (cluster) endpoint of the Aurora cluster. */
  dbWriterEndpoint: pulumi.Output<string>;
  /** Reader endpoint: load-balances over the readers (the writer when there are none). */
  dbReaderEndpoint: pulumi.Output<string>;
  dbPort: pulumi.Output<number>;
  /** Database created with the cluster. */
  dbName: pulumi.Output<string>;
  /** PostgreSQL role the service logs in as with an IAM token (created with `GRANT rds_iam`). */
  dbUser: pulumi.Output<string>;
  /** `arn:…:rds-db:<region>:<account>:dbuser:<cluster resource id>/<dbUser>`, for `rds-db:connect`. */
  dbConnectArn: pulumi.Output<string>;
  /** Primary endpoint of the replication group (writes; follows failover). */
  cachePrimaryEndpoint: pulumi.Output<string>;
  /** Reader endpoint (spreads reads over the replicas). */
  cacheReaderEndpoint: pulumi.Output<string>;
  cachePort: pulumi.Output<number>;
  /** IAM-authenticated cache user; the IAM token is signed for this user id (= user name). */
  cacheUserName: pulumi.Output<string>;
  cacheUserArn: pulumi.Output<string>;
  /** Replication group id: the IAM token is signed for it. */
  cacheReplicationGroupId: pulumi.Output<string>;
  cacheReplicationGroupArn: pulumi.Output<string>;
}
