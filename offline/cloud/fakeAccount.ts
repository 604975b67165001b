/**
 * Where the mock cloud's happy path would hide what a real account does: state that outlives one
 * `pulumi up` (RDS applying minor upgrades in a maintenance window, then refusing a downgrade; the
 * physical names the account's stacks hold, and the final snapshots their deletions left behind)
 * and eventual consistency inside one update (S3 versioning that is not in effect yet when an object
 * is written). A test opts into each; without them the mock cloud behaves as before.
 */
import { FAKE_ACCOUNT_ID, type FakeGlobalCluster, rdsGlobalClustersOf, switchOverGlobalCluster } from "./fakeAws";
import { nameClaims, type NameClaim } from "./physicalNames";

/** How the fake account deviates from the happy path in a run. */
export interface CloudQuirks {
  /**
   * Objects are written before the bucket's versioning is in effect, so they get no version id.
   * S3: "it might take up to 15 minutes for the change to be fully propagated ... Write operations
   * issued before this conversion is complete may apply to unversioned objects" (Amazon S3 User
   * Guide, "Enabling versioning on buckets"); the provider's `versionId` is then empty.
   */
  readonly versioningNotYetInEffect?: boolean;
  /** The account the run deploys into, kept across runs (see {@link FakeAccount}). */
  readonly account?: FakeAccount;
}

interface AuroraClusterState {
  engineVersion: string;
  /** Instances of the cluster, by resource id, and whether each takes automatic minor upgrades. */
  instances: Map<string, boolean>;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) {
      return d;
    }
  }
  return 0;
}

const major = (version: string) => version.split(".")[0];

/**
 * The names every account shares: S3 bucket names (one namespace for all accounts) and Cognito
 * prefix domains (one per region for all accounts). Accounts built on one world see each other's.
 */
export class FakeWorld {
  /** Holder ("<account>/<owner>") of each global name, by "<region or *>/<namespace>/<name>". */
  readonly names = new Map<string, string>();
}

/** A resource of one stack, as the engine names it: stack, type token and logical name. */
export interface ResourceOwner {
  readonly stack: string;
  readonly type: string;
  readonly name: string;
}

/** What a deleted resource leaves behind (see {@link FakeAccount.destroy}). */
export interface DeletedResource {
  readonly type: string;
  readonly name: string;
  readonly region: string;
  readonly outputs: Record<string, unknown>;
}

/** Final snapshots a deletion takes, by type: the input naming it and RDS's / ElastiCache's refusal of a taken name. */
const FINAL_SNAPSHOTS: Record<string, { property: string; skip?: string; error: (id: string) => string }> = {
  // DeleteDBCluster: "DBClusterSnapshotAlreadyExistsFault: The user already has a DB cluster snapshot with the given identifier."
  "aws:rds/cluster:Cluster": {
    property: "finalSnapshotIdentifier",
    skip: "skipFinalSnapshot",
    error: (id) => `DBClusterSnapshotAlreadyExistsFault: The user already has a DB cluster snapshot with the given identifier (${id}); the cluster is not deleted`,
  },
  // DeleteReplicationGroup with FinalSnapshotIdentifier: "SnapshotAlreadyExistsFault: You already have a snapshot with the given name."
  "aws:elasticache/replicationGroup:ReplicationGroup": {
    property: "finalSnapshotIdentifier",
    error: (id) => `SnapshotAlreadyExistsFault: You already have a snapshot with the given name (${id}); the replication group is not deleted`,
  },
};

const ownerKey = (owner: ResourceOwner) => `${owner.stack}::${owner.type}::${owner.name}`;

/**
 * An AWS account as seen across deployments: the Aurora clusters the runs created, keyed by cluster
 * identifier, with the engine version RDS runs them at; the explicit physical names its stacks hold
 * (offline/cloud/physicalNames.ts), so a second stack asking for a taken name is refused as AWS
 * refuses it; the final snapshots deletions left; and ids AWS generates per creation (a KMS key's).
 */
export class FakeAccount {
  private readonly clusters = new Map<string, AuroraClusterState>();
  private readonly clusterById = new Map<string, string>();
  /** Holder (owner key) of each name, by "<scope key>/<namespace>/<name>". */
  private readonly names = new Map<string, string>();
  /** The names each owner holds, by owner key. */
  private readonly held = new Map<string, Map<string, string>>();
  /** Final snapshot identifiers, by "<region>/<type>". */
  private readonly snapshots = new Map<string, Set<string>>();
  /** Generated ids of live resources, by owner key, and how many resources were ever created. */
  private readonly generated = new Map<string, string>();
  private creations = 0;
  /** The globalClusterIdentifier each Aurora cluster was created with ("" for none), by owner key. */
  private readonly clusterGlobalMembership = new Map<string, string>();
  readonly accountId: string;
  readonly world: FakeWorld;

