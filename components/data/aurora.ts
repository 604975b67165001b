/**
 * DataTier's relational store: an Aurora PostgreSQL cluster with a writer and readers pinned one per
 * AZ, registered under the DataTier it belongs to (resource names and parents are DataTier's own).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { retainedLogGroup } from "../shared/logGroup";
import { auroraParameterFamily, generationOf, ID_LIMITS, physicalId, promotionTier, spreadOverZones, WINDOWS } from "./catalog";
import { StoreNetwork, storeKey, storeSecurityGroup } from "./store";

export const POSTGRES_PORT = 5432;

/** RDS's current RSA CA; the 2019 CA has expired and clients verify against the 2048 G1 bundle. */
export const DB_CA_CERTIFICATE = "rds-ca-rsa2048-g1";

/** Aurora PostgreSQL settings. Values that decide which resources exist are plain, not Inputs. */
export interface DatabaseSettings {
  /** Engine version, e.g. "17.6"; its major version picks the parameter group family. */
  readonly engineVersion: string;
  /** Instance class of every instance, e.g. db.r7g.large. */
  readonly instanceClass: pulumi.Input<string>;
  /** Instances: the first is the writer, the rest readers, spread over the zones in order; at least 1. */
  readonly instanceCount: number;
  /**
   * Days of automated backups (1-35).
   * @default 7
   */
  readonly backupRetentionDays?: pulumi.Input<number>;
  /**
   * RDS deletion protection, and Pulumi `protect` on the cluster.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Enhanced Monitoring interval in seconds; 0 turns it off (and no monitoring role is made).
   * @default 60
   */
  readonly monitoringIntervalSeconds?: number;
  /**
   * Days of Performance Insights history.
   * @default 7
   */
  readonly performanceInsightsRetentionDays?: pulumi.Input<number>;
  /**
   * Database created with the cluster.
   * @default "trading"
   */
  readonly databaseName?: string;
  /**
   * Master user; its password is generated and rotated by RDS in Secrets Manager.
   * @default "trading_admin"
   */
  readonly masterUsername?: string;
  /**
   * PostgreSQL role the service uses with IAM authentication.
   * @default "trading_app"
   */
  readonly appUsername?: string;
}

/**
 * How the cluster takes part in an Aurora Global Database (DataTierArgs.globalDatabase). Absent, the
 * cluster is regional, as dev runs it.
 */
export type GlobalDatabaseArgs = GlobalPrimaryArgs | GlobalSecondaryArgs;

/** The stack that owns the global cluster: its cluster is the first member, the writer at creation. */
export interface GlobalPrimaryArgs {
  readonly role: "primary";
  /** Global cluster identifier: unique in the account across every region. Required. */
  readonly identifier: string;
  /**
   * Regions of the secondaries, where the master secret is replicated so that the stack holding
   * the writer after a switchover or failover finds it in its own region. Required (may be empty).
   */
  readonly secretReplicaRegions: readonly string[];
}

/** A replica stack: its cluster joins the primary's global cluster as a read-only secondary. */
export interface GlobalSecondaryArgs {
  readonly role: "secondary";
  /** The global cluster to join, as the primary stack publishes it. Required. */
  readonly identifier: pulumi.Input<string>;
  /** The global writer endpoint, as the primary stack publishes it. Required. */
  readonly writerEndpoint: pulumi.Input<string>;
  /** This region's replica of the master secret (the primary's secret, replicated here). Required. */
  readonly masterSecretArn: pulumi.Input<string>;
}

/** The cluster identifier DataTier gives the cluster of `identifier` (DataTierArgs.identifier). */
export function clusterIdentifierOf(identifier: string): string {
  return physicalId([identifier, "db"], ID_LIMITS.rdsCluster);
}

/** Inputs of {@link auroraDatabase}: DataTier's settings with its defaults applied. */
export interface AuroraArgs {
  readonly network: StoreNetwork;
  /** Base of the physical names, see DataTierArgs.identifier. */
  readonly identifier: string;
  readonly settings: DatabaseSettings;
  /** Delete without a final snapshot, dropping the automated backups with it. */
  readonly skipFinalSnapshot: boolean;
  /** Retention of the PostgreSQL log group in days. */
  readonly logRetentionDays: pulumi.Input<number>;
  /** The account's partition and id, for the monitoring role (resolved once by DataTier). */
  readonly partition: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  /** Membership of an Aurora Global Database; undefined for a regional cluster. */
  readonly global?: GlobalDatabaseArgs;
}

