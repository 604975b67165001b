/**
 * Where each tier's capacity sits, read from AWS resources and their links (not from our
 * components), shared by the three-AZ spread rules and the AZ-loss model.
 *
 * AZs are compared by key (graph.azKey: the AZ ID when it can be known, else the name). A node
 * whose AZ cannot be determined is placed in no AZ (`undefined`): the spread rules do not count it
 * and the AZ-loss model assumes the worst, that it sits in whichever AZ is lost.
 */
import { distinct, GraphResource, ResourceGraph, TYPES } from "./graph";
import { peek, peekBoolean, peekNumber, peekString, UNKNOWN, Unknown } from "./values";

/** AZs a resource spreads over through subnets it references. */
export interface SubnetSpread {
  subnets: GraphResource[];
  /** Distinct AZ keys of the resolved subnets. */
  azs: string[];
  /** Why the AZs cannot be (fully) determined, if so. */
  unresolved?: string;
}

/** AZs of the subnets a resource's `property` refers to (ids, or dependencies when ids are unknown). */
export function subnetSpread(graph: ResourceGraph, resource: GraphResource, property: string): SubnetSpread {
  const refs = graph.refs(resource, property, [TYPES.subnet]);
  const { keys, unknownSubnets } = graph.subnetAzKeys(refs.resources);
  const problems: string[] = [];
  if (refs.unknown) {
    problems.push(`${property} is unknown until the update and depends on no subnet in this stack`);
  }
  if (refs.unresolved.length > 0) {
    problems.push(`${property} names subnets not in this stack (${refs.unresolved.join(", ")})`);
  }
  if (unknownSubnets.length > 0) {
    problems.push(`the AZ of subnet ${unknownSubnets.map((s) => s.name).join(", ")} is unknown`);
  }
  return { subnets: refs.resources, azs: distinct(keys), ...(problems.length > 0 ? { unresolved: problems.join("; ") } : {}) };
}

/** The subnets of a load balancer: `subnets`, or `subnetMappings[].subnetId`. */
export function loadBalancerSpread(graph: ResourceGraph, lb: GraphResource): SubnetSpread {
  const mappings = peek(lb.props, "subnetMappings");
  if (Array.isArray(mappings) && mappings.length > 0) {
    return subnetSpread(graph, lb, "subnetMappings");
  }
  return subnetSpread(graph, lb, "subnets");
}

/** An auto scaling group's subnets (vpcZoneIdentifiers) or, without them, its availabilityZones. */
export function asgSpread(graph: ResourceGraph, asg: GraphResource): SubnetSpread {
  const vpcZones = peek(asg.props, "vpcZoneIdentifiers");
  const hasDeps = (asg.propertyDependencies.vpcZoneIdentifiers ?? []).length > 0;
  if (vpcZones === undefined && !hasDeps) {
    const azs = graph.azKeysOfProperty(asg, "availabilityZones");
    if (azs === UNKNOWN) {
      return { subnets: [], azs: [], unresolved: "availabilityZones is unknown until the update" };
    }
    return { subnets: [], azs: distinct(azs ?? []), ...(azs ? {} : { unresolved: "it sets neither vpcZoneIdentifiers nor availabilityZones" }) };
  }
  return subnetSpread(graph, asg, "vpcZoneIdentifiers");
}

/** A database instance and the AZ it is placed in (undefined: RDS chooses, or unknown). */
export interface DbInstancePlacement {
  resource: GraphResource;
  az?: string;
}

export interface DbClusterPlacement {
  cluster: GraphResource;
  /** "multi-az-cluster": an RDS Multi-AZ DB cluster (a writer and two standbys in three AZs by design). */
  form: "aurora" | "multi-az-cluster";
  instances: DbInstancePlacement[];
  /** AZs of the cluster's DB subnet group, when resolvable. */
  subnetGroup?: SubnetSpread;
}

function azOfProperty(graph: ResourceGraph, resource: GraphResource, property: string): string | undefined {
  const keys = graph.azKeysOfProperty(resource, property);
  return keys === UNKNOWN || keys === undefined || keys.length !== 1 ? undefined : keys[0];
}

function dbSubnetGroupSpread(graph: ResourceGraph, resource: GraphResource): SubnetSpread | undefined {
  const groups = graph.refs(resource, "dbSubnetGroupName", [TYPES.rdsSubnetGroup], ["name", "id"]).resources;
  return groups.length === 1 ? subnetSpread(graph, groups[0], "subnetIds") : undefined;
}

