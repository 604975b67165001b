/**
 * The trading API's service metrics as the infrastructure sees them: the CloudWatch namespace,
 * metric names, units and dimensions the service publishes in Embedded Metric Format (metrics.ts),
 * and the alarms and dashboard read (components/observability). No imports, so a Pulumi program can
 * read it without loading the service.
 */

/** Custom namespace of the service's metrics (a custom namespace must not start with "AWS/"). */
export const SERVICE_METRICS_NAMESPACE = "Trading/Api";

/**
 * The one dimension on every service metric: the name of the table the fleet serves. One fleet
 * serves one table per region, and table names differ per environment, so it tells two stacks in
 * the same account and region apart without giving the service a setting of its own.
 */
export const TABLE_DIMENSION = "Table";

/** Second dimension of OrdersRejected: the API error code of the rejection (bounded, see metrics.ts). */
export const REASON_DIMENSION = "Reason";

/** Metric names and their CloudWatch units. */
export const SERVICE_METRICS = {
  /** API requests, health and readiness probes excluded. */
  Requests: "Count",
  /** API responses with a 5xx status (the service failed, or the store was busy: 503). */
  ServerErrors: "Count",
  /** Response time of each API request, as individual values so CloudWatch computes percentiles. */
  Latency: "Milliseconds",
  /** POST /v1/orders that created an order (201; a retry answered with the original order is not counted again). */
  OrdersAccepted: "Count",
  /** POST /v1/orders refused with a 4xx; published per table and per table and Reason. */
  OrdersRejected: "Count",
} as const;

export type ServiceMetricName = keyof typeof SERVICE_METRICS;

/** The dimension sets each metric is published with. */
export const SERVICE_METRIC_DIMENSIONS: Record<ServiceMetricName, readonly (readonly string[])[]> = {
  Requests: [[TABLE_DIMENSION]],
  ServerErrors: [[TABLE_DIMENSION]],
  Latency: [[TABLE_DIMENSION]],
  OrdersAccepted: [[TABLE_DIMENSION]],
  OrdersRejected: [[TABLE_DIMENSION], [TABLE_DIMENSION, REASON_DIMENSION]],
};
