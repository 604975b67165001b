/**
 * Part 2 of the plan: each tier against the AZs it runs in, derived only from the recorded AWS
 * resources — their types, their properties and the property dependencies that lead to subnets —
 * never from a component's internals. A subnet's tier follows from its routing (a default route to
 * an internet gateway: public; to a NAT gateway: app; none: data), so a subnet that is tagged one
 * way but routed another shows where its traffic really goes.
 *
 * Placement that AWS chooses at creation (a Multi-AZ standby, nodes without preferred AZs) is shown
 * as the AZs the subnet group allows, marked as such, rather than guessed.
 */
import * as pulumi from "@pulumi/pulumi";
import type { RecordedResource, StackRun } from "../cloud/mockCloud";
import { FAKE_REGIONS } from "../cloud/fakeAws";
import { ECS_TYPES, serviceCapacity, serviceSubnets, tasksCell, tasksPerAz } from "./ecsTasks";
import { Column, Style, table } from "./format";

export const T = {
  subnet: "aws:ec2/subnet:Subnet",
  routeTable: "aws:ec2/routeTable:RouteTable",
  route: "aws:ec2/route:Route",
  association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  internetGateway: "aws:ec2/internetGateway:InternetGateway",
  natGateway: "aws:ec2/natGateway:NatGateway",
  asg: "aws:autoscaling/group:Group",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  albAlias: "aws:alb/loadBalancer:LoadBalancer",
  rdsCluster: "aws:rds/cluster:Cluster",
  rdsClusterInstance: "aws:rds/clusterInstance:ClusterInstance",
  rdsInstance: "aws:rds/instance:Instance",
  rdsSubnetGroup: "aws:rds/subnetGroup:SubnetGroup",
  cacheReplicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  cacheCluster: "aws:elasticache/cluster:Cluster",
  cacheSubnetGroup: "aws:elasticache/subnetGroup:SubnetGroup",
  daxCluster: "aws:dax/cluster:Cluster",
  daxSubnetGroup: "aws:dax/subnetGroup:SubnetGroup",
} as const;

export type TierKey = "public" | "app" | "data" | "nat" | "egress" | "asg" | "ecs" | "alb" | "database" | "cache" | "dax";

export interface AzRow {
  key: TierKey;
  tier: string;
  /** False when the stack composes nothing of this tier. */
  present: boolean;
  /** Text per AZ ID; an AZ with nothing of this tier is absent from the map. */
  cells: Record<string, string>;
  /** Distinct AZs this tier has something in (eligible-only cells are not counted). */
  azCount: number;
  note: string;
}

export interface AzMatrix {
  region: string;
  /** AZ IDs in the order the stack's subnets were declared. */
  azIds: string[];
  rows: AzRow[];
}

const DEFAULT_ROUTES = new Set(["0.0.0.0/0", "::/0"]);

/** Marks an AZ the subnet group allows but where AWS, not the program, decides placement. */
export const ELIGIBLE = "(eligible)";

function known<V>(value: V): value is Exclude<V, undefined> {
  return value !== undefined && value !== null && !pulumi.isUnknown(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && known(v)) : [];
}

