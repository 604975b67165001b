/**
 * Estimated monthly cost of a stack's MINIMUM footprint, as pure functions over the resource graph:
 * provisioned DynamoDB capacity at its auto scaling minimum, DAX nodes, NAT gateways and public
 * IPv4 addresses, load balancers at a baseline LCU, instances at the auto scaling minimum with
 * their EBS volumes, Aurora instances and cache nodes, observability (metric and composite
 * alarms, dashboards, and the custom metrics the alarms and dashboards read), WAF web ACLs and their
 * rules, and Cognito machine-to-machine app clients. Usage-based charges (requests on on-demand
 * tables, data transfer, storage that grows, Lambda) are not part of a minimum and are listed
 * apart; a resource that should be priced but cannot be (an unknown type, a type missing from the
 * snapshot) is listed as unpriced, never priced at zero silently.
 *
 * The cost policy checks the total against a budget; the offline plan prints the line items.
 */
import { dynamoScalingTargets, replicaTableName, ScalingTargetInfo, tableGsis, billingMode } from "../dynamo";
import { GraphResource, ResourceGraph, TYPES } from "../graph";
import { loadPriceSnapshot, PriceSnapshot, RegionPrices } from "../prices";
import { priceEdge } from "./edge";
import { priceKeys } from "./keys";
import { peek, peekBoolean, peekNumber, peekString, UNKNOWN } from "../values";

export interface CostLineItem {
  resourceUrn: string;
  resourceName: string;
  resourceType: string;
  /** The nearest component resource above it, e.g. trading:dynamo:DynamoHotPath. */
  component?: { urn: string; name: string; type: string };
  region: string;
  /** What is priced, e.g. "3 x dax.r5.large nodes". */
  description: string;
  /** Billing units per month. */
  quantity: number;
  unit: string;
  unitPriceUsd: number;
  monthlyUsd: number;
}

export interface CostNote {
  resourceUrn: string;
  resourceName: string;
  resourceType: string;
  reason: string;
}

export interface CostEstimate {
  snapshotDate: string;
  hoursPerMonth: number;
  totalMonthlyUsd: number;
  /** Largest first. */
  items: CostLineItem[];
  /** Resources that cost money but could not be priced (unknown value, type not in the snapshot). */
  unpriced: CostNote[];
  /** Resources billed by usage only, so not part of the minimum footprint. */
  usageBased: CostNote[];
}

export interface EstimateOptions {
  prices?: PriceSnapshot;
  /** Region for resources that show none (neither their own nor their provider's). */
  defaultRegion?: string;
  /** Load balancer capacity units assumed per hour for each ALB. Default 1. */
  albBaselineLcu?: number;
}

export interface Context {
  graph: ResourceGraph;
  prices: PriceSnapshot;
  hours: number;
  options: EstimateOptions;
  items: CostLineItem[];
  unpriced: CostNote[];
  usageBased: CostNote[];
}

export function note(resource: GraphResource, reason: string): CostNote {
  return { resourceUrn: resource.urn, resourceName: resource.name, resourceType: resource.type, reason };
}

function regionPrices(ctx: Context, resource: GraphResource): { region: string; prices: RegionPrices } | undefined {
  const region = ctx.graph.regionOf(resource, ctx.options.defaultRegion);
  if (!region) {
    ctx.unpriced.push(note(resource, "its region is unknown"));
    return undefined;
  }
  const prices = ctx.prices.regions[region];
  if (!prices) {
    ctx.unpriced.push(note(resource, `the price snapshot has no prices for ${region}`));
    return undefined;
  }
  return { region, prices };
}

export function addItem(ctx: Context, resource: GraphResource, region: string, description: string, quantity: number, unit: string, unitPriceUsd: number): void {
  const component = ctx.graph.componentOf(resource);
  ctx.items.push({
    resourceUrn: resource.urn,
    resourceName: resource.name,
    resourceType: resource.type,
    ...(component ? { component: { urn: component.urn, name: component.name, type: component.type } } : {}),
    region,
    description,
    quantity,
    unit,
    unitPriceUsd,
    monthlyUsd: quantity * unitPriceUsd,
  });
}