/** What DataTier reads back from the database it registered. */
export interface AuroraDatabase {
  readonly cluster: aws.rds.Cluster;
  readonly instances: aws.rds.ClusterInstance[];
  readonly key: aws.kms.Key;
  readonly securityGroup: aws.ec2.SecurityGroup;
  /** The PostgreSQL role the application logs in as. */
  readonly appUsername: string;
  /** The database's name (a secondary is created without one: it replicates the primary's). */
  readonly databaseName: string;
  /** The Secrets Manager secret of the master user, in this region. */
  readonly masterSecretArn: pulumi.Output<string>;
  /** The global cluster this stack owns (a global primary only). */
  readonly globalCluster?: aws.rds.GlobalCluster;
  /** Identifier and writer endpoint of the global cluster the cluster is a member of. */
  readonly globalIdentifier?: pulumi.Output<string>;
  readonly globalWriterEndpoint?: pulumi.Output<string>;
}

/**
 * Registers the database under `scope`: storage, Performance Insights and the RDS-managed master
 * secret encrypted with a customer-managed key; TLS forced by the cluster parameter group; IAM
 * database authentication; backups, deletion protection and a final snapshot named per generation;
 * Enhanced Monitoring; PostgreSQL logs to a log group with a retention.
 */
export function auroraDatabase(scope: pulumi.Resource, name: string, args: AuroraArgs): AuroraDatabase {
  const parent = { parent: scope };
  const { settings, network, skipFinalSnapshot } = args;
  const deletionProtection = settings.deletionProtection ?? true;
  const monitoringInterval = settings.monitoringIntervalSeconds ?? 60;
  const appUsername = settings.appUsername ?? "trading_app";
  const clusterId = clusterIdentifierOf(args.identifier);

  const key = storeKey(scope, `${name}-db-key`, physicalId([args.identifier, "db"], 250), "Aurora storage, Performance Insights and the RDS-managed master secret");
  const securityGroup = storeSecurityGroup(scope, name, "db", network, POSTGRES_PORT, "Aurora PostgreSQL");

  const subnetGroup = new aws.rds.SubnetGroup(
    `${name}-db-subnets`,
    { subnetIds: network.zones.map((z) => z.subnetId), description: `Data subnets of ${clusterId}` },
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
    { name: `/aws/rds/cluster/${clusterId}/postgresql`, retentionInDays: args.logRetentionDays },
    scope,
  );

  const monitoringRoleArn = monitoringInterval > 0 ? enhancedMonitoringRole(scope, name, clusterId, args) : undefined;
  const databaseName = settings.databaseName ?? "trading";
  const masterUsername = settings.masterUsername ?? "trading_admin";
  const global = args.global;
  const master = global?.role === "primary" ? masterSecretOf(scope, name, clusterId, key, settings, global) : undefined;

  const cluster = new aws.rds.Cluster(
    `${name}-db`,
    {
      clusterIdentifier: clusterId,
      engine: "aurora-postgresql",
      engineMode: "provisioned",
      engineVersion: settings.engineVersion,
      ...(global?.role === "secondary"
        ? {
            // A secondary replicates the primary's database, users and passwords: RDS refuses a
            // master user, a password or a managed secret on it ("InvalidParameterCombination: Cannot
            // specify password for cross region replication cluster", CreateDBCluster), and its
            // database name is the primary's.
            globalClusterIdentifier: global.identifier,
          }
        : global?.role === "primary"
          ? {
              // Not globalClusterIdentifier: the global cluster is created from this cluster
              // (sourceDbClusterIdentifier, below), so a cluster that already exists (prod before the
              // global database) joins it in place; the provider refuses to add an existing cluster
              // through its own globalClusterIdentifier ("existing RDS Clusters cannot be added to an
              // existing RDS Global Cluster", terraform-provider-aws resource_aws_rds_cluster update).
              databaseName,
              masterUsername,
              // Not manageMasterUserPassword: "Managing master user passwords with Secrets Manager
              // isn't supported for ... DB clusters that are part of an Aurora global database"
              // (Amazon Aurora User Guide, "Password management with Amazon Aurora and AWS Secrets
              // Manager", Limitations, https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-secrets-manager.html).
              // The password is generated into this tier's own secret (masterSecretOf) and given
              // write-only: the provider sends it on create and when the version is raised, never
              // reads it back.
              masterPasswordWo: master?.password,
              masterPasswordWoVersion: MASTER_PASSWORD_VERSION,
            }
          : {
              databaseName,
              masterUsername,
              // RDS generates the password, keeps it only in Secrets Manager and rotates it: it never
              // passes through stack config or Pulumi state.
              manageMasterUserPassword: true,
              masterUserSecretKmsKeyId: key.arn,
            }),
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
      // Named after this cluster's generation, so each deletion leaves a snapshot of its own: with one
      // fixed name the second deletion (a destroy after a re-create, or a replacement) failed with
      // DBClusterSnapshotAlreadyExistsFault ("The user already has a DB cluster snapshot with the
      // given identifier", RDS API reference, DeleteDBCluster errors) and the cluster stayed.
      finalSnapshotIdentifier: skipFinalSnapshot ? undefined : finalSnapshotOf(clusterId, settings, key.arn, subnetGroup.name),
      deleteAutomatedBackups: skipFinalSnapshot,
      enabledCloudwatchLogsExports: ["postgresql"],
      tags: { Name: clusterId },
    },
    {
      parent: scope,
      protect: deletionProtection,
      dependsOn: [logGroup],
      // A member's engine version follows its global cluster's, which an upgrade changes (the
      // provider then upgrades every member); replicationSourceIdentifier is set by RDS on a
      // secondary; a primary's globalClusterIdentifier is set by the global cluster made from it.
      // All as the provider's aws.rds.GlobalCluster documentation prescribes
      // (https://www.pulumi.com/registry/packages/aws/api-docs/rds/globalcluster/, "Upgrading Engine
      // Versions", "New Global Cluster From Existing DB Cluster" and the secondary cluster example).
      ...(global?.role === "primary" ? { ignoreChanges: ["engineVersion", "replicationSourceIdentifier", "globalClusterIdentifier"] } : {}),
      // A secondary is a new cluster: an existing regional one (prod before the global database)
      // cannot become one in place, so it is replaced, deleted first (its identifier is fixed). Its
      // protection makes that a deliberate step (components/data/README.md, "Moving an existing prod").
      ...(global?.role === "secondary"
        ? { ignoreChanges: ["engineVersion", "replicationSourceIdentifier"], replaceOnChanges: ["globalClusterIdentifier"], deleteBeforeReplace: true }
        : {}),
    },
  );

  const instances: aws.rds.ClusterInstance[] = [];
  for (const [index, zoneIndex] of spreadOverZones(settings.instanceCount, network.zones.length).entries()) {
    const zone = network.zones[zoneIndex];
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
        // Off: the engine version is pinned in stack config (dataDbEngineVersion) and bumped there on
        // purpose. With automatic minor upgrades on, RDS moves the cluster past the pinned version in
        // a maintenance window and the next `pulumi up` asks for a downgrade, which RDS refuses
        // ("Cannot upgrade aurora-postgresql from X to Y"). Aurora's own guidance for staying on a
        // chosen minor version: "make sure to disable automatic minor version upgrade for your DB
        // instances" (Amazon Aurora User Guide, "Amazon Aurora version support"). A version AWS
        // retires is still upgraded at its end of support: the allow-list in catalog.ts then needs
        // the new minor, and the config the bump, before the next deploy.
        autoMinorVersionUpgrade: false,
        copyTagsToSnapshot: true,
        tags: { Name: `${clusterId}-${index}`, AzId: zone.azId },
      },
      // Aurora makes the first instance to finish creating the writer: readers wait for it.
      { parent: scope, dependsOn: index === 0 ? [] : [instances[0]] },
    );
    instances.push(instance);
  }

  // The global cluster, made from this cluster once its writer exists: the cluster becomes its first,
  // writing member, and a secondary (another stack, deployed after) finds a writer to replicate.
  const globalCluster =
    global?.role === "primary"
      ? new aws.rds.GlobalCluster(
          `${name}-db-global`,
          {
            globalClusterIdentifier: global.identifier,
            sourceDbClusterIdentifier: cluster.arn,
            // Engine, database name and encryption come from the source cluster; the version is
            // given so that raising dataDbEngineVersion upgrades the global database (every member).
            engineVersion: settings.engineVersion,
            // Required with sourceDbClusterIdentifier: a destroy removes the members first.
            forceDestroy: true,
            deletionProtection,
          },
          { parent: scope, protect: deletionProtection, dependsOn: instances.slice(0, 1), ignoreChanges: ["sourceDbClusterIdentifier"] },
        )
      : undefined;

  const masterSecretArn =
    global?.role === "secondary"
      ? pulumi.output(global.masterSecretArn)
      : master
        ? master.secret.arn
        : cluster.masterUserSecrets.apply((secrets) => {
            const arn = secrets[0]?.secretArn;
            if (!arn) {
              throw new Error("RDS reported no master user secret although manageMasterUserPassword is on");
            }
            return arn;
          });
  return {
    cluster,
    instances,
    key,
    securityGroup,
    appUsername,
    databaseName,
    masterSecretArn,
    globalCluster,
    globalIdentifier: global?.role === "secondary" ? pulumi.output(global.identifier) : globalCluster?.globalClusterIdentifier,
    globalWriterEndpoint: global?.role === "secondary" ? pulumi.output(global.writerEndpoint) : globalCluster?.endpoint,
  };
}