export function dbClusterPlacements(graph: ResourceGraph): DbClusterPlacement[] {
  return graph.ofType(TYPES.rdsCluster).map((cluster) => {
    const engine = peekString(cluster.props, "engine");
    const instanceClass = peek(cluster.props, "dbClusterInstanceClass");
    const form = typeof engine === "string" && !engine.startsWith("aurora") && instanceClass !== undefined ? "multi-az-cluster" : "aurora";
    const instances = graph
      .ofType(TYPES.rdsClusterInstance)
      .filter((i) => graph.refs(i, "clusterIdentifier", [TYPES.rdsCluster], ["clusterIdentifier", "id"]).resources.includes(cluster))
      .map((resource) => {
        const az = azOfProperty(graph, resource, "availabilityZone");
        return { resource, ...(az ? { az } : {}) };
      });
    const subnetGroup = dbSubnetGroupSpread(graph, cluster);
    return { cluster, form, instances, ...(subnetGroup ? { subnetGroup } : {}) };
  });
}

export interface DbStandalonePlacement {
  instance: GraphResource;
  multiAz: boolean | Unknown;
  az?: string;
}

/** RDS DB instances that are not cluster members (aws:rds/instance:Instance). */
export function dbStandalonePlacements(graph: ResourceGraph): DbStandalonePlacement[] {
  return graph.ofType(TYPES.rdsInstance).map((instance) => {
    const multiAz = peekBoolean(instance.props, "multiAz");
    const az = azOfProperty(graph, instance, "availabilityZone");
    return { instance, multiAz: multiAz ?? false, ...(az ? { az } : {}) };
  });
}

export interface NodePlacement {
  resource: GraphResource;
  /** One entry per node: its AZ key, or undefined when unknown. */
  nodes: (string | undefined)[];
  /** Why node AZs are unknown, if some are. */
  unresolved?: string;
  /**
   * When node AZs are unknown but the AZ list was computed from subnets (a preview), the AZs of those
   * subnets: every node is in one of them.
   */
  candidateAzs?: string[];
}

/**
 * Spreads `count` nodes over the AZ list a resource names. The list must name one AZ per node
 * (DAX requires it; ElastiCache uses it in order); otherwise placement is unknown. In a preview the
 * list is unknown; if it was built from as many subnets (AZs) as there are nodes, each node is taken
 * to be in one of them, else the nodes are somewhere among those AZs.
 */
function placeNodes(graph: ResourceGraph, resource: GraphResource, property: string, count: number): NodePlacement {
  const unknownNodes = () => Array<undefined>(count).fill(undefined);
  const placement = graph.azPlacementOfProperty(resource, property);
  if (placement === undefined) {
    return { resource, nodes: unknownNodes(), unresolved: `${property} is not set, so AWS chooses the AZs` };
  }
  if (placement === UNKNOWN) {
    return { resource, nodes: unknownNodes(), unresolved: `${property} is unknown until the update` };
  }
  if (placement.fromDependencies) {
    const candidates = distinct(placement.keys);
    if (candidates.length === count) {
      return { resource, nodes: candidates };
    }
    return {
      resource,
      nodes: unknownNodes(),
      unresolved: `${property} is unknown until the update and comes from subnets in ${candidates.length} AZ(s) (${[...candidates].sort().join(", ")}) for ${count} node(s)`,
      candidateAzs: candidates,
    };
  }
  if (placement.keys.length !== count) {
    return { resource, nodes: unknownNodes(), unresolved: `${property} names ${placement.keys.length} AZ(s) for ${count} node(s)` };
  }
  return { resource, nodes: placement.keys };
}

export interface CachePlacement extends NodePlacement {
  automaticFailover: boolean | Unknown;
  multiAz: boolean | Unknown;
  /** Cluster mode enabled (several shards): nodes per shard. */
  shards: number;
  replicasPerShard: number | Unknown;
}

export function cachePlacement(graph: ResourceGraph, group: GraphResource): CachePlacement {
  const numNodeGroups = peekNumber(group.props, "numNodeGroups");
  const replicasPerNodeGroup = peekNumber(group.props, "replicasPerNodeGroup");
  const numCacheClusters = peekNumber(group.props, "numCacheClusters");
  const clusterMode = typeof numNodeGroups === "number" && numNodeGroups > 1;
  const shards = typeof numNodeGroups === "number" ? numNodeGroups : 1;
  let nodeCount: number;
  if (typeof numCacheClusters === "number") {
    nodeCount = numCacheClusters;
  } else if (typeof replicasPerNodeGroup === "number") {
    nodeCount = shards * (replicasPerNodeGroup + 1);
  } else {
    nodeCount = 1; // AWS's default: one primary, no replica
  }
  const base = clusterMode
    ? { resource: group, nodes: Array<undefined>(nodeCount).fill(undefined), unresolved: "cluster mode places shard nodes itself" }
    : placeNodes(graph, group, "preferredCacheClusterAzs", nodeCount);
  return {
    ...base,
    automaticFailover: peekBoolean(group.props, "automaticFailoverEnabled") ?? false,
    multiAz: peekBoolean(group.props, "multiAzEnabled") ?? false,
    shards,
    replicasPerShard: typeof replicasPerNodeGroup === "number" ? replicasPerNodeGroup : typeof numCacheClusters === "number" ? numCacheClusters - 1 : replicasPerNodeGroup === UNKNOWN ? UNKNOWN : 0,
  };
}

