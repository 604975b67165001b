import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AzNetwork } from "../network/haNetwork";
import { rotatingKmsKey } from "../shared/kmsKey";
import { retainedLogGroup } from "../shared/logGroup";
import type { DataAccess } from "./access";
import {
  auroraParameterFamily,
  CacheEngine,
  cacheParameterFamily,
  ID_LIMITS,
  physicalId,
  promotionTier,
  spreadOverZones,
} from "./catalog";

export const POSTGRES_PORT = 5432;
export const CACHE_PORT = 6379;

/**
 * Maintenance and backup windows (UTC), chosen not to overlap one another: RDS refuses a backup
 * window that overlaps its maintenance window, ElastiCache likewise for snapshots.
 */
export const WINDOWS = {
  dbBackup: "03:00-04:00",
  dbMaintenance: "sun:04:30-sun:05:30",
  cacheSnapshot: "02:00-03:00",
  cacheMaintenance: "sun:05:30-sun:06:30",
} as const;

/** RDS's current RSA CA; the 2019 CA has expired and clients verify against the 2048 G1 bundle. */
export const DB_CA_CERTIFICATE = "rds-ca-rsa2048-g1";

/**
 * ACL of the application's cache user: everything except the commands that can wipe or reconfigure
 * the cache (FLUSHALL, CONFIG, KEYS, DEBUG, …), but INFO back, which clients use for readiness.
 */
export const DEFAULT_CACHE_ACCESS_STRING = "on ~* +@all -@dangerous +info";

/** One AZ's share of the data tier: its data subnet. */
export interface DataZone {
  /** AZ ID of the subnet (e.g. use1-az4), used in names and tags. */
  azId: string;
  /** The data subnet in this AZ. */
  subnetId: pulumi.Input<string>;
  /**
   * The AZ name of that subnet as this account sees it. Pass the subnet's own `availabilityZone`
   * output: placement then follows the configured AZ IDs, and every node's AZ input depends on
   * exactly one subnet resource, so a preview (where names are unknown) still shows where it is.
   */
  availabilityZoneName: pulumi.Input<string>;
}

/** The data zones of an HaNetwork, in its AZ order. */
export function dataZonesOf(zones: AzNetwork[]): DataZone[] {
  return zones.map((zone) => ({
    azId: zone.azId,
    subnetId: zone.dataSubnet.id,
    availabilityZoneName: zone.dataSubnet.availabilityZone,
  }));
}

/** Aurora PostgreSQL settings. Values that decide which resources exist are plain, not Inputs. */
export interface DatabaseSettings {
  /** Engine version, e.g. "17.5"; its major version picks the parameter group family. Required. */
  engineVersion: string;
  /** Instance class of every instance, e.g. db.r7g.large. Required. */
  instanceClass: pulumi.Input<string>;
  /** Instances: the first is the writer, the rest readers, spread over the zones in order. Required, >= 1. */
  instanceCount: number;
  /** Days of automated backups (1-35). Default 7. */
  backupRetentionDays?: pulumi.Input<number>;
  /** RDS deletion protection, and Pulumi `protect` on the cluster. Default true. */
  deletionProtection?: boolean;
  /** Enhanced Monitoring interval in seconds; 0 turns it off (and no monitoring role is made). Default 60. */
  monitoringIntervalSeconds?: number;
  /** Days of Performance Insights history. Default 7. */
  performanceInsightsRetentionDays?: pulumi.Input<number>;
  /** Database created with the cluster. Default "trading". */
  databaseName?: string;
  /** Master user; its password is generated and rotated by RDS in Secrets Manager. Default "trading_admin". */
  masterUsername?: string;
  /** PostgreSQL role the service uses with IAM authentication. Default "trading_app". */
  appUsername?: string;
}

