/**
 * What the tiers' alarm plans share: the metric and window builders, the namespaces, the rate
 * floors below which a rate is too noisy to page on, and the DynamoDB SystemErrors sum (also drawn
 * on the dashboard).
 */
import type { MetricMath, MetricRef } from "./alarmSpec";

/** Below this many requests (orders) a minute a rate is too noisy to page on. */
export const MIN_REQUESTS_FOR_RATE = 50;
export const MIN_ORDERS_FOR_RATE = 20;

export const MINUTE = 60;
export const MIB = 1024 * 1024;

/** "M of N minutes" with the statistic over one-minute periods. */
export function window(datapoints: number, periods: number) {
  return { datapointsToAlarm: datapoints, evaluationPeriods: periods };
}

export function metric<T>(namespace: string, metricName: string, dimensions: Record<string, T | string>, stat: string, period = MINUTE): MetricRef<T> {
  return { namespace, metricName, dimensions, stat, period };
}

export const ALB = "AWS/ApplicationELB";
export const DDB = "AWS/DynamoDB";

/**
 * The DynamoDB operations run against the table on the platform's behalf, the Operation values its
 * SystemErrors are summed over. DynamoDB publishes SystemErrors only per TableName and Operation
 * (DynamoDB Developer Guide, "DynamoDB metrics and dimensions",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html), so an
 * alarm on TableName alone never receives a data point.
 * - The trading API (services/trading-api/src/store: get, query, update, transactWrite) and the
 *   stream processor (get, transactWrite), whether the call goes to DynamoDB or through DAX, which
 *   forwards cache misses as GetItem and Query and passes writes through.
 * - TransactGetItems: "To populate the cache after the write, DAX calls TransactGetItems in the
 *   background for each item in the TransactWriteItems operation" (DynamoDB Developer Guide,
 *   "Amazon DynamoDB Transactions: How it works", Using transactional APIs in DAX).
 * A test reads the services' source and fails when they call an operation missing here.
 */
export const DYNAMODB_OPERATIONS = ["GetItem", "Query", "UpdateItem", "TransactWriteItems", "TransactGetItems"] as const;

/**
 * CloudWatch: "Alarms based on metric math expressions can have up to 10 metrics" (CloudWatch User
 * Guide, "CloudWatch service quotas").
 */
export const MAX_METRICS_PER_MATH_ALARM = 10;

/** The per-operation SystemErrors of a table, summed (missing data is no error: DynamoDB sends only non-zero values). */
export function systemErrorsSum<T>(table: T, period = MINUTE): MetricMath<T> {
  const metrics = Object.fromEntries(
    DYNAMODB_OPERATIONS.map((operation) => [operation.toLowerCase(), metric<T>(DDB, "SystemErrors", { TableName: table, Operation: operation }, "Sum", period)]),
  );
  return {
    expression: Object.keys(metrics)
      .map((id) => `FILL(${id}, 0)`)
      .join(" + "),
    label: "system errors, all operations",
    metrics,
  };
}
