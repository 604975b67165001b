/**
 * The data tier's rehearsals: Aurora's writer failed over to a reader in another AZ, and the cache's
 * nodes in one AZ powered off (its primary there: a replica elsewhere is promoted).
 */
import { fisDurationSeconds } from "./duration";
import { FIS_ACTIONS } from "./fisActions";
import { ActionPlan, Concat, StatementPlan, TargetPlan, TemplatePlan } from "./plan";

export interface AuroraFailoverInput<T> {
  /** ARN of this stack's Aurora cluster, the only resource the template can select. */
  clusterArn: T;
}

/** One FIS action on one target, with the role's statement for it: what a template (or the AZ loss) is built from. */
export interface ScenarioPart<T> {
  target: TargetPlan<T>;
  action: ActionPlan;
  statement: StatementPlan<T>;
}

/**
 * The writer failed over, on the cluster chosen by ARN. With `writerAzId` the target is narrowed by
 * the aws:rds:cluster parameter writerAvailabilityZoneIdentifiers ("The Availability Zones of the
 * writer of the DB cluster", AWS FIS User Guide, Targets: resource parameters), as AWS's AZ power
 * interruption scenario does: only a writer in the lost AZ is failed over.
 */
export function auroraFailoverPart<T>(input: AuroraFailoverInput<T>, concat: Concat<T>, writerAzId?: string): ScenarioPart<T> {
  return {
    target: {
      name: "ReferenceCluster",
      resourceType: "aws:rds:cluster",
      selectionMode: "ALL",
      resourceArns: [input.clusterArn],
      ...(writerAzId ? { parameters: { writerAvailabilityZoneIdentifiers: concat(writerAzId) } } : {}),
    },
    action: {
      name: "failover-writer",
      actionId: FIS_ACTIONS.failoverDbCluster,
      // One API call with no duration parameter: Aurora completes it on its own.
      description: `Fail the cluster's writer${writerAzId ? ` in ${writerAzId}` : ""} over to one of its readers (RDS FailoverDBCluster)`,
      parameters: {},
      target: { key: "Clusters", value: "ReferenceCluster" },
    },
    statement: { sid: "FailoverReferenceCluster", actions: ["rds:DescribeDBClusters", "rds:FailoverDBCluster"], resources: [input.clusterArn] },
  };
}

/**
 * FailoverDBCluster "promotes one of the Aurora Replicas (read-only instances) in the DB cluster to
 * be the primary DB instance (the cluster writer)" (RDS API Reference): it applies to a cluster that
 * holds a writer. A global database's secondary holds none (its writer is the primary's); the
 * component leaves this template out there, and a region's writer moves with `npm run failover`.
 */
export function auroraFailoverTemplate<T>(input: AuroraFailoverInput<T>, concat: Concat<T>): TemplatePlan<T> {
  const part = auroraFailoverPart(input, concat);
  return {
    scenario: "aurora-failover",
    description: "Aurora failover: the reference database's writer fails over to a reader in another AZ",
    targets: [part.target],
    actions: [part.action],
    statements: [part.statement],
    readsOnAllResources: ["tag:GetResources"],
  };
}

export interface CacheTarget<T> {
  /** ARN of this stack's replication group: what the role may interrupt and describe. */
  replicationGroupArn: T;
  /** Its `Name` tag. */
  nameTag: T;
  /** The tag only this stack's resources carry (its key and the stack's name): the target needs both. */
  stackTag: { key: string; value: T };
}

export interface CacheAzPowerInput<T> extends CacheTarget<T> {
  /** The AZ whose nodes lose power, by AZ ID. */
  azId: string;
  duration: string;
}

/**
 * The cache's nodes in one AZ lose power for `duration`; when the primary is among them, "the read
 * replica with the least replication lag is promoted to primary" and replacements in that AZ are
 * blocked until the action ends (FIS actions reference, aws:elasticache:replicationgroup-interrupt-az-power).
 * The target selects the group by tags with the AZ as its availabilityZoneIdentifier parameter
 * (required for this resource type, FIS User Guide, Targets: resource parameters); templates in
 * AWS's and others' examples select replication groups by tag, never by ARN.
 */
export function cacheAzPowerPart<T>(input: CacheAzPowerInput<T>, concat: Concat<T>): ScenarioPart<T> {
  return {
    target: {
      name: "CacheReplicationGroup",
      resourceType: "aws:elasticache:replicationgroup",
      selectionMode: "ALL",
      // FIS requires every listed tag on a resource (AND): the stack's, and the group's name.
      resourceTags: [input.stackTag, { key: "Name", value: input.nameTag }],
      parameters: { availabilityZoneIdentifier: concat(input.azId) },
    },
    action: {
      name: "interrupt-az-power",
      actionId: FIS_ACTIONS.cacheInterruptAzPower,
      description: `Interrupt power to the cache's nodes in ${input.azId} for ${input.duration}`,
      parameters: { duration: input.duration },
      target: { key: "ReplicationGroups", value: "CacheReplicationGroup" },
    },
    statement: {
      sid: "InterruptCacheAzPower",
      actions: ["elasticache:DescribeReplicationGroups", "elasticache:InterruptClusterAzPower"],
      resources: [input.replicationGroupArn],
    },
  };
}

export function cacheAzPowerTemplate<T>(input: CacheAzPowerInput<T>, concat: Concat<T>): TemplatePlan<T> {
  fisDurationSeconds(input.duration, "GameDays cacheAzPower duration");
  const part = cacheAzPowerPart(input, concat);
  return {
    scenario: "cache-az-power",
    description: `Cache AZ power interruption: the cache's nodes in ${input.azId} lose power for ${input.duration}; a replica elsewhere becomes primary`,
    targets: [part.target],
    actions: [part.action],
    statements: [part.statement],
    readsOnAllResources: ["tag:GetResources"],
  };
}
