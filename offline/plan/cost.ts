/**
 * Part 4 of the plan: the monthly cost estimate, by component, from the committed price snapshot.
 * The minimum footprint is the policy lib's estimator — the very figure the cost pack's budget rule
 * checks — and ./dynamoCost.ts adds DynamoDB at its auto scaling maximum and the on-demand
 * comparison at a workload.
 */
import { CostEstimate, costByComponent, ComponentCost, estimateMinimumMonthlyCost } from "../../policy/lib/cost/estimate";
import type { GraphResource } from "../../policy/lib/graph";
import { loadPriceSnapshot, PriceSnapshot } from "../../policy/lib/prices";
import { Column, formatUsd, Style, table, wrap } from "./format";
import { compareOnDemand, OnDemandComparison, ProvisionedRange, scaledCapacities, Workload } from "./dynamoCost";

export interface CostReport {
  snapshotDate: string;
  currency: string;
  hoursPerMonth: number;
  basis: string;
  sources: Record<string, string[]>;
  /** LCUs per ALB assumed, from the environment's cost-pack config (as the budget rule uses). */
  albBaselineLcu: number;
  /** The minimum footprint: what the budget rule checks. */
  minimum: CostEstimate;
  byComponent: ComponentCost[];
  dynamo: {
    range: ProvisionedRange;
    /** Undefined when the stack has no auto-scaled DynamoDB capacity. */
    onDemand?: OnDemandComparison;
  };
  /** The minimum footprint with DynamoDB capacity at its auto scaling maximum instead. */
  totalWithDynamoAtMaxUsd: number;
}

export interface CostOptions {
  workload: Workload;
  albBaselineLcu: number;
  prices?: PriceSnapshot;
  defaultRegion?: string;
}

