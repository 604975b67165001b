/**
 * The DynamoDB part of the plan's cost section, beyond the policy lib's minimum-footprint estimate:
 * provisioned capacity at its auto scaling MAXIMUM as well as its minimum, and what the same
 * tables would cost on-demand at a given workload, next to provisioned capacity at that workload
 * and the break-even utilisation. Pure functions over the policy lib's resource graph and the ONE
 * committed price snapshot (policy/lib/prices); no second price table.
 *
 * Billing facts used (DynamoDB pricing pages, as of the snapshot):
 * - a write of an item up to 1 KB is 1 write unit (larger: one per started KB), and every GSI the
 *   item lands in is written too;
 * - an eventually consistent read of up to 4 KB is half a read unit (DAX reads DynamoDB eventually
 *   consistently on a miss); a strongly consistent read would bypass DAX entirely;
 * - in a replica region a global table's incoming writes are replicated writes (rWCU / rWRU) for
 *   the table; its GSIs are written with ordinary write units; their auto scaling is the primary's
 *   (DynamoDB replicates write scaling settings), so a replica stack has no write targets to price;
 * - provisioned capacity is billed per unit-hour whether used or not: at utilisation u a unit-hour
 *   does u x 3600 units of work, so provisioned is cheaper than on-demand once
 *   u > unit-hour price / (3600 x on-demand price per unit) — the break-even utilisation.
 */
import { dynamoScalingTargets, scalingPoliciesFor, ScalingTargetInfo } from "../../policy/lib/dynamo";
import { GraphResource, ResourceGraph, TYPES } from "../../policy/lib/graph";
import type { PriceSnapshot, RegionPrices } from "../../policy/lib/prices";
import { peekNumber, peekString } from "../../policy/lib/values";

export interface Workload {
  /** Item writes per second the application makes (to the primary). */
  writesPerSecond: number;
  /** Item reads per second the application makes (through DAX). */
  readsPerSecond: number;
  /** Item size in KB. */
  itemSizeKb: number;
  /** Share of reads DAX answers from its cache, 0..1. */
  daxHitRatio: number;
}

/** Used when the CLI is given no workload flags; printed with the result so nobody mistakes it for a measurement. */
export const DEFAULT_WORKLOAD: Workload = { writesPerSecond: 100, readsPerSecond: 1000, itemSizeKb: 1, daxHitRatio: 0.9 };

/** Target utilisation assumed for a scalable target with no target-tracking policy (DynamoDB's console default). */
export const DEFAULT_TARGET_UTILIZATION = 70;

export type CapacityKind = "read" | "write" | "replicatedWrite";

/** One auto-scaled capacity: a table's or index's read or write units. */
export interface ScaledCapacity {
  /** Table (or replica) and index, e.g. "trading-table" or "trading-table / index open-orders". */
  what: string;
  level: "table" | "index";
  kind: CapacityKind;
  region: string;
  min: number;
  max: number;
  /** Percent. */
  targetUtilization: number;
  /** Price of one unit for one hour. */
  unitHourUsd: number;
}

export interface ProvisionedRange {
  capacities: ScaledCapacity[];
  monthlyAtMinUsd: number;
  monthlyAtMaxUsd: number;
  /** Capacities that could not be read (unknown until the update, or a region without prices). */
  unreadable: string[];
}

function unitHourPrice(prices: RegionPrices, kind: CapacityKind): number {
  return kind === "read"
    ? prices.dynamodb.provisionedRcuHour
    : kind === "write"
      ? prices.dynamodb.provisionedWcuHour
      : prices.dynamodb.replicatedWcuHour;
}

function targetUtilizationOf(graph: ResourceGraph, target: GraphResource): number {
  for (const policy of scalingPoliciesFor(graph, target)) {
    const value = peekNumber(policy.props, "targetTrackingScalingPolicyConfiguration", "targetValue");
    if (typeof value === "number") {
      return value;
    }
  }
  return DEFAULT_TARGET_UTILIZATION;
}

