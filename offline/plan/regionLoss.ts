/**
 * The plan's region-loss section: for a stack of a multi-region environment, what keeps working
 * when its region is lost, what the failover command changes, the recovery point, and the manual
 * steps left. Derived from what the stack registered (its flag, the other regions it reads, its
 * stream consumer, its DNS record), so it describes the stack as it would be deployed.
 */
import { DEFAULT_WRITE_REGION_FENCE_MS, parseWriteRegionFlag } from "../../services/trading-api/src/contract";
import { HEALTH_CHECK } from "../../components/region/regionFailover";
import type { StackRun } from "../cloud/mockCloud";
import { ECS_TYPES } from "./ecsTasks";
import { type Style, wrap } from "./format";

export interface RegionLoss {
  region: string;
  environment: string;
  /** The environment's other regions (their flags are in this stack's read grant). */
  otherRegions: string[];
  /** True when this region is the write region as deployed (the primary). */
  writesHere: boolean;
  keepsWorking: string[];
  failoverChanges: string[];
  recoveryPoint: string;
  manualSteps: string[];
  /**
   * The reference database (Aurora): what it loses and how long it is read-only. With a global
   * database the figures are Aurora's own (REFERENCE_DATA_FIGURES); without one it is the region's.
   */
  referenceData: string[];
}

/**
 * Aurora Global Database's figures, as the Aurora User Guide gives them: replication "typically"
 * under a second ("Using Amazon Aurora Global Database", overview:
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.html); for a
 * failover "RTO can be in the order of minutes" and "RPO is typically measured in seconds", while a
 * switchover synchronises the secondaries first, so "RPO is 0 (no data loss)" ("Using switchover or
 * failover in Amazon Aurora Global Database",
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html).
 * FailoverGlobalCluster with AllowDataLoss "can result in a loss of write transaction data that
 * wasn't replicated to the chosen secondary" and leaves the data "in a transactionally consistent
 * state" (RDS API reference, FailoverGlobalCluster).
 */
export const REFERENCE_DATA_FIGURES = {
  replicationLag: "typically under a second",
  failoverRto: "in the order of minutes",
  failoverRpo: "the replication lag at the moment of loss (typically seconds; AuroraGlobalDBRPOLag shows it, and the secondary's alarm aurora-global-rpo-lag notifies when it passes alarmAuroraGlobalRpoLagMs)",
  switchoverRpo: "0 (the secondaries are synchronised before the roles change)",
} as const;

const T = {
  parameter: "aws:ssm/parameter:Parameter",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  mapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
  record: "aws:route53/record:Record",
  globalCluster: "aws:rds/globalCluster:GlobalCluster",
  cluster: "aws:rds/cluster:Cluster",
} as const;

/** What the stack's fleet is made of: the ECS service's tasks on Fargate, else the group's instances. */
function fleetNoun(run: StackRun): "tasks" | "instances" {
  return run.ofType(ECS_TYPES.service).length > 0 ? "tasks" : "instances";
}

/** The global cluster the stack's Aurora cluster is a member of (owned, or joined), if any. */
function globalClusterOf(run: StackRun): string | undefined {
  const owned = run.ofType(T.globalCluster)[0]?.inputs.globalClusterIdentifier;
  if (typeof owned === "string") return owned;
  const joined = run.ofType(T.cluster).map((c) => c.inputs.globalClusterIdentifier).find((id) => typeof id === "string");
  return typeof joined === "string" ? joined : undefined;
}

