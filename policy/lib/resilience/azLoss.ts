/**
 * AZ-loss survivability: for each AZ of the stack, take it out of the recorded graph and report
 * every tier that loses service or more than its allowed share of capacity. Unlike the spread rules
 * (which count AZs), this follows what actually depends on what: a route table's NAT in another
 * AZ, an auto scaling group's minimum spread over its AZs, where a database's writer can fail over
 * to, whether a cache or DAX cluster keeps a majority of its nodes. An ECS service is judged like
 * an auto scaling group, by its minimum (auto scaling target, else desired count) spread over its
 * subnets' AZs (ecsService.ts).
 *
 * Where a node's AZ cannot be determined the model assumes the worst: that it is in the lost AZ.
 */
import { describeAzs, distinct, GraphResource, ResourceGraph, TYPES } from "../graph";
import {
asgSpread,
cachePlacement,
daxPlacement,
dbClusterPlacements,
dbStandalonePlacements,
loadBalancerSpread,
natRoutes,
NodePlacement,
stackAzs,
} from "../placement";
import { peekNumber } from "../values";
import { ECS_SERVICE_TYPE, ecsServiceMinimum, ecsServiceSpread } from "./ecsService";

export interface AzLossConfig {
  /** Largest share (0-1) of a tier's minimum capacity one AZ may take down. */
  maxCapacityLossShare: number;
}

export interface AzLossFinding {
  az: string;
  resource: GraphResource;
  message: string;
}

export const percent = (share: number) => `${Math.round(share * 100)}%`;

/**
 * What losing one of `azs` AZs does to a fleet of `min` members (instances or tasks) that its
 * scheduler balances over them: the fullest AZ holds ceil(min / AZs).
 */
export function fleetLossFinding(what: string, members: string, min: number, azCount: number, config: AzLossConfig): string | undefined {
  const lost = Math.ceil(min / azCount);
  const left = min - lost;
  const share = lost / min;
  if (left === 0) {
    return `${what} keeps none of its minimum ${min} ${members}(s): the tier loses service until ${members}s ${members === "task" ? "start" : "launch"} elsewhere`;
  }
  if (share > config.maxCapacityLossShare) {
    return `${what} keeps ${left} of its minimum ${min} ${members}s (loses ${percent(share)}; at most ${percent(config.maxCapacityLossShare)} may be lost)`;
  }
  return undefined;
}

export function quorumFinding(az: string, label: string, placement: NodePlacement): string | undefined {
  const total = placement.nodes.length;
  if (total === 0) {
    return undefined;
  }
  // A node of unknown AZ is assumed lost, unless it is known to be in other AZs (a preview's subnets).
  const lost = placement.nodes.filter((n) => n === az || (n === undefined && (placement.candidateAzs?.includes(az) ?? true))).length;
  const left = total - lost;
  const unknownNote = placement.unresolved ? ` (node AZs not known: ${placement.unresolved})` : "";
  if (left === 0) {
    return `${label} ${placement.resource.name} loses all ${total} node(s)${unknownNote}`;
  }
  if (left * 2 <= total) {
    return `${label} ${placement.resource.name} keeps ${left} of ${total} nodes: no majority (quorum) remains${unknownNote}`;
  }
  return undefined;
}

