/**
 * Policy pack configuration, resolved the way the Pulumi CLI resolves it before it configures the
 * analyzer (pkg/resource/analyzer ReconcilePolicyPackConfig): each policy starts from its
 * config-schema defaults and its own (or the pack's) enforcement level; `"all"` in the file sets
 * every policy's level; a policy's own entry overrides both; the result is validated against each
 * policy's schema, and an invalid file stops the run.
 */
import type { EnforcementLevel } from "@pulumi/policy";
import type { PolicyPackConfigFile, PolicyPackDefinition } from "../../policy/lib/packDefinition";
import { validatePolicyConfig } from "./jsonSchema";

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export interface ResolvedPolicyConfig {
  enforcementLevel: EnforcementLevel;
  /** What `args.getConfig()` returns: the properties without enforcementLevel. */
  properties: Record<string, unknown>;
}

export class PolicyPackConfigError extends Error {
  constructor(
    readonly policyPack: string,
    readonly problems: string[],
  ) {
    super(`Invalid configuration for policy pack "${policyPack}":\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "PolicyPackConfigError";
  }
}

function isEnforcementLevel(value: unknown): value is EnforcementLevel {
  return typeof value === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(value);
}

/** Splits a file entry into its level and properties, as the CLI's parsePolicyPackConfig does. */
function parseEntry(key: string, entry: unknown, problems: string[]): { level?: EnforcementLevel; properties: Record<string, unknown> } {
  if (typeof entry === "string") {
    if (!isEnforcementLevel(entry)) {
      problems.push(`${key}: "${entry}" is not a valid enforcement level (${ENFORCEMENT_LEVELS.join(", ")})`);
      return { properties: {} };
    }
    return { level: entry, properties: {} };
  }
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    problems.push(`${key}: ${JSON.stringify(entry)} is not a valid value; must be a string or object`);
    return { properties: {} };
  }
  const { enforcementLevel, ...properties } = entry as Record<string, unknown>;
  if (enforcementLevel !== undefined && !isEnforcementLevel(enforcementLevel)) {
    problems.push(`${key}: enforcementLevel ${JSON.stringify(enforcementLevel)} is not valid (${ENFORCEMENT_LEVELS.join(", ")})`);
    return { properties };
  }
  return { level: enforcementLevel, properties };
}

/** Resolves `file` (undefined: no --policy-pack-config) for every policy of `pack`. */
export function resolvePackConfig(pack: PolicyPackDefinition, file: PolicyPackConfigFile | undefined): Map<string, ResolvedPolicyConfig> {
  const problems: string[] = [];
  const result = new Map<string, ResolvedPolicyConfig>();
  for (const policy of pack.policies) {
    if (policy.name === "all") {
      problems.push('"all" is a reserved policy name');
    }
    const defaults: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
      if (key === "enforcementLevel") {
        problems.push(`${policy.name}: enforcementLevel cannot be declared in configSchema`);
      }
      if (schema.default !== undefined) {
        defaults[key] = structuredClone(schema.default);
      }
    }
    result.set(policy.name, { enforcementLevel: policy.enforcementLevel ?? pack.enforcementLevel, properties: defaults });
  }
  const entries = Object.entries(file ?? {}).map(([key, entry]) => [key, parseEntry(key, entry, problems)] as const);
  const all = entries.find(([key]) => key === "all")?.[1];
  if (all?.level) {
    for (const config of result.values()) {
      config.enforcementLevel = all.level;
    }
  }
  for (const [key, entry] of entries) {
    if (key === "all") {
      continue;
    }
    const config = result.get(key);
    if (!config) {
      // The CLI passes config for unknown policy names through; the pack never reads it. Offline,
      // a misspelt name in our own files is far more likely, so it is an error here.
      problems.push(`${key}: no policy of that name in ${pack.name} (policies: ${pack.policies.map((p) => p.name).join(", ")})`);
      continue;
    }
    if (entry.level) {
      config.enforcementLevel = entry.level;
    }
    Object.assign(config.properties, entry.properties);
  }
  for (const policy of pack.policies) {
    if (policy.configSchema) {
      problems.push(...validatePolicyConfig(policy.name, result.get(policy.name)?.properties ?? {}, policy.configSchema));
    }
  }
  if (problems.length > 0) {
    throw new PolicyPackConfigError(pack.name, problems);
  }
  return result;
}
