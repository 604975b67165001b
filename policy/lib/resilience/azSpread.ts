/**
 * Three-AZ spread: every tier of the platform must have capacity in at least `minAzs` AZs, judged
 * from AWS resources and the links between them (subnets through property dependencies when ids
 * are unknown in a preview), whatever component created them.
 */
import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { describeAzs, distinct, GraphResource, ResourceGraph, TYPES } from "../lib/graph";
import { peek, peekString, UNKNOWN } from "../lib/values";
import {
  asgSpread,
  cachePlacement,
  daxPlacement,
  dbClusterPlacements,
  dbStandalonePlacements,
  loadBalancerSpread,
  natGateways,
  natRoutes,
  NodePlacement,
  SubnetSpread,
} from "../lib/placement";

export interface MinAzsConfig {
  minAzs: number;
}

const minAzsSchema: PolicyConfigSchema = {
  properties: {
    minAzs: { type: "integer", minimum: 1, default: 3, description: "Distinct AZs required. Default 3." },
  },
};

function spreadMessage(what: string, azs: string[], min: number, unresolved?: string): string {
  return `${what} spans ${azs.length} AZ(s) (${describeAzs(azs)}); at least ${min} are required${unresolved ? ` (not counted: ${unresolved})` : ""}`;
}

/** The spread message for nodes placed by an AZ list, or undefined when they span enough AZs. */
function nodeSpreadMessage(label: string, placement: NodePlacement, minAzs: number): string | undefined {
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

function graphOf(resources: readonly GraphResource[]): ResourceGraph {
  return new ResourceGraph(resources);
}

export interface SubnetTierConfig extends MinAzsConfig {
  tierTag: string;
}

/** Public (default route to an internet gateway), private (to a NAT) or isolated (neither). */
function routingTier(graph: ResourceGraph, subnet: GraphResource): string {
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

export const subnetTiersSpanAzs: StackValidationPolicy = {
  name: "subnet-tiers-span-azs",
  description:
    "Every subnet tier (public, app, data, ...) of each VPC has subnets in at least `minAzs` distinct AZs, so no tier depends on one AZ. " +
    "The tier is the subnet's `tierTag` tag, or else its routing (public, private through NAT, isolated).",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      ...minAzsSchema.properties,
      tierTag: { type: "string", minLength: 1, default: "Tier", description: 'Tag holding the subnet tier. Default "Tier".' },
    },
  },
  validateStack: (args, reportViolation) => {
    const { minAzs, tierTag } = args.getConfig<SubnetTierConfig>();
    const graph = graphOf(args.resources);
    const groups = new Map<string, { vpc?: GraphResource; tier: string; subnets: GraphResource[] }>();
    for (const subnet of graph.ofType(TYPES.subnet)) {
      const vpc = graph.refs(subnet, "vpcId", [TYPES.vpc]).resources[0];
      const tagged = peekString(subnet.props, "tags", tierTag);
      const tier = typeof tagged === "string" ? tagged : routingTier(graph, subnet);
      const key = `${vpc?.urn ?? "?"}|${tier}`;
      const group = groups.get(key) ?? { ...(vpc ? { vpc } : {}), tier, subnets: [] };
      group.subnets.push(subnet);
      groups.set(key, group);
    }
    for (const group of groups.values()) {
      const { keys, unknownSubnets } = graph.subnetAzKeys(group.subnets);
      const azs = distinct(keys);
      if (azs.length < minAzs) {
        const unresolved = unknownSubnets.length > 0 ? `AZ unknown for ${unknownSubnets.map((s) => s.name).join(", ")}` : undefined;
        const where = group.vpc ? ` of VPC ${group.vpc.name}` : "";
        reportViolation(spreadMessage(`subnet tier "${group.tier}"${where}`, azs, minAzs, unresolved), (group.vpc ?? group.subnets[0]).urn);
      }
    }
  },
};

