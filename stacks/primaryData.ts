/**
 * Where the reference database's writer is, asked at `pulumi up`: the placement of the Aurora
 * Global Database (which stack owns the global cluster, which joins it as a secondary) and whether
 * this stack's cluster holds the writer, so that `pulumi up` runs the reference-data migrations
 * only there.
 *
 * A global database has one writer: "The primary AWS Region supports an Aurora DB cluster that has
 * one writer Aurora DB instance. A secondary AWS Region runs a read-only Aurora DB cluster made up
 * entirely of Aurora Replicas" (Amazon Aurora User Guide, "Configuration requirements of an Amazon
 * Aurora global database"). Which cluster that is changes without a `pulumi up`: a switchover
 * (SwitchoverGlobalCluster, "promotes the specified secondary cluster to assume full read/write
 * capabilities and demotes the current primary cluster to a secondary (read-only) cluster") or a
 * failover (FailoverGlobalCluster) run by the failover command. So the stack does not take the
 * writer from config or from its role: it asks RDS, before anything is registered, with the
 * GlobalCluster data source (`aws.rds.getGlobalCluster`, DescribeGlobalClusters), whose
 * `members[].isWriter` names the writer's cluster ARN. Migrating against a secondary would fail the
 * deployment (its instances are read-only); after a switchover the stack whose cluster is now the
 * writer migrates on its next `pulumi up`, and the old primary's stack stops invoking.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { physicalId } from "../components/data/catalog";
import { clusterIdentifierOf, type GlobalDatabaseArgs } from "../components/data/dataTier";
import { PrimaryOutputError, type PrimaryDynamoRead } from "./primaryDynamo";

/** The config keys the placement reads. */
export interface ReferenceDataConfig {
  stack: string;
  environment: string;
  region: string;
  role: string;
  dataGlobalDatabase: boolean;
  dataDbEngineVersion: string;
  failoverPeerRegions: readonly string[];
}

/** Where this stack's reference database stands. */
export interface ReferenceDataPlacement {
  /** DataTier's global database membership; undefined for a regional cluster. */
  globalDatabase?: GlobalDatabaseArgs;
  /** Whether this stack's cluster holds the writer: only then does `pulumi up` invoke the migrations. */
  holdsWriter: boolean;
  /** Why, in one sentence (logged by the program and shown by the tests). */
  reason: string;
}

/** One member of a global cluster, as DescribeGlobalClusters reports it. */
export interface GlobalClusterMember {
  dbClusterArn: string;
  isWriter: boolean;
}

/** What the placement needs of a global cluster. */
export interface GlobalClusterState {
  identifier: string;
  engineVersion: string;
  endpoint: string;
  members: GlobalClusterMember[];
}

/** Reads a global cluster; undefined when the account has none of that identifier. */
export type GlobalClusterLookup = (identifier: string) => Promise<GlobalClusterState | undefined>;

/**
 * The global cluster identifier of an environment: unique in the account across every region
 * (an RDS global cluster's ARN has no region), so it is named by environment, not by stack.
 */
export function globalClusterIdentifierOf(environment: string): string {
  return physicalId(["trading", environment, "refdata"], 63);
}

/** The ARN this stack's Aurora cluster has (DataTier names it from `trading-<stack>`). */
export function ownClusterArn(config: Pick<ReferenceDataConfig, "stack" | "region">, account: { partition: string; accountId: string }): string {
  return `arn:${account.partition}:rds:${config.region}:${account.accountId}:cluster:${clusterIdentifierOf(`trading-${config.stack}`)}`;
}

/**
 * The data source's answer, or undefined when the identifier names no global cluster: the provider
 * fails a read of a missing one ("reading RDS Global Cluster (<id>): couldn't find resource", from
 * DescribeGlobalClusters' GlobalClusterNotFoundFault), which is the normal state before the primary's
 * first deployment; any other failure (permissions, throttling) stops the program.
 */
export const lookupGlobalCluster: GlobalClusterLookup = async (identifier) => {
  try {
    const found = await aws.rds.getGlobalCluster({ identifier });
    return { identifier, engineVersion: found.engineVersion, endpoint: found.endpoint, members: found.members.map((m) => ({ dbClusterArn: m.dbClusterArn, isWriter: m.isWriter })) };
  } catch (err) {
    if (/GlobalClusterNotFound|couldn't find resource|not found/i.test(err instanceof Error ? err.message : String(err))) {
      return undefined;
    }
    throw err;
  }
};

