/**
 * DataTier's cache: an ElastiCache (Valkey or Redis OSS) replication group with a node per AZ and
 * IAM-authenticated RBAC, registered under the DataTier it belongs to (resource names and parents
 * are DataTier's own).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { retainedLogGroup } from "../shared/logGroup";
import { CacheEngine, cacheParameterFamily, generationOf, ID_LIMITS, physicalId, spreadOverZones, WINDOWS } from "./catalog";
import { StoreNetwork, storeKey, storeSecurityGroup } from "./store";
import { DEFAULT_CACHE_ACCESS_STRING } from "./cacheAccess";

export const CACHE_PORT = 6379;

export { DEFAULT_CACHE_ACCESS_STRING };

/** ElastiCache settings. */
export interface CacheSettings {
  /** "valkey" or "redis". */
  readonly engine: CacheEngine;
  /** Engine version, e.g. "8.1"; its major version picks the parameter group family. */
  readonly engineVersion: string;
  /** Node type of every node, e.g. cache.r7g.large. */
  readonly nodeType: pulumi.Input<string>;
  /** Nodes: a primary and replicas, spread over the zones in order. Failover and Multi-AZ need >= 2. */
  readonly nodeCount: number;
  /**
   * Days of daily snapshots (0 turns them off).
   * @default 7
   */
  readonly snapshotRetentionDays?: pulumi.Input<number>;
  /**
   * ACL of the application's user.
   * @default {@link DEFAULT_CACHE_ACCESS_STRING}
   */
  readonly appAccessString?: pulumi.Input<string>;
}

/** Inputs of {@link cacheReplicationGroup}: DataTier's settings with its defaults applied. */
export interface CacheArgs {
  readonly network: StoreNetwork;
  /** Base of the physical names, see DataTierArgs.identifier. */
  readonly identifier: string;
  readonly settings: CacheSettings;
  /** Delete without a final snapshot. */
  readonly skipFinalSnapshot: boolean;
  /** Retention of the slow-log group in days. */
  readonly logRetentionDays: pulumi.Input<number>;
}

/** What DataTier reads back from the cache it registered. */
export interface Cache {
  readonly replicationGroup: aws.elasticache.ReplicationGroup;
  readonly key: aws.kms.Key;
  readonly securityGroup: aws.ec2.SecurityGroup;
  /** The IAM-authenticated user the application connects as. */
  readonly appUser: aws.elasticache.User;
}

/**
 * Registers the cache under `scope`: automatic failover and Multi-AZ whenever there is a replica,
 * encryption at rest (customer-managed key) and in transit (required), RBAC with an
 * IAM-authenticated application user and a disabled default user, so no password exists anywhere.
 */
export function cacheReplicationGroup(scope: pulumi.Resource, name: string, args: CacheArgs): Cache {
  const parent = { parent: scope };
  const { settings, network } = args;
  const replicationGroupId = physicalId([args.identifier, "cache"], ID_LIMITS.elasticache);
  const multiNode = settings.nodeCount > 1;

  const key = storeKey(scope, `${name}-cache-key`, replicationGroupId, "ElastiCache data at rest and snapshots");
  const securityGroup = storeSecurityGroup(scope, name, "cache", network, CACHE_PORT, `ElastiCache (${settings.engine})`);

  const subnetGroup = new aws.elasticache.SubnetGroup(
    `${name}-cache-subnets`,
    { subnetIds: network.zones.map((z) => z.subnetId), description: `Data subnets of ${replicationGroupId}` },
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
    { name: `/aws/elasticache/${replicationGroupId}/slow-log`, retentionInDays: args.logRetentionDays },
    scope,
  );

  const { appUser, userGroup } = cacheUsers(scope, name, replicationGroupId, settings);

  const placement = spreadOverZones(settings.nodeCount, network.zones.length);
  // The group's id carries a generation: a hash of the inputs that force a new replication group
  // (terraform-provider-aws aws_elasticache_replication_group: ForceNew on kms_key_id,
  // at_rest_encryption_enabled, subnet_group_name, port, engine changes other than Redis OSS to
  // Valkey). A replacement then has a new id and is created before the old group is deleted; with
  // the fixed id the create failed ("ReplicationGroupAlreadyExists") and blocked every later deploy.
  const generationId = pulumi
    .all([key.arn, subnetGroup.name])
    .apply(([kmsKeyArn, subnetGroupName]) =>
      physicalId([replicationGroupId, generationOf({ kmsKeyArn, subnetGroupName, port: CACHE_PORT, atRest: true })], ID_LIMITS.elasticache),
    );
  const replicationGroup = new aws.elasticache.ReplicationGroup(
    `${name}-cache`,
    {
      replicationGroupId: generationId,
      description: `Trading platform cache (${settings.engine}), a node per AZ`,
      engine: settings.engine,
      engineVersion: settings.engineVersion,
      nodeType: settings.nodeType,
      port: CACHE_PORT,
      clusterMode: "disabled",
      numCacheClusters: settings.nodeCount,
      // The first AZ holds the primary; the replicas follow in AZ order.
      preferredCacheClusterAzs: placement.map((zoneIndex) => network.zones[zoneIndex].availabilityZoneName),
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
      // Named after this generation, so the snapshots of two generations never collide.
      finalSnapshotIdentifier: args.skipFinalSnapshot ? undefined : generationId.apply((id) => physicalId([id, "final"], 255)),
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
 * RBAC instead of a shared AUTH token. A user group must contain a user named "default"; it is
 * switched off, so a connection that has not authenticated can run nothing. The application
 * authenticates as an IAM user with a short-lived SigV4 token from its instance role, so there is
 * no cache password to generate, store, rotate or leak. Both users and the group use the "redis"
 * engine: a Valkey replication group accepts redis user groups, and only those may hold a
 * no-password user (which the disabled default user is).
 */
function cacheUsers(scope: pulumi.Resource, name: string, replicationGroupId: string, settings: CacheSettings) {
  const parent = { parent: scope };
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
  return { appUser, userGroup };
}

