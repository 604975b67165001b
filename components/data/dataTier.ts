import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DataAccess } from "./access";
import { auroraDatabase, DatabaseSettings, type GlobalDatabaseArgs } from "./aurora";
import { CACHE_PORT, cacheReplicationGroup, CacheSettings } from "./cache";
import type { DataZone } from "./zones";

// DataTier's public API, as it was before Aurora and the cache got a file each.
export { clusterIdentifierOf, DB_CA_CERTIFICATE, MASTER_PASSWORD_VERSION, POSTGRES_PORT, type DatabaseSettings, type GlobalDatabaseArgs } from "./aurora";
export { CACHE_PORT, DEFAULT_CACHE_ACCESS_STRING, type CacheSettings } from "./cache";
export { WINDOWS } from "./catalog";
export { dataZonesOf, type DataZone } from "./zones";

/** Inputs of DataTier. */
export interface DataTierArgs {
  /** The VPC of the data subnets. */
  readonly vpcId: pulumi.Input<string>;
  /** Data subnets, one per AZ, in placement order: at least one (three for HA). */
  readonly zones: DataZone[];
  /**
   * The application's security group. DataTier admits it on 5432/6379 and adds the matching egress
   * rules on it; nothing else reaches the stores.
   */
  readonly appSecurityGroupId: pulumi.Input<string>;
  /**
   * Base of the physical names (cluster, replication group, users, final snapshots, log groups),
   * unique per account and region, e.g. "trading-prod-us-east-1".
   */
  readonly identifier: string;
  /** The Aurora PostgreSQL cluster. */
  readonly database: DatabaseSettings;
  /**
   * Make the cluster a member of an Aurora Global Database: `primary` creates the global cluster
   * (and the master secret, replicated to the secondaries' regions) and joins it as the first,
   * writing member; `secondary` joins an existing one read-only, with no master user (its database,
   * users and passwords are the primary's). Either way the cluster keeps its own key, instances and
   * placement in this region.
   * @default undefined: a regional cluster with an RDS-managed master secret
   */
  readonly globalDatabase?: GlobalDatabaseArgs;
  /** The ElastiCache replication group. */
  readonly cache: CacheSettings;
  /**
   * Delete the database and the cache without final snapshots (and drop the database's automated
   * backups with it); otherwise each leaves a final snapshot with a deterministic name.
   * @default false
   */
  readonly skipFinalSnapshot?: boolean;
  /**
   * Retention of the PostgreSQL log and cache slow-log groups in days.
   * @default 30
   */
  readonly logRetentionDays?: pulumi.Input<number>;
}

/**
 * The relational database and the cache of the trading platform, in the data subnets of every AZ:
 * - Aurora PostgreSQL (aurora.ts), a writer and readers pinned one per AZ with ordered promotion
 *   tiers; storage, Performance Insights and the RDS-managed master secret encrypted with a
 *   customer-managed key; TLS forced by the cluster parameter group; IAM database authentication;
 *   backups, deletion protection and a deterministic final snapshot; Enhanced Monitoring.
 * - An ElastiCache (Valkey or Redis OSS) replication group (cache.ts) with a node per AZ, automatic
 *   failover and Multi-AZ, encryption at rest (customer-managed key) and in transit (required), RBAC
 *   with an IAM-authenticated application user and a disabled default user: no password exists
 *   anywhere.
 * - A security group per store admitting only the app security group, and the matching egress rules
 *   on that group (store.ts).
 * Both stores register their resources with this component as parent, so their URNs are DataTier's.
 */
export class DataTier extends pulumi.ComponentResource {
  /** Cluster (writer) endpoint of this region's Aurora cluster; on a global secondary, writes go through the global writer endpoint (`dbGlobalWriterEndpoint`) instead. */
  public readonly dbWriterEndpoint: pulumi.Output<string>;
  /** Reader endpoint of the Aurora cluster, load-balanced over its readers. */
  public readonly dbReaderEndpoint: pulumi.Output<string>;
  /** PostgreSQL port of the cluster (`POSTGRES_PORT`, 5432). */
  public readonly dbPort: pulumi.Output<number>;
  /** Database created with the cluster (`database.databaseName`). */
  public readonly dbName: pulumi.Output<string>;
  /** Secrets Manager secret (managed and rotated by RDS) holding the master user's password. */
  public readonly dbMasterSecretArn: pulumi.Output<string>;
  /** ARN of the Aurora cluster. */
  public readonly dbClusterArn: pulumi.Output<string>;
  /** The database's security group: it admits `appSecurityGroupId` only. */
  public readonly dbSecurityGroupId: pulumi.Output<string>;
  /** Customer-managed key of the database's storage, Performance Insights and master secret. */
  public readonly dbKmsKeyArn: pulumi.Output<string>;
  /** Identifier of the global cluster the database is a member of (global databases only). */
  public readonly dbGlobalClusterIdentifier?: pulumi.Output<string>;
  /** The global writer endpoint: it follows the writer across switchovers and failovers (global databases only). */
  public readonly dbGlobalWriterEndpoint?: pulumi.Output<string>;
  /** The global cluster, on the stack that owns it. */
  public readonly globalCluster?: aws.rds.GlobalCluster;
  /** Primary endpoint of the replication group (writes; it follows a failover). */
  public readonly cachePrimaryEndpoint: pulumi.Output<string>;
  /** Reader endpoint of the replication group (spreads reads over the replicas). */
  public readonly cacheReaderEndpoint: pulumi.Output<string>;
  /** Port of the cache (`CACHE_PORT`, 6379; TLS required). */
  public readonly cachePort: pulumi.Output<number>;
  /** The cache's security group: it admits `appSecurityGroupId` only. */
  public readonly cacheSecurityGroupId: pulumi.Output<string>;
  /** Customer-managed key of the cache's data at rest. */
  public readonly cacheKmsKeyArn: pulumi.Output<string>;
  /** Everything the application tier needs, for TradingCluster's IAM policy and settings. */
  public readonly access: DataAccess;

