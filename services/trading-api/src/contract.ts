/**
 * The parts of the trading API's HTTP contract the infrastructure depends on (the ALB target-group
 * health check, the security-group and listener ports). No imports, so a Pulumi program can read it
 * without loading the service.
 */

/** Liveness: 200 while the process runs. */
export const HEALTH_PATH = "/healthz";

/**
 * Shallow liveness for checkers outside the VPC (Route 53 through the load balancer): 200 while the
 * process runs, no dependency consulted, no token needed (the ALB has an open rule for it).
 */
export const LIVENESS_PATH = "/livez";

/**
 * Readiness: 200 only when the service should receive traffic; 503 while draining after SIGTERM or
 * when the table (or DAX) does not answer. The ALB target-group health check points here.
 */
export const READINESS_PATH = "/readyz";

/** Port the service listens on unless PORT says otherwise. */
export const DEFAULT_PORT = 8080;

/** Prefix of every business route. */
export const API_PREFIX = "/v1";