function ownerName(info: ScalingTargetInfo): string {
  const table = info.table;
  if (!table) {
    const resourceId = peekString(info.target.props, "resourceId");
    return typeof resourceId === "string" ? resourceId : info.target.name;
  }
  const name = table.type === TYPES.dynamoTableReplica ? peekString(table.props, "globalTableArn") : peekString(table.props, "name");
  return typeof name === "string" ? (name.split("/").pop() ?? name) : table.name;
}

/** Every auto-scaled DynamoDB capacity of the stack, with its bounds and price. */
export function scaledCapacities(resources: readonly GraphResource[], snapshot: PriceSnapshot, defaultRegion?: string): ProvisionedRange {
  const graph = new ResourceGraph(resources);
  const capacities: ScaledCapacity[] = [];
  const unreadable: string[] = [];
  for (const info of dynamoScalingTargets(graph)) {
    const replica = info.table?.type === TYPES.dynamoTableReplica;
    const kind: CapacityKind = info.dimension === "read" ? "read" : replica ? "replicatedWrite" : "write";
    const what =
      info.level === "table" ? ownerName(info) : `${ownerName(info)} / index ${typeof info.indexName === "string" ? info.indexName : "(unknown)"}`;
    const region = graph.regionOf(info.table ?? info.target, defaultRegion) ?? graph.regionOf(info.target, defaultRegion);
    const prices = region ? snapshot.regions[region] : undefined;
    if (typeof info.minCapacity !== "number" || typeof info.maxCapacity !== "number" || !region || !prices) {
      unreadable.push(`${what} ${info.dimension}: ${!prices ? `no prices for region ${region ?? "(unknown)"}` : "bounds unknown until the update"}`);
      continue;
    }
    // A replica's write target scales the replica's own (replicated) write capacity; only the
    // table level is replicated writes, its indexes are written with ordinary units.
    const effectiveKind: CapacityKind = kind === "replicatedWrite" && info.level === "index" ? "write" : kind;
    capacities.push({
      what,
      level: info.level,
      kind: effectiveKind,
      region,
      min: info.minCapacity,
      max: info.maxCapacity,
      targetUtilization: targetUtilizationOf(graph, info.target),
      unitHourUsd: unitHourPrice(prices, effectiveKind),
    });
  }
  // A replica stack owns no write scaling (DynamoDB replicates the primary's): say so instead of
  // pricing the replica's replicated writes at nothing.
  const targets = dynamoScalingTargets(graph);
  for (const replica of graph.ofType(TYPES.dynamoTableReplica)) {
    if (!targets.some((t) => t.table === replica && t.dimension === "write")) {
      unreadable.push(`${replica.name} write: follows the global table's write auto scaling, set and priced in the primary stack`);
    }
  }
  const monthly = (pick: (c: ScaledCapacity) => number) =>
    capacities.reduce((sum, c) => sum + pick(c) * c.unitHourUsd * snapshot.hoursPerMonth, 0);
  return { capacities, monthlyAtMinUsd: monthly((c) => c.min), monthlyAtMaxUsd: monthly((c) => c.max), unreadable };
}

/** Break-even utilisation (0..1) of provisioned capacity against on-demand, per kind of capacity. */
export function breakEvenUtilization(prices: RegionPrices): Record<CapacityKind, number> {
  const d = prices.dynamodb;
  const perUnit = (perMillion: number) => (3600 * perMillion) / 1e6;
  return {
    read: d.provisionedRcuHour / perUnit(d.onDemandReadPerMillion),
    write: d.provisionedWcuHour / perUnit(d.onDemandWritePerMillion),
    replicatedWrite: d.replicatedWcuHour / perUnit(d.onDemandReplicatedWritePerMillion),
  };
}