function checkSpread(
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

export const asgSpansAzs: StackValidationPolicy = {
  name: "asg-spans-azs",
  description:
    "Every auto scaling group launches into subnets in at least `minAzs` distinct AZs (its vpcZoneIdentifiers are followed to the subnet resources, " +
    "because subnet ids are unknown in a first preview).",
  enforcementLevel: "mandatory",
  configSchema: minAzsSchema,
  validateStack: (args, reportViolation) => {
    const { minAzs } = args.getConfig<MinAzsConfig>();
    const graph = graphOf(args.resources);
    checkSpread(graph.ofType(TYPES.autoscalingGroup), (r) => asgSpread(graph, r), "auto scaling group", minAzs, reportViolation);
  },
};

export const albSpansAzs: StackValidationPolicy = {
  name: "alb-spans-azs",
  description: "Every load balancer has subnets in at least `minAzs` distinct AZs, so it keeps serving when one AZ fails.",
  enforcementLevel: "mandatory",
  configSchema: minAzsSchema,
  validateStack: (args, reportViolation) => {
    const { minAzs } = args.getConfig<MinAzsConfig>();
    const graph = graphOf(args.resources);
    checkSpread(graph.ofType(TYPES.loadBalancer), (r) => loadBalancerSpread(graph, r), "load balancer", minAzs, reportViolation);
  },
};

export const databaseSpansAzs: StackValidationPolicy = {
  name: "database-spans-azs",
  description:
    "Relational databases survive an AZ loss: an Aurora cluster has instances pinned to at least `minAzs` distinct AZs, or the database is an " +
    "RDS Multi-AZ DB cluster (a writer and two readable standbys in three AZs) over a subnet group in at least `minAzs` AZs. " +
    "A single DB instance (even Multi-AZ, which is two AZs) does not qualify.",
  enforcementLevel: "mandatory",
  configSchema: minAzsSchema,
  validateStack: (args, reportViolation) => {
    const { minAzs } = args.getConfig<MinAzsConfig>();
    const graph = graphOf(args.resources);
    for (const placement of dbClusterPlacements(graph)) {
      const { cluster } = placement;
      if (placement.form === "multi-az-cluster") {
        if (placement.subnetGroup && placement.subnetGroup.azs.length < minAzs) {
          reportViolation(
            spreadMessage(`the DB subnet group of Multi-AZ DB cluster ${cluster.name}`, placement.subnetGroup.azs, minAzs, placement.subnetGroup.unresolved),
            cluster.urn,
          );
        }
        continue;
      }
      const azs = distinct(placement.instances.flatMap((i) => (i.az ? [i.az] : [])));
      if (azs.length < minAzs) {
        const unplaced = placement.instances.filter((i) => !i.az).map((i) => i.resource.name);
        const unresolved = unplaced.length > 0 ? `no known availabilityZone for ${unplaced.join(", ")}` : undefined;
        reportViolation(
          `${spreadMessage(`Aurora cluster ${cluster.name} (${placement.instances.length} instance(s))`, azs, minAzs, unresolved)}; ` +
            "pin one instance to each AZ with availabilityZone, or use a Multi-AZ DB cluster",
          cluster.urn,
        );
      }
    }
    for (const { instance, multiAz } of dbStandalonePlacements(graph)) {
      reportViolation(
        `DB instance ${instance.name} is a single instance${multiAz === true ? " with a Multi-AZ standby" : ""}, which covers at most 2 AZs; ` +
          `use an Aurora cluster with instances in ${minAzs} AZs or a Multi-AZ DB cluster`,
        instance.urn,
      );
    }
  },
};

export const cacheSpansAzs: StackValidationPolicy = {
  name: "cache-spans-azs",
  description:
    "Every ElastiCache replication group has automatic failover and Multi-AZ enabled and nodes in at least `minAzs` distinct AZs " +
    "(preferredCacheClusterAzs names one AZ per node).",
  enforcementLevel: "mandatory",
  configSchema: minAzsSchema,
  validateStack: (args, reportViolation) => {
    const { minAzs } = args.getConfig<MinAzsConfig>();
    const graph = graphOf(args.resources);
    for (const group of graph.ofType(TYPES.cacheReplicationGroup)) {
      const placement = cachePlacement(graph, group);
      if (placement.automaticFailover === false) {
        reportViolation(`replication group ${group.name} has automatic failover off; set automaticFailoverEnabled: true`, group.urn);
      }
      if (placement.multiAz === false) {
        reportViolation(`replication group ${group.name} is not Multi-AZ; set multiAzEnabled: true`, group.urn);
      }
      const message = nodeSpreadMessage("replication group", placement, minAzs);
      if (message) {
        reportViolation(message, group.urn);
      }
    }
  },
};

export interface DaxSpreadConfig extends MinAzsConfig {
  minNodes: number;
}

export const daxSpansAzs: StackValidationPolicy = {
  name: "dax-spans-azs",
  description:
    "Every DAX cluster has a replication factor of at least `minNodes` with one node per AZ over at least `minAzs` distinct AZs " +
    "(availabilityZones lists one AZ per node).",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      ...minAzsSchema.properties,
      minNodes: { type: "integer", minimum: 1, default: 3, description: "Minimum replicationFactor. Default 3." },
    },
  },
  validateStack: (args, reportViolation) => {
    const { minAzs, minNodes } = args.getConfig<DaxSpreadConfig>();
    const graph = graphOf(args.resources);
    for (const dax of graph.ofType(TYPES.daxCluster)) {
      const placement = daxPlacement(graph, dax);
      if (typeof placement.replicationFactor === "number" && placement.replicationFactor < minNodes) {
        reportViolation(`DAX cluster ${dax.name} has replicationFactor ${placement.replicationFactor}; at least ${minNodes} nodes are required`, dax.urn);
      }
      if (placement.replicationFactor === UNKNOWN) {
        continue;
      }
      const message = nodeSpreadMessage("DAX cluster", placement, minAzs);
      if (message) {
        reportViolation(message, dax.urn);
      }
    }
  },
};

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
