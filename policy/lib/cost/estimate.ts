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
import { GraphResource, ResourceGraph } from "../graph";
import { loadPriceSnapshot } from "../prices";
import { priceCompute, priceFargate } from "./compute";
import type { Context, CostEstimate, EstimateOptions } from "./context";
import { priceData } from "./dataStores";
import { priceDynamo } from "./dynamoTables";
import { priceEdge } from "./edge";
import { priceKeys } from "./keys";
import { priceNetwork } from "./network";
import { priceObservability } from "./observability";

export type { CostEstimate, CostLineItem, CostNote, EstimateOptions } from "./context";
export { costByComponent, describeLargestItems, formatUsd, type ComponentCost } from "./report";

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
  priceFargate(ctx);
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
