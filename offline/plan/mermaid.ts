/**
 * Part 6 of the plan: a Mermaid flowchart of the real stack, in the style of the architecture
 * diagrams — internet → internet gateway → ALB → per-AZ app and data tiers → DAX → table with its
 * GSIs and stream → stream consumer, and the global table's other region. Everything drawn is read
 * from the recorded resources (the same derivations as the AZ matrix); a tier the stack does not
 * have is simply not drawn.
 */
import type { RecordedResource, StackRun } from "../cloud/mockCloud";
import { discoverStacks, readStackFile, REPO_ROOT, StackFileError } from "../cloud/stackFiles";
import { AzMatrix, subnetAzId, subnetRouting, T } from "./azMatrix";
import { ECS_TYPES, serviceSubnets } from "./ecsTasks";

const D = {
  table: "aws:dynamodb/table:Table",
  tableReplica: "aws:dynamodb/tableReplica:TableReplica",
  esm: "aws:lambda/eventSourceMapping:EventSourceMapping",
  lambda: "aws:lambda/function:Function",
  queue: "aws:sqs/queue:Queue",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
} as const;

/** Mermaid label text: quotes and angle brackets as entities, so any name is safe inside "...". */
function label(...lines: string[]): string {
  const esc = (t: string) => t.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
  return `"${lines.filter((l) => l.length > 0).map(esc).join("<br/>")}"`;
}

