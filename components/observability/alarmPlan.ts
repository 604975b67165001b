/**
 * Every alarm of a stack as data: which metric (or metric math) on which resource, the statistic,
 * the threshold and how long it must be breached. Pure and generic in the type of a dimension
 * value, so unit tests plan with strings and the Observability component with the Outputs of the
 * real resources (which is what makes each alarm depend on the resource it watches).
 *
 * Tiers follow the seed's diagram: edge (load balancer, NAT), fleet (Auto Scaling group, the API's
 * own metrics), data (DynamoDB, DAX, Aurora, the cache, the stream processor). Each tier's alarms
 * are planned in their own module (edgeAlarms, fleetAlarms, dynamoAlarms, dataStoreAlarms,
 * streamAlarms) over the shapes in alarmSpec.ts and the builders in alarmMetrics.ts; this module
 * composes them, checks the whole plan, and re-exports what importers use.
 */
import { MAX_METRICS_PER_MATH_ALARM } from "./alarmMetrics";
import { isMetricMath, type AlarmSpec, type AlarmTargets, type AlarmThresholds } from "./alarmSpec";
import { auroraAlarms, cacheAlarms } from "./dataStoreAlarms";
import { daxAlarms, dynamoAlarms } from "./dynamoAlarms";
import { edgeAlarms } from "./edgeAlarms";
import { fleetAlarms } from "./fleetAlarms";
import { streamAlarms } from "./streamAlarms";

export * from "./alarmSpec";
export { DYNAMODB_OPERATIONS, MAX_METRICS_PER_MATH_ALARM, MIN_ORDERS_FOR_RATE, MIN_REQUESTS_FOR_RATE, systemErrorsSum } from "./alarmMetrics";

/** Every alarm of the stack, edge first, then fleet, then data. Ids are unique. */
export function planAlarms<T>(targets: AlarmTargets<T>, thresholds: AlarmThresholds): AlarmSpec<T>[] {
  const alarms = [
    ...edgeAlarms(targets, thresholds),
    ...fleetAlarms(targets, thresholds),
    ...dynamoAlarms(targets, thresholds),
    ...daxAlarms(targets, thresholds),
    ...auroraAlarms(targets, thresholds),
    ...cacheAlarms(targets, thresholds),
    ...streamAlarms(targets, thresholds),
  ];
  const seen = new Set<string>();
  for (const alarm of alarms) {
    if (seen.has(alarm.id)) {
      throw new Error(`planAlarms: alarm id ${alarm.id} is used twice`);
    }
    seen.add(alarm.id);
    if (isMetricMath(alarm.metric) && Object.keys(alarm.metric.metrics).length > MAX_METRICS_PER_MATH_ALARM) {
      throw new Error(`planAlarms: alarm ${alarm.id} reads more than ${MAX_METRICS_PER_MATH_ALARM} metrics, CloudWatch's limit for a metric math alarm`);
    }
  }
  return alarms;
}

/** The composite alarm's rule over the critical alarms' names: any one in ALARM degrades trading. */
export function degradedRule(alarmNames: readonly string[]): string {
  if (alarmNames.length === 0) {
    throw new Error("degradedRule: no critical alarm to combine");
  }
  return alarmNames.map((name) => `ALARM("${name}")`).join(" OR ");
}