export function costReport(resources: readonly GraphResource[], options: CostOptions): CostReport {
  const prices = options.prices ?? loadPriceSnapshot();
  const minimum = estimateMinimumMonthlyCost(resources, {
    prices,
    albBaselineLcu: options.albBaselineLcu,
    ...(options.defaultRegion ? { defaultRegion: options.defaultRegion } : {}),
  });
  const range = scaledCapacities(resources, prices, options.defaultRegion);
  const onDemand = compareOnDemand(range, prices, options.workload);
  return {
    snapshotDate: prices.snapshotDate,
    currency: prices.currency,
    hoursPerMonth: prices.hoursPerMonth,
    basis: prices.basis,
    sources: prices.sources,
    albBaselineLcu: options.albBaselineLcu,
    minimum,
    byComponent: costByComponent(minimum),
    dynamo: { range, ...(onDemand ? { onDemand } : {}) },
    totalWithDynamoAtMaxUsd: minimum.totalMonthlyUsd - range.monthlyAtMinUsd + range.monthlyAtMaxUsd,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function rate(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

export function renderCost(report: CostReport, style: Style): string {
  const lines: string[] = [
    `  ${wrap(`Prices of ${report.snapshotDate} (${report.currency}, ${report.hoursPerMonth} h/month): ${report.basis}`, style.width - 2, "  ")}`,
    "",
  ];
  const rows: string[][] = [];
  for (const group of report.byComponent) {
    const label = group.componentType ? `${group.componentType.split(":").pop()} ${group.component}` : group.component;
    group.items.forEach((item, i) => {
      rows.push([i === 0 ? label : "", item.resourceName, item.description, formatUsd(item.monthlyUsd)]);
    });
    rows.push(["", "", style.dim(`subtotal ${label}`), style.dim(formatUsd(group.monthlyUsd))]);
  }
  const columns: Column[] = [{ header: "component" }, { header: "resource" }, { header: "what (minimum footprint)" }, { header: "per month", align: "right" }];
  lines.push(
    table(columns, rows, [
      ["total", "", "minimum footprint (what the budget rule checks)", style.bold(formatUsd(report.minimum.totalMonthlyUsd))],
      ["", "", "with DynamoDB capacity at its auto scaling maximum", formatUsd(report.totalWithDynamoAtMaxUsd)],
    ], "  ", style.width),
  );
  const { range } = report.dynamo;
  if (range.capacities.length > 0) {
    lines.push(
      "",
      `  DynamoDB provisioned capacity: ${formatUsd(range.monthlyAtMinUsd)} at the auto scaling minimum, ${formatUsd(range.monthlyAtMaxUsd)} at the maximum` +
        ` (${range.capacities.length} scaled capacities${range.capacities.some((c) => c.kind === "replicatedWrite") ? ", replica writes as replicated write units" : ""}).`,
    );
  }
  for (const u of range.unreadable) {
    lines.push(`  ${style.yellow("not read")}: ${u}`);
  }
  if (report.minimum.unpriced.length > 0) {
    lines.push("", `  ${style.yellow("Not priced")} (so not in the totals):`);
    report.minimum.unpriced.forEach((n) => lines.push(`    ${n.resourceName} (${n.resourceType}): ${n.reason}`));
  }
  if (report.minimum.usageBased.length > 0) {
    lines.push("", "  Billed by usage only (not in the minimum):");
    report.minimum.usageBased.forEach((n) => lines.push(`    ${n.resourceName}: ${n.reason}`));
  }

  const od = report.dynamo.onDemand;
  if (od) {
    const w = od.workload;
    lines.push(
      "",
      `  DynamoDB at a workload of ${rate(w.writesPerSecond)} writes/s, ${rate(w.readsPerSecond)} reads/s, ${rate(w.itemSizeKb)} KB items, ` +
        `${pct(w.daxHitRatio)} DAX hits (--writes, --reads, --item-kb, --dax-hit):`,
      table(
        [
          { header: "capacity" },
          { header: "kind" },
          { header: "units/s", align: "right" },
          { header: "provisioned", align: "right" },
          { header: "used", align: "right" },
          { header: "provisioned/mo", align: "right" },
          { header: "on-demand/mo", align: "right" },
        ],
        od.lines.map((l) => [
          l.what,
          l.kind,
          rate(l.consumedPerSecond),
          l.exceedsMax ? style.red(`${l.provisioned} (max)`) : String(l.provisioned),
          pct(l.utilization),
          formatUsd(l.provisionedMonthlyUsd),
          formatUsd(l.onDemandMonthlyUsd),
        ]),
        [["total", "", "", "", pct(od.averageUtilization), style.bold(formatUsd(od.provisionedMonthlyUsd)), style.bold(formatUsd(od.onDemandMonthlyUsd))]],
        "  ",
        style.width,
      ),
      `  Break-even utilisation (provisioned is cheaper above it): reads ${pct(od.breakEven.read)}, writes ${pct(od.breakEven.write)}, ` +
        `replicated writes ${pct(od.breakEven.replicatedWrite)}.`,
      od.cheaper === "equal"
        ? "  At this workload both cost the same."
        : `  At this workload ${od.cheaper} is cheaper by ${formatUsd(Math.abs(od.onDemandMonthlyUsd - od.provisionedMonthlyUsd))} a month` +
            ` (provisioned runs at ${pct(od.averageUtilization)}, cost-weighted).`,
      "  Model: every write also writes each GSI (an upper bound for sparse indexes); reads go to the table through DAX, misses are " +
        "eventually consistent; auto scaling settles at consumed / target utilisation within its min..max.",
    );
    if (od.lines.some((l) => l.exceedsMax)) {
      lines.push(`  ${style.red("Throttling")}: the workload needs more than the auto scaling maximum where marked (max).`);
    }
  }
  lines.push("", "  Sources:", ...Object.entries(report.sources).flatMap(([k, urls]) => urls.map((url, i) => `    ${i === 0 ? `${k}:` : ""}`.padEnd(18) + url)));
  return lines.join("\n");
}