/** The region-loss analysis of a stack, or undefined for a single-region environment. */
export function regionLossOf(run: StackRun): RegionLoss | undefined {
  const outputs = run.outputs as { region?: string; environment?: string };
  const region = String(outputs.region ?? "");
  const environment = String(outputs.environment ?? "");
  const flag = run.ofType(T.parameter).find((p) => String(p.inputs.name).endsWith("/write-region"));
  if (!flag) return undefined;
  const flagName = String(flag.inputs.name);
  const initial = parseWriteRegionFlag(String(flag.inputs.insecureValue)).writeRegion;
  const otherRegions = peerRegionsOf(run, region);
  if (otherRegions.length === 0) return undefined;
  const other = otherRegions.join(", ");
  const writesHere = initial === region;
  const dnsRecord = run.ofType(T.record)[0];
  const failoverRole = (dnsRecord?.inputs.failoverRoutingPolicies as { type: string }[] | undefined)?.[0]?.type;
  const dnsName = dnsRecord ? String(dnsRecord.inputs.name) : undefined;
  const detection = HEALTH_CHECK.requestInterval * HEALTH_CHECK.failureThreshold;
  const command = (to: string, force: boolean) => `npm run failover -- --env ${environment} --to ${to}${force ? " --force" : ""}`;
  const globalDatabase = globalClusterOf(run);
  const fleet = fleetNoun(run);

  if (!writesHere) {
    return {
      region,
      environment,
      otherRegions,
      writesHere,
      keepsWorking: [
        `${initial} (the write region) keeps taking writes and serving reads: its ${fleet} read their own flag; ${region}'s flag being unreadable changes nothing there.`,
        dnsName
          ? `${dnsName} keeps answering with ${initial} (PRIMARY); ${region}'s ${failoverRole} record only matters if ${initial} fails too.`
          : "No DNS failover is configured: clients keep using their region's ALB name.",
        `Positions keep being maintained by ${initial}'s stream processor (${region}'s mapping is created disabled).`,
      ],
      failoverChanges: [`Nothing: no failover is needed while ${initial} is the write region.`],
      recoveryPoint: `No write is lost: ${region} takes none while ${initial} is the write region. Replication into ${region} resumes when it returns.`,
      referenceData: globalDatabase
        ? [
            `Loses nothing: ${region}'s cluster is a read-only secondary of global database ${globalDatabase}; ${initial}'s cluster keeps the writer, so reference-data writes (the refdata CLI, through the global writer endpoint) and ${initial}'s reads go on.`,
            `Read-only: not at all for the environment; when ${region} returns its secondary catches up by storage replication (${REFERENCE_DATA_FIGURES.replicationLag} behind once caught up).`,
          ]
        : [`${region}'s Aurora cluster is its own (no global database): its reference data is not ${initial}'s and is not needed while ${initial} writes.`],
      manualSteps: [
        `When ${region} returns: check the ReplicationLatency ${initial} -> ${region} falls back to normal (the replica catches up by itself).`,
        `If ${region} was the write region at the time (after a failover), this is the primary's case in reverse: ${command(initial, true)}.`,
      ],
    };
  }
  return {
    region,
    environment,
    otherRegions,
    writesHere,
    keepsWorking: [
      `${other} keeps serving reads (its ALB, DAX and replica table); its writes answer 503 with Retry-After and x-write-region: ${region} until the failover.`,
      dnsName
        ? `${dnsName}: Route 53 answers with ${other}'s SECONDARY record once ${region}'s health check fails (about ${detection} s: every ${HEALTH_CHECK.requestInterval} s, ${HEALTH_CHECK.failureThreshold} failures), so clients reach the surviving region for reads at once.`
        : `No DNS failover is configured: clients must switch to ${other}'s ALB name themselves.`,
      `${region}'s ${fleet} that are still running but cannot read their flag stop writing ${flagBound()} after their last read (fenced).`,
    ],
    failoverChanges: [
      `Run ${command(other, true)} (--force: ${region}'s ReplicationLatency cannot be read while it is down).`,
      `${flagName} in ${region}: set to ${other} with a new epoch, best effort (it is unreachable: the command says so and waits out the fence bound).`,
      `Its stream consumer (${run.ofType(T.mapping)[0]?.name ?? "mapping"}): disabled, best effort.`,
      `${flagName} in ${other}: set to ${other} with that epoch; ${other}'s stream consumer enabled; its ${fleet} report write mode within one poll.`,
      dnsName ? `Route 53: ${region}'s PRIMARY health check forced unhealthy (Disabled + Inverted), so ${dnsName} stays on ${other} when ${region} returns.` : "DNS: not configured, nothing to change.",
    ],
    recoveryPoint:
      `The ReplicationLatency ${region} -> ${other} at the moment of loss (typically under a second; AWS gives no SLA for it): writes acknowledged in ${region} ` +
      `within that window are missing in ${other} until ${region} returns, and then replicate item by item (last writer wins against writes made in ${other} meanwhile).`,
    manualSteps: [
      `When ${region} answers again: run ${command(other, false)} once more. It fences ${region} (flag, stream consumer); until then its ${fleet}, once they can read ${other}'s newer flag, stay read-only, but its stream consumer may resume.`,
      `Positions: fills written in ${region} during the lag window reach ${other} late; if ${region}'s consumer ran again before the re-run, recompute the positions of the accounts it touched from their fills.`,
      globalDatabase
        ? `The cache is ${region}'s own; ${other}'s is filled from ${other}'s reader of the global database, which already holds the reference data.`
        : `Aurora (reference data) and the cache are ${region}'s own: they are not replicated to ${other} by this platform.`,
      `Fail back later, with both regions healthy and the lag low: ${command(region, false)}.`,
    ],
    referenceData: globalDatabase
      ? [
          `Loses: reference-data writes committed in ${region} within the replication lag at the moment of loss. A failover (FailoverGlobalCluster with AllowDataLoss, the --force path) promotes ${other}'s secondary with what it has, transactionally consistent; RPO ${REFERENCE_DATA_FIGURES.failoverRpo}. A planned switchover with both regions healthy (SwitchoverGlobalCluster, the path without --force) loses nothing: RPO ${REFERENCE_DATA_FIGURES.switchoverRpo}.`,
          `Read-only: from the loss of ${region} until the failover has promoted ${other}'s cluster (Aurora gives a global database failover's RTO as ${REFERENCE_DATA_FIGURES.failoverRto}). Meanwhile every region still reads reference data from its own reader, and no region takes reference-data writes: the global writer endpoint of ${globalDatabase} has no writer, so the refdata CLI fails.`,
          `After it: ${other}'s stack holds the writer, so its next pulumi up runs the reference-data migrations (aws.rds.getGlobalCluster names its cluster the writer) and ${region}'s stops invoking them. Fail back with a switchover (no data loss) once ${region} is healthy.`,
        ]
      : [`${region}'s Aurora cluster is its own (no global database): ${other} has none of its reference data, and clients of ${other} are refused (not entitled) until it is loaded there.`],
  };
}

