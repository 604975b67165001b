/**
 * Part 1 of the plan: the resource tree by component, with counts. Components (and the root stack)
 * are nodes; the provider-managed resources directly under a component are summarised by type.
 */
import type { RecordedResource, StackRun } from "../cloud/mockCloud";
import { Style, visibleWidth } from "./format";

export interface TypeCount {
  type: string;
  count: number;
}

export interface ComponentNode {
  type: string;
  name: string;
  urn: string;
  /** Provider-managed resources anywhere under this component. */
  total: number;
  /** Provider-managed resources directly under this component, by type (most numerous first). */
  resources: TypeCount[];
  components: ComponentNode[];
}

export interface ResourceTree {
  root: ComponentNode;
  /** Every provider-managed resource the program registered (providers and stack references included). */
  resourceCount: number;
  componentCount: number;
}

function byCountThenType(a: TypeCount, b: TypeCount): number {
  return b.count - a.count || a.type.localeCompare(b.type);
}

export function buildTree(run: StackRun): ResourceTree {
  const children = new Map<string, RecordedResource[]>();
  for (const r of run.resources) {
    if (r.parent) {
      children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    }
  }
  const node = (component: RecordedResource): ComponentNode => {
    const direct = children.get(component.urn) ?? [];
    const counts = new Map<string, number>();
    for (const child of direct.filter((c) => c.custom)) {
      counts.set(child.type, (counts.get(child.type) ?? 0) + 1);
    }
    const components = direct.filter((c) => !c.custom).map(node);
    const resources = [...counts.entries()].map(([type, count]) => ({ type, count })).sort(byCountThenType);
    return {
      type: component.type,
      name: component.name,
      urn: component.urn,
      total: resources.reduce((sum, t) => sum + t.count, 0) + components.reduce((sum, c) => sum + c.total, 0),
      resources,
      components,
    };
  };
  const stack = run.resources.find((r) => r.type === "pulumi:pulumi:Stack");
  if (!stack) {
    throw new Error(`stack ${run.stack}: the run registered no root stack resource`);
  }
  return {
    root: node(stack),
    resourceCount: run.resources.filter((r) => r.custom).length,
    componentCount: run.resources.filter((r) => !r.custom && r.type !== "pulumi:pulumi:Stack").length,
  };
}

/** Every component's type counts summed, for totals by type across the stack. */
export function countsByType(tree: ResourceTree): TypeCount[] {
  const totals = new Map<string, number>();
  const visit = (n: ComponentNode) => {
    for (const t of n.resources) {
      totals.set(t.type, (totals.get(t.type) ?? 0) + t.count);
    }
    n.components.forEach(visit);
  };
  visit(tree.root);
  return [...totals.entries()].map(([type, count]) => ({ type, count })).sort(byCountThenType);
}

/**
 * Renders the tree with box-drawing branches; counts are right-aligned in one column so the eye can
 * run down it.
 */
export function renderTree(tree: ResourceTree, style: Style): string {
  const lines: { label: string; count: string }[] = [];
  const walk = (n: ComponentNode, prefix: string, branch: string, childPrefix: string) => {
    lines.push({ label: `${prefix}${branch}${style.bold(n.name)}  ${style.dim(n.type)}`, count: String(n.total) });
    const inner = prefix + childPrefix;
    const hasComponents = n.components.length > 0;
    for (const t of n.resources) {
      lines.push({ label: `${inner}${hasComponents ? "│  " : "   "}${String(t.count).padStart(3)} × ${t.type}`, count: "" });
    }
    n.components.forEach((c, i) => {
      const last = i === n.components.length - 1;
      walk(c, inner, last ? "└─ " : "├─ ", last ? "   " : "│  ");
    });
  };
  walk(tree.root, "  ", "", "");
  const width = Math.max(...lines.filter((l) => l.count).map((l) => visibleWidth(l.label)));
  const body = lines.map((l) => (l.count ? l.label + " ".repeat(width - visibleWidth(l.label) + 2) + l.count.padStart(5) : l.label));
  return [
    ...body,
    "",
    `  ${tree.resourceCount} resources in ${tree.componentCount} components (counts include everything beneath a component)`,
  ].join("\n");
}
