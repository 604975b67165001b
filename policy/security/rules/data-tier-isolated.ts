/**
 * The data tier is isolated: no subnet a data store lives in routes to the internet. Data subnets
 * are the subnets of every RDS/Aurora, ElastiCache and DAX subnet group, and every subnet whose tier
 * tag names a data tier. A route table reaches the internet through an internet gateway (gatewayId
 * of an aws.ec2.InternetGateway, or an `igw-` id), a NAT gateway (natGatewayId) or an egress-only
 * internet gateway (egressOnlyGatewayId), as a Route resource or an inline route. A subnet with no
 * explicit association uses its VPC's main route table (VPC User Guide, "Configure route tables":
 * "subnets that are not explicitly associated with any route table are implicitly associated with
 * the main route table"), so a DefaultRouteTable or MainRouteTableAssociation with such a route
 * counts against it.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { GraphResource, ResourceGraph, TYPES } from "../../lib/graph";
import { peek, peekArray, peekString, UNKNOWN } from "../../lib/values";

interface DataTierConfig {
  tierTag: string;
  dataTiers: string[];
}

const SUBNET_GROUP_TYPES = [TYPES.rdsSubnetGroup, TYPES.cacheSubnetGroup, TYPES.daxSubnetGroup];
const EGRESS_ONLY_GATEWAY = "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway";
const DEFAULT_ROUTE_TABLE = "aws:ec2/defaultRouteTable:DefaultRouteTable";
const MAIN_ROUTE_TABLE_ASSOCIATION = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation";

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}

/**
 * Where a route leads, if to the internet. `route` holds the route's properties (a Route's props, or
 * one inline route); `deps` tells the target's type when its id is still unknown (a preview).
 */
function internetTarget(graph: ResourceGraph, route: unknown, deps: (key: string) => GraphResource[]): string | undefined {
  const gateway = peek(route, "gatewayId");
  const igwIds = new Set(graph.ofType(TYPES.internetGateway).map((g) => peekString(g.props, "id")));
  if (deps("gatewayId").some((d) => d.type === TYPES.internetGateway) || (typeof gateway === "string" && (gateway.startsWith("igw-") || igwIds.has(gateway)))) {
    return "an internet gateway";
  }
  if (isSet(peek(route, "natGatewayId")) || deps("natGatewayId").some((d) => d.type === TYPES.natGateway)) {
    return "a NAT gateway";
  }
  if (isSet(peek(route, "egressOnlyGatewayId")) || deps("egressOnlyGatewayId").some((d) => d.type === EGRESS_ONLY_GATEWAY)) {
    return "an egress-only internet gateway";
  }
  return undefined;
}

/** Internet routes of a route table (Route resources on it and its inline `routes`), as "<route> via <target>". */
function internetRoutes(graph: ResourceGraph, table: GraphResource): string[] {
  const found: string[] = [];
  for (const route of graph.ofType(TYPES.route)) {
    if (!graph.refs(route, "routeTableId", [TYPES.routeTable, DEFAULT_ROUTE_TABLE]).resources.includes(table)) {
      continue;
    }
    const target = internetTarget(graph, route.props, (key) => route.propertyDependencies[key] ?? []);
    if (target) {
      const destination = peekString(route.props, "destinationCidrBlock") ?? peekString(route.props, "destinationIpv6CidrBlock");
      found.push(`route ${route.name} (${show(destination)}) via ${target}`);
    }
  }
  const inline = peekArray(table.props, "routes");
  if (Array.isArray(inline)) {
    for (const route of inline) {
      // Inline routes share the table's one `routes` dependency list: consult it only for a target still unknown.
      const target = internetTarget(graph, route, (key) => (peek(route, key) === UNKNOWN ? (table.propertyDependencies.routes ?? []) : []));
      if (target) {
        found.push(`inline route ${show(peek(route, "cidrBlock") ?? peek(route, "ipv6CidrBlock"))} via ${target}`);
      }
    }
  }
  return found;
}

function show(value: unknown): string {
  return value === UNKNOWN ? "(unknown)" : typeof value === "string" ? value : "?";
}

/** The data subnets: every subnet of a data store's subnet group, and every subnet tagged with a data tier. */
function dataSubnets(graph: ResourceGraph, config: DataTierConfig): Map<GraphResource, string> {
  const subnets = new Map<GraphResource, string>();
  for (const group of graph.resources.filter((r) => SUBNET_GROUP_TYPES.includes(r.type as (typeof SUBNET_GROUP_TYPES)[number]))) {
    for (const subnet of graph.refs(group, "subnetIds", [TYPES.subnet]).resources) {
      if (!subnets.has(subnet)) {
        subnets.set(subnet, `in subnet group ${group.name}`);
      }
    }
  }
  for (const subnet of graph.ofType(TYPES.subnet)) {
    const tier = peekString(subnet.props, "tags", config.tierTag);
    if (typeof tier === "string" && config.dataTiers.includes(tier) && !subnets.has(subnet)) {
      subnets.set(subnet, `tagged ${config.tierTag}=${tier}`);
    }
  }
  return subnets;
}

/** The route tables a subnet uses: its explicit associations, else its VPC's main table. */
function routeTablesOf(graph: ResourceGraph, subnet: GraphResource): GraphResource[] {
  const explicit = graph
    .ofType(TYPES.routeTableAssociation)
    .filter((a) => graph.refs(a, "subnetId", [TYPES.subnet]).resources.includes(subnet))
    .flatMap((a) => graph.refs(a, "routeTableId", [TYPES.routeTable]).resources);
  if (explicit.length > 0) {
    return explicit;
  }
  const vpcs = graph.refs(subnet, "vpcId", [TYPES.vpc]).resources;
  const mains = [
    ...graph.ofType(DEFAULT_ROUTE_TABLE).filter((t) => graph.refs(t, "defaultRouteTableId", [TYPES.vpc], ["defaultRouteTableId"]).resources.some((v) => vpcs.includes(v))),
    ...graph
      .ofType(MAIN_ROUTE_TABLE_ASSOCIATION)
      .filter((a) => graph.refs(a, "vpcId", [TYPES.vpc]).resources.some((v) => vpcs.includes(v)))
      .flatMap((a) => graph.refs(a, "routeTableId", [TYPES.routeTable]).resources),
  ];
  return mains;
}

export const dataTierIsolated: StackValidationPolicy = {
  name: "data-tier-isolated",
  description:
    "No subnet of the data tier — every subnet of an RDS/Aurora, ElastiCache or DAX subnet group, and every subnet whose `tierTag` is one of " +
    "`dataTiers` — uses a route table with a route to an internet gateway, a NAT gateway or an egress-only internet gateway.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      tierTag: { type: "string", default: "Tier", description: "The subnet tag that names its tier. Default Tier." },
      dataTiers: { type: "array", items: { type: "string" }, default: ["data"], description: 'Tier tag values of data subnets. Default ["data"].' },
    },
  },
  validateStack: (args, reportViolation) => {
    const config = args.getConfig<DataTierConfig>();
    const graph = new ResourceGraph(args.resources);
    for (const [subnet, why] of dataSubnets(graph, config)) {
      for (const table of routeTablesOf(graph, subnet)) {
        for (const route of internetRoutes(graph, table)) {
          reportViolation(`data subnet ${subnet.name} (${why}) uses route table ${table.name}, which has ${route}: the data tier must not reach the internet`, subnet.urn);
        }
      }
    }
  },
};
