/**
 * The fake account's Aurora global databases: global clusters, the clusters that join them and the
 * checks AWS makes when one does (fakeAws.ts's GlobalCluster and Cluster fakes call these; the
 * `aws.rds.getGlobalCluster` invoke reads them back).
 */
import { FAKE_ACCOUNT_ID } from "./fakeRegions";

type Props = Record<string, unknown>;

/**
 * The account's RDS global clusters (Aurora Global Database), by account id and lower-case
 * identifier: created by a GlobalCluster registration, joined by each Cluster registration that
 * names it, read back by the `aws.rds.getGlobalCluster` invoke. It lives with the fakes rather than
 * in a FakeAccount because every run creates and reads global clusters, with or without one (a
 * replica's run reads the global cluster its primary's run created in this process, as the mock
 * cloud hands it that run's outputs); a FakeAccount reaches its account's through
 * {@link rdsGlobalClustersOf}. Unlike RDS, the fake keeps a global cluster after a `destroy`: the
 * runs of one process share the account id, and a replica run later in the process still reads the
 * outputs its primary published earlier.
 */
export interface FakeGlobalCluster {
  identifier: string;
  engineVersion: string;
  endpoint: string;
  arn: string;
  /** Members in joining order; the first to join is the writer until a switchover or failover moves it. */
  members: { dbClusterArn: string; region: string; isWriter: boolean }[];
}

const RDS_GLOBAL_CLUSTERS = new Map<string, Map<string, FakeGlobalCluster>>();

/** The account's Aurora clusters as created, by account id and ARN: what a global cluster made from one needs. */
const RDS_CLUSTERS = new Map<string, Map<string, { engineVersion: string; region: string; managedMasterSecret: boolean }>>();

export function rdsClustersOf(account: string): Map<string, { engineVersion: string; region: string; managedMasterSecret: boolean }> {
  let clusters = RDS_CLUSTERS.get(account);
  if (!clusters) {
    clusters = new Map();
    RDS_CLUSTERS.set(account, clusters);
  }
  return clusters;
}

/**
 * CreateGlobalCluster with SourceDBClusterIdentifier: the source (an existing cluster, by ARN)
 * becomes the first member, the writer, and gives the global cluster its engine version. Refused
 * for a source that does not exist ("DBClusterNotFoundFault") and for one whose master password RDS
 * manages (not offered in a global database: Aurora User Guide, rds-secrets-manager.html, Limitations).
 */
export function globalClusterFromSource(global: FakeGlobalCluster, sourceArn: string, account: string): void {
  const source = rdsClustersOf(account).get(sourceArn);
  if (!source) {
    throw new Error(`DBClusterNotFoundFault: SourceDBClusterIdentifier ${sourceArn} doesn't refer to an existing DB cluster [mock cloud: global cluster ${global.identifier}]`);
  }
  if (source.managedMasterSecret) {
    throw new Error(
      `InvalidParameterCombination: ${sourceArn} manages its master user password in Secrets Manager, which isn't supported for a DB cluster in an Aurora global database [mock cloud: global cluster ${global.identifier}]`,
    );
  }
  if (!global.members.some((m) => m.dbClusterArn === sourceArn)) {
    global.engineVersion = source.engineVersion;
    global.members.push({ dbClusterArn: sourceArn, region: source.region, isWriter: global.members.length === 0 });
  }
}

/** The global clusters of `account` (created on first use). */
export function rdsGlobalClustersOf(account: string = FAKE_ACCOUNT_ID): Map<string, FakeGlobalCluster> {
  let clusters = RDS_GLOBAL_CLUSTERS.get(account);
  if (!clusters) {
    clusters = new Map();
    RDS_GLOBAL_CLUSTERS.set(account, clusters);
  }
  return clusters;
}

/**
 * What SwitchoverGlobalCluster (or FailoverGlobalCluster) leaves: `targetClusterArn`, a member,
 * becomes the writer and every other member a read-only secondary. Refused like the API refuses a
 * target that is not a member ("DBClusterNotFoundFault").
 */