/** Hourly price of a type from a per-type table, or a note saying why not. */
function typedPrice(ctx: Context, resource: GraphResource, table: Record<string, number>, type: unknown, what: string): number | undefined {
  if (type === UNKNOWN) {
    ctx.unpriced.push(note(resource, `its ${what} is unknown until the update`));
    return undefined;
  }
  if (typeof type !== "string") {
    ctx.unpriced.push(note(resource, `it sets no ${what}`));
    return undefined;
  }
  const price = table[type];
  if (price === undefined) {
    ctx.unpriced.push(note(resource, `${what} ${type} is not in the price snapshot`));
  }
  return price;
}

function priceDynamo(ctx: Context): void {
  const targets = dynamoScalingTargets(ctx.graph);
  const capacityUnit = (dimension: "read" | "write", replica: boolean) => (dimension === "read" ? "RCU-hour" : replica ? "rWCU-hour" : "WCU-hour");
  const unitPrice = (prices: RegionPrices, dimension: "read" | "write", replica: boolean) =>
    dimension === "read" ? prices.dynamodb.provisionedRcuHour : replica ? prices.dynamodb.replicatedWcuHour : prices.dynamodb.provisionedWcuHour;

  const priceCapacity = (owner: GraphResource, replica: boolean, what: string, dimension: "read" | "write", units: unknown) => {
    const regional = regionPrices(ctx, owner);
    if (!regional) {
      return;
    }
    if (typeof units !== "number") {
      ctx.unpriced.push(note(owner, `${what} ${dimension} capacity is ${units === UNKNOWN ? "unknown until the update" : "not set"}`));
      return;
    }
    if (units > 0) {
      addItem(ctx, owner, regional.region, `${what}: ${units} ${dimension} capacity units (minimum)`, units * ctx.hours, capacityUnit(dimension, replica), unitPrice(regional.prices, dimension, replica));
    }
  };
  const minOf = (found: ScalingTargetInfo[]) => (found.length > 0 ? found[0].minCapacity : undefined);

  const tables = ctx.graph.ofType(TYPES.dynamoTable);
  for (const table of tables) {
    if (billingMode(table) === "PAY_PER_REQUEST") {
      ctx.usageBased.push(note(table, "on-demand table: billed per request, no minimum"));
      continue;
    }
    for (const dimension of ["read", "write"] as const) {
      const own = targets.filter((t) => t.table === table && t.level === "table" && t.dimension === dimension);
      const provisioned = peekNumber(table.props, dimension === "read" ? "readCapacity" : "writeCapacity");
      priceCapacity(table, false, `table ${table.name}`, dimension, own.length > 0 ? minOf(own) : provisioned);
    }
    const gsis = tableGsis(table);
    for (const gsi of gsis) {
      const label = `index ${typeof gsi.name === "string" ? gsi.name : "(unknown name)"} of ${table.name}`;
      for (const dimension of ["read", "write"] as const) {
        const own = targets.filter(
          (t) => t.table === table && t.level === "index" && t.dimension === dimension && (t.indexName === gsi.name || (t.indexName === UNKNOWN && gsis.length === 1)),
        );
        priceCapacity(table, false, label, dimension, own.length > 0 ? minOf(own) : dimension === "read" ? gsi.readCapacity : gsi.writeCapacity);
      }
    }
  }
  for (const replica of ctx.graph.ofType(TYPES.dynamoTableReplica)) {
    const own = targets.filter((t) => t.table === replica);
    if (own.length === 0) {
      ctx.unpriced.push(note(replica, "no auto scaling target in this stack shows its capacity (it follows the global table)"));
      continue;
    }
    const name = replicaTableName(replica);
    if (!own.some((t) => t.dimension === "write")) {
      ctx.unpriced.push(note(replica, "its replicated write capacity follows the global table's write auto scaling, owned by the primary stack"));
    }
    for (const t of own) {
      const what = t.level === "table" ? `replica ${typeof name === "string" ? name : replica.name}` : `replica index ${typeof t.indexName === "string" ? t.indexName : "(unknown)"}`;
      priceCapacity(replica, true, what, t.dimension, t.minCapacity);
    }
  }
}

