// nat-gateway-per-az (resilience pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/resilience/azSpread.ts.
import type { StackValidationPolicy } from "@pulumi/policy";
import { describeAzs } from "../../lib/graph";
import {
natGateways,
natRoutes
} from "../../lib/placement";
import { graphOf } from "../../lib/resilience/azSpread";

export const natGatewayPerAz: StackValidationPolicy = {
  name: "nat-gateway-per-az",
  description:
    "Every AZ whose subnets reach the internet through a NAT gateway has its own NAT gateway, and each private route table's default route " +
    "goes through the NAT gateway in the AZ of the subnets it serves, so losing one AZ never cuts another AZ's egress.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const graph = graphOf(args.resources);
    const natAzs = new Set(natGateways(graph).flatMap((n) => (n.az ? [n.az] : [])));
    const reportedAzs = new Set<string>();
    for (const route of natRoutes(graph)) {
      const natLabel = route.nat ? `NAT gateway ${route.nat.name}` : "a NAT gateway not in this stack";
      for (const { az } of route.subnets) {
        if (az && !natAzs.has(az) && !reportedAzs.has(az)) {
          reportedAzs.add(az);
          reportViolation(
            `AZ ${az} has subnets that reach the internet through ${natLabel}${route.natAz ? ` in ${route.natAz}` : ""} but no NAT gateway of its own`,
            route.routeTable.urn,
          );
        }
      }
      if (!route.natAz) {
        continue;
      }
      const foreign = route.subnets.filter((s) => s.az !== undefined && s.az !== route.natAz);
      if (foreign.length > 0) {
        reportViolation(
          `route table ${route.routeTable.name} sends 0.0.0.0/0 through ${natLabel} in ${route.natAz} but serves subnet(s) in ` +
            `${describeAzs(foreign.map((s) => s.az as string))} (${foreign.map((s) => s.subnet.name).join(", ")})`,
          route.routeTable.urn,
        );
      }
    }
  },
};
