/**
 * The network's fixed hourly charges: NAT gateways (data processing is usage-based), Elastic IPs,
 * application load balancers at a baseline LCU and the public IPv4 address of each internet-facing
 * ALB's AZ.
 */
import { TYPES } from "../graph";
import { peek, peekBoolean, peekString } from "../values";
import { addItem, note, regionPrices, type Context } from "./context";

export function priceNetwork(ctx: Context): void {
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