function launchTemplateOf(ctx: Context, asg: GraphResource): GraphResource | undefined {
  for (const property of ["launchTemplate", "mixedInstancesPolicy"]) {
    const found = (asg.propertyDependencies[property] ?? []).find((d) => d.type === TYPES.launchTemplate);
    if (found) {
      return found;
    }
  }
  const id = peekString(asg.props, "launchTemplate", "id");
  const name = peekString(asg.props, "launchTemplate", "name");
  return ctx.graph
    .ofType(TYPES.launchTemplate)
    .find((lt) => (typeof id === "string" && peekString(lt.props, "id") === id) || (typeof name === "string" && peekString(lt.props, "name") === name));
}

/** gp3 GB of a launch template's (or instance's) EBS volumes; other volume types are noted. */
function ebsGb(ctx: Context, resource: GraphResource, mappingsProperty: string): number {
  const mappings = peek(resource.props, mappingsProperty);
  if (!Array.isArray(mappings)) {
    return 0;
  }
  let total = 0;
  mappings.forEach((_, i) => {
    const size = peekNumber(mappings, i, "ebs", "volumeSize");
    const type = peekString(mappings, i, "ebs", "volumeType");
    if (typeof size !== "number") {
      return;
    }
    if (type !== undefined && type !== "gp3") {
      ctx.unpriced.push(note(resource, `EBS volume type ${String(type)} is not in the price snapshot`));
      return;
    }
    total += size;
  });
  return total;
}

function priceCompute(ctx: Context): void {
  for (const asg of ctx.graph.ofType(TYPES.autoscalingGroup)) {
    const regional = regionPrices(ctx, asg);
    if (!regional) {
      continue;
    }
    const minSize = peekNumber(asg.props, "minSize");
    if (typeof minSize !== "number") {
      ctx.unpriced.push(note(asg, "its minSize is unknown"));
      continue;
    }
    const template = launchTemplateOf(ctx, asg);
    if (!template) {
      ctx.unpriced.push(note(asg, "its launch template is not in this stack"));
      continue;
    }
    const type = peekString(template.props, "instanceType");
    const price = typedPrice(ctx, asg, regional.prices.ec2InstanceHour, type, "instance type");
    if (price !== undefined && minSize > 0) {
      addItem(ctx, asg, regional.region, `${minSize} x ${String(type)} instances (auto scaling minimum)`, minSize * ctx.hours, "instance-hour", price);
    }
    const gb = ebsGb(ctx, template, "blockDeviceMappings");
    if (gb > 0 && minSize > 0) {
      addItem(ctx, asg, regional.region, `${minSize} x ${gb} GB gp3 volumes`, minSize * gb, "GB-month", regional.prices.ebsGp3GbMonth);
    }
  }
  for (const instance of ctx.graph.ofType(TYPES.instance)) {
    const regional = regionPrices(ctx, instance);
    if (!regional) {
      continue;
    }
    const type = peekString(instance.props, "instanceType");
    const price = typedPrice(ctx, instance, regional.prices.ec2InstanceHour, type, "instance type");
    if (price !== undefined) {
      addItem(ctx, instance, regional.region, `1 x ${String(type)} instance`, ctx.hours, "instance-hour", price);
    }
  }
}

