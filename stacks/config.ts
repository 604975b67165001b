/**
 * Typed, validated stack configuration.
 *
 * Every key this project reads is declared here (or in a component's `*ConfigShape`, spread in
 * below) with its type, its default and a description; `Pulumi.yaml` declares the same keys for
 * the CLI and a test keeps the two in agreement. A bad stack file fails the program before any
 * resource is registered, with one message naming each bad key, the stack and what is allowed.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { azIdPrefixForRegion, isAzIdOfRegion, isWellFormedAzId } from "../components/network/azIds";
import { checkNetworkConfig, networkConfigShape, ReportIssue } from "../components/network/config";
import { checkClusterConfig, clusterConfigShape } from "../components/cluster/config";
import { checkDataConfig, dataConfigShape } from "../components/data/config";
import { checkDynamoConfig, dynamoConfigShape } from "../components/dynamo/config";
import { checkRegionConfig, regionConfigShape } from "../components/region/config";
import { checkObservabilityConfig, observabilityConfigShape } from "../components/observability/config";
import { checkEdgeConfig, edgeConfigShape } from "../components/edge/config";
import { checkGameDaysConfig, gameDaysConfigShape } from "../components/gamedays/config";
import { StackConfigError, type ConfigProblem } from "./configError";
import { keySchemas, parseKeys } from "./configKeys";
import { nearestKey } from "./nearestKey";

export { StackConfigError, type ConfigProblem, type ConfigSources } from "./configError";
export { nearestKey } from "./nearestKey";

/** The Pulumi project name, and so the namespace of this project's config keys. */
export const PROJECT = "trading-platform";

export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export const STACK_ROLES = ["primary", "replica"] as const;
export type StackRole = (typeof STACK_ROLES)[number];

/** Non-production stacks still need two AZs: an ALB refuses fewer. */
const MIN_AZS = { production: 3, other: 2 } as const;

const STACK_REFERENCE_PATTERN = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

const baseShape = {
  environment: z
    .enum(ENVIRONMENTS)
    .describe('Environment name: "dev", "staging" or "prod". Required. "prod" turns on every production rule.'),
  role: z
    .enum(STACK_ROLES)
    .describe('"primary" (owns the global table) or "replica" (adds a replica of the primary\'s table). Required.'),
  azIds: z
    .array(z.string())
    .describe("AZ IDs (not names) of this stack's region to spread over, e.g. [use1-az1, use1-az2, use1-az4]. Required; at least 3 in prod."),
  primaryStack: z
    .string()
    .optional()
    .describe('Fully qualified primary stack ("org/trading-platform/prod-us-east-1"). Required for role replica, not allowed otherwise.'),
};

/** Every `trading-platform:` key, with type, default and description. Components spread theirs in. */
export const stackConfigShape = {
  ...baseShape,
  ...networkConfigShape,
  ...clusterConfigShape,
  ...dataConfigShape,
  ...dynamoConfigShape,
  ...regionConfigShape,
  ...observabilityConfigShape,
  ...edgeConfigShape,
  ...gameDaysConfigShape,
};
export const stackConfigSchema = z.object(stackConfigShape);

const awsShape = {
  "aws:region": z.string().describe("The stack's AWS region. Required."),
  "aws:defaultTags": z
    .object({ tags: z.record(z.string(), z.string()).refine((t) => Object.keys(t).length > 0, "must hold at least one tag") })
    .describe("Tags the AWS provider puts on every taggable resource. Required, with at least one tag."),
};
const awsSchema = z.object(awsShape);

export type StackConfig = z.output<typeof stackConfigSchema> & {
  /** The stack name, e.g. prod-us-east-1. */
  stack: string;
  region: string;
  defaultTags: Record<string, string>;
  isProduction: boolean;
};

/** Checks that span several keys; each component adds its own. */
const crossChecks: ((cfg: StackConfig, report: ReportIssue) => void)[] = [
  checkPlacement,
  checkRole,
  checkNetworkConfig,
  checkClusterConfig,
  checkDataConfig,
  checkDynamoConfig,
  checkRegionConfig,
  checkObservabilityConfig,
  checkEdgeConfig,
  checkGameDaysConfig,
];

const projectKeySchemas = keySchemas(stackConfigSchema);
const awsKeySchemas = keySchemas(awsSchema);

const PROJECT_KEYS = Object.keys(stackConfigShape);
const KEY_MENTIONS = [
  ...PROJECT_KEYS.map((key) => ({ key, pattern: new RegExp(`(?<![A-Za-z0-9])${key}(?![A-Za-z0-9])`) })),
  // The checks name the environment and the role by what they mean: "in a prod stack", "a replica stack".
  { key: "environment", pattern: /\b(prod|dev|staging) stack\b/ },
  { key: "role", pattern: /\b(replica|primary) stack\b/ },
];

/** The project keys a check's message names besides its own key: the other side of a cross-key check. */
function keysNamedIn(message: string, own: string): string[] {
  return KEY_MENTIONS.filter((k) => `${PROJECT}:${k.key}` !== own && k.pattern.test(message)).map((k) => `${PROJECT}:${k.key}`);
}

/** `azIds[2]` → `trading-platform:azIds`; `aws:region` stays as it is. */
function qualify(key: string): string {
  return key.includes(":") ? key : `${PROJECT}:${key}`;
}