export function switchOverGlobalCluster(identifier: string, targetClusterArn: string, account: string = FAKE_ACCOUNT_ID): void {
  const cluster = rdsGlobalClustersOf(account).get(identifier.toLowerCase());
  if (!cluster) {
    throw new Error(`GlobalClusterNotFoundFault: The global cluster ${identifier} doesn't exist [mock cloud]`);
  }
  if (!cluster.members.some((m) => m.dbClusterArn === targetClusterArn)) {
    throw new Error(`DBClusterNotFoundFault: ${targetClusterArn} is not a member of global cluster ${identifier} [mock cloud]`);
  }
  for (const member of cluster.members) member.isWriter = member.dbClusterArn === targetClusterArn;
}

const CREDENTIAL_INPUTS = ["masterUsername", "masterPassword", "masterPasswordWo"] as const;

/**
 * CreateDBCluster with a GlobalClusterIdentifier, refused where RDS refuses it; the cluster joins
 * the global cluster otherwise (an update of a member is not a join: nothing is checked again).
 */
export function joinGlobalCluster(inputs: Props, region: string, account: string, clusterArn: string): void {
  const identifier = String(inputs.globalClusterIdentifier);
  if (inputs.manageMasterUserPassword === true) {
    // "Managing master user passwords with Secrets Manager isn't supported for ... DB clusters that
    // are part of an Aurora global database" (Aurora User Guide, rds-secrets-manager.html, Limitations).
    throw new Error(
      `InvalidParameterCombination: ManageMasterUserPassword isn't supported for a DB cluster in an Aurora global database (${identifier}) [mock cloud: ${clusterArn}]`,
    );
  }
  const global = rdsGlobalClustersOf(account).get(identifier.toLowerCase());
  if (!global) {
    // CreateDBCluster errors: GlobalClusterNotFoundFault, "The GlobalClusterIdentifier doesn't refer to an existing global database cluster."
    throw new Error(`GlobalClusterNotFoundFault: The GlobalClusterIdentifier doesn't refer to an existing global database cluster (${identifier}) [mock cloud: ${clusterArn}]`);
  }
  if (global.members.some((m) => m.dbClusterArn === clusterArn)) return;
  const clusterId = clusterArn.split(":cluster:")[1];
  if (global.members.some((m) => m.dbClusterArn.split(":cluster:")[1] === clusterId)) {
    // "The names you choose for each of your Aurora DB clusters must be unique, across all AWS
    // Regions" of the global database (Configuration requirements, Naming requirements).
    throw new Error(`DBClusterAlreadyExistsFault: global cluster ${identifier} already has a member named ${clusterId} in another region [mock cloud: ${clusterArn}]`);
  }
  if (global.members.some((m) => m.region === region)) {
    // "no two Aurora DB clusters in an Aurora global database can be in the same AWS Region" (Configuration requirements).
    throw new Error(`InvalidParameterCombination: global cluster ${identifier} already has a member in ${region} [mock cloud: ${clusterArn}]`);
  }
  if (global.members.length > 0) {
    const credentials = CREDENTIAL_INPUTS.filter((key) => inputs[key] !== undefined && inputs[key] !== "");
    if (credentials.length > 0) {
      // A secondary replicates the primary's users: "InvalidParameterCombination: Cannot specify
      // password for cross region replication cluster" (CreateDBCluster on a secondary).
      throw new Error(
        `InvalidParameterCombination: Cannot specify ${credentials.join(", ")} for cross region replication cluster (secondary of ${identifier}) [mock cloud: ${clusterArn}]`,
      );
    }
  }
  if (String(inputs.engineVersion) !== global.engineVersion) {
    // Every member runs the global cluster's engine version; a failover between different versions is
    // refused ("Aurora global databases can't fail over ... when the primary and secondary have
    // different DB engine versions").
    throw new Error(
      `InvalidParameterCombination: engine version ${String(inputs.engineVersion)} does not match global cluster ${identifier}'s ${global.engineVersion} [mock cloud: ${clusterArn}]`,
    );
  }
  if (inputs.storageEncrypted === true && typeof inputs.kmsKeyId === "string" && inputs.kmsKeyId.split(":")[3] !== region) {
    // "KMS keys are specific to the Amazon Web Services Region that they are created in" (CreateDBCluster, KmsKeyId).
    throw new Error(`InvalidParameterValue: KMS key ${inputs.kmsKeyId} is not in ${region} [mock cloud: ${clusterArn}]`);
  }
  global.members.push({ dbClusterArn: clusterArn, region, isWriter: global.members.length === 0 });
}
