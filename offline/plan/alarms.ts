/**
 * Part 4 of the plan: the stack's alarms by tier (edge, fleet, data), read back from the recorded
 * CloudWatch alarms: what each watches, its metric and statistic, its threshold (and the config key
 * it comes from), how long it must be breached, whether it is part of the composite "trading
 * degraded" alarm, and where its notifications go.
 */
import { ECS_DEPLOYMENT_FAILURE_EVENT, INSTANCE_REFRESH_FAILURE_EVENTS } from "../../components/observability/observability";
import type { RecordedResource, StackRun } from "../cloud/mockCloud";
import { Column, Style, table } from "./format";

const TYPES = {
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  composite: "aws:cloudwatch/compositeAlarm:CompositeAlarm",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  rule: "aws:cloudwatch/eventRule:EventRule",
  topic: "aws:sns/topic:Topic",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
} as const;

/** Tiers in the seed diagram's order, and the groups within them in the dashboard's order. */
const TIER_ORDER = ["edge", "fleet", "data"];
const GROUP_ORDER = ["ALB", "NAT", "Auto Scaling", "ECS", "API", "DynamoDB", "DAX", "Stream processor", "Aurora", "Cache"];

export interface AlarmRow {
  tier: string;
  watches: string;
  /** The alarm's name without the stack prefix. */
  alarm: string;
  metric: string;
  threshold: string;
  configKey: string;
  /** "3 of 5 x 1 min". */
  window: string;
  critical: boolean;
}

export interface AlarmReport {
  rows: AlarmRow[];
  /** Name of the composite alarm and how many alarms it combines. */
  composite?: { name: string; members: number };
  /** The topic alarms notify: created by the stack (with its subscriptions) or an existing ARN. */
  notifies: { topic: string; created: boolean; subscriptions: string[] }[];
  eventRules: EventRuleRow[];
  dashboards: string[];
}

/** An EventBridge rule of the stack and, read from its event pattern, what it sends. */
export interface EventRuleRow {
  name: string;
  /** "failed and cancelled instance refreshes of Auto Scaling group X", "failed deployments of ECS service Y". */
  sends: string;
}

