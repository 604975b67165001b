/**
 * The stack's CloudWatch alarms as a game day's expected outcome needs them: what each measures, on
 * which AZ or group, how long its condition must hold before it is in ALARM (datapointsToAlarm of
 * its one-minute periods), and which composite alarms it sets off (their rule names it in
 * `ALARM("name")`, as components/observability/alarmPlan.ts writes the "trading degraded" rule).
 */
import { GraphResource, ResourceGraph, TYPES } from "../../policy/lib/graph";
import { peek, peekNumber, peekString, UNKNOWN } from "../../policy/lib/values";

export interface AlarmFacts {
  resource: GraphResource;
  name: string;
  metricName?: string;
  comparison?: string;
  threshold?: number;
  /** Dimension values by name (AvailabilityZone, AutoScalingGroupName, TargetGroup, ...). */
  dimensions: Record<string, string>;
  /** Dimensions whose value is unknown until the update (a preview), and the resources the dimensions were computed from. */
  unknownDimensions: string[];
  dimensionDeps: GraphResource[];
  /** Seconds its condition must hold before the alarm is in ALARM. */
  breachSeconds: number;
  /** Names of the composite alarms whose rule names this alarm. */
  composites: string[];
}

export interface CompositeFacts {
  resource: GraphResource;
  name: string;
  arn?: string;
  rule: string;
}

export function compositesOf(graph: ResourceGraph): CompositeFacts[] {
  return graph.ofType(TYPES.compositeAlarm).map((c) => {
    const name = peekString(c.props, "alarmName");
    const arn = peekString(c.props, "arn");
    const rule = peekString(c.props, "alarmRule");
    return { resource: c, name: typeof name === "string" ? name : c.name, ...(typeof arn === "string" ? { arn } : {}), rule: typeof rule === "string" ? rule : "" };
  });
}

function dimensionsOf(alarm: GraphResource): { known: Record<string, string>; unknown: string[] } {
  const out: Record<string, string> = {};
  const unknown: string[] = [];
  const collect = (dimensions: unknown) => {
    if (dimensions === null || typeof dimensions !== "object") return;
    for (const key of Object.keys(dimensions)) {
      const value = peek(dimensions, key);
      if (typeof value === "string") out[key] = value;
      else if (value === UNKNOWN) unknown.push(key);
    }
  };
  collect(peek(alarm.props, "dimensions"));
  const queries = peek(alarm.props, "metricQueries");
  if (Array.isArray(queries)) {
    queries.forEach((_, i) => collect(peek(queries, i, "metric", "dimensions")));
  }
  return { known: out, unknown };
}

/** The metric alarms of the stack, with the composites each sets off. */
export function metricAlarmsOf(graph: ResourceGraph, composites: readonly CompositeFacts[]): AlarmFacts[] {
  return graph.ofType(TYPES.metricAlarm).map((alarm) => {
    const name = peekString(alarm.props, "name");
    const alarmName = typeof name === "string" ? name : alarm.name;
    const metricName = peekString(alarm.props, "metricName");
    const comparison = peekString(alarm.props, "comparisonOperator");
    const threshold = peekNumber(alarm.props, "threshold");
    const periods = peekNumber(alarm.props, "datapointsToAlarm");
    const evaluation = peekNumber(alarm.props, "evaluationPeriods");
    const period = peekNumber(alarm.props, "period");
    const queryPeriod = peekNumber(alarm.props, "metricQueries", 0, "metric", "period");
    const seconds = typeof period === "number" ? period : typeof queryPeriod === "number" ? queryPeriod : 60;
    const count = typeof periods === "number" ? periods : typeof evaluation === "number" ? evaluation : 1;
    const dimensions = dimensionsOf(alarm);
    return {
      resource: alarm,
      name: alarmName,
      ...(typeof metricName === "string" ? { metricName } : {}),
      ...(typeof comparison === "string" ? { comparison } : {}),
      ...(typeof threshold === "number" ? { threshold } : {}),
      dimensions: dimensions.known,
      unknownDimensions: dimensions.unknown,
      dimensionDeps: [...(alarm.propertyDependencies.dimensions ?? []), ...(alarm.propertyDependencies.metricQueries ?? [])],
      breachSeconds: count * seconds,
      composites: composites.filter((c) => c.rule.includes(`ALARM("${alarmName}")`) || c.rule.includes(`ALARM(${alarmName})`)).map((c) => c.name),
    };
  });
}

/** The name of the alarm (metric or composite) an ARN or stop condition names; the ARN's last part otherwise. */
export function alarmNameOfArn(graph: ResourceGraph, arn: string): { name: string; composite: boolean; ofStack: boolean } {
  for (const type of [TYPES.compositeAlarm, TYPES.metricAlarm]) {
    const found = graph.ofType(type).find((a) => peekString(a.props, "arn") === arn);
    if (found) {
      const name = peekString(found.props, type === TYPES.compositeAlarm ? "alarmName" : "name");
      return { name: typeof name === "string" ? name : found.name, composite: type === TYPES.compositeAlarm, ofStack: true };
    }
  }
  return { name: arn.split(":alarm:").pop() ?? arn, composite: false, ofStack: false };
}
