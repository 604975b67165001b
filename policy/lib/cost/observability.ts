/**
 * Observability: metric alarms by the metrics they read (standard or high resolution), the custom
 * metrics the alarms and dashboards read, dashboards and composite alarms, one line per component
 * and region for the many small alarm charges; SNS is usage-based.
 */
import { GraphResource, TYPES } from "../graph";
import { RegionPrices } from "../prices";
import { peek, peekNumber, UNKNOWN } from "../values";
import { addItem, note, regionPrices, type Context } from "./context";
import { formatUsd } from "./report";

/** Below this period (seconds) a metric alarm is high resolution and priced as such. */
const STANDARD_RESOLUTION_SECONDS = 60;

interface AlarmMetrics {
  /** Metrics the alarm reads: one, or each metric of its metric math (expressions are free). */
  count: number;
  highResolution: boolean;
  /** Identities (namespace, name, dimensions) of the custom-namespace metrics it reads. */
  customMetrics: string[];
}

function metricIdentity(namespace: unknown, metricName: unknown, dimensions: unknown): string {
  const dims = dimensions !== null && typeof dimensions === "object" ? Object.keys(dimensions).sort().map((k) => `${k}=${String(peek(dimensions, k) === UNKNOWN ? "?" : peek(dimensions, k))}`) : [];
  return `${String(namespace)}|${String(metricName)}|${dims.join(",")}`;
}

const isCustomNamespace = (namespace: unknown) => typeof namespace === "string" && !namespace.startsWith("AWS/");

function alarmMetrics(alarm: GraphResource): AlarmMetrics | undefined {
  const queries = peek(alarm.props, "metricQueries");
  if (queries === UNKNOWN) {
    return undefined;
  }
  if (Array.isArray(queries) && queries.length > 0) {
    const metrics = queries.map((_, i) => peek(queries, i, "metric")).filter((m) => m !== undefined && m !== null);
    return {
      count: metrics.length,
      highResolution: metrics.some((m) => {
        const period = peekNumber(m, "period");
        return typeof period === "number" && period < STANDARD_RESOLUTION_SECONDS;
      }),
      customMetrics: metrics
        .filter((m) => isCustomNamespace(peek(m, "namespace")))
        .map((m) => metricIdentity(peek(m, "namespace"), peek(m, "metricName"), peek(m, "dimensions"))),
    };
  }
  const period = peekNumber(alarm.props, "period");
  const namespace = peek(alarm.props, "namespace");
  return {
    count: 1,
    highResolution: typeof period === "number" && period < STANDARD_RESOLUTION_SECONDS,
    customMetrics: isCustomNamespace(namespace) ? [metricIdentity(namespace, peek(alarm.props, "metricName"), peek(alarm.props, "dimensions"))] : [],
  };
}

/** Custom-namespace metrics a dashboard body shows (metric lines: namespace, name, dimension pairs, options). */
function dashboardCustomMetrics(body: unknown): string[] | undefined {
  if (typeof body !== "string") {
    return undefined;
  }
  let parsed: { widgets?: { properties?: { metrics?: unknown[][] } }[] };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return undefined;
  }
  return (parsed.widgets ?? []).flatMap((w) =>
    (w.properties?.metrics ?? []).flatMap((line) => {
      const [namespace, metricName, ...rest] = line;
      if (!isCustomNamespace(namespace)) {
        return [];
      }
      const pairs = rest.length % 2 === 1 ? rest.slice(0, -1) : rest;
      const dims: Record<string, unknown> = {};
      for (let i = 0; i < pairs.length; i += 2) dims[String(pairs[i])] = pairs[i + 1];
      return [metricIdentity(namespace, metricName, dims)];
    }),
  );
}

/** Adds one line for resources grouped under the same component (alarms are many small charges). */
function addGroupItem(ctx: Context, first: GraphResource, region: string, label: string, description: string, quantity: number, unit: string, unitPriceUsd: number): void {
  addItem(ctx, first, region, description, quantity, unit, unitPriceUsd, { urn: ctx.graph.componentOf(first)?.urn ?? first.urn, name: label });
}