const text = (value: unknown): string => (typeof value === "string" ? value : value === undefined ? "?" : JSON.stringify(value));
const shortNamespace = (namespace: string) => namespace.replace(/^AWS\//, "");

function metricOf(alarm: RecordedResource): string {
  const queries = alarm.inputs.metricQueries as { expression?: string; label?: string; metric?: { namespace: string; metricName: string; stat: string } }[] | undefined;
  if (Array.isArray(queries)) {
    const result = queries.find((q) => q.expression);
    const inputs = queries.flatMap((q) => (q.metric ? [`${q.metric.metricName} ${q.metric.stat}`] : []));
    const namespace = queries.find((q) => q.metric)?.metric?.namespace ?? "?";
    return `${shortNamespace(namespace)} ${result?.label ?? "metric math"} (${inputs.join(", ")})`;
  }
  const i = alarm.inputs;
  return `${shortNamespace(text(i.namespace))} ${text(i.metricName)} ${text(i.extendedStatistic ?? i.statistic)}`;
}

/** The description ends "Threshold <text> (config <key>)." (components/observability). */
function thresholdOf(alarm: RecordedResource): { threshold: string; configKey: string } {
  const match = /Threshold (.+) \(config (\w+)\)\.$/.exec(text(alarm.inputs.alarmDescription));
  if (match) {
    return { threshold: match[1], configKey: match[2] };
  }
  const symbol: Record<string, string> = { GreaterThanThreshold: ">", GreaterThanOrEqualToThreshold: ">=", LessThanThreshold: "<", LessThanOrEqualToThreshold: "<=" };
  return { threshold: `${symbol[text(alarm.inputs.comparisonOperator)] ?? text(alarm.inputs.comparisonOperator)} ${text(alarm.inputs.threshold)}`, configKey: "" };
}

function windowOf(alarm: RecordedResource): string {
  const i = alarm.inputs;
  const queries = i.metricQueries as { metric?: { period?: number } }[] | undefined;
  const period = Number(i.period ?? queries?.find((q) => q.metric)?.metric?.period ?? 60);
  const minutes = period % 60 === 0 ? `${period / 60} min` : `${period} s`;
  return `${text(i.datapointsToAlarm ?? i.evaluationPeriods)} of ${text(i.evaluationPeriods)} x ${minutes}`;
}

/** The pattern's values for one field (an array of strings in an EventBridge pattern). */
function patternValues(pattern: Record<string, unknown>, ...path: string[]): string[] {
  let value: unknown = pattern;
  for (const key of path) {
    value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  }
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/**
 * What a rule sends, from its recorded event pattern rather than from the platform's config, so the
 * plan describes the rule the stack really has: instance refresh events of an Auto Scaling group
 * (ec2) or the ECS service deployment failure event (fargate); any other rule by its description.
 */
export function eventRuleSends(rule: RecordedResource): string {
  let pattern: Record<string, unknown> = {};
  try {
    pattern = typeof rule.inputs.eventPattern === "string" ? (JSON.parse(rule.inputs.eventPattern) as Record<string, unknown>) : {};
  } catch {
    // An unparsable pattern falls through to the description below.
  }
  const sources = patternValues(pattern, "source");
  const detailTypes = patternValues(pattern, "detail-type");
  if (sources.includes("aws.autoscaling") && detailTypes.some((t) => (INSTANCE_REFRESH_FAILURE_EVENTS as readonly string[]).includes(t))) {
    const kinds = (["Failed", "Cancelled"] as const).filter((k) => detailTypes.some((t) => t.endsWith(` ${k}`))).map((k) => k.toLowerCase());
    const groups = patternValues(pattern, "detail", "AutoScalingGroupName");
    return `${kinds.join(" and ")} instance refreshes${groups.length > 0 ? ` of Auto Scaling group ${groups.join(", ")}` : ""}`;
  }
  if (sources.includes("aws.ecs") && patternValues(pattern, "detail", "eventName").includes(ECS_DEPLOYMENT_FAILURE_EVENT.eventName)) {
    // Resources are service ARNs, arn:aws:ecs:<region>:<account>:service/<cluster>/<service>.
    const services = patternValues(pattern, "resources").map((arn) => arn.split("/").pop() ?? arn);
    return `failed deployments of ${services.length > 0 ? `ECS service ${services.join(", ")}` : "the ECS service"} (${ECS_DEPLOYMENT_FAILURE_EVENT.eventName}: the circuit breaker stopped them)`;
  }
  const description = rule.inputs.description;
  return typeof description === "string" ? `the events its pattern matches (${description})` : "the events its pattern matches";
}

const rank = (order: string[], value: string) => (order.includes(value) ? order.indexOf(value) : order.length);

export function alarmReport(run: StackRun): AlarmReport {
  const prefix = `trading-${run.stack}-`;
  const composite = run.ofType(TYPES.composite)[0];
  const members = composite ? [...text(composite.inputs.alarmRule).matchAll(/ALARM\("([^"]+)"\)/g)].map((m) => m[1]) : [];
  const rows = run.ofType(TYPES.alarm).map((alarm): AlarmRow => {
    const name = text(alarm.inputs.name ?? alarm.name);
    const tags = (alarm.inputs.tags ?? {}) as Record<string, string>;
    return {
      tier: tags.Tier ?? "?",
      watches: tags.Watches ?? "?",
      alarm: name.startsWith(prefix) ? name.slice(prefix.length) : name,
      metric: metricOf(alarm),
      ...thresholdOf(alarm),
      window: windowOf(alarm),
      critical: members.includes(name),
    };
  });
  rows.sort((a, b) => rank(TIER_ORDER, a.tier) - rank(TIER_ORDER, b.tier) || rank(GROUP_ORDER, a.watches) - rank(GROUP_ORDER, b.watches) || a.alarm.localeCompare(b.alarm));

  const topics = run.ofType(TYPES.topic);
  const subscriptions = run.ofType(TYPES.subscription);
  const notifies = topics.map((topic) => ({
    topic: text(topic.inputs.name ?? topic.name),
    created: true,
    subscriptions: subscriptions
      .filter((s) => (s.propertyDependencies.topic ?? []).includes(topic.urn))
      .map((s) => `${text(s.inputs.protocol)}:${text(s.inputs.endpoint)}`),
  }));
  if (notifies.length === 0) {
    const actions = new Set(run.ofType(TYPES.alarm).flatMap((a) => (a.inputs.alarmActions as unknown[] | undefined) ?? []).map(text));
    notifies.push(...[...actions].map((topic) => ({ topic, created: false, subscriptions: [] })));
  }
  return {
    rows,
    ...(composite ? { composite: { name: text(composite.inputs.alarmName ?? composite.name), members: members.length } } : {}),
    notifies,
    eventRules: run.ofType(TYPES.rule).map((r) => ({ name: text(r.inputs.name ?? r.name), sends: eventRuleSends(r) })),
    dashboards: run.ofType(TYPES.dashboard).map((d) => text(d.inputs.dashboardName ?? d.name)),
  };
}

export function renderAlarms(report: AlarmReport, style: Style): string {
  if (report.rows.length === 0) {
    return "  No CloudWatch alarms in this stack.";
  }
  const columns: Column[] = [
    { header: "tier" },
    { header: "watches" },
    { header: "alarm" },
    { header: "metric" },
    { header: "threshold" },
    { header: "config key" },
    { header: "breached" },
    { header: "degraded" },
  ];
  let previousTier = "";
  const rows = report.rows.map((r) => {
    const tier = r.tier === previousTier ? "" : r.tier;
    previousTier = r.tier;
    return [tier, r.watches, r.alarm, r.metric, r.threshold, r.configKey, r.window, r.critical ? style.bold("yes") : ""];
  });
  const lines = [table(columns, rows, [], "  ", style.width)];
  lines.push("");
  const counts = report.rows.length;
  lines.push(
    `  ${counts} metric alarms${report.composite ? `; composite ${report.composite.name} is in ALARM when any of its ${report.composite.members} critical alarms ("degraded" above) is` : ""}.`,
  );
  for (const n of report.notifies) {
    const who = n.subscriptions.length > 0 ? `subscribed: ${n.subscriptions.join(", ")}` : n.created ? style.yellow("no subscriber") : "an existing topic, subscribers managed elsewhere";
    lines.push(`  ALARM and OK transitions notify SNS topic ${n.topic} (${n.created ? "KMS-encrypted, created by the stack" : "not created here"}; ${who}).`);
  }
  for (const rule of report.eventRules) {
    lines.push(`  EventBridge rule ${rule.name} sends ${rule.sends} to the same topic.`);
  }
  if (report.dashboards.length > 0) {
    lines.push(`  Dashboard: ${report.dashboards.join(", ")} (edge, fleet, data; a row per AZ).`);
  }
  return lines.join("\n");
}
