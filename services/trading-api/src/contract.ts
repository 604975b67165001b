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
 * Readiness: 200 only when the service should receive traffic; 503 while draining after SIGTERM or
 * when the table (or DAX) does not answer. For the drain and for alarms, not for the target group.
 */
export const READINESS_PATH = "/readyz";

/** Port the service listens on unless PORT says otherwise. */
export const DEFAULT_PORT = 8080;

/** Prefix of every business route. */
export const API_PREFIX = "/v1";