/** Everything that fails when `az` is lost, per tier. Pure: the rule below only reports it. */
export function azLossFindings(resources: readonly GraphResource[], config: AzLossConfig): AzLossFinding[] {
  const graph = new ResourceGraph(resources);
  const findings: AzLossFinding[] = [];
  const routes = natRoutes(graph);
  const asgs = graph.ofType(TYPES.autoscalingGroup).map((asg) => ({ asg, spread: asgSpread(graph, asg) }));
  const services = graph.ofType(ECS_SERVICE_TYPE).map((service) => ({ service, spread: ecsServiceSpread(graph, service), minimum: ecsServiceMinimum(graph, service) }));
  const lbs = graph.ofType(TYPES.loadBalancer).map((lb) => ({ lb, spread: loadBalancerSpread(graph, lb) }));
  const clusters = dbClusterPlacements(graph).filter((c) => c.form === "aurora" && c.instances.length > 0);
  const standalone = dbStandalonePlacements(graph);
  const caches = graph.ofType(TYPES.cacheReplicationGroup).map((g) => cachePlacement(graph, g));
  const daxes = graph.ofType(TYPES.daxCluster).map((d) => daxPlacement(graph, d));

  const azs = distinct([
    ...stackAzs(graph),
    ...asgs.flatMap((a) => a.spread.azs),
    ...services.flatMap((s) => s.spread.azs),
    ...lbs.flatMap((l) => l.spread.azs),
    ...clusters.flatMap((c) => c.instances.flatMap((i) => (i.az ? [i.az] : []))),
    ...caches.flatMap((c) => c.nodes.flatMap((n) => (n ? [n] : []))),
    ...daxes.flatMap((d) => d.nodes.flatMap((n) => (n ? [n] : []))),
  ]).sort();

  for (const az of azs) {
    const add = (resource: GraphResource, message: string) => findings.push({ az, resource, message: `losing ${az}: ${message}` });

    for (const route of routes) {
      if (route.natAz !== az) {
        continue;
      }
      const cut = route.subnets.filter((s) => s.az !== undefined && s.az !== az);
      if (cut.length > 0) {
        add(
          route.routeTable,
          `subnet(s) ${cut.map((s) => s.subnet.name).join(", ")} in ${describeAzs(cut.map((s) => s.az as string))} lose internet egress: ` +
            `route table ${route.routeTable.name} sends 0.0.0.0/0 through NAT gateway ${route.nat?.name ?? "(unknown)"} in ${az}`,
        );
      }
    }

    for (const { asg, spread } of asgs) {
      const minSize = peekNumber(asg.props, "minSize");
      if (!spread.azs.includes(az) || typeof minSize !== "number" || minSize <= 0) {
        continue;
      }
      const finding = fleetLossFinding(`auto scaling group ${asg.name}`, "instance", minSize, spread.azs.length, config);
      if (finding) {
        add(asg, finding);
      }
    }

    for (const { service, spread, minimum } of services) {
      if (!spread.azs.includes(az) || minimum.min === undefined || minimum.min <= 0) {
        continue;
      }
      const finding = fleetLossFinding(`ECS service ${service.name}`, "task", minimum.min, spread.azs.length, config);
      if (finding) {
        add(service, finding);
      }
    }

    for (const { lb, spread } of lbs) {
      if (spread.azs.length > 0 && spread.azs.every((a) => a === az)) {
        add(lb, `load balancer ${lb.name} has no subnet outside ${az}: it loses service`);
      }
    }

    for (const cluster of clusters) {
      const survivors = cluster.instances.filter((i) => i.az !== undefined && i.az !== az);
      if (survivors.length === 0) {
        const unplaced = cluster.instances.filter((i) => !i.az).map((i) => i.resource.name);
        add(
          cluster.cluster,
          `Aurora cluster ${cluster.cluster.name} has no instance known to be outside ${az}` +
            `${unplaced.length > 0 ? ` (no known AZ: ${unplaced.join(", ")})` : ""}: the writer has no standby elsewhere`,
        );
      }
    }

    for (const placement of standalone) {
      if (placement.multiAz !== true && (placement.az === undefined || placement.az === az)) {
        add(placement.instance, `DB instance ${placement.instance.name} is single-AZ (multiAz off): the writer has no standby elsewhere`);
      }
    }

    for (const cache of caches) {
      const quorum = quorumFinding(az, "replication group", cache);
      if (quorum) {
        add(cache.resource, quorum);
      } else if (cache.nodes[0] === az && cache.automaticFailover !== true) {
        add(cache.resource, `replication group ${cache.resource.name} loses its primary in ${az} and automatic failover is off: writes stop`);
      }
    }

    for (const dax of daxes) {
      const quorum = quorumFinding(az, "DAX cluster", dax);
      if (quorum) {
        add(dax.resource, quorum);
      }
    }
  }
  return findings;
}