/** The service's default fence bound (WRITE_REGION_FENCE_MS), as the user data leaves it. */
function flagBound(): string {
  return `${DEFAULT_WRITE_REGION_FENCE_MS / 1000} s`;
}

/** The regions whose flag this stack's instances may read, besides their own (from the read grant). */
function peerRegionsOf(run: StackRun, region: string): string[] {
  for (const policy of run.ofType(T.rolePolicy)) {
    let document: { Statement?: { Sid?: string; Resource?: string | string[] }[] };
    try {
      document = JSON.parse(String(policy.inputs.policy)) as typeof document;
    } catch {
      continue; // unknown in a preview
    }
    const grant = document.Statement?.find((s) => s.Sid === "WriteRegionFlag");
    if (grant) {
      return [grant.Resource ?? []].flat().map((arn) => arn.split(":")[3]).filter((r) => r && r !== region);
    }
  }
  return [];
}

export function renderRegionLoss(loss: RegionLoss | undefined, style: Style, stack: { environment: string; region: string }): string {
  if (!loss) {
    return `  ${wrap(`${stack.environment} runs in ${stack.region} only: losing the region loses the environment (no other region to fail over to).`, style.width - 2, "  ")}`;
  }
  const list = (items: string[]) => items.map((item) => `    - ${wrap(item, style.width - 6, "      ")}`).join("\n");
  return [
    `  Losing ${loss.region} (${loss.writesHere ? "the write region as deployed" : `not the write region as deployed`}; other region: ${loss.otherRegions.join(", ")})`,
    `  ${style.bold("Keeps working")}`,
    list(loss.keepsWorking),
    `  ${style.bold("What the failover command changes")}`,
    list(loss.failoverChanges),
    `  ${style.bold("Recovery point")}`,
    `    ${wrap(loss.recoveryPoint, style.width - 4, "    ")}`,
    `  ${style.bold("Reference data (Aurora)")}`,
    list(loss.referenceData),
    `  ${style.bold("Manual steps left")}`,
    list(loss.manualSteps),
  ].join("\n");
}