  constructor(options: { accountId?: string; world?: FakeWorld } = {}) {
    this.accountId = options.accountId ?? FAKE_ACCOUNT_ID;
    this.world = options.world ?? new FakeWorld();
  }

  /**
   * Creates or updates `owner` with the explicit physical names in `inputs`: refused, with AWS's
   * error naming the name, when another resource (of this or another stack, or in a world-wide
   * namespace of another account) holds one of them. The same owner asking again is an update; a
   * name it no longer asks for is released (the provider replaced or renamed the resource).
   */
  claimNames(owner: ResourceOwner, region: string, inputs: Record<string, unknown>): void {
    const key = ownerKey(owner);
    this.refuseJoiningInPlace(key, owner.type, inputs);
    const holder = `${this.accountId}/${key}`;
    const claims = nameClaims(owner.type, inputs);
    for (const claim of claims) {
      if (claim.tooLong) {
        throw new Error(`${claim.tooLong} [mock cloud: asked for by ${key} in ${region}]`);
      }
      const [table, slot] = this.slotOf(claim, region);
      const current = table.get(slot);
      if (current !== undefined && current !== (table === this.names ? key : holder)) {
        throw new Error(`${claim.error} [mock cloud: held by ${current}; asked for by ${key} in ${region}]`);
      }
    }
    const previous = this.held.get(key) ?? new Map<string, string>();
    const now = new Map<string, string>();
    for (const claim of claims) {
      const [table, slot] = this.slotOf(claim, region);
      table.set(slot, table === this.names ? key : holder);
      now.set(claim.namespace, slot);
    }
    for (const [namespace, slot] of previous) {
      if (now.get(namespace) !== slot) {
        this.names.delete(slot);
        this.world.names.delete(slot);
      }
    }
    this.held.set(key, now);
  }

  /**
   * The provider cannot add an existing cluster to a global cluster through the cluster's own
   * globalClusterIdentifier: "existing RDS Clusters cannot be added to an existing RDS Global
   * Cluster" (terraform-provider-aws, aws_rds_cluster update); an update of a cluster first created
   * without one that now names one is refused so. (A replacement, as the secondary declares with
   * replaceOnChanges, is a new cluster: destroy the old one in the account first.)
   */
  private refuseJoiningInPlace(key: string, type: string, inputs: Record<string, unknown>): void {
    if (type !== "aws:rds/cluster:Cluster") return;
    const wanted = typeof inputs.globalClusterIdentifier === "string" ? inputs.globalClusterIdentifier : "";
    const before = this.clusterGlobalMembership.get(key);
    if (before === "" && wanted !== "") {
      throw new Error(`existing RDS Clusters cannot be added to an existing RDS Global Cluster (${wanted}) [mock cloud: ${key}]`);
    }
    if (before === undefined) this.clusterGlobalMembership.set(key, wanted);
  }

  private slotOf(claim: NameClaim, region: string): [Map<string, string>, string] {
    switch (claim.scope) {
      case "region":
        return [this.names, `${region}/${claim.namespace}/${claim.name}`];
      case "account":
        return [this.names, `*/${claim.namespace}/${claim.name}`];
      case "world-region":
        return [this.world.names, `${region}/${claim.namespace}/${claim.name}`];
      case "world":
        return [this.world.names, `*/${claim.namespace}/${claim.name}`];
    }
  }

  /**
   * An id AWS generates when a resource is created (a KMS key id is a random UUID): the same for
   * every update of the live resource, a new one once it was deleted and created again.
   */
  generatedId(owner: ResourceOwner, base: string): string {
    const key = ownerKey(owner);
    let id = this.generated.get(key);
    if (id === undefined) {
      this.creations += 1;
      id = `${base}-g${this.creations}`;
      this.generated.set(key, id);
    }
    return id;
  }

