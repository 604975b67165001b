/**
 * Part 3 of the plan: the policy report. The three real packs run over the stack through the policy
 * lib's offline evaluator, with the config files of the stack's environment
 * (policy/config/<env>/<pack>.json) — the same packs and files a pull request passes to the CLI.
 */
import type { StackEvaluation } from "../policy/evaluateStack";
import { PACK_DIRECTORIES, packConfigPath, POLICY_PACKS, PolicyEnvironment } from "../policy/evaluateStack";
import type { Violation } from "../policy/evaluator";
import * as path from "node:path";
import { REPO_ROOT } from "../cloud/stackFiles";
import { Style, table, wrap } from "./format";

export interface PackSummary {
  pack: string;
  /** policy/config/<env>/<pack>.json, relative to the repository. */
  configFile: string;
  policies: number;
  mandatory: number;
  /** Advisory violations, not counting suppressed ones. */
  advisory: number;
  /** Violations a suppression silenced (the packs report them as advisory). */
  suppressed: number;
  notApplicable: number;
}

export interface PolicyViolation {
  level: Violation["enforcementLevel"];
  pack: string;
  rule: string;
  /** The resource's name and type, or undefined for a stack-wide finding. */
  resource?: { name: string; type: string; urn: string };
  message: string;
  /** The server's "can't run policy during preview" diagnostic rather than a finding. */
  couldNotRunInPreview: boolean;
}

/** A suppression in force (policy/lib/suppressions.ts), with what it silenced in this run. */
export interface PolicySuppression {
  pack: string;
  rule: string;
  /** "config" (policy/config/<env>/<pack>.json) or "tag" (policy-suppress:<rule> on the resource). */
  source: "config" | "tag";
  /** The name or URN pattern (config), or the tagged resource's URN (tag). */
  resource: string;
  reason: string;
  expires: string;
  /** Names of the resources it matches. */
  matches: string[];
  /** The rule's own messages it silenced in this run. */
  silenced: string[];
}

export interface PolicyReport {
  environment: PolicyEnvironment;
  packs: PackSummary[];
  /** Every suppression in force, in pack order; expired or invalid ones are mandatory violations instead. */
  suppressions: PolicySuppression[];
  /** Mandatory first, then advisory; in pack order. */
  violations: PolicyViolation[];
  mandatoryCount: number;
  /** True when no mandatory rule failed: `pulumi preview` with these packs would pass. */
  passed: boolean;
}

function resourceOf(urn: string | undefined): PolicyViolation["resource"] {
  if (!urn) {
    return undefined;
  }
  // urn:pulumi:<stack>::<project>::<parent types $-joined>$<type>::<name>
  const parts = urn.split("::");
  const type = (parts[2] ?? "").split("$").pop() ?? "";
  return { name: parts.slice(3).join("::"), type, urn };
}

export function policyReport(evaluation: StackEvaluation): PolicyReport {
  const packs = evaluation.packs.map((p): PackSummary => {
    const dir = PACK_DIRECTORIES.find((d) => POLICY_PACKS[d].name === p.policyPack);
    return {
      pack: p.policyPack,
      configFile: dir ? path.relative(REPO_ROOT, packConfigPath(evaluation.environment, dir)) : "",
      policies: p.config.size,
      mandatory: p.violations.filter((v) => v.enforcementLevel === "mandatory").length,
      advisory: p.violations.filter((v) => v.enforcementLevel === "advisory" && !v.suppressed).length,
      suppressed: p.violations.filter((v) => v.suppressed).length,
      notApplicable: p.notApplicable.length,
    };
  });
  const toViolation = (v: Violation): PolicyViolation => ({
    level: v.enforcementLevel,
    pack: v.policyPack,
    rule: v.policyName,
    resource: resourceOf(v.urn),
    message: v.message,
    couldNotRunInPreview: v.couldNotRunInPreview,
  });
  const violations = [...evaluation.mandatory, ...evaluation.advisory].map(toViolation);
  const suppressions = evaluation.suppressions.map(
    (s): PolicySuppression => ({
      pack: s.policyPack,
      rule: s.rule,
      source: s.source,
      resource: s.resource,
      reason: s.reason,
      expires: s.expires,
      matches: s.matches.map((urn) => urn.split("::").slice(3).join("::")),
      silenced: evaluation.suppressed
        .filter((v) => v.policyPack === s.policyPack && v.policyName === s.rule && v.urn !== undefined && s.matches.includes(v.urn))
        .map((v) => v.suppressed?.message ?? v.message),
    }),
  );
  return {
    environment: evaluation.environment,
    packs,
    suppressions,
    violations,
    mandatoryCount: evaluation.mandatory.length,
    passed: evaluation.mandatory.length === 0,
  };
}

export function renderPolicyReport(report: PolicyReport, style: Style): string {
  const lines = [
    table(
      [
        { header: "pack" },
        { header: "policies", align: "right" },
        { header: "mandatory", align: "right" },
        { header: "advisory", align: "right" },
        { header: "suppressed", align: "right" },
        { header: "config" },
      ],
      report.packs.map((p) => [
        p.pack,
        String(p.policies),
        p.mandatory > 0 ? style.red(String(p.mandatory)) : "0",
        p.advisory > 0 ? style.yellow(String(p.advisory)) : "0",
        String(p.suppressed),
        p.configFile,
      ]),
      [],
      "  ",
      style.width,
    ),
  ];
  for (const level of ["mandatory", "advisory"] as const) {
    const found = report.violations.filter((v) => v.level === level);
    if (found.length === 0) {
      continue;
    }
    const color = level === "mandatory" ? style.red : style.yellow;
    lines.push("", `  ${color(level)} (${found.length}):`);
    for (const v of found) {
      const where = v.resource ? `${v.resource.name} (${v.resource.type})` : "the stack";
      lines.push(`  - ${v.pack}/${style.bold(v.rule)} on ${where}`, `      ${wrap(v.message, style.width - 6, "      ")}`);
    }
  }
  if (report.suppressions.length > 0) {
    lines.push("", `  suppressions in force (${report.suppressions.length}):`);
    for (const s of report.suppressions) {
      const on = s.source === "tag" ? `a tag on ${s.matches.join(", ")}` : `${s.resource}${s.matches.join(", ") === s.resource ? "" : ` (${s.matches.join(", ")})`}`;
      lines.push(`  - ${s.pack}/${style.bold(s.rule)} on ${on}, until ${s.expires} (${s.source})`, `      reason: ${wrap(s.reason, style.width - 14, "              ")}`);
      for (const message of s.silenced) {
        lines.push(`      silences: ${wrap(message, style.width - 16, "                ")}`);
      }
    }
  }
  lines.push(
    "",
    report.passed
      ? `  ${style.green("PASS")}: no mandatory rule fails with the ${report.environment} config.`
      : `  ${style.red("FAIL")}: ${report.mandatoryCount} mandatory violation(s); \`pulumi preview\` with these packs would fail (exit code 1).`,
  );
  return lines.join("\n");
}
