/**
 * The rule tables of policy/README.md, generated from the rules themselves: each rule's name, pack,
 * kind (resource or stack policy), enforcement level per environment (resolved from
 * policy/config/<env>/<pack>.json as the CLI resolves it), description (what the CLI prints with a
 * violation) and config schema (defaults, and each environment's value where it differs). The
 * README holds the output between two markers; `npm run docs:policy` rewrites it, and a test fails
 * when the README and the rules disagree, so the table cannot drift from the code.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { Policies } from "@pulumi/policy";
import { SUPPRESSIONS_PROPERTY } from "../../policy/lib/suppressions";
import { loadPackConfig, PACK_DIRECTORIES, POLICY_ENVIRONMENTS, POLICY_PACKS, POLICY_ROOT, type PackDirectory } from "./evaluateStack";
import { resolvePackConfig, type ResolvedPolicyConfig } from "./packConfig";

export const README_PATH = path.join(POLICY_ROOT, "README.md");
export const BEGIN_MARKER = "<!-- rule tables: generated from the rules by `npm run docs:policy`; edit the rules, not this table -->";
export const END_MARKER = "<!-- end of generated rule tables -->";

/** The file a rule lives in, relative to policy/README.md. */
export function ruleFile(pack: PackDirectory, rule: string): string {
  return `${pack}/rules/${rule}.ts`;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s+/g, " ").trim();
}

function show(value: unknown): string {
  return JSON.stringify(value);
}

type Policy = Policies[number];

function kindOf(policy: Policy): "resource" | "stack" {
  return "validateResource" in policy && policy.validateResource !== undefined ? "resource" : "stack";
}

function configCell(policy: Policy, resolved: Record<string, Map<string, ResolvedPolicyConfig>>): string {
  const properties = Object.entries(policy.configSchema?.properties ?? {}).filter(([key]) => key !== SUPPRESSIONS_PROPERTY);
  if (properties.length === 0) {
    return "";
  }
  return properties
    .map(([key, schema]) => {
      const parts: string[] = [];
      if (schema.default !== undefined) {
        // A long default (a list of entries) is the rule file's to show; the table names its size.
        const text = show(schema.default);
        parts.push(text.length > 100 && Array.isArray(schema.default) ? `default: ${schema.default.length} entries, see the rule` : `default ${text}`);
      }
      for (const env of POLICY_ENVIRONMENTS) {
        const value = resolved[env].get(policy.name)?.properties[key];
        if (value !== undefined && show(value) !== show(schema.default)) {
          parts.push(`${env} ${show(value)}`);
        }
      }
      return `\`${key}\`${parts.length > 0 ? ` (${parts.join("; ")})` : ""}`;
    })
    .join("; ");
}

/** The generated markdown: one table per pack. */
export function ruleTables(): string {
  const sections: string[] = [];
  for (const dir of PACK_DIRECTORIES) {
    const pack = POLICY_PACKS[dir];
    const resolved = Object.fromEntries(POLICY_ENVIRONMENTS.map((env) => [env, resolvePackConfig(pack, loadPackConfig(env, dir))])) as Record<
      string,
      Map<string, ResolvedPolicyConfig>
    >;
    const rows = pack.policies.map((policy) => {
      const levels = POLICY_ENVIRONMENTS.map((env) => resolved[env].get(policy.name)?.enforcementLevel ?? pack.enforcementLevel);
      return `| [\`${policy.name}\`](${ruleFile(dir, policy.name)}) | ${kindOf(policy)} | ${levels.join(" | ")} | ${cell(policy.description)} | ${cell(configCell(policy, resolved))} |`;
    });
    sections.push(
      [
        `### ${pack.name} (\`policy/${dir}\`, version ${pack.version}, ${pack.policies.length} rules)`,
        "",
        `| rule | kind | ${POLICY_ENVIRONMENTS.join(" | ")} | checks | config |`,
        `| --- | --- | ${POLICY_ENVIRONMENTS.map(() => "---").join(" | ")} | --- | --- |`,
        ...rows,
      ].join("\n"),
    );
  }
  return sections.join("\n\n");
}

/** The README with its generated section replaced by `tables`. */
export function withTables(readme: string, tables: string): string {
  const begin = readme.indexOf(BEGIN_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (begin < 0 || end < begin) {
    throw new Error(`${README_PATH} has no generated section (the markers ${BEGIN_MARKER} and ${END_MARKER})`);
  }
  return `${readme.slice(0, begin + BEGIN_MARKER.length)}\n\n${tables}\n\n${readme.slice(end)}`;
}

/** Rewrites policy/README.md's rule tables; true when the file changed. */
export function writeRuleTables(): boolean {
  const readme = readFileSync(README_PATH, "utf8");
  const updated = withTables(readme, ruleTables());
  if (updated !== readme) {
    writeFileSync(README_PATH, updated);
    return true;
  }
  return false;
}