function priceNetwork(ctx: Context): void {
  for (const nat of ctx.graph.ofType(TYPES.natGateway)) {
    const regional = regionPrices(ctx, nat);
    if (regional && peekString(nat.props, "connectivityType") !== "private") {
      addItem(ctx, nat, regional.region, "NAT gateway (hours; data processing is usage-based)", ctx.hours, "NAT-gateway-hour", regional.prices.natGatewayHour);
    }
  }
  for (const eip of ctx.graph.ofType(TYPES.eip)) {
    const regional = regionPrices(ctx, eip);
    if (regional) {
      addItem(ctx, eip, regional.region, "public IPv4 address (Elastic IP)", ctx.hours, "IPv4-address-hour", regional.prices.publicIpv4Hour);
    }
  }
  for (const lb of ctx.graph.ofType(TYPES.loadBalancer)) {
    const type = peekString(lb.props, "loadBalancerType") ?? "application";
    if (type !== "application") {
      ctx.unpriced.push(note(lb, `load balancer type ${String(type)} is not in the price snapshot`));
      continue;
    }
    const regional = regionPrices(ctx, lb);
    if (!regional) {
      continue;
    }
    const lcu = ctx.options.albBaselineLcu ?? 1;
    addItem(ctx, lb, regional.region, "application load balancer (hours)", ctx.hours, "ALB-hour", regional.prices.albHour);
    if (lcu > 0) {
      addItem(ctx, lb, regional.region, `${lcu} load balancer capacity unit(s) baseline`, lcu * ctx.hours, "LCU-hour", regional.prices.albLcuHour);
    }
    if (peekBoolean(lb.props, "internal") !== true) {
      const subnets = peek(lb.props, "subnets");
      const deps = (lb.propertyDependencies.subnets ?? lb.propertyDependencies.subnetMappings ?? []).filter((d) => d.type === TYPES.subnet);
      const count = Array.isArray(subnets) ? subnets.length : deps.length;
      if (count > 0) {
        addItem(ctx, lb, regional.region, `${count} public IPv4 address(es), one per AZ`, count * ctx.hours, "IPv4-address-hour", regional.prices.publicIpv4Hour);
      }
    }
  }
}

function priceData(ctx: Context): void {
  for (const dax of ctx.graph.ofType(TYPES.daxCluster)) {
    const regional = regionPrices(ctx, dax);
    if (!regional) {
      continue;
    }
    const nodes = peekNumber(dax.props, "replicationFactor");
    const type = peekString(dax.props, "nodeType");
    const price = typedPrice(ctx, dax, regional.prices.daxNodeHour, type, "node type");
    if (typeof nodes !== "number") {
      ctx.unpriced.push(note(dax, "its replicationFactor is unknown"));
    } else if (price !== undefined) {
      addItem(ctx, dax, regional.region, `${nodes} x ${String(type)} DAX nodes`, nodes * ctx.hours, "node-hour", price);
    }
  }
  const clusters = ctx.graph.ofType(TYPES.rdsCluster);
  for (const cluster of clusters) {
    const engine = peekString(cluster.props, "engine");
    if (typeof engine === "string" && !engine.startsWith("aurora") && peek(cluster.props, "dbClusterInstanceClass") !== undefined) {
      ctx.unpriced.push(note(cluster, "Multi-AZ DB cluster instances are not in the price snapshot"));
    }
  }
  // Aurora Global Database: the secondaries' instances are priced with every other instance; what
  // replication adds is billed by use (replicated write I/Os per million, cross-region transfer).
  for (const global of ctx.graph.ofType(TYPES.rdsGlobalCluster)) {
    ctx.usageBased.push(note(global, "Aurora Global Database: each write I/O replicated to a secondary region is billed per million, plus the cross-region data transfer"));
  }
  for (const cluster of clusters.filter((c) => peekString(c.props, "globalClusterIdentifier") !== undefined)) {
    ctx.usageBased.push(note(cluster, "Aurora Global Database secondary: its replicated write I/Os and storage are billed by use in its region"));
  }
  for (const instance of ctx.graph.ofType(TYPES.rdsClusterInstance)) {
    const regional = regionPrices(ctx, instance);
    if (!regional) {
      continue;
    }
    const type = peekString(instance.props, "instanceClass");
    if (type === "db.serverless") {
      ctx.usageBased.push(note(instance, "Aurora Serverless v2: billed per ACU-hour used"));
      continue;
    }
    const price = typedPrice(ctx, instance, regional.prices.auroraInstanceHour, type, "instance class");
    if (price !== undefined) {
      addItem(ctx, instance, regional.region, `1 x ${String(type)} Aurora instance (storage and I/O are usage-based)`, ctx.hours, "instance-hour", price);
    }
  }
  for (const instance of ctx.graph.ofType(TYPES.rdsInstance)) {
    ctx.unpriced.push(note(instance, "RDS DB instances are not in the price snapshot"));
  }
  for (const group of ctx.graph.ofType(TYPES.cacheReplicationGroup)) {
    const regional = regionPrices(ctx, group);
    if (!regional) {
      continue;
    }
    const engine = peekString(group.props, "engine") ?? "redis";
    if (engine !== "redis" && engine !== "valkey") {
      ctx.unpriced.push(note(group, `cache engine ${String(engine)} is not in the price snapshot`));
      continue;
    }
    const shards = peekNumber(group.props, "numNodeGroups");
    const replicas = peekNumber(group.props, "replicasPerNodeGroup");
    const clusters = peekNumber(group.props, "numCacheClusters");
    const nodes =
      typeof clusters === "number"
        ? clusters
        : typeof replicas === "number"
          ? (typeof shards === "number" ? shards : 1) * (replicas + 1)
          : clusters === UNKNOWN || replicas === UNKNOWN
            ? undefined
            : 1;
    const type = peekString(group.props, "nodeType");
    const price = typedPrice(ctx, group, regional.prices.elasticacheNodeHour[engine], type, `${engine} node type`);
    if (nodes === undefined) {
      ctx.unpriced.push(note(group, "its node count is unknown"));
    } else if (price !== undefined) {
      addItem(ctx, group, regional.region, `${nodes} x ${String(type)} ${engine} nodes`, nodes * ctx.hours, "node-hour", price);
    }
  }
  for (const fn of ctx.graph.ofType("aws:lambda/function:Function")) {
    ctx.usageBased.push(note(fn, "Lambda: billed per request and GB-second"));
  }
}

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
  const component = ctx.graph.componentOf(first);
  ctx.items.push({
    resourceUrn: component?.urn ?? first.urn,
    resourceName: label,
    resourceType: first.type,
    ...(component ? { component: { urn: component.urn, name: component.name, type: component.type } } : {}),
    region,
    description,
    quantity,
    unit,
    unitPriceUsd,
    monthlyUsd: quantity * unitPriceUsd,
  });
}

