/**
 * Where the mock cloud's happy path would hide what a real account does: state that outlives one
 * `pulumi up` (RDS applying minor upgrades in a maintenance window, then refusing a downgrade) and
 * eventual consistency inside one update (S3 versioning that is not in effect yet when an object is
 * written). A test opts into each; without them the mock cloud behaves as before.
 */

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
 * An AWS account as seen across deployments: the Aurora clusters the runs created, keyed by cluster
 * identifier, with the engine version RDS runs them at.
 */
export class FakeAccount {
  private readonly clusters = new Map<string, AuroraClusterState>();
  private readonly clusterById = new Map<string, string>();

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