function num(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

/** An AZ name or ID of `region` as an AZ ID; names map through the (fake) account's table. */
export function toAzId(region: string, nameOrId: string): string | undefined {
  const azs = FAKE_REGIONS[region] ?? [];
  return azs.find((a) => a.id === nameOrId)?.id ?? azs.find((a) => a.name === nameOrId)?.id;
}

export function subnetAzId(subnet: RecordedResource): string | undefined {
  for (const source of [subnet.inputs, subnet.outputs]) {
    if (typeof source.availabilityZoneId === "string" && known(source.availabilityZoneId)) {
      return source.availabilityZoneId;
    }
  }
  for (const source of [subnet.inputs, subnet.outputs]) {
    if (typeof source.availabilityZone === "string" && known(source.availabilityZone)) {
      return toAzId(subnet.region, source.availabilityZone);
    }
  }
  return undefined;
}

/** The subnets a property's value came from (following property dependencies, not ids). */
function subnetsOf(run: StackRun, resource: RecordedResource, property: string): RecordedResource[] {
  return (resource.propertyDependencies[property] ?? [])
    .map((urn) => run.resources.find((r) => r.urn === urn))
    .filter((r): r is RecordedResource => r?.type === T.subnet);
}

function depsOfType(run: StackRun, resource: RecordedResource, property: string, type: string): RecordedResource[] {
  return (resource.propertyDependencies[property] ?? [])
    .map((urn) => run.resources.find((r) => r.urn === urn))
    .filter((r): r is RecordedResource => r?.type === type);
}

/** The subnets of the subnet group a data store names in `property`. */
function subnetGroupSubnets(run: StackRun, store: RecordedResource, property: string, groupType: string): RecordedResource[] {
  return depsOfType(run, store, property, groupType).flatMap((group) => subnetsOf(run, group, "subnetIds"));
}

export type SubnetTier = "public" | "app" | "data";

export interface SubnetRouting {
  tier: SubnetTier;
  /** For an app subnet: the NAT gateway its default route goes through. */
  nat?: RecordedResource;
}

/** Classifies every subnet of the run by the default route of its route table. */
export function subnetRouting(run: StackRun): Map<string, SubnetRouting> {
  const defaultTarget = new Map<string, { igw?: RecordedResource; nat?: RecordedResource }>();
  const note = (routeTableUrn: string, targets: RecordedResource[]) => {
    const entry = defaultTarget.get(routeTableUrn) ?? {};
    entry.igw ??= targets.find((t) => t.type === T.internetGateway);
    entry.nat ??= targets.find((t) => t.type === T.natGateway);
    defaultTarget.set(routeTableUrn, entry);
  };
  for (const route of run.ofType(T.route)) {
    const destination = route.inputs.destinationCidrBlock ?? route.inputs.destinationIpv6CidrBlock;
    if (typeof destination === "string" && DEFAULT_ROUTES.has(destination)) {
      const targets = [...depsOfType(run, route, "gatewayId", T.internetGateway), ...depsOfType(run, route, "natGatewayId", T.natGateway)];
      for (const rt of depsOfType(run, route, "routeTableId", T.routeTable)) {
        note(rt.urn, targets);
      }
    }
  }
  // Inline routes on the route table itself.
  for (const rt of run.ofType(T.routeTable)) {
    const routes = Array.isArray(rt.inputs.routes) ? (rt.inputs.routes as Record<string, unknown>[]) : [];
    if (routes.some((r) => DEFAULT_ROUTES.has(String(r.cidrBlock ?? r.ipv6CidrBlock)))) {
      note(rt.urn, [...depsOfType(run, rt, "routes", T.internetGateway), ...depsOfType(run, rt, "routes", T.natGateway)]);
    }
  }
  const routing = new Map<string, SubnetRouting>();
  for (const subnet of run.ofType(T.subnet)) {
    routing.set(subnet.urn, { tier: "data" });
  }
  for (const assoc of run.ofType(T.association)) {
    const target = depsOfType(run, assoc, "routeTableId", T.routeTable)
      .map((rt) => defaultTarget.get(rt.urn))
      .find((t) => t !== undefined);
    for (const subnet of subnetsOf(run, assoc, "subnetId")) {
      routing.set(subnet.urn, target?.igw ? { tier: "public" } : target?.nat ? { tier: "app", nat: target.nat } : { tier: "data" });
    }
  }
  return routing;
}

class RowBuilder {
  private readonly labels = new Map<string, string[]>();
  private readonly eligible = new Set<string>();
  readonly notes: string[] = [];
  present = false;

  constructor(
    readonly key: TierKey,
    readonly tier: string,
  ) {}

  add(azId: string | undefined, label: string): void {
    this.present = true;
    if (azId) {
      this.labels.set(azId, [...(this.labels.get(azId) ?? []), label]);
    }
  }

  allow(azId: string | undefined): void {
    this.present = true;
    if (azId) {
      this.eligible.add(azId);
    }
  }

  build(): AzRow {
    const cells: Record<string, string> = {};
    for (const [az, labels] of this.labels) {
      const distinct = [...new Set(labels)];
      cells[az] =
        distinct.length === 1 && labels.length > 1 ? `${labels.length}× ${distinct[0]}` : distinct.join(", ");
    }
    for (const az of this.eligible) {
      cells[az] ??= ELIGIBLE;
    }
    return {
      key: this.key,
      tier: this.tier,
      present: this.present,
      cells,
      azCount: this.labels.size,
      note: this.present ? this.notes.join("; ") : "absent: nothing of this tier in the stack",
    };
  }
}

/**
 * The AZ IDs a placement property (`availabilityZone`, `availabilityZones`, `preferredCacheClusterAzs`)
 * names, in order. AZ names are often computed from subnets and unknown in a preview; then the
 * property's dependencies lead to the subnets they came from, which know their AZ ID.
 */
function placement(run: StackRun, resource: RecordedResource, property: string, azOf: Map<string, string | undefined>): string[] {
  const value = resource.inputs[property];
  const names = typeof value === "string" ? [value] : strings(value);
  const fromValues = names.map((n) => toAzId(resource.region, n)).filter((az): az is string => az !== undefined);
  const expected = Array.isArray(value) ? value.length : value === undefined ? 0 : 1;
  if (fromValues.length > 0 && fromValues.length === expected) {
    return fromValues;
  }
  return subnetsOf(run, resource, property)
    .map((s) => azOf.get(s.urn))
    .filter((az): az is string => az !== undefined);
}

export function buildAzMatrix(run: StackRun): AzMatrix {
  const routing = subnetRouting(run);
  const subnets = run.ofType(T.subnet);
  const azOf = new Map(subnets.map((s) => [s.urn, subnetAzId(s)]));
  const region = subnets[0]?.region ?? (run.resources.find((r) => r.custom)?.region ?? "");

  // Subnet tiers.
  const tiers: Record<SubnetTier, RowBuilder> = {
    public: new RowBuilder("public", "public subnets"),
    app: new RowBuilder("app", "app subnets"),
    data: new RowBuilder("data", "data subnets"),
  };
  for (const subnet of subnets) {
    const tier = routing.get(subnet.urn)?.tier ?? "data";
    const cidr = subnet.inputs.cidrBlock;
    tiers[tier].add(azOf.get(subnet.urn), typeof cidr === "string" && known(cidr) ? cidr : "subnet");
  }
  tiers.public.notes.push("default route to the internet gateway");
  tiers.app.notes.push("default route to a NAT gateway");
  tiers.data.notes.push("no route to the internet");

  // NAT gateways, and the AZ each app subnet's egress leaves through.
  const nat = new RowBuilder("nat", "NAT gateways");
  for (const gw of run.ofType(T.natGateway)) {
    const subnet = subnetsOf(run, gw, "subnetId")[0];
    nat.add(subnet ? azOf.get(subnet.urn) : undefined, "nat");
  }
  const egress = new RowBuilder("egress", "app egress via NAT in");
  let crossAz = 0;
  for (const subnet of subnets) {
    const r = routing.get(subnet.urn);
    if (r?.tier !== "app" || !r.nat) {
      continue;
    }
    const natSubnet = subnetsOf(run, r.nat, "subnetId")[0];
    const natAz = natSubnet ? azOf.get(natSubnet.urn) : undefined;
    const own = azOf.get(subnet.urn);
    if (natAz && own && natAz !== own) {
      crossAz += 1;
    }
    egress.add(own, natAz === own ? "same AZ" : (natAz ?? "?"));
  }
  if (egress.present) {
    egress.notes.push(crossAz === 0 ? "every AZ egresses through its own NAT" : `${crossAz} AZ(s) depend on a NAT in another AZ`);
  }

  // Auto Scaling groups.
  const asg = new RowBuilder("asg", "ASG (app instances)");
  for (const group of run.ofType(T.asg)) {
    const groupSubnets = subnetsOf(run, group, "vpcZoneIdentifiers");
    const azs = new Set(groupSubnets.map((s) => azOf.get(s.urn)));
    for (const az of azs.size > 0 ? azs : new Set(placement(run, group, "availabilityZones", azOf))) {
      asg.add(az, "asg");
    }
    const [min, desired, max] = [num(group.inputs.minSize), num(group.inputs.desiredCapacity), num(group.inputs.maxSize)];
    asg.notes.push(`${group.name}: min ${min ?? "?"} / desired ${desired ?? "?"} / max ${max ?? "?"}`);
  }

  // ECS services' Fargate tasks, per AZ at the service's minimum (ecsTasks.ts).
  const ecs = new RowBuilder("ecs", "ECS tasks at minimum");
  for (const service of run.ofType(ECS_TYPES.service)) {
    const azs = [...new Set(serviceSubnets(run, service).map((s) => azOf.get(s.urn)))].filter((az): az is string => az !== undefined);
    const capacity = serviceCapacity(run, service);
    const spread = capacity.min === undefined ? undefined : tasksPerAz(capacity.min, azs.length);
    for (const az of azs) {
      ecs.add(az, spread ? tasksCell(spread) : "tasks");
    }
    if (azs.length === 0) {
      ecs.allow(undefined);
    }
    const range = `min ${capacity.min ?? "?"} / desired ${capacity.desired ?? "?"} / max ${capacity.max ?? "?"}`;
    const where =
      spread === undefined || azs.length === 0
        ? "its AZs are not known"
        : azs.length === 1
          ? `all ${tasksCell(spread)} in one AZ`
          : spread.fuller === 0
            ? `${tasksCell(spread)} in each of ${azs.length} AZs at the minimum`
          : `at the minimum ${spread.fuller} of the ${azs.length} AZs hold ${spread.high} (ECS picks which)`;
    const minFrom = { "auto scaling target": "min of its auto scaling target", desiredCount: "no auto scaling target: min = desiredCount", unknown: "min not known" }[capacity.minFrom];
    ecs.notes.push(`${service.name}: ${range} tasks (${minFrom}); ${where}`);
  }

  // Load balancers.
  const alb = new RowBuilder("alb", "ALB");
  for (const lb of [...run.ofType(T.lb), ...run.ofType(T.albAlias)]) {
    const lbSubnets = [...subnetsOf(run, lb, "subnets"), ...subnetsOf(run, lb, "subnetMappings")];
    for (const az of new Set(lbSubnets.map((s) => azOf.get(s.urn)))) {
      alb.add(az, "alb");
    }
    const kind = String(lb.inputs.loadBalancerType ?? "application");
    alb.notes.push(`${lb.name}: ${kind}, ${lb.inputs.internal === true ? "internal" : "internet-facing"}`);
  }

  // Relational database: Aurora instances, a Multi-AZ DB cluster, or an RDS instance.
  const database = new RowBuilder("database", "database");
  const instances = run.ofType(T.rdsClusterInstance);
  let placed = 0;
  for (const inst of instances) {
    const az = placement(run, inst, "availabilityZone", azOf)[0];
    const tier = num(inst.inputs.promotionTier);
    database.add(az, tier === undefined ? "instance" : `instance t${tier}`);
    placed += az ? 1 : 0;
  }
  if (instances.length > 0) {
    database.notes.push(
      `${instances.length} Aurora instance(s)` + (placed < instances.length ? `, ${instances.length - placed} placed by RDS` : "") + " (tN = promotion tier)",
    );
  }
  for (const cluster of run.ofType(T.rdsCluster)) {
    if (typeof cluster.inputs.dbClusterInstanceClass === "string") {
      // A Multi-AZ DB cluster: a writer and two readable standbys, placed by RDS.
      const azs = placement(run, cluster, "availabilityZones", azOf);
      azs.forEach((az) => database.add(az, "db"));
      if (azs.length === 0) {
        subnetGroupSubnets(run, cluster, "dbSubnetGroupName", T.rdsSubnetGroup).forEach((s) => database.allow(azOf.get(s.urn)));
      }
      database.notes.push(`${cluster.name}: Multi-AZ DB cluster (writer + 2 readable standbys)`);
    } else if (instances.length === 0) {
      database.allow(undefined);
      database.notes.push(`${cluster.name}: cluster without instances`);
    }
  }
  for (const inst of run.ofType(T.rdsInstance)) {
    const az = placement(run, inst, "availabilityZone", azOf)[0];
    const multiAz = inst.inputs.multiAz === true;
    if (az) {
      database.add(az, "primary");
    }
    if (multiAz || !az) {
      subnetGroupSubnets(run, inst, "dbSubnetGroupName", T.rdsSubnetGroup).forEach((s) => database.allow(azOf.get(s.urn)));
    }
    database.notes.push(`${inst.name}: RDS instance${multiAz ? ", Multi-AZ standby placed by RDS" : ", single-AZ"}`);
  }

  // Cache.
  const cache = new RowBuilder("cache", "cache");
  for (const group of run.ofType(T.cacheReplicationGroup)) {
    const azs = placement(run, group, "preferredCacheClusterAzs", azOf);
    azs.forEach((az, i) => cache.add(az, i === 0 ? "primary" : "replica"));
    if (azs.length === 0) {
      subnetGroupSubnets(run, group, "subnetGroupName", T.cacheSubnetGroup).forEach((s) => cache.allow(azOf.get(s.urn)));
    }
    const nodes = num(group.inputs.numCacheClusters);
    const flags = [
      group.inputs.automaticFailoverEnabled === true ? "failover" : "no failover",
      group.inputs.multiAzEnabled === true ? "Multi-AZ" : "not Multi-AZ",
    ];
    cache.notes.push(`${group.name}: ${nodes ?? "?"} node(s), ${flags.join(", ")}`);
  }
  for (const cluster of run.ofType(T.cacheCluster)) {
    cache.add(placement(run, cluster, "availabilityZone", azOf)[0], "node");
    cache.notes.push(`${cluster.name}: cache cluster`);
  }

  // DAX.
  const dax = new RowBuilder("dax", "DAX");
  for (const cluster of run.ofType(T.daxCluster)) {
    const azs = placement(run, cluster, "availabilityZones", azOf);
    azs.forEach((az) => dax.add(az, "node"));
    if (azs.length === 0) {
      subnetGroupSubnets(run, cluster, "subnetGroupName", T.daxSubnetGroup).forEach((s) => dax.allow(azOf.get(s.urn)));
    }
    dax.notes.push(`${cluster.name}: replication factor ${num(cluster.inputs.replicationFactor) ?? "?"}`);
  }

  // The fleet is an Auto Scaling group or an ECS service (computePlatform): show the one the stack
  // has; a stack with neither shows the group's row as absent.
  const fleet = ecs.present ? (asg.present ? [asg, ecs] : [ecs]) : [asg];
  const rows = [tiers.public, tiers.app, tiers.data, nat, egress, ...fleet, alb, database, cache, dax].map((b) => b.build());
  // Columns: AZs in the order the subnets were declared, then any AZ only a data store names.
  const azIds = [...new Set([...subnets.map((s) => azOf.get(s.urn)), ...rows.flatMap((r) => Object.keys(r.cells))])].filter(
    (az): az is string => az !== undefined,
  );
  return { region, azIds, rows };
}

export function renderAzMatrix(matrix: AzMatrix, style: Style): string {
  const columns: Column[] = [{ header: "tier" }, ...matrix.azIds.map((az) => ({ header: az })), { header: "AZs", align: "right" }, { header: "note" }];
  const rows = matrix.rows.map((row) => [
    row.present ? row.tier : style.dim(row.tier),
    ...matrix.azIds.map((az) => {
      const cell = row.cells[az];
      if (!row.present) {
        return style.dim("absent");
      }
      if (cell === undefined) {
        return style.yellow("—");
      }
      return cell === ELIGIBLE ? style.dim(cell) : cell;
    }),
    row.present ? String(row.azCount) : "",
    row.present ? row.note : style.dim(row.note),
  ]);
  return [
    table(columns, rows, [], "  ", style.width),
    "",
    `  Columns are AZ IDs (the same physical zone in every account). ${ELIGIBLE}: the subnet group allows it, AWS picks the placement.`,
  ].join("\n");
}
