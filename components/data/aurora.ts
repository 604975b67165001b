/**
 * DataTier's relational store: an Aurora PostgreSQL cluster with a writer and readers pinned one per
 * AZ, registered under the DataTier it belongs to (resource names and parents are DataTier's own).
 *
 * The shapes it takes and returns are in auroraArgs.ts; the master secret, the final snapshot's
 * name and the monitoring role in auroraMasterSecret.ts, auroraFinalSnapshot.ts and
 * auroraMonitoringRole.ts.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { retainedLogGroup } from "../shared/logGroup";
import { auroraParameterFamily, physicalId, promotionTier, spreadOverZones, WINDOWS } from "./catalog";
import { storeKey, storeSecurityGroup } from "./store";
import { clusterIdentifierOf, DB_CA_CERTIFICATE, POSTGRES_PORT, type AuroraArgs, type AuroraDatabase } from "./auroraArgs";
import { finalSnapshotOf } from "./auroraFinalSnapshot";
import { MASTER_PASSWORD_VERSION, masterSecretOf } from "./auroraMasterSecret";
import { enhancedMonitoringRole } from "./auroraMonitoringRole";

export * from "./auroraArgs";
export { MASTER_PASSWORD_VERSION } from "./auroraMasterSecret";

/**
 * Whether the readers are created only once instance 0 exists, so that it, in the first AZ, is the
 * writer. Aurora has no way to name the writer at creation: CreateDBCluster "creates an empty
 * cluster. You must explicitly create the writer instance ... using the CreateDBInstance operation"
 * (RDS API reference, CreateDBCluster), CreateDBInstance has no writer setting, and a promotion tier
 * orders only failovers ("the order in which an Aurora Replica is promoted to the primary instance
 * after a failure of the existing primary instance", RDS API reference, DBClusterMember; Aurora User
 * Guide, "High availability for Amazon Aurora"). Instances created together race for the writer:
 * with CloudFormation creating them in parallel a reader became the writer (aws-cdk issue 30260),
 * which the CDK fixed by making the readers depend on the writer (aws-cdk pull request 30277). So a
 * cluster that has a writer keeps the order and pays a second instance creation on a first deploy.
 *
 * A global database's secondary has no writer to place: "A secondary AWS Region runs a read-only
 * Aurora DB cluster made up entirely of Aurora Replicas" (Aurora User Guide, "Getting started with
 * Amazon Aurora global databases", https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-getting-started.html),
 * so its instances are all created at once and its promotion tiers order a later promotion.
 */
export function readersWaitForWriter(global: AuroraArgs["global"]): boolean {
  return global?.role !== "secondary";
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
  const waitForWriter = readersWaitForWriter(global);
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
      { parent: scope, dependsOn: index > 0 && waitForWriter ? [instances[0]] : [] },
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