function priceObservability(ctx: Context): void {
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

/** The minimum monthly footprint of the resources, priced from the snapshot. */
export function estimateMinimumMonthlyCost(resources: readonly GraphResource[], options: EstimateOptions = {}): CostEstimate {
  const prices = options.prices ?? loadPriceSnapshot();
  const ctx: Context = {
    graph: new ResourceGraph(resources),
    prices,
    hours: prices.hoursPerMonth,
    options,
    items: [],
    unpriced: [],
    usageBased: [],
  };
  priceDynamo(ctx);
  priceCompute(ctx);
  priceNetwork(ctx);
  priceData(ctx);
  priceObservability(ctx);
  priceEdge(ctx);
  priceKeys(ctx);
  const items = [...ctx.items].sort((a, b) => b.monthlyUsd - a.monthlyUsd);
  const total = items.reduce((sum, item) => sum + item.monthlyUsd, 0);
  return {
    snapshotDate: prices.snapshotDate,
    hoursPerMonth: prices.hoursPerMonth,
    totalMonthlyUsd: total,
    items,
    unpriced: ctx.unpriced,
    usageBased: ctx.usageBased,
  };
}

export interface ComponentCost {
  /** Component name, or "(no component)" for resources created at the top of the program. */
  component: string;
  componentType?: string;
  monthlyUsd: number;
  items: CostLineItem[];
}

/** The estimate grouped by component, largest first. */
export function costByComponent(estimate: CostEstimate): ComponentCost[] {
  const groups = new Map<string, ComponentCost>();
  for (const item of estimate.items) {
    const key = item.component?.urn ?? "";
    const group = groups.get(key) ?? {
      component: item.component?.name ?? "(no component)",
      ...(item.component ? { componentType: item.component.type } : {}),
      monthlyUsd: 0,
      items: [],
    };
    group.monthlyUsd += item.monthlyUsd;
    group.items.push(item);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.monthlyUsd - a.monthlyUsd);
}

/** "$1,234.56". */
export function formatUsd(amount: number): string {
  return `$${amount.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** The `count` largest line items as "name: description $x", for messages. */
export function describeLargestItems(estimate: CostEstimate, count: number): string {
  return estimate.items
    .slice(0, count)
    .map((item) => `${item.resourceName} (${item.description}) ${formatUsd(item.monthlyUsd)}`)
    .join("; ");
}
