/**
 * A VPC whose private subnets reach the internet through NAT has a DynamoDB gateway endpoint on those
 * subnets' route tables. Gateway endpoints for DynamoDB cost nothing (VPC User Guide / PrivateLink
 * Guide, "Gateway endpoints": "There is no additional charge for using gateway endpoints"), while
 * DynamoDB traffic through a NAT gateway pays its per-GB processing charge; the order path talks to
 * DynamoDB on every request.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { GraphResource, ResourceGraph, TYPES } from "../../lib/graph";
import { peekString } from "../../lib/values";

const VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const ROUTE_TABLE_ENDPOINT_ASSOCIATION = "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation";

function isDynamoGatewayEndpoint(endpoint: GraphResource): boolean {
  const service = peekString(endpoint.props, "serviceName");
  const type = peekString(endpoint.props, "vpcEndpointType") ?? "Gateway";
  return typeof service === "string" && /\.dynamodb$/.test(service) && type === "Gateway";
}

/** Route tables with a route through a NAT gateway. */
function natRouteTables(graph: ResourceGraph): GraphResource[] {
  const tables = new Map<string, GraphResource>();
  for (const route of graph.ofType(TYPES.route)) {
    const viaNat = (route.propertyDependencies.natGatewayId ?? []).length > 0 || typeof peekString(route.props, "natGatewayId") === "string";
    if (viaNat) {
      for (const table of graph.refs(route, "routeTableId", [TYPES.routeTable]).resources) {
        tables.set(table.urn, table);
      }
    }
  }
  return [...tables.values()];
}

export const dynamodbGatewayEndpoint: StackValidationPolicy = {
  name: "dynamodb-gateway-endpoint",
  description:
    "Every route table that routes through a NAT gateway is attached to a DynamoDB gateway VPC endpoint (routeTableIds or a " +
    "VpcEndpointRouteTableAssociation), so DynamoDB traffic skips the NAT's per-GB charge; gateway endpoints are free.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const graph = new ResourceGraph(args.resources);
    const endpoints = graph.ofType(VPC_ENDPOINT).filter(isDynamoGatewayEndpoint);
    const covered = new Set<string>();
    for (const endpoint of endpoints) {
      for (const table of graph.refs(endpoint, "routeTableIds", [TYPES.routeTable]).resources) {
        covered.add(table.urn);
      }
    }
    for (const association of graph.ofType(ROUTE_TABLE_ENDPOINT_ASSOCIATION)) {
      if (graph.refs(association, "vpcEndpointId", [VPC_ENDPOINT]).resources.some(isDynamoGatewayEndpoint)) {
        for (const table of graph.refs(association, "routeTableId", [TYPES.routeTable]).resources) {
          covered.add(table.urn);
        }
      }
    }
    for (const table of natRouteTables(graph)) {
      if (!covered.has(table.urn)) {
        reportViolation(`route table ${table.name} sends traffic through a NAT gateway but has no DynamoDB gateway endpoint: DynamoDB requests pay NAT processing`, table.urn);
      }
    }
  },
};
