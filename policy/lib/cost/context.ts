/**
 * What every pricing module of the cost estimate shares: the estimate's types, the context the
 * modules add to (line items, unpriced and usage-based notes), and the helpers that find a
 * resource's regional prices and add a line item. The pricing modules (dynamoTables, compute,
 * network, dataStores, observability, edge, keys) import this; it imports none of them.
 */
import { GraphResource, ResourceGraph } from "../graph";
import { PriceSnapshot, RegionPrices } from "../prices";
import { UNKNOWN } from "../values";

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

/** The resource's region and that region's prices, or a note saying why not. */
export function regionPrices(ctx: Context, resource: GraphResource): { region: string; prices: RegionPrices } | undefined {
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

/**
 * Adds one line for `resource`. `shownAs` names the line otherwise: a group of many small charges
 * under one component (the alarms) is shown as that component with a label.
 */
export function addItem(
  ctx: Context,
  resource: GraphResource,
  region: string,
  description: string,
  quantity: number,
  unit: string,
  unitPriceUsd: number,
  shownAs?: { urn: string; name: string },
): void {
  const component = ctx.graph.componentOf(resource);
  ctx.items.push({
    resourceUrn: shownAs?.urn ?? resource.urn,
    resourceName: shownAs?.name ?? resource.name,
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
export function typedPrice(ctx: Context, resource: GraphResource, table: Record<string, number>, type: unknown, what: string): number | undefined {
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
