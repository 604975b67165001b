/**
 * The plan as text for a terminal, one section per part, and as JSON for machines.
 */
import { renderAlarms } from "./alarms";
import { renderAzMatrix } from "./azMatrix";
import { renderCost } from "./cost";
import { renderCriticalPath } from "./criticalPath";
import { heading, Style } from "./format";
import type { StackPlan } from "./plan";
import { renderPolicyReport } from "./policyReport";
import { renderRegionLoss } from "./regionLoss";
import { renderTree } from "./tree";

export interface RenderOptions {
  /** Where the Mermaid diagram was written, if it was. */
  mermaidFile?: string;
}

export function renderPlan(plan: StackPlan, style: Style, options: RenderOptions = {}): string {
  const mode = plan.preview ? "as a first `pulumi preview` sees it (ids unknown)" : "as deployed into the mock account";
  const overrides = Object.entries(plan.overrides);
  const title = `Plan for ${plan.stack} — ${plan.region}, ${plan.environment}, ${plan.role}`;
  const sections = [
    heading(style, title),
    `  The real program for Pulumi.${plan.stack}.yaml, run offline ${mode}; no credentials used.` +
      (overrides.length > 0 ? `\n  Config overridden: ${overrides.map(([k, v]) => `${k}=${JSON.stringify(v) ?? "(removed)"}`).join(", ")}` : ""),
    "",
    style.bold("1. Resources by component"),
    renderTree(plan.tree, style),
    "",
    style.bold(`2. AZ matrix (${plan.azMatrix.region})`),
    renderAzMatrix(plan.azMatrix, style),
    "",
    style.bold(`3. Policy report (${plan.policy.environment} config)`),
    renderPolicyReport(plan.policy, style),
    "",
    style.bold("4. Alarms by tier"),
    renderAlarms(plan.alarms, style),
    "",
    style.bold("5. Monthly cost estimate"),
    renderCost(plan.cost, style),
    "",
    style.bold("6. Deployment critical path"),
    renderCriticalPath(plan.criticalPath, style),
    "",
    style.bold("7. Diagram"),
    options.mermaidFile
      ? `  Mermaid flowchart written to ${options.mermaidFile}`
      : "  Pass --mermaid FILE to write a Mermaid flowchart of this stack (.md wraps it in a fenced block).",
    "",
    style.bold("7. Region loss"),
    renderRegionLoss(plan.regionLoss, style, plan),
  ];
  return sections.join("\n") + "\n";
}

/** Everything in the plan, for machines: one object per stack. */
export function planJson(plans: StackPlan[], exitCode: number): unknown {
  return {
    exitCode,
    stacks: plans,
  };
}