/** Request units per second one capacity consumes at a workload (see the billing facts above). */
export function consumedUnitsPerSecond(capacity: Pick<ScaledCapacity, "kind" | "level">, workload: Workload): number {
  const writeUnits = Math.ceil(workload.itemSizeKb);
  const readUnits = Math.ceil(workload.itemSizeKb / 4) * 0.5;
  if (capacity.kind === "read") {
    // Every read goes to the table (through DAX); indexes serve no reads in this model.
    return capacity.level === "table" ? workload.readsPerSecond * (1 - workload.daxHitRatio) * readUnits : 0;
  }
  return workload.writesPerSecond * writeUnits;
}

export interface CapacityAtWorkload {
  what: string;
  kind: CapacityKind;
  consumedPerSecond: number;
  /** Units auto scaling would settle at: consumed / target utilisation, within min..max. */
  provisioned: number;
  /** consumed / provisioned. */
  utilization: number;
  provisionedMonthlyUsd: number;
  onDemandMonthlyUsd: number;
  /** True when the workload needs more than the maximum: requests would be throttled. */
  exceedsMax: boolean;
}

export interface OnDemandComparison {
  workload: Workload;
  lines: CapacityAtWorkload[];
  provisionedMonthlyUsd: number;
  onDemandMonthlyUsd: number;
  /** Break-even utilisation per kind, for the stack's (first) region. */
  breakEven: Record<CapacityKind, number>;
  /** Provisioned capacity's average utilisation at the workload, weighted by cost. */
  averageUtilization: number;
  cheaper: "provisioned" | "on-demand" | "equal";
}

function onDemandPerUnit(prices: RegionPrices, kind: CapacityKind): number {
  const d = prices.dynamodb;
  return (kind === "read" ? d.onDemandReadPerMillion : kind === "write" ? d.onDemandWritePerMillion : d.onDemandReplicatedWritePerMillion) / 1e6;
}

/** The stack's DynamoDB tables at `workload`: provisioned (as auto scaling would set it) against on-demand. */
export function compareOnDemand(range: ProvisionedRange, snapshot: PriceSnapshot, workload: Workload): OnDemandComparison | undefined {
  const first = range.capacities[0];
  if (!first) {
    return undefined;
  }
  const secondsPerMonth = snapshot.hoursPerMonth * 3600;
  const lines = range.capacities.map((c): CapacityAtWorkload => {
    const prices = snapshot.regions[c.region];
    const consumed = consumedUnitsPerSecond(c, workload);
    const wanted = Math.ceil(consumed / (c.targetUtilization / 100));
    const provisioned = Math.min(c.max, Math.max(c.min, wanted));
    return {
      what: c.what,
      kind: c.kind,
      consumedPerSecond: consumed,
      provisioned,
      utilization: provisioned > 0 ? Math.min(consumed, provisioned) / provisioned : 0,
      provisionedMonthlyUsd: provisioned * c.unitHourUsd * snapshot.hoursPerMonth,
      onDemandMonthlyUsd: consumed * secondsPerMonth * onDemandPerUnit(prices, c.kind),
      exceedsMax: wanted > c.max,
    };
  });
  const provisionedMonthlyUsd = lines.reduce((s, l) => s + l.provisionedMonthlyUsd, 0);
  const onDemandMonthlyUsd = lines.reduce((s, l) => s + l.onDemandMonthlyUsd, 0);
  const averageUtilization =
    provisionedMonthlyUsd > 0 ? lines.reduce((s, l) => s + l.utilization * l.provisionedMonthlyUsd, 0) / provisionedMonthlyUsd : 0;
  const cents = (x: number) => Math.round(x * 100);
  return {
    workload,
    lines,
    provisionedMonthlyUsd,
    onDemandMonthlyUsd,
    breakEven: breakEvenUtilization(snapshot.regions[first.region]),
    averageUtilization,
    cheaper:
      cents(provisionedMonthlyUsd) === cents(onDemandMonthlyUsd) ? "equal" : provisionedMonthlyUsd < onDemandMonthlyUsd ? "provisioned" : "on-demand",
  };
}