export interface DaxPlacement extends NodePlacement {
  replicationFactor: number | Unknown;
}

export function daxPlacement(graph: ResourceGraph, dax: GraphResource): DaxPlacement {
  const rf = peekNumber(dax.props, "replicationFactor");
  const count = typeof rf === "number" ? rf : 0;
  return { ...placeNodes(graph, dax, "availabilityZones", count), replicationFactor: rf ?? UNKNOWN };
}

/** A route table whose default route goes through a NAT gateway, and the subnets it serves. */
export interface NatRoute {
  routeTable: GraphResource;
  nat?: GraphResource;
  /** AZ of the NAT (through its subnet). */
  natAz?: string;
  subnets: { subnet: GraphResource; az?: string }[];
}

export interface NatGatewayPlacement {
  nat: GraphResource;
  az?: string;
}

export function natGateways(graph: ResourceGraph): NatGatewayPlacement[] {
  return graph.ofType(TYPES.natGateway).map((nat) => {
    const spread = subnetSpread(graph, nat, "subnetId");
    return { nat, ...(spread.azs.length === 1 ? { az: spread.azs[0] } : {}) };
  });
}

const DEFAULT_ROUTE = "0.0.0.0/0";

/** NAT gateways a route table's default route uses: separate Route resources and inline routes. */
function defaultRouteNats(graph: ResourceGraph, routeTable: GraphResource): { nats: GraphResource[]; unresolved: boolean } {
  const nats: GraphResource[] = [];
  let unresolved = false;
  for (const route of graph.ofType(TYPES.route)) {
    if (peekString(route.props, "destinationCidrBlock") !== DEFAULT_ROUTE) {
      continue;
    }
    if (!graph.refs(route, "routeTableId", [TYPES.routeTable]).resources.includes(routeTable)) {
      continue;
    }
    if (peek(route.props, "natGatewayId") === undefined && (route.propertyDependencies.natGatewayId ?? []).length === 0) {
      continue;
    }
    const found = graph.refs(route, "natGatewayId", [TYPES.natGateway]).resources;
    nats.push(...found);
    unresolved ||= found.length === 0;
  }
  const inline = peek(routeTable.props, "routes");
  if (Array.isArray(inline)) {
    for (const [i] of inline.entries()) {
      if (peekString(inline, i, "cidrBlock") !== DEFAULT_ROUTE) {
        continue;
      }
      const natId = peekString(inline, i, "natGatewayId");
      if (natId === undefined) {
        continue;
      }
      const byId = typeof natId === "string" ? graph.ofType(TYPES.natGateway).filter((n) => peekString(n.props, "id") === natId) : [];
      const byDeps = (routeTable.propertyDependencies.routes ?? []).filter((d) => d.type === TYPES.natGateway);
      const found = byId.length > 0 ? byId : byDeps.length === 1 ? byDeps : [];
      nats.push(...found);
      unresolved ||= found.length === 0;
    }
  }
  return { nats: distinct(nats), unresolved };
}

/** Route tables with a default route through a NAT gateway, with the subnets associated to them. */
export function natRoutes(graph: ResourceGraph): NatRoute[] {
  const natAz = new Map(natGateways(graph).map((n) => [n.nat.urn, n.az]));
  const result: NatRoute[] = [];
  for (const routeTable of graph.ofType(TYPES.routeTable)) {
    const { nats, unresolved } = defaultRouteNats(graph, routeTable);
    if (nats.length === 0 && !unresolved) {
      continue;
    }
    const subnets = graph
      .ofType(TYPES.routeTableAssociation)
      .filter((a) => graph.refs(a, "routeTableId", [TYPES.routeTable]).resources.includes(routeTable))
      .flatMap((a) => graph.refs(a, "subnetId", [TYPES.subnet]).resources)
      .map((subnet) => {
        const az = graph.azKey(graph.subnetAz(subnet));
        return { subnet, ...(az ? { az } : {}) };
      });
    const nat = nats.length === 1 ? nats[0] : undefined;
    const az = nat ? natAz.get(nat.urn) : undefined;
    result.push({ routeTable, ...(nat ? { nat } : {}), ...(az ? { natAz: az } : {}), subnets });
  }
  return result;
}

/** Every AZ key the stack's subnets are in. */
export function stackAzs(graph: ResourceGraph): string[] {
  return distinct(graph.subnetAzKeys(graph.ofType(TYPES.subnet)).keys).sort();
}