function baseKey(key: string): string {
  return qualify(key.split(/[[.]/)[0]);
}

/** Thrown when a check across keys reads a key that has no usable value: the check is skipped from there. */
class MissingValue extends Error {}

/**
 * The config the checks across keys run on while some keys have problems: a bad key with a default
 * holds its default; reading one without stops that check instead of letting it judge `undefined`.
 */
function bestEffort(config: StackConfig, missing: Set<string>): StackConfig {
  return new Proxy(config, {
    get(target, property, receiver) {
      if (typeof property === "string" && missing.has(property)) {
        throw new MissingValue(property);
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

/**
 * Parses and validates a stack's raw configuration (the `key: string` map Pulumi provides).
 * Throws StackConfigError listing every problem of every key, in one pass: the type, range and
 * format of each key, unknown keys, and the checks across keys (run on a best-effort config in
 * which a bad key holds its default, skipping any check about a key that already has a problem).
 * Returns the typed config otherwise.
 */
export function parseStackConfig(stack: string, raw: Record<string, string | undefined>): StackConfig {
  const problems: ConfigProblem[] = [];
  for (const key of Object.keys(raw)) {
    if (key.startsWith(`${PROJECT}:`) && !(key.slice(PROJECT.length + 1) in stackConfigShape)) {
      const near = nearestKey(key.slice(PROJECT.length + 1), PROJECT_KEYS);
      problems.push({
        key,
        involves: [],
        text: `${key}: is not a key of this project; ${near ? `did you mean ${PROJECT}:${near}?` : "no known key is close (Pulumi.yaml's config block lists them)"}`,
      });
    }
  }
  const project = parseKeys(stackConfigShape, projectKeySchemas, qualify, raw);
  const aws = parseKeys(awsShape, awsKeySchemas, (key) => key, raw);
  problems.push(...project.problems, ...aws.problems);

  const tags = aws.values["aws:defaultTags"] as { tags: Record<string, string> } | undefined;
  // Every value came from its own key's schema (or its default), so this is the schema's output
  // type; with problems above, a key may be missing (see bestEffort) and the checks are best effort.
  const config = {
    ...(project.values as z.output<typeof stackConfigSchema>),
    stack,
    region: aws.values["aws:region"] as string,
    defaultTags: tags?.tags ?? {},
    isProduction: project.values.environment === "prod",
  } satisfies StackConfig;
  const missing = new Set([
    ...project.missing,
    ...(aws.missing.includes("aws:region") ? ["region"] : []),
    ...(aws.missing.includes("aws:defaultTags") ? ["defaultTags"] : []),
    ...(project.missing.includes("environment") ? ["isProduction"] : []),
  ]);
  for (const key of missing) {
    Reflect.deleteProperty(config, key); // absent, so a spread copy of the config does not read it
  }
  const checked = missing.size > 0 ? bestEffort(config, missing) : config;

  const withProblem = new Set(problems.map((p) => p.key));
  const cross: ConfigProblem[] = [];
  const report: ReportIssue = (key, message) => {
    const own = baseKey(key);
    cross.push({ key: own, involves: keysNamedIn(message, own), text: `${qualify(key)}: ${message}` });
  };
  for (const check of crossChecks) {
    try {
      check(checked, report);
    } catch (err) {
      if (!(err instanceof MissingValue) && withProblem.size === 0) {
        throw err;
      }
      // The check read a key that has no value; that key's own problem is reported.
    }
  }
  problems.push(...cross.filter((p) => !withProblem.has(p.key) && !p.involves.some((k) => withProblem.has(k))));
  if (problems.length > 0) {
    throw new StackConfigError(stack, problems);
  }
  return config;
}

function checkPlacement(cfg: StackConfig, report: ReportIssue): void {
  let prefix: string;
  try {
    prefix = azIdPrefixForRegion(cfg.region);
  } catch (err) {
    report("aws:region", (err as Error).message);
    return;
  }
  const minimum = cfg.isProduction ? MIN_AZS.production : MIN_AZS.other;
  const distinct = new Set(cfg.azIds);
  if (distinct.size !== cfg.azIds.length) {
    const duplicates = cfg.azIds.filter((id, i) => cfg.azIds.indexOf(id) !== i);
    report("azIds", `lists ${[...new Set(duplicates)].join(", ")} more than once; each AZ ID may appear once`);
  }
  if (distinct.size < minimum) {
    report(
      "azIds",
      `a ${cfg.environment} stack needs at least ${minimum} distinct AZ IDs; got ${distinct.size} (${cfg.azIds.join(", ") || "none"})`,
    );
  }
  for (const [index, azId] of cfg.azIds.entries()) {
    if (!isWellFormedAzId(azId)) {
      report(`azIds[${index}]`, `"${azId}" is not an AZ ID; expected the form ${prefix}-azN`);
    } else if (!isAzIdOfRegion(azId, cfg.region)) {
      report(`azIds[${index}]`, `"${azId}" is not in region ${cfg.region}; AZ IDs there look like ${prefix}-azN`);
    }
  }
}

function checkRole(cfg: StackConfig, report: ReportIssue): void {
  if (cfg.role === "replica" && !cfg.primaryStack) {
    report("primaryStack", 'is required for role "replica": the fully qualified primary stack, e.g. acme/trading-platform/prod-us-east-1');
  }
  if (cfg.role === "primary" && cfg.primaryStack) {
    report("primaryStack", 'is only allowed for role "replica"; a primary stack reads no other stack');
  }
  if (cfg.primaryStack && !STACK_REFERENCE_PATTERN.test(cfg.primaryStack)) {
    report("primaryStack", `"${cfg.primaryStack}" must be a fully qualified stack name: <org>/<project>/<stack>`);
  }
  if (cfg.primaryStack && cfg.primaryStack.split("/")[2] === cfg.stack) {
    report("primaryStack", "names this stack itself; a replica must read a different (primary) stack");
  }
}

/** Reads the running stack's configuration from the Pulumi runtime and validates it. */
export function loadStackConfig(): StackConfig {
  return parseStackConfig(pulumi.getStack(), pulumi.runtime.allConfig());
}