/** ElastiCache settings. */
export interface CacheSettings {
  /** "valkey" or "redis". Required. */
  engine: CacheEngine;
  /** Engine version, e.g. "8.1"; its major version picks the parameter group family. Required. */
  engineVersion: string;
  /** Node type of every node, e.g. cache.r7g.large. Required. */
  nodeType: pulumi.Input<string>;
  /** Nodes: a primary and replicas, spread over the zones in order. Failover and Multi-AZ need >= 2. Required. */
  nodeCount: number;
  /** Days of daily snapshots (0 turns them off). Default 7. */
  snapshotRetentionDays?: pulumi.Input<number>;
  /** ACL of the application's user. Default {@link DEFAULT_CACHE_ACCESS_STRING}. */
  appAccessString?: pulumi.Input<string>;
}

/** Inputs of DataTier. */
export interface DataTierArgs {
  /** The VPC of the data subnets. Required. */
  vpcId: pulumi.Input<string>;
  /** Data subnets, one per AZ, in placement order. Required, at least one (three for HA). */
  zones: DataZone[];
  /**
   * The application's security group. DataTier admits it on 5432/6379 and adds the matching egress
   * rules on it; nothing else reaches the stores. Required.
   */
  appSecurityGroupId: pulumi.Input<string>;
  /**
   * Base of the physical names (cluster, replication group, users, final snapshots, log groups),
   * unique per account and region, e.g. "trading-prod-us-east-1". Required.
   */
  identifier: string;
  database: DatabaseSettings;
  cache: CacheSettings;
  /**
   * Delete the database and the cache without final snapshots (and drop the database's automated
   * backups with it). Default false: each leaves a final snapshot with a deterministic name.
   */
  skipFinalSnapshot?: boolean;
  /** Retention of the PostgreSQL log and cache slow-log groups in days. Default 30. */
  logRetentionDays?: pulumi.Input<number>;
}

/**
 * The relational database and the cache of the trading platform, in the data subnets of every AZ:
 * - Aurora PostgreSQL, a writer and readers pinned one per AZ with ordered promotion tiers; storage,
 *   Performance Insights and the RDS-managed master secret encrypted with a customer-managed key;
 *   TLS forced by the cluster parameter group; IAM database authentication; backups, deletion
 *   protection and a deterministic final snapshot; Enhanced Monitoring.
 * - An ElastiCache (Valkey or Redis OSS) replication group with a node per AZ, automatic failover and
 *   Multi-AZ, encryption at rest (customer-managed key) and in transit (required), RBAC with an
 *   IAM-authenticated application user and a disabled default user: no password exists anywhere.
 * - A security group per store admitting only the app security group, and the matching egress rules
 *   on that group.
 */
export class DataTier extends pulumi.ComponentResource {
  public readonly dbWriterEndpoint: pulumi.Output<string>;
  public readonly dbReaderEndpoint: pulumi.Output<string>;
  public readonly dbPort: pulumi.Output<number>;
  public readonly dbName: pulumi.Output<string>;
  /** Secrets Manager secret (managed and rotated by RDS) holding the master user's password. */
  public readonly dbMasterSecretArn: pulumi.Output<string>;
  public readonly dbClusterArn: pulumi.Output<string>;
  public readonly dbSecurityGroupId: pulumi.Output<string>;
  public readonly dbKmsKeyArn: pulumi.Output<string>;
  public readonly cachePrimaryEndpoint: pulumi.Output<string>;
  public readonly cacheReaderEndpoint: pulumi.Output<string>;
  public readonly cachePort: pulumi.Output<number>;
  public readonly cacheSecurityGroupId: pulumi.Output<string>;
  public readonly cacheKmsKeyArn: pulumi.Output<string>;
  /** Everything the application tier needs, for TradingCluster's IAM policy and settings. */
  public readonly access: DataAccess;

  public readonly cluster: aws.rds.Cluster;
  public readonly instances: aws.rds.ClusterInstance[];
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

    const db = this.createDatabase(name, args, { region, partition, accountId, logRetentionDays });
    const cache = this.createCache(name, args, logRetentionDays);

    this.cluster = db.cluster;
    this.instances = db.instances;
    this.replicationGroup = cache.replicationGroup;