/**
 * The reference database's placement for this stack. A regional cluster (dataGlobalDatabase false,
 * as dev) holds its own writer. A primary owns the global cluster: before it exists, this
 * deployment creates it with the stack's cluster as its first, writing member. A replica joins the
 * global cluster its primary publishes (`data.dbGlobalClusterIdentifier`), which must exist and run
 * the replica's engine version ("Aurora global databases can't fail over from a primary to a
 * secondary DB cluster when the primary and secondary have different DB engine versions", Amazon
 * Aurora User Guide, "Using switchover or failover in Amazon Aurora Global Database"). Each then
 * holds the writer exactly when the global cluster names its cluster as the writing member.
 */
export async function referenceDataPlacement(
  config: ReferenceDataConfig,
  primary: PrimaryDynamoRead | undefined,
  account: { partition: string; accountId: string },
  lookup: GlobalClusterLookup = lookupGlobalCluster,
): Promise<ReferenceDataPlacement> {
  if (!config.dataGlobalDatabase) {
    return { holdsWriter: true, reason: "a regional cluster: its writer is in this region" };
  }
  const own = ownClusterArn(config, account);
  if (config.role !== "replica") {
    const identifier = globalClusterIdentifierOf(config.environment);
    const globalDatabase: GlobalDatabaseArgs = { role: "primary", identifier, secretReplicaRegions: config.failoverPeerRegions };
    const found = await lookup(identifier);
    if (!found) {
      return { globalDatabase, holdsWriter: true, reason: `global cluster ${identifier} does not exist yet: this deployment creates it with ${own} as its writer` };
    }
    return { globalDatabase, ...writerOf(found, own, true) };
  }
  const stack = primary?.stack ?? "(no primaryStack)";
  const data = primary?.data;
  const missing = (["dbGlobalClusterIdentifier", "dbGlobalWriterEndpoint"] as const).filter((key) => !data?.[key]);
  if (!data || missing.length > 0) {
    throw new PrimaryOutputError(
      stack,
      missing.map((key) => `output "data.${key}" is missing: the primary has no global database yet (deploy it with trading-platform:dataGlobalDatabase: true)`),
    );
  }
  const identifier = data.dbGlobalClusterIdentifier as string;
  const found = await lookup(identifier);
  if (!found) {
    throw new PrimaryOutputError(stack, [`output "data.dbGlobalClusterIdentifier" names global cluster ${identifier}, which this account does not have`]);
  }
  if (found.engineVersion !== config.dataDbEngineVersion) {
    throw new pulumi.RunError(
      `trading-platform:dataDbEngineVersion is ${config.dataDbEngineVersion}, but global cluster ${identifier} runs ${found.engineVersion}: ` +
        `a secondary runs its global cluster's engine version (set ${found.engineVersion} in Pulumi.${config.stack}.yaml); nothing was deployed.`,
    );
  }
  const globalDatabase: GlobalDatabaseArgs = {
    role: "secondary",
    identifier,
    writerEndpoint: data.dbGlobalWriterEndpoint as string,
    masterSecretArn: inRegion(data.dbMasterSecretArn, config.region),
  };
  return { globalDatabase, ...writerOf(found, own, false) };
}

/** A replicated secret's ARN in another region: the same ARN with that region (Secrets Manager replicas keep the name and suffix). */
export function inRegion(arn: string, region: string): string {
  const parts = arn.split(":");
  parts[3] = region;
  return parts.join(":");
}

function writerOf(found: GlobalClusterState, own: string, ownsGlobalCluster: boolean): Pick<ReferenceDataPlacement, "holdsWriter" | "reason"> {
  const writer = found.members.find((m) => m.isWriter);
  if (writer?.dbClusterArn === own) {
    return { holdsWriter: true, reason: `global cluster ${found.identifier} reports ${own} as its writer` };
  }
  if (!writer && ownsGlobalCluster && !found.members.some((m) => m.dbClusterArn === own)) {
    // Created by an earlier deployment that stopped before the cluster joined: this one adds it first.
    return { holdsWriter: true, reason: `global cluster ${found.identifier} has no writer yet: ${own} joins it first` };
  }
  return {
    holdsWriter: false,
    reason: `global cluster ${found.identifier}'s writer is ${writer?.dbClusterArn ?? "none"}: the migrations run in the stack that holds it, not against ${own} (read-only)`,
  };
}