/**
 * Raise to give the global primary's master user a new password: the secret's version and the
 * cluster's write-only password are sent again with a new generated value (write-only arguments are
 * sent only when their version changes). RDS cannot rotate it for a global database (no managed
 * secret), so rotation is this counter plus a `pulumi up` of the stack holding the global cluster.
 */
export const MASTER_PASSWORD_VERSION = 1;

/** The master secret a global primary owns (RDS cannot manage one for a global database's member). */
function masterSecretOf(
  scope: pulumi.Resource,
  name: string,
  clusterId: string,
  key: aws.kms.Key,
  settings: DatabaseSettings,
  global: GlobalPrimaryArgs,
): { secret: aws.secretsmanager.Secret; password: pulumi.Output<string> } {
  // 40 letters and digits: PostgreSQL master passwords take 8-128 printable characters except
  // "/", '"', "@" and space (RDS naming constraints); letters and digits need no escaping anywhere.
  const password = pulumi.secret(
    aws.secretsmanager.getRandomPasswordOutput({ passwordLength: 40, excludePunctuation: true }, { parent: scope }).apply((r) => r.randomPassword ?? ""),
  );
  const secret = new aws.secretsmanager.Secret(
    `${name}-db-master`,
    {
      name: `${clusterId}-master`,
      description: `Master user of the global database ${global.identifier} (JSON username/password)`,
      kmsKeyId: key.arn,
      // A copy in every secondary's region: after a switchover or a failover the new writer's stack
      // runs the migrations with the copy in its own region, even when this region is gone. A
      // replica is encrypted with that region's aws/secretsmanager key: the secondary's own key is
      // created by its stack, after this one.
      replicas: global.secretReplicaRegions.map((region) => ({ region })),
    },
    { parent: scope },
  );
  new aws.secretsmanager.SecretVersion(
    `${name}-db-master`,
    {
      secretId: secret.id,
      secretStringWo: pulumi.jsonStringify({ username: settings.masterUsername ?? "trading_admin", password }),
      secretStringWoVersion: MASTER_PASSWORD_VERSION,
    },
    { parent: scope },
  );
  return { secret, password };
}