    this.dbWriterEndpoint = db.cluster.endpoint;
    this.dbReaderEndpoint = db.cluster.readerEndpoint;
    this.dbPort = db.cluster.port;
    this.dbName = db.cluster.databaseName;
    this.dbMasterSecretArn = db.cluster.masterUserSecrets.apply((secrets) => {
      const arn = secrets[0]?.secretArn;
      if (!arn) {
        throw new Error("RDS reported no master user secret although manageMasterUserPassword is on");
      }
      return arn;
    });
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
    });
  }

  private createDatabase(
    name: string,
    args: DataTierArgs,
    env: {
      region: pulumi.Output<string>;
      partition: pulumi.Output<string>;
      accountId: pulumi.Output<string>;
      logRetentionDays: pulumi.Input<number>;
    },
  ) {
    const parent = { parent: this };
    const settings = args.database;
    const deletionProtection = settings.deletionProtection ?? true;
    const skipFinalSnapshot = args.skipFinalSnapshot ?? false;
    const monitoringInterval = settings.monitoringIntervalSeconds ?? 60;
    const appUsername = settings.appUsername ?? "trading_app";
    const clusterId = physicalId([args.identifier, "db"], ID_LIMITS.rdsCluster);

    const key = tierKey(this, `${name}-db-key`, physicalId([args.identifier, "db"], 250), "Aurora storage, Performance Insights and the RDS-managed master secret");
    const securityGroup = this.storeSecurityGroup(name, "db", args, POSTGRES_PORT, "Aurora PostgreSQL");

    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-db-subnets`,
      { subnetIds: args.zones.map((z) => z.subnetId), description: `Data subnets of ${clusterId}` },
      parent,
    );
    const parameterGroup = new aws.rds.ClusterParameterGroup(
      `${name}-db-params`,
      {
        family: auroraParameterFamily(settings.engineVersion),
        description: `TLS-only connections for ${clusterId}`,
        // Plaintext connections are refused at the server, whatever sslmode a client asks for.
        // PostgreSQL 14+ already refuses anything below TLS 1.2 (ssl_min_protocol_version's default).
        parameters: [{ name: "rds.force_ssl", value: "1" }],
      },
      parent,
    );
    // RDS would create this group on first export with no expiry; creating it first sets retention.
    const logGroup = retainedLogGroup(
      `${name}-db-logs`,
      { name: `/aws/rds/cluster/${clusterId}/postgresql`, retentionInDays: env.logRetentionDays },
      this,
    );

    let monitoringRoleArn: pulumi.Output<string> | undefined;
    if (monitoringInterval > 0) {
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
                Condition: { StringEquals: { "aws:SourceAccount": env.accountId } },
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
          policyArn: pulumi.interpolate`arn:${env.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
        },
        parent,
      );
      // The instances may only name the role once it can actually publish metrics.
      monitoringRoleArn = pulumi.all([role.arn, attachment.id]).apply(([arn]) => arn);
    }

    const cluster = new aws.rds.Cluster(
      `${name}-db`,
      {
        clusterIdentifier: clusterId,
        engine: "aurora-postgresql",
        engineMode: "provisioned",
        engineVersion: settings.engineVersion,
        databaseName: settings.databaseName ?? "trading",
        masterUsername: settings.masterUsername ?? "trading_admin",
        // RDS generates the password, keeps it only in Secrets Manager and rotates it: it never
        // passes through stack config or Pulumi state.
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: key.arn,
        iamDatabaseAuthenticationEnabled: true,
        storageEncrypted: true,
        kmsKeyId: key.arn,
        port: POSTGRES_PORT,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [securityGroup.id],
        dbClusterParameterGroupName: parameterGroup.name,
        backupRetentionPeriod: settings.backupRetentionDays ?? 7,
        preferredBackupWindow: WINDOWS.dbBackup,
        preferredMaintenanceWindow: WINDOWS.dbMaintenance,
        copyTagsToSnapshot: true,
        deletionProtection,
        skipFinalSnapshot,
        // Deterministic, so the snapshot a deletion leaves behind is found by name.
        finalSnapshotIdentifier: skipFinalSnapshot ? undefined : physicalId([clusterId, "final"], ID_LIMITS.rdsSnapshot),
        deleteAutomatedBackups: skipFinalSnapshot,
        enabledCloudwatchLogsExports: ["postgresql"],
        tags: { Name: clusterId },
      },
      { parent: this, protect: deletionProtection, dependsOn: [logGroup] },
    );

    const instances: aws.rds.ClusterInstance[] = [];
    for (const [index, zoneIndex] of spreadOverZones(settings.instanceCount, args.zones.length).entries()) {
      const zone = args.zones[zoneIndex];
      const instance: aws.rds.ClusterInstance = new aws.rds.ClusterInstance(
        `${name}-db-${index}`,
        {
          clusterIdentifier: cluster.id,
          engine: "aurora-postgresql",
          engineVersion: cluster.engineVersion,
          instanceClass: settings.instanceClass,
          availabilityZone: zone.availabilityZoneName,
          promotionTier: promotionTier(index),
          dbSubnetGroupName: subnetGroup.name,
          publiclyAccessible: false,
          caCertIdentifier: DB_CA_CERTIFICATE,
          performanceInsightsEnabled: true,
          performanceInsightsKmsKeyId: key.arn,
          performanceInsightsRetentionPeriod: settings.performanceInsightsRetentionDays ?? 7,
          monitoringInterval,
          monitoringRoleArn,
          autoMinorVersionUpgrade: true,
          copyTagsToSnapshot: true,
          tags: { Name: `${clusterId}-${index}`, AzId: zone.azId },
        },
        // Aurora makes the first instance to finish creating the writer: readers wait for it.
        { parent: this, dependsOn: index === 0 ? [] : [instances[0]] },
      );
      instances.push(instance);
    }

    return { cluster, instances, key, securityGroup, appUsername };
  }

  private createCache(name: string, args: DataTierArgs, logRetentionDays: pulumi.Input<number>) {
    const parent = { parent: this };
    const settings = args.cache;
    const replicationGroupId = physicalId([args.identifier, "cache"], ID_LIMITS.elasticache);
    const multiNode = settings.nodeCount > 1;

    const key = tierKey(this, `${name}-cache-key`, replicationGroupId, "ElastiCache data at rest and snapshots");
    const securityGroup = this.storeSecurityGroup(name, "cache", args, CACHE_PORT, `ElastiCache (${settings.engine})`);

    const subnetGroup = new aws.elasticache.SubnetGroup(
      `${name}-cache-subnets`,
      { subnetIds: args.zones.map((z) => z.subnetId), description: `Data subnets of ${replicationGroupId}` },
      parent,
    );
    const parameterGroup = new aws.elasticache.ParameterGroup(
      `${name}-cache-params`,
      {
        family: cacheParameterFamily(settings.engine, settings.engineVersion),
        description: `Parameters of ${replicationGroupId}`,
        // Evict only keys that carry a TTL: cache entries always have one, while locks and
        // idempotency keys written without a TTL must never disappear under memory pressure.
        parameters: [{ name: "maxmemory-policy", value: "volatile-lru" }],
      },
      parent,
    );
    const slowLog = retainedLogGroup(
      `${name}-cache-slow-log`,
      { name: `/aws/elasticache/${replicationGroupId}/slow-log`, retentionInDays: logRetentionDays },
      this,
    );

    // RBAC instead of a shared AUTH token. A user group must contain a user named "default"; it is
    // switched off, so a connection that has not authenticated can run nothing. The application
    // authenticates as an IAM user with a short-lived SigV4 token from its instance role, so there is
    // no cache password to generate, store, rotate or leak. Both users and the group use the "redis"
    // engine: a Valkey replication group accepts redis user groups, and only those may hold a
    // no-password user (which the disabled default user is).
    const defaultUser = new aws.elasticache.User(
      `${name}-cache-default-user`,
      {
        userId: physicalId([replicationGroupId, "default"], ID_LIMITS.elasticacheUser),
        userName: "default",
        engine: "redis",
        accessString: "off -@all",
        authenticationMode: { type: "no-password-required" },
      },
      parent,
    );
    // IAM authentication requires the user id and the user name to be the same.
    const appUserId = physicalId([replicationGroupId, "app"], ID_LIMITS.elasticacheUser);
    const appUser = new aws.elasticache.User(
      `${name}-cache-app-user`,
      {
        userId: appUserId,
        userName: appUserId,
        engine: "redis",
        accessString: settings.appAccessString ?? DEFAULT_CACHE_ACCESS_STRING,
        authenticationMode: { type: "iam" },
      },
      parent,
    );
    const userGroup = new aws.elasticache.UserGroup(
      `${name}-cache-users`,
      {
        userGroupId: physicalId([replicationGroupId, "users"], ID_LIMITS.elasticache),
        engine: "redis",
        userIds: [defaultUser.userId, appUser.userId],
      },
      parent,
    );

    const placement = spreadOverZones(settings.nodeCount, args.zones.length);
    const replicationGroup = new aws.elasticache.ReplicationGroup(
      `${name}-cache`,
      {
        replicationGroupId,
        description: `Trading platform cache (${settings.engine}), a node per AZ`,
        engine: settings.engine,
        engineVersion: settings.engineVersion,
        nodeType: settings.nodeType,
        port: CACHE_PORT,
        clusterMode: "disabled",
        numCacheClusters: settings.nodeCount,
        // The first AZ holds the primary; the replicas follow in AZ order.
        preferredCacheClusterAzs: placement.map((zoneIndex) => args.zones[zoneIndex].availabilityZoneName),
        // Both require a replica; a single dev node runs without them.
        automaticFailoverEnabled: multiNode,
        multiAzEnabled: multiNode,
        atRestEncryptionEnabled: true,
        kmsKeyId: key.arn,
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
        userGroupIds: [userGroup.userGroupId],
        subnetGroupName: subnetGroup.name,
        securityGroupIds: [securityGroup.id],
        parameterGroupName: parameterGroup.name,
        snapshotRetentionLimit: settings.snapshotRetentionDays ?? 7,
        snapshotWindow: WINDOWS.cacheSnapshot,
        maintenanceWindow: WINDOWS.cacheMaintenance,
        finalSnapshotIdentifier: args.skipFinalSnapshot ? undefined : physicalId([replicationGroupId, "final"], 255),
        autoMinorVersionUpgrade: true,
        logDeliveryConfigurations: [
          { destination: slowLog.name, destinationType: "cloudwatch-logs", logFormat: "json", logType: "slow-log" },
        ],
        tags: { Name: replicationGroupId },
      },
      parent,
    );

    return { replicationGroup, key, securityGroup, appUser };
  }

  /**
   * A store's security group with one rule in (the port, from the app group) and the matching rule
   * out on the app group. No egress on the store's group: the provider removes AWS's default
   * allow-all egress rule from a group declared without inline rules, and the stores open no
   * connections of their own.
   */
  private storeSecurityGroup(
    name: string,
    store: "db" | "cache",
    args: DataTierArgs,
    port: number,
    what: string,
  ): aws.ec2.SecurityGroup {
    const parent = { parent: this };
    const group = new aws.ec2.SecurityGroup(
      `${name}-${store}`,
      { vpcId: args.vpcId, description: `${what}: ${port} from the app group only`, tags: { Name: `${name}-${store}` } },
      parent,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-${store}-in-app`,
      {
        securityGroupId: group.id,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        referencedSecurityGroupId: args.appSecurityGroupId,
        description: `${what} from the app instances`,
      },
      parent,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-app-out-${store}`,
      {
        securityGroupId: args.appSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        referencedSecurityGroupId: group.id,
        description: `To ${what}`,
      },
      parent,
    );
    return group;
  }
}

/** A store's key: its alias and key share the resource name, the alias is the store's physical id. */
function tierKey(scope: pulumi.Resource, resourceName: string, aliasBase: string, purpose: string): aws.kms.Key {
  return rotatingKmsKey(resourceName, { description: `${purpose} (${aliasBase})`, alias: { resourceName, name: aliasBase } }, scope);
}
