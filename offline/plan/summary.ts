/**
 * The table `--all` ends with: per stack its resources, policy verdict, monthly minimum cost and
 * critical path, so several stacks can be compared at a glance (and a failed one is not missed).
 */
import { formatDuration, formatUsd, Style, table } from "./format";
import type { StackPlan } from "./plan";

export type SummaryRow =
  | {
      stack: string;
      role: string;
      region: string;
      resources: number;
      policyPassed: boolean;
      mandatoryViolations: number;
      advisoryViolations: number;
      monthlyMinimumUsd: number;
      criticalPathSeconds: number;
    }
  | { stack: string; failed: string };

export function summaryRow(p: StackPlan): SummaryRow {
  return {
    stack: p.stack,
    role: p.role,
    region: p.region,
    resources: p.tree.resourceCount,
    policyPassed: p.policy.passed,
    mandatoryViolations: p.policy.mandatoryCount,
    advisoryViolations: p.policy.violations.filter((v) => v.level === "advisory").length,
    monthlyMinimumUsd: p.cost.minimum.totalMonthlyUsd,
    criticalPathSeconds: p.criticalPath.totalSeconds,
  };
}

/** A stack whose plan failed: its row says so, with the first line of the error. */
export function failedRow(stack: string, message: string): SummaryRow {
  return { stack, failed: message.split("\n")[0] };
}

export function renderSummary(rows: SummaryRow[], style: Style): string {
  const cells = rows.map((r) => {
    if ("failed" in r) {
      return [r.stack, "", "", "", style.red("plan failed"), "", ""];
    }
    const verdict = r.policyPassed
      ? `${style.green("pass")}${r.advisoryViolations > 0 ? ` (${r.advisoryViolations} advisory)` : ""}`
      : style.red(`FAIL (${r.mandatoryViolations} mandatory)`);
    return [r.stack, r.role, r.region, String(r.resources), verdict, formatUsd(r.monthlyMinimumUsd), formatDuration(r.criticalPathSeconds)];
  });
  return table(
    [
      { header: "stack" },
      { header: "role" },
      { header: "region" },
      { header: "resources", align: "right" },
      { header: "policy" },
      { header: "minimum/month", align: "right" },
      { header: "critical path", align: "right" },
    ],
    cells,
    [],
    "  ",
    style.width,
  );
}
