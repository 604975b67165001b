/**
 * Three-AZ spread: every tier of the platform must have capacity in at least `minAzs` AZs, judged
 * from AWS resources and the links between them (subnets through property dependencies when ids
 * are unknown in a preview), whatever component created them.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import { describeAzs, distinct, GraphResource, ResourceGraph, TYPES } from "../graph";
import {
NodePlacement,
SubnetSpread
} from "../placement";
import { peek, peekString } from "../values";

export interface MinAzsConfig {
  minAzs: number;
}

export const minAzsSchema: PolicyConfigSchema = {
  properties: {
    minAzs: { type: "integer", minimum: 1, default: 3, description: "Distinct AZs required. Default 3." },
  },
};

export function spreadMessage(what: string, azs: string[], min: number, unresolved?: string): string {
  return `${what} spans ${azs.length} AZ(s) (${describeAzs(azs)}); at least ${min} are required${unresolved ? ` (not counted: ${unresolved})` : ""}`;
}

/** The spread message for nodes placed by an AZ list, or undefined when they span enough AZs. */
export function nodeSpreadMessage(label: string, placement: NodePlacement, minAzs: number): string | undefined {
  const azs = distinct(placement.nodes.flatMap((n) => (n ? [n] : [])));
  if (azs.length >= minAzs) {
    return undefined;
  }
  const what = `${label} ${placement.resource.name} (${placement.nodes.length} node(s))`;
  if (placement.candidateAzs && azs.length === 0) {
    // A preview: the AZ list is not known yet, only the subnets it is built from.
    const atMost = Math.min(placement.candidateAzs.length, placement.nodes.length);
    if (atMost >= minAzs) {
      return undefined;
    }
    return `${what} can span at most ${atMost} AZ(s); at least ${minAzs} are required (${placement.unresolved})`;
  }
  return spreadMessage(what, azs, minAzs, placement.unresolved);
}

export function graphOf(resources: readonly GraphResource[]): ResourceGraph {
  return new ResourceGraph(resources);
}

export interface SubnetTierConfig extends MinAzsConfig {
  tierTag: string;
}

/** Public (default route to an internet gateway), private (to a NAT) or isolated (neither). */
export function routingTier(graph: ResourceGraph, subnet: GraphResource): string {
  const routeTables = graph
    .ofType(TYPES.routeTableAssociation)
    .filter((a) => graph.refs(a, "subnetId", [TYPES.subnet]).resources.includes(subnet))
    .flatMap((a) => graph.refs(a, "routeTableId", [TYPES.routeTable]).resources);
  for (const routeTable of routeTables) {
    for (const route of graph.ofType(TYPES.route)) {
      if (peekString(route.props, "destinationCidrBlock") !== "0.0.0.0/0" || !graph.refs(route, "routeTableId", [TYPES.routeTable]).resources.includes(routeTable)) {
        continue;
      }
      if (graph.refs(route, "gatewayId", [TYPES.internetGateway]).resources.length > 0) {
        return "public";
      }
      if (peek(route.props, "natGatewayId") !== undefined) {
        return "private";
      }
    }
  }
  return "isolated";
}

export function checkSpread(
  resources: GraphResource[],
  spreadOf: (r: GraphResource) => SubnetSpread,
  label: string,
  minAzs: number,
  report: (message: string, urn: string) => void,
): void {
  for (const resource of resources) {
    const spread = spreadOf(resource);
    if (spread.azs.length < minAzs) {
      report(spreadMessage(`${label} ${resource.name}`, spread.azs, minAzs, spread.unresolved), resource.urn);
    }
  }
}

export interface DaxSpreadConfig extends MinAzsConfig {
  minNodes: number;
}
