/**
 * The parts of the trading API's HTTP contract the infrastructure depends on (the ALB target-group
 * health check, the security-group and listener ports). No imports, so a Pulumi program can read it
 * without loading the service.
 */

/** Liveness: 200 while the process runs. */
export const HEALTH_PATH = "/healthz";

/**
 * Readiness: 200 only when the service should receive traffic; 503 while draining after SIGTERM or
 * when the table (or DAX) does not answer. The ALB target-group health check points here.
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
  /** Present with DNS failover: this region's record of the pair and its health check. */
  dns?: { domainName: string; hostedZoneId: string; failoverRole: "PRIMARY" | "SECONDARY"; healthCheckId: string };
}