  /**
   * `pulumi destroy` of `stack` (after its resources were unprotected): each cluster or replication
   * group with a final snapshot takes it first, refused when the account already has a snapshot of
   * that name (the resource then stays and the destroy fails); then every name the stack held is
   * free again and its generated ids are forgotten.
   */
  destroy(stack: string, resources: readonly DeletedResource[]): void {
    for (const resource of resources) {
      const rule = FINAL_SNAPSHOTS[resource.type];
      const id = rule ? resource.outputs[rule.property] : undefined;
      if (!rule || typeof id !== "string" || (rule.skip && resource.outputs[rule.skip] === true)) continue;
      const key = `${resource.region}/${resource.type}`;
      const taken = this.snapshots.get(key) ?? new Set<string>();
      if (taken.has(id.toLowerCase())) {
        throw new Error(`${rule.error(id)} [mock cloud: destroying ${stack}, resource ${resource.name}]`);
      }
      taken.add(id.toLowerCase());
      this.snapshots.set(key, taken);
    }
    for (const [key, slots] of this.held) {
      if (!key.startsWith(`${stack}::`)) continue;
      for (const slot of slots.values()) {
        this.names.delete(slot);
        this.world.names.delete(slot);
      }
      this.held.delete(key);
    }
    for (const key of [...this.generated.keys()]) {
      if (key.startsWith(`${stack}::`)) this.generated.delete(key);
    }
    for (const key of [...this.clusterGlobalMembership.keys()]) {
      if (key.startsWith(`${stack}::`)) this.clusterGlobalMembership.delete(key);
    }
  }

  /** The account's Aurora global cluster of `identifier`, as DescribeGlobalClusters would show it. */
  globalCluster(identifier: string): FakeGlobalCluster | undefined {
    return rdsGlobalClustersOf(this.accountId).get(identifier.toLowerCase());
  }

  /**
   * A switchover (or failover) run outside `pulumi up`, as the failover command runs it:
   * `targetClusterArn` becomes the writer of global cluster `identifier`.
   */
  switchOverGlobalCluster(identifier: string, targetClusterArn: string): void {
    switchOverGlobalCluster(identifier, targetClusterArn, this.accountId);
  }

  /** Final snapshots the account holds in `region` for resources of `type`. */
  finalSnapshots(region: string, type: string): string[] {
    return [...(this.snapshots.get(`${region}/${type}`) ?? [])];
  }

  /** Engine version RDS runs a cluster at, or undefined when the account has no such cluster. */
  auroraEngineVersion(clusterIdentifier: string): string | undefined {
    return this.clusters.get(clusterIdentifier)?.engineVersion;
  }

  /**
   * RDS refuses to move a cluster to an older engine version: "Cannot upgrade aurora-postgresql
   * from X to Y" (ModifyDBCluster, InvalidParameterCombination). An update that asks for one fails.
   */
  applyAuroraCluster(id: string, clusterIdentifier: string, engineVersion: string, engineVersionIgnored: boolean): void {
    const existing = this.clusters.get(clusterIdentifier);
    if (existing && !engineVersionIgnored && compareVersions(engineVersion, existing.engineVersion) < 0) {
      throw new Error(
        `InvalidParameterCombination: Cannot upgrade aurora-postgresql from ${existing.engineVersion} to ${engineVersion} ` +
          `(cluster ${clusterIdentifier}; RDS does not downgrade an engine)`,
      );
    }
    if (existing) {
      if (!engineVersionIgnored && compareVersions(engineVersion, existing.engineVersion) > 0) {
        existing.engineVersion = engineVersion;
      }
    } else {
      this.clusters.set(clusterIdentifier, { engineVersion, instances: new Map() });
    }
    this.clusterById.set(id, clusterIdentifier);
  }

  applyAuroraInstance(instanceId: string, clusterId: string, autoMinorVersionUpgrade: boolean): void {
    const identifier = this.clusterById.get(clusterId);
    const cluster = identifier ? this.clusters.get(identifier) : undefined;
    cluster?.instances.set(instanceId, autoMinorVersionUpgrade);
  }

  /**
   * A maintenance window passes after AWS released `latestMinor` of a major version: every cluster
   * of that major whose instances take automatic minor upgrades is upgraded to it.
   */
  passMaintenanceWindow(latestMinor: string): void {
    for (const cluster of this.clusters.values()) {
      const automatic = cluster.instances.size > 0 && [...cluster.instances.values()].every(Boolean);
      if (automatic && major(cluster.engineVersion) === major(latestMinor) && compareVersions(latestMinor, cluster.engineVersion) > 0) {
        cluster.engineVersion = latestMinor;
      }
    }
  }
}