function id(...parts: string[]): string {
  return parts.join("_").replace(/[^A-Za-z0-9_]/g, "_");
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function deps(run: StackRun, r: RecordedResource, property: string, type: string): RecordedResource[] {
  return (r.propertyDependencies[property] ?? [])
    .map((urn) => run.resources.find((x) => x.urn === urn))
    .filter((x): x is RecordedResource => x?.type === type);
}

/**
 * The stacks whose stack file names `stack` as their primary: the global table's other regions. A
 * stack file that cannot be read is another stack's problem (its own plan reports it): it is left
 * out here rather than failing this stack's diagram.
 */
export function replicaStacksOf(stack: string, root: string = REPO_ROOT): { stack: string; region: string }[] {
  const found: { stack: string; region: string }[] = [];
  for (const other of discoverStacks(root)) {
    let config: Record<string, unknown>;
    try {
      config = readStackFile(other, root);
    } catch (err) {
      if (err instanceof StackFileError) {
        continue;
      }
      throw err;
    }
    const primary = str(config["trading-platform:primaryStack"]);
    if (primary && primary.split("/").pop() === stack) {
      found.push({ stack: other, region: str(config["aws:region"]) ?? "?" });
    }
  }
  return found;
}

export function renderMermaid(run: StackRun, matrix: AzMatrix): string {
  const out: string[] = ["flowchart TB"];
  const edge = (from: string, to: string, text?: string, dotted = false) =>
    out.push(`  ${from} ${dotted ? "-.->" : "-->"}${text ? `|${label(text)}|` : ""} ${to}`);

  const routing = subnetRouting(run);
  const subnets = run.ofType(T.subnet);
  const azOf = new Map(subnets.map((s) => [s.urn, subnetAzId(s)]));
  const cellOf = (key: string, az: string) => matrix.rows.find((r) => r.key === key)?.cells[az];

  out.push(`  internet((${label("Internet")}))`);
  const igws = run.ofType(T.internetGateway);
  for (const igw of igws) {
    out.push(`  ${id("igw", igw.name)}[${label("Internet gateway", igw.name)}]`);
    edge("internet", id("igw", igw.name));
  }
  const lbs = [...run.ofType(T.lb), ...run.ofType(T.albAlias)];
  for (const lb of lbs) {
    const facing = lb.inputs.internal === true ? "internal" : "internet-facing";
    out.push(`  ${id("lb", lb.name)}[${label(`${String(lb.inputs.loadBalancerType ?? "application")} load balancer`, lb.name, facing)}]`);
    for (const igw of igws) {
      edge(id("igw", igw.name), id("lb", lb.name));
    }
  }

  // The fleet: an Auto Scaling group's instances (ec2) or an ECS service's tasks (fargate), with
  // the subnets each runs in and, for tasks, the matrix's count per AZ at the service's minimum.
  const fleets = [
    ...run.ofType(T.asg).map((g) => ({ key: "ec2", what: "EC2 instances", label: `ASG ${g.name}`, name: g.name, subnets: deps(run, g, "vpcZoneIdentifiers", T.subnet), count: () => "" })),
    ...run.ofType(ECS_TYPES.service).map((service) => ({
      key: "ecs",
      what: "ECS tasks",
      label: `service ${service.name}`,
      name: service.name,
      subnets: serviceSubnets(run, service),
      count: (az: string) => cellOf("ecs", az) ?? "",
    })),
  ];
  const fleetsIn = (az: string) => fleets.filter((f) => f.subnets.some((s) => azOf.get(s.urn) === az));

  // Per AZ: the public subnet's NAT, the app subnet's fleet, the data subnet's stores.
  const daxClusters = run.ofType(T.daxCluster);
  const natIdByUrn = new Map<string, string>();
  for (const az of matrix.azIds) {
    const inAz = (tier: string) => subnets.filter((s) => azOf.get(s.urn) === az && routing.get(s.urn)?.tier === tier);
    out.push(`  subgraph ${id("az", az)}[${label(az)}]`, "    direction TB");
    const pub = inAz("public");
    if (pub.length > 0) {
      out.push(`    subgraph ${id("pub", az)}[${label(`public ${pub.map((s) => str(s.inputs.cidrBlock) ?? "").join(" ")}`)}]`);
      const nats = run.ofType(T.natGateway).filter((n) => deps(run, n, "subnetId", T.subnet).some((s) => azOf.get(s.urn) === az));
      for (const nat of nats) {
        natIdByUrn.set(nat.urn, id("nat", nat.name));
        out.push(`      ${id("nat", nat.name)}[${label("NAT gateway")}]`);
      }
      if (nats.length === 0) {
        out.push(`      ${id("pubnone", az)}[${label("ALB nodes only")}]`);
      }
      out.push("    end");
    }
    const app = inAz("app");
    if (app.length > 0) {
      out.push(`    subgraph ${id("app", az)}[${label(`app ${app.map((s) => str(s.inputs.cidrBlock) ?? "").join(" ")}`)}]`);
      const here = fleetsIn(az);
      for (const f of here) {
        out.push(`      ${id(f.key, f.name, az)}[${label(f.what, f.label, f.count(az))}]`);
      }
      if (here.length === 0) {
        out.push(`      ${id("appnone", az)}[${label("no instances or tasks")}]`);
      }
      out.push("    end");
    }
    const data = inAz("data");
    if (data.length > 0) {
      out.push(`    subgraph ${id("data", az)}[${label(`data ${data.map((s) => str(s.inputs.cidrBlock) ?? "").join(" ")}`)}]`);
      const stores: [string, string | undefined, string][] = [
        ["db", cellOf("database", az), "database"],
        ["cache", cellOf("cache", az), "cache"],
        ["dax", cellOf("dax", az), "DAX"],
      ];
      let any = false;
      for (const [key, cell, what] of stores) {
        if (cell !== undefined) {
          any = true;
          out.push(`      ${id(key, az)}[(${label(what, cell)})]`);
        }
      }
      if (!any) {
        out.push(`      ${id("datanone", az)}[${label("no data stores")}]`);
      }
      out.push("    end");
    }
    out.push("  end");
  }

  // Traffic: ALB → the fleet in every AZ; the fleet → its AZ's data tier; egress through NAT.
  for (const az of matrix.azIds) {
    for (const f of fleetsIn(az)) {
      const node = id(f.key, f.name, az);
      lbs.forEach((lb) => edge(id("lb", lb.name), node));
      if (subnets.some((s) => azOf.get(s.urn) === az && routing.get(s.urn)?.tier === "data")) {
        edge(node, id("data", az));
      }
      const appSubnet = subnets.find((s) => azOf.get(s.urn) === az && routing.get(s.urn)?.tier === "app");
      const nat = appSubnet ? routing.get(appSubnet.urn)?.nat : undefined;
      const natId = nat ? natIdByUrn.get(nat.urn) : undefined;
      if (natId) {
        edge(node, natId, "egress", true);
      }
    }
  }
  for (const nat of natIdByUrn.values()) {
    igws.forEach((igw) => edge(nat, id("igw", igw.name), undefined, true));
  }

  // The table, its GSIs and stream, and the consumer.
  const tables = run.ofType(D.table);
  const replicas = run.ofType(D.tableReplica);
  const tableId = (name: string) => id("table", name);
  for (const table of tables) {
    const tid = tableId(table.name);
    out.push(`  ${tid}[(${label("DynamoDB table", str(table.inputs.name) ?? table.name, str(table.inputs.billingMode) ?? "")})]`);
    const gsis = Array.isArray(table.inputs.globalSecondaryIndexes) ? (table.inputs.globalSecondaryIndexes as Record<string, unknown>[]) : [];
    for (const gsi of gsis) {
      const name = str(gsi.name) ?? "gsi";
      out.push(`  ${id("gsi", table.name, name)}[/${label("GSI", name)}/]`);
      out.push(`  ${tid} --- ${id("gsi", table.name, name)}`);
    }
    if (table.inputs.streamEnabled === true) {
      const sid = id("stream", table.name);
      out.push(`  ${sid}>${label("Stream", str(table.inputs.streamViewType) ?? "")}]`);
      edge(tid, sid);
    }
    for (const other of replicaStacksOf(run.stack)) {
      const rid = id("region", other.region);
      out.push(`  ${rid}[(${label(`replica in ${other.region}`, `stack ${other.stack}`)})]`);
      edge(tid, rid, "global table replication (both ways)", true);
    }
  }
  for (const replica of replicas) {
    const rid = tableId(replica.name);
    out.push(`  ${rid}[(${label("DynamoDB global table replica", replica.name, replica.region)})]`);
    const primaryRegion = str(replica.inputs.globalTableArn)?.split(":")[3];
    const pid = id("region", primaryRegion ?? "primary");
    out.push(`  ${pid}[(${label(`global table in ${primaryRegion ?? "the primary region"}`)})]`);
    edge(pid, rid, "global table replication (both ways)", true);
  }
  const localTable = tables[0] ?? replicas[0];
  for (const dax of daxClusters) {
    for (const az of matrix.azIds.filter((a) => cellOf("dax", a) !== undefined)) {
      if (localTable) {
        edge(id("dax", az), tableId(localTable.name), "cache misses");
      }
    }
    if (matrix.azIds.every((a) => cellOf("dax", a) === undefined) && localTable) {
      out.push(`  ${id("daxc", dax.name)}[(${label("DAX", dax.name)})]`);
      edge(id("daxc", dax.name), tableId(localTable.name));
    }
  }
  // A stream consumer is fed by the stream of the table its eventSourceArn comes from: the
  // primary's table, or in a replica stack the replica table (each replica has its own stream).
  const streamOf = (esm: RecordedResource): string => {
    const table = deps(run, esm, "eventSourceArn", D.table)[0];
    if (table) {
      return id("stream", table.name);
    }
    const replica = deps(run, esm, "eventSourceArn", D.tableReplica)[0];
    if (replica) {
      const sid = id("stream", replica.name);
      out.push(`  ${sid}>${label("Stream", "of the replica table")}]`);
      edge(tableId(replica.name), sid);
      return sid;
    }
    const sid = id("source", esm.name);
    out.push(`  ${sid}>${label("event source", str(esm.inputs.eventSourceArn) ?? "(not known until deployed)")}]`);
    return sid;
  };
  for (const esm of run.ofType(D.esm)) {
    const fn = deps(run, esm, "functionName", D.lambda)[0];
    if (!fn) {
      continue;
    }
    const source = streamOf(esm);
    out.push(`  ${id("fn", fn.name)}[${label("Lambda", fn.name)}]`);
    edge(source, id("fn", fn.name), "event source mapping");
    for (const q of deps(run, esm, "destinationConfig", D.queue)) {
      out.push(`  ${id("q", q.name)}[${label("SQS on-failure", q.name)}]`);
      edge(id("fn", fn.name), id("q", q.name), "failed batches", true);
    }
  }
  return out.join("\n") + "\n";
}