  /** The Aurora cluster resource. */
  public readonly cluster: aws.rds.Cluster;
  /** The Aurora instances, writer first, in placement order over the zones. */
  public readonly instances: aws.rds.ClusterInstance[];
  /** The ElastiCache replication group resource. */
  public readonly replicationGroup: aws.elasticache.ReplicationGroup;

  constructor(name: string, args: DataTierArgs, opts?: pulumi.ComponentResourceOptions) {
    super("trading:data:DataTier", name, {}, opts);
    if (args.zones.length === 0) {
      throw new Error("DataTier needs at least one data subnet");
    }
    if (!Number.isInteger(args.database.instanceCount) || args.database.instanceCount < 1) {
      throw new Error(`DataTier: database.instanceCount must be a positive integer; got ${args.database.instanceCount}`);
    }
    if (!Number.isInteger(args.cache.nodeCount) || args.cache.nodeCount < 1) {
      throw new Error(`DataTier: cache.nodeCount must be a positive integer; got ${args.cache.nodeCount}`);
    }
    const parent = { parent: this };
    const region = aws.getRegionOutput({}, parent).region;
    const partition = aws.getPartitionOutput({}, parent).partition;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    const logRetentionDays = args.logRetentionDays ?? 30;
    const skipFinalSnapshot = args.skipFinalSnapshot ?? false;

    const db = auroraDatabase(this, name, {
      network: args,
      identifier: args.identifier,
      settings: args.database,
      skipFinalSnapshot,
      logRetentionDays,
      partition,
      accountId,
      global: args.globalDatabase,
    });
    const cache = cacheReplicationGroup(this, name, {
      network: args,
      identifier: args.identifier,
      settings: args.cache,
      skipFinalSnapshot,
      logRetentionDays,
    });

    this.cluster = db.cluster;
    this.instances = db.instances;
    this.replicationGroup = cache.replicationGroup;

    this.dbWriterEndpoint = db.cluster.endpoint;
    this.dbReaderEndpoint = db.cluster.readerEndpoint;
    this.dbPort = db.cluster.port;
    // Known in advance: a secondary reports no database name of its own (it is the primary's).
    this.dbName = pulumi.output(db.databaseName);
    this.dbMasterSecretArn = db.masterSecretArn;
    this.dbGlobalClusterIdentifier = db.globalIdentifier;
    this.dbGlobalWriterEndpoint = db.globalWriterEndpoint;
    this.globalCluster = db.globalCluster;
    this.dbClusterArn = db.cluster.arn;
    this.dbSecurityGroupId = db.securityGroup.id;
    this.dbKmsKeyArn = db.key.arn;
    this.cachePrimaryEndpoint = cache.replicationGroup.primaryEndpointAddress;
    this.cacheReaderEndpoint = cache.replicationGroup.readerEndpointAddress;
    this.cachePort = pulumi.output(CACHE_PORT);
    this.cacheSecurityGroupId = cache.securityGroup.id;
    this.cacheKmsKeyArn = cache.key.arn;
    this.access = {
      dbWriterEndpoint: this.dbWriterEndpoint,
      dbReaderEndpoint: this.dbReaderEndpoint,
      dbPort: this.dbPort,
      dbName: this.dbName,
      dbUser: pulumi.output(db.appUsername),
      dbConnectArn: pulumi.interpolate`arn:${partition}:rds-db:${region}:${accountId}:dbuser:${db.cluster.clusterResourceId}/${db.appUsername}`,
      cachePrimaryEndpoint: this.cachePrimaryEndpoint,
      cacheReaderEndpoint: this.cacheReaderEndpoint,
      cachePort: this.cachePort,
      cacheUserName: cache.appUser.userName,
      cacheUserArn: cache.appUser.arn,
      cacheReplicationGroupId: cache.replicationGroup.replicationGroupId,
      cacheReplicationGroupArn: cache.replicationGroup.arn,
    };

    this.registerOutputs({
      dbWriterEndpoint: this.dbWriterEndpoint,
      dbReaderEndpoint: this.dbReaderEndpoint,
      dbPort: this.dbPort,
      dbName: this.dbName,
      dbMasterSecretArn: this.dbMasterSecretArn,
      dbClusterArn: this.dbClusterArn,
      dbSecurityGroupId: this.dbSecurityGroupId,
      dbKmsKeyArn: this.dbKmsKeyArn,
      dbConnectArn: this.access.dbConnectArn,
      cachePrimaryEndpoint: this.cachePrimaryEndpoint,
      cacheReaderEndpoint: this.cacheReaderEndpoint,
      cachePort: this.cachePort,
      cacheSecurityGroupId: this.cacheSecurityGroupId,
      cacheKmsKeyArn: this.cacheKmsKeyArn,
      cacheUserArn: this.access.cacheUserArn,
      ...(this.dbGlobalClusterIdentifier ? { dbGlobalClusterIdentifier: this.dbGlobalClusterIdentifier } : {}),
      ...(this.dbGlobalWriterEndpoint ? { dbGlobalWriterEndpoint: this.dbGlobalWriterEndpoint } : {}),
    });
  }
}
