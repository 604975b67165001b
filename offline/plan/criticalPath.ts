/**
 * Part 5 of the plan: the deployment critical path. Pulumi creates a resource as soon as everything
 * it depends on exists, so with unlimited parallelism a first `pulumi up` takes as long as the
 * longest dependency chain, each resource weighted by its typical creation time
 * (./creationTimes.ts). No dependency change can make it faster than its slowest single resource:
 * that is the floor.
 *
 * Edges are the recorded `dependencies` (which include every property dependency) — a parent is
 * NOT a creation edge: components exist only in the program, AWS creates nothing for them. An edge
 * with no value flowing along it came from `dependsOn`; on the chain such edges are worth a second
 * look, because an unneeded `dependsOn` between components lengthens every deploy.
 */
import type { RecordedResource, StackRun } from "../cloud/mockCloud";
import { T } from "./azMatrix";
import { creationTimeOf, type CreationTimeSource } from "./creationTimes";
import { ECS_TYPES } from "./ecsTasks";
import { Style, formatDuration, table } from "./format";

/** A node of a dependency graph: an id, its duration, and the ids that must finish before it starts. */
export interface GraphNode {
  id: string;
  seconds: number;
  dependsOn: string[];
}

export interface LongestPath {
  /** Finish time of the last node on the chain. */
  totalSeconds: number;
  /** Ids from the first node to start to the last to finish. */
  chain: string[];
  /** Earliest finish of every node, with unlimited parallelism. */
  finish: Map<string, number>;
}

/**
 * The longest node-weighted path through a DAG, by earliest finish times. Ties go to the node given
 * first, so the answer is deterministic. Dependencies on ids not in `nodes` are ignored; a cycle is
 * an error (Pulumi could not create such a graph either).
 */
export function longestPath(nodes: GraphNode[]): LongestPath {
  const byId = new Map(nodes.map((n, index) => [n.id, { node: n, index }]));
  const finish = new Map<string, number>();
  const via = new Map<string, string | undefined>();
  const visiting = new Set<string>();

  const visit = (id: string): number => {
    const done = finish.get(id);
    if (done !== undefined) {
      return done;
    }
    if (visiting.has(id)) {
      throw new Error(`dependency cycle through ${id}`);
    }
    visiting.add(id);
    const entry = byId.get(id);
    if (!entry) {
      throw new Error(`unknown node ${id}`);
    }
    let start = 0;
    let before: string | undefined;
    const deps = [...new Set(entry.node.dependsOn)]
      .filter((d) => d !== id && byId.has(d))
      .sort((a, b) => (byId.get(a)?.index ?? 0) - (byId.get(b)?.index ?? 0));
    for (const dep of deps) {
      const f = visit(dep);
      if (f > start) {
        start = f;
        before = dep;
      }
    }
    visiting.delete(id);
    const end = start + entry.node.seconds;
    finish.set(id, end);
    via.set(id, before);
    return end;
  };

  let last: string | undefined;
  let total = 0;
  for (const n of nodes) {
    const f = visit(n.id);
    if (last === undefined || f > total) {
      total = f;
      last = n.id;
    }
  }
  const chain: string[] = [];
  for (let id = last; id !== undefined; id = via.get(id)) {
    chain.unshift(id);
  }
  return { totalSeconds: total, chain, finish };
}

export type EdgeKind = "property" | "dependsOn";

export interface ChainStep {
  name: string;
  type: string;
  /** The component the resource belongs to ("type name"), or the stack. */
  component: string;
  seconds: number;
  startSeconds: number;
  finishSeconds: number;
  /** How this step depends on the previous one; undefined for the first step. */
  via?: EdgeKind;
  why: string;
  /** Where the step's creation time comes from (./creationTimes.ts). */
  source: CreationTimeSource;
}

export interface CriticalPath {
  totalSeconds: number;
  /** The slowest single resource: no dependency change can make the deploy faster than it. */
  floor: { name: string; type: string; seconds: number };
  /** The sum of every resource's time: what a strictly one-at-a-time deploy would take. */
  serialSeconds: number;
  chain: ChainStep[];
  /** Chain edges with no value flowing along them (explicit dependsOn), between different components. */
  dependsOnAcrossComponents: { from: string; to: string }[];
  resourceCount: number;
  /**
   * When the trading fleet is ready to serve (the Auto Scaling group on ec2, the ECS service on
   * fargate; the provider waits for their capacity or steady state), whether or not it is on the path.
   */
  fleet?: { name: string; type: string; readySeconds: number };
}

/** The resource types that stand for the trading fleet, one per compute platform. */
const FLEET_TYPES: string[] = [T.asg, ECS_TYPES.service];

/** The provider-managed resources a dependency URN stands for (a component stands for its descendants). */
function expand(run: StackRun, urn: string, children: Map<string, RecordedResource[]>): string[] {
  const r = run.resources.find((x) => x.urn === urn);
  if (!r) {
    return [];
  }
  if (r.custom) {
    return [urn];
  }
  return (children.get(urn) ?? []).flatMap((c) => expand(run, c.urn, children));
}

function componentLabel(run: StackRun, r: RecordedResource): string {
  const parent = r.parent ? run.resources.find((x) => x.urn === r.parent) : undefined;
  if (!parent || parent.type === "pulumi:pulumi:Stack") {
    return "(stack)";
  }
  return `${parent.type.split(":").pop() ?? parent.type} ${parent.name}`;
}