export function priceObservability(ctx: Context): void {
  // Metric alarms and the custom metrics they read, one line per component and region.
  const groups = new Map<string, { first: GraphResource; region: string; prices: RegionPrices; alarms: number; standard: number; highRes: number; custom: Set<string> }>();
  const groupOf = (resource: GraphResource) => {
    const regional = regionPrices(ctx, resource);
    if (!regional) {
      return undefined;
    }
    const key = `${ctx.graph.componentOf(resource)?.urn ?? ""}|${regional.region}`;
    let group = groups.get(key);
    if (!group) {
      group = { first: resource, region: regional.region, prices: regional.prices, alarms: 0, standard: 0, highRes: 0, custom: new Set() };
      groups.set(key, group);
    }
    return group;
  };
  for (const alarm of ctx.graph.ofType(TYPES.metricAlarm)) {
    const metrics = alarmMetrics(alarm);
    if (!metrics) {
      ctx.unpriced.push(note(alarm, "its metric queries are unknown until the update"));
      continue;
    }
    const group = groupOf(alarm);
    if (!group) {
      continue;
    }
    group.alarms += 1;
    if (metrics.highResolution) {
      group.highRes += metrics.count;
    } else {
      group.standard += metrics.count;
    }
    metrics.customMetrics.forEach((m) => group.custom.add(m));
  }
  for (const dashboard of ctx.graph.ofType(TYPES.dashboard)) {
    const regional = regionPrices(ctx, dashboard);
    if (!regional) {
      continue;
    }
    addItem(ctx, dashboard, regional.region, "CloudWatch dashboard", 1, "dashboard-month", regional.prices.cloudwatch.dashboardMonth);
    const custom = dashboardCustomMetrics(peek(dashboard.props, "dashboardBody"));
    const group = groupOf(dashboard);
    if (custom === undefined) {
      ctx.unpriced.push(note(dashboard, "its body is unknown until the update, so the custom metrics only it shows are not counted"));
    } else if (group) {
      custom.forEach((m) => group.custom.add(m));
    }
  }
  for (const group of groups.values()) {
    const cw = group.prices.cloudwatch;
    if (group.standard > 0) {
      addGroupItem(ctx, group.first, group.region, `${group.alarms} metric alarms`, `${group.standard} alarm metrics (standard resolution)`, group.standard, "alarm-metric-month", cw.alarmMetricMonth);
    }
    if (group.highRes > 0) {
      addGroupItem(ctx, group.first, group.region, `${group.alarms} metric alarms`, `${group.highRes} alarm metrics (high resolution)`, group.highRes, "alarm-metric-month", cw.highResolutionAlarmMetricMonth);
    }
    if (group.custom.size > 0) {
      addGroupItem(ctx, group.first, group.region, "custom metrics", `${group.custom.size} custom metrics the alarms and dashboards read`, group.custom.size, "metric-month", cw.customMetricMonth);
    }
  }
  for (const composite of ctx.graph.ofType(TYPES.compositeAlarm)) {
    const regional = regionPrices(ctx, composite);
    if (regional) {
      addItem(ctx, composite, regional.region, "composite alarm", 1, "alarm-month", regional.prices.cloudwatch.compositeAlarmMonth);
    }
  }
  for (const topic of ctx.graph.ofType(TYPES.snsTopic)) {
    const regional = regionPrices(ctx, topic);
    if (regional) {
      const sns = regional.prices.sns;
      ctx.usageBased.push(
        note(
          topic,
          `SNS: ${formatUsd(sns.publishPerMillion)} per million publishes, email ${formatUsd(sns.emailPer100k)} per 100,000, HTTPS ${formatUsd(sns.httpsPerMillion)} per million notifications, after the free tiers`,
        ),
      );
    }
  }
}
