/**
 * Reading an estimate: grouped by component, money formatted, the largest line items for messages.
 */
import type { CostEstimate, CostLineItem } from "./context";

export interface ComponentCost {
  /** Component name, or "(no component)" for resources created at the top of the program. */
  component: string;
  componentType?: string;
  monthlyUsd: number;
  items: CostLineItem[];
}

/** The estimate grouped by component, largest first. */
export function costByComponent(estimate: CostEstimate): ComponentCost[] {
  const groups = new Map<string, ComponentCost>();
  for (const item of estimate.items) {
    const key = item.component?.urn ?? "";
    const group = groups.get(key) ?? {
      component: item.component?.name ?? "(no component)",
      ...(item.component ? { componentType: item.component.type } : {}),
      monthlyUsd: 0,
      items: [],
    };
    group.monthlyUsd += item.monthlyUsd;
    group.items.push(item);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.monthlyUsd - a.monthlyUsd);
}

/** "$1,234.56". */
export function formatUsd(amount: number): string {
  return `$${amount.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** The `count` largest line items as "name: description $x", for messages. */
export function describeLargestItems(estimate: CostEstimate, count: number): string {
  return estimate.items
    .slice(0, count)
    .map((item) => `${item.resourceName} (${item.description}) ${formatUsd(item.monthlyUsd)}`)
    .join("; ");
}