export function criticalPathOf(run: StackRun): CriticalPath {
  const custom = run.resources.filter((r) => r.custom);
  const children = new Map<string, RecordedResource[]>();
  for (const r of run.resources) {
    if (r.parent) {
      children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    }
  }
  const byUrn = new Map(custom.map((r) => [r.urn, r]));
  const nodes: GraphNode[] = custom.map((r) => {
    const direct = [...r.dependencies, ...Object.values(r.propertyDependencies).flat()];
    return { id: r.urn, seconds: creationTimeOf(r).seconds, dependsOn: direct.flatMap((d) => expand(run, d, children)) };
  });
  const path = longestPath(nodes);

  const chain: ChainStep[] = path.chain.map((urn, i) => {
    const r = byUrn.get(urn) as RecordedResource;
    const time = creationTimeOf(r);
    const finishSeconds = path.finish.get(urn) ?? 0;
    const previous = i > 0 ? path.chain[i - 1] : undefined;
    let via: EdgeKind | undefined;
    if (previous) {
      const valueFlows = Object.values(r.propertyDependencies).some((deps) =>
        deps.some((d) => d === previous || expand(run, d, children).includes(previous)),
      );
      via = valueFlows ? "property" : "dependsOn";
    }
    return {
      name: r.name,
      type: r.type,
      component: componentLabel(run, r),
      seconds: time.seconds,
      startSeconds: finishSeconds - time.seconds,
      finishSeconds,
      via,
      why: time.why,
      source: time.source,
    };
  });

  const dependsOnAcrossComponents = chain
    .map((step, i) => ({ step, prev: chain[i - 1] }))
    .filter(({ step, prev }) => step.via === "dependsOn" && prev && prev.component !== step.component)
    .map(({ step, prev }) => ({ from: `${prev.component} / ${prev.name}`, to: `${step.component} / ${step.name}` }));

  let floor = { name: "", type: "", seconds: 0 };
  for (const r of custom) {
    const seconds = creationTimeOf(r).seconds;
    if (seconds > floor.seconds) {
      floor = { name: r.name, type: r.type, seconds };
    }
  }
  const fleetResource = custom.find((r) => FLEET_TYPES.includes(r.type));
  return {
    totalSeconds: path.totalSeconds,
    fleet: fleetResource && { name: fleetResource.name, type: fleetResource.type, readySeconds: path.finish.get(fleetResource.urn) ?? 0 },
    floor,
    serialSeconds: custom.reduce((sum, r) => sum + creationTimeOf(r).seconds, 0),
    chain,
    dependsOnAcrossComponents,
    resourceCount: custom.length,
  };
}

/** How much of the path rests on durations AWS publishes and how much on estimates. */
export function sourcesLine(cp: CriticalPath): string {
  const seconds = (kind: CreationTimeSource["kind"]) => cp.chain.filter((s) => s.source.kind === kind).reduce((sum, s) => sum + s.seconds, 0);
  const published = seconds("published");
  return (
    `Times are typical creation times per type, not guarantees (offline/plan/creationTimes.ts cites each one's source): ` +
    `${formatDuration(published)} of the path from durations AWS publishes, ${formatDuration(seconds("estimate"))} estimated.`
  );
}

export function renderCriticalPath(cp: CriticalPath, style: Style): string {
  const rows = cp.chain.map((s) => [
    formatDuration(s.startSeconds),
    formatDuration(s.finishSeconds),
    formatDuration(s.seconds),
    s.name,
    s.type,
    s.component,
    s.via === "dependsOn" ? style.yellow("dependsOn") : (s.via ?? ""),
  ]);
  const lines = [
    `  Critical path ${style.bold(formatDuration(cp.totalSeconds))}; floor ${style.bold(formatDuration(cp.floor.seconds))}, the slowest single resource ` +
      `(${cp.floor.name}, ${cp.floor.type}).`,
    `  ${cp.resourceCount} resources; ${formatDuration(cp.serialSeconds)} if they were created one at a time.`,
    "",
    table(
      [
        { header: "start", align: "right" },
        { header: "ready", align: "right" },
        { header: "takes", align: "right" },
        { header: "resource" },
        { header: "type" },
        { header: "component" },
        { header: "after previous by" },
      ],
      rows,
      [],
      "  ",
      style.width,
    ),
  ];
  if (cp.dependsOnAcrossComponents.length > 0) {
    lines.push(
      "",
      `  ${style.yellow("dependsOn")} across components on the chain (no value flows; drop it if the order is not needed):`,
      ...cp.dependsOnAcrossComponents.map((e) => `    ${e.from}  →  ${e.to}`),
    );
  }
  if (cp.fleet) {
    const slack = cp.totalSeconds - cp.fleet.readySeconds;
    lines.push(
      "",
      `  The fleet (${cp.fleet.name}, ${cp.fleet.type}) is ready at ${formatDuration(cp.fleet.readySeconds)}` +
        (slack > 0 ? `, ${formatDuration(slack)} before the path ends.` : ", at the end of the path."),
    );
  }
  lines.push("", `  ${sourcesLine(cp)}`);
  return lines.join("\n");
}
