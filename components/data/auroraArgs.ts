/**
 * The shapes of DataTier's Aurora PostgreSQL database: its settings, its membership of a global
 * database, the arguments auroraDatabase (aurora.ts) takes and what it hands back, and the
 * constants clients connect with.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { ID_LIMITS, physicalId } from "./catalog";
import type { StoreNetwork } from "./store";

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