/**
 * `<cluster id>-<generation>-final`. The generation hashes what forces a new cluster
 * (terraform-provider-aws aws_rds_cluster, ForceNew: cluster_identifier, engine, engine_mode,
 * database_name, master_username, kms_key_id, storage_encrypted, db_subnet_group_name), so it
 * changes exactly when the cluster is replaced, and after a destroy, whose re-create has a new
 * KMS key (a new key id) and a new subnet group (a new generated name). A random suffix would be
 * simpler but @pulumi/random is not a dependency, and the name stays known in advance: the
 * snapshot a deletion leaves is found by the cluster id and the generation in the state. The
 * identifier itself is not part of a replacement diff: terraform updates final_snapshot_identifier in
 * place, and a deletion uses the value the old cluster's state holds.
 */
function finalSnapshotOf(clusterId: string, settings: DatabaseSettings, keyArn: pulumi.Output<string>, subnetGroupName: pulumi.Output<string>): pulumi.Output<string> {
  return pulumi.all([keyArn, subnetGroupName]).apply(([kmsKeyArn, dbSubnetGroupName]) => {
    const generation = generationOf({
      clusterId,
      engine: "aurora-postgresql",
      engineMode: "provisioned",
      databaseName: settings.databaseName ?? "trading",
      masterUsername: settings.masterUsername ?? "trading_admin",
      kmsKeyArn,
      storageEncrypted: true,
      dbSubnetGroupName,
    });
    return physicalId([clusterId, generation, "final"], ID_LIMITS.rdsSnapshot);
  });
}

/** The Enhanced Monitoring role, trusted by RDS for this account only, with AWS's managed policy attached. */
function enhancedMonitoringRole(scope: pulumi.Resource, name: string, clusterId: string, args: AuroraArgs): pulumi.Output<string> {
  const parent = { parent: scope };
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
            Condition: { StringEquals: { "aws:SourceAccount": args.accountId } },
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
      policyArn: pulumi.interpolate`arn:${args.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
    },
    parent,
  );
  // The instances may only name the role once it can actually publish metrics.
  return pulumi.all([role.arn, attachment.id]).apply(([arn]) => arn);
}
