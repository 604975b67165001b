/**
 * The parts of the trading API's HTTP contract the infrastructure depends on (the ALB target-group
 * health check, the security-group and listener ports). No imports, so a Pulumi program can read it
 * without loading the service.
 */

/**
 * Liveness: 200 while the process runs, whatever its dependencies do. The ALB target-group health
 * check (and so the Auto Scaling group's ELB health) points here: a check that follows a shared
 * dependency fails on every instance at once when that dependency has trouble, and the group then
 * replaces the whole fleet into the same failure (AWS ELB best practices, "Deep health checks":
 * include only critical dependencies, or the check widens the impact of a failure).
 */
export const HEALTH_PATH = "/healthz";

/**
 * Shallow liveness for checkers outside the VPC (Route 53 through the load balancer): 200 while the
 * process runs, no dependency consulted, no token needed (the ALB has an open rule for it).
 */
export const LIVENESS_PATH = "/livez";

/**
 * Readiness: 200 only when the service should receive traffic; 503 while draining after SIGTERM or
 * when the table (or DAX) does not answer. For the drain and for alarms, not for the target group.
 */
export const READINESS_PATH = "/readyz";

/** Port the service listens on unless PORT says otherwise. */
export const DEFAULT_PORT = 8080;

/** Prefix of every business route. */
export const API_PREFIX = "/v1";

// --- One write region at a time (see services/trading-api/src/writeRegion.ts) -----------------

/**
 * SSM parameter (one per region, same name in each) whose value is the region that accepts writes
 * for an environment. Created by the stacks with the primary's region and then owned by operators
 * (the failover command); `pulumi up` never changes its value.
 */
export function writeRegionParameterName(project: string, environment: string): string {
  return `/${project}/${environment}/write-region`;
}

/**
 * SSM parameter (one per region) describing what the failover command needs of that region: its
 * stream consumer, API endpoint and DNS health check. Managed by the stacks like any other resource.
 */
export function regionInfoParameterName(project: string, environment: string): string {
  return `/${project}/${environment}/region-info`;
}

/** Response header naming the write region, on every 503 a non-write region sends for a write. */
export const WRITE_REGION_HEADER = "x-write-region";

/** How often an instance re-reads its region's flag, by default (ms). */
export const DEFAULT_WRITE_REGION_POLL_MS = 5_000;

/** How long an instance keeps writing without a successful read of the flag, by default (ms). */
export const DEFAULT_WRITE_REGION_FENCE_MS = 15_000;

/**
 * What the region-info parameter holds (JSON), written by the stacks and read by the failover
 * command: everything it needs to find and move one region's part of the environment.
 */
export interface RegionInfo {
  region: string;
  role: "primary" | "replica";
  environment: string;
  /** Name of the write-region flag in this region. */
  writeRegionParameter: string;
  tableName: string;
  /** This region's stream processor and the UUID of its event source mapping. */
  streamConsumer: { functionName: string; mappingUuid: string };
  /** This region's API (its ALB), where instances report their mode on HEALTH_PATH. */
  apiEndpoint: string;
  /**
   * This region's fleet on EC2: the failover command lists its InService instances and flips the
   * target early only once every one of them has answered read-only. Absent on Fargate (and from
   * stacks older than it).
   */
  autoScalingGroupName?: string;
  /**
   * This region's fleet on ECS Fargate: the cluster and service whose running tasks (ecs:ListTasks,
   * ecs:DescribeTasks) the failover command hears from, as it does from the instances on EC2. Absent
   * on EC2. With neither this nor `autoScalingGroupName` (a stack older than both) the command waits
   * out the full two-writer bound instead.
   */
  ecsService?: { clusterName: string; serviceName: string };
  /** Present with DNS failover: this region's record of the pair and its health check. */
  dns?: { domainName: string; hostedZoneId: string; failoverRole: "PRIMARY" | "SECONDARY"; healthCheckId: string };
  /**
   * Present where the reference database is an Aurora Global Database (prod): the global cluster
   * and this region's member cluster, which the failover command makes the writer
   * (SwitchoverGlobalCluster, or FailoverGlobalCluster under --force when the old primary's region
   * is gone). Absent where it is one regional cluster (dev): the command skips that step and says so.
   */
  globalDatabase?: { globalClusterIdentifier: string; clusterArn: string };
}

/**
 * The write-region flag's value: the region that accepts writes and the failover epoch that chose
 * it. Every failover writes a higher epoch into every region it reaches; an instance whose own flag
 * names its region still refuses writes when another region's flag, readable and of a higher epoch,
 * names a different region. That is how a region that was unreachable during a failover (its own
 * flag left unchanged) learns, once it can read the other region, that it is no longer the writer.
 */
export interface WriteRegionFlagValue {
  writeRegion: string;
  epoch: number;
}

const REGION_NAME = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/;

export function formatWriteRegionFlag(value: WriteRegionFlagValue): string {
  return JSON.stringify({ writeRegion: value.writeRegion, epoch: value.epoch });
}

/** Parses a flag value (JSON as formatted above, or a bare region name: epoch 0); throws when it is neither. */
export function parseWriteRegionFlag(text: string): WriteRegionFlagValue {
  const trimmed = text.trim();
  if (REGION_NAME.test(trimmed)) return { writeRegion: trimmed, epoch: 0 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    parsed = undefined;
  }
  const candidate = parsed as Partial<WriteRegionFlagValue> | undefined;
  if (
    !candidate ||
    typeof candidate.writeRegion !== "string" ||
    !REGION_NAME.test(candidate.writeRegion) ||
    typeof candidate.epoch !== "number" ||
    !Number.isSafeInteger(candidate.epoch) ||
    candidate.epoch < 0
  ) {
    throw new Error(`the write-region flag holds ${JSON.stringify(text)}: expected {"writeRegion":"<region>","epoch":<n>}`);
  }
  return { writeRegion: candidate.writeRegion, epoch: candidate.epoch };
}
