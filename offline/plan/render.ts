/**
 * The plan as text for a terminal, one numbered section per part, and as JSON for machines.
 * The sections are one list, so each has one number and a name `--only` selects it by.
 */
import { renderAlarms } from "./alarms";
import { renderAzMatrix } from "./azMatrix";
import { renderCost } from "./cost";
import { renderCriticalPath } from "./criticalPath";
import { fitLines, heading, Style, wrap } from "./format";
import { renderGameDays } from "./gameDays";
import type { StackPlan } from "./plan";
import { renderPolicyReport } from "./policyReport";
import { renderRegionLoss } from "./regionLoss";
import { SummaryRow } from "./summary";
import { renderTree } from "./tree";

export interface RenderOptions {
  /** Where the Mermaid diagram was written, if it was. */
  mermaidFile?: string;
  /** Print this section only (with its number in the full report). */
  only?: SectionName;
}

interface Section {
  /** What `--only` calls it. */
  name: string;
  /** The StackPlan field(s) `--json --only` keeps. */
  json: (keyof StackPlan)[];
  title(plan: StackPlan): string;
  body(plan: StackPlan, style: Style, options: RenderOptions): string;
}

const SECTIONS = [
  { name: "tree", json: ["tree"], title: () => "Resources by component", body: (p, s) => renderTree(p.tree, s) },
  { name: "az", json: ["azMatrix"], title: (p) => `AZ matrix (${p.azMatrix.region})`, body: (p, s) => renderAzMatrix(p.azMatrix, s) },
  { name: "policy", json: ["policy"], title: (p) => `Policy report (${p.policy.environment} config)`, body: (p, s) => renderPolicyReport(p.policy, s) },
  { name: "alarms", json: ["alarms"], title: () => "Alarms by tier", body: (p, s) => renderAlarms(p.alarms, s) },
  { name: "cost", json: ["cost"], title: () => "Monthly cost estimate", body: (p, s) => renderCost(p.cost, s) },
  { name: "path", json: ["criticalPath"], title: () => "Deployment critical path", body: (p, s) => renderCriticalPath(p.criticalPath, s) },
  {
    name: "diagram",
    json: ["mermaid"],
    title: () => "Diagram",
    body: (_p, _s, o) =>
      o.mermaidFile
        ? `  Mermaid flowchart written to ${o.mermaidFile}`
        : "  Pass --mermaid FILE to write a Mermaid flowchart of this stack (.md wraps it in a fenced block).",
  },
  { name: "region", json: ["regionLoss"], title: () => "Region loss", body: (p, s) => renderRegionLoss(p.regionLoss, s, p) },
  { name: "gamedays", json: ["gameDays"], title: (p) => `Game days (${p.gameDays.templates.length} FIS experiment templates)`, body: (p, s) => renderGameDays(p.gameDays, s) },
] as const satisfies readonly Section[];

export type SectionName = (typeof SECTIONS)[number]["name"];
export const SECTION_NAMES: readonly SectionName[] = SECTIONS.map((s) => s.name);

export function renderPlan(plan: StackPlan, style: Style, options: RenderOptions = {}): string {
  const mode = plan.preview ? "as a first `pulumi preview` sees it (ids unknown)" : "as deployed into the mock account";
  const overrides = Object.entries(plan.overrides);
  const title = `Plan for ${plan.stack} — ${plan.region}, ${plan.environment}, ${plan.role}`;
  const out = [
    heading(style, title),
    `  ${wrap(`The real program for Pulumi.${plan.stack}.yaml, run offline ${mode}; no credentials used.`, style.width - 2, "  ")}` +
      (overrides.length > 0 ? `\n  Config overridden: ${overrides.map(([k, v]) => `${k}=${JSON.stringify(v) ?? "(removed)"}`).join(", ")}` : ""),
  ];
  SECTIONS.forEach((section: Section, i) => {
    if (!options.only || options.only === section.name) {
      out.push("", style.bold(`${i + 1}. ${section.title(plan)}`), fitLines(section.body(plan, style, options), style.width));
    }
  });
  return out.join("\n") + "\n";
}

/** The identity of a stack's plan, kept by `--json --only` beside the section. */
const IDENTITY: (keyof StackPlan)[] = ["stack", "region", "environment", "role", "preview", "overrides"];

/** Everything in the plan, for machines: one object per stack (only one section's fields with `only`), and the summary. */
export function planJson(plans: StackPlan[], exitCode: number, summary: SummaryRow[], only?: SectionName | "summary"): unknown {
  if (only === "summary") {
    return { exitCode, summary };
  }
  const section = SECTIONS.find((s) => s.name === only);
  const keep = section ? [...IDENTITY, ...section.json] : undefined;
  return {
    exitCode,
    stacks: keep ? plans.map((p) => Object.fromEntries(keep.map((k) => [k, p[k]]))) : plans,
    summary,
  };
}
