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
];

/** A bad stack file. Pulumi prints a RunError's message without a stack trace. */
export class StackConfigError extends pulumi.RunError {
  constructor(
    readonly stack: string,
    readonly problems: string[],
  ) {
    super(
      `Invalid configuration for stack "${stack}" (Pulumi.${stack}.yaml):\n` +
        problems.map((p) => `  - ${p}`).join("\n") +
        "\nFix the stack file (or `pulumi config set`) and run again; nothing was deployed.",
    );
    this.name = "StackConfigError";
  }
}

type JsonType = string | undefined;

function jsonTypes(schema: z.ZodObject): Record<string, JsonType> {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, { type?: string }>;
  };
  return Object.fromEntries(Object.entries(json.properties ?? {}).map(([k, v]) => [k, v.type]));
}

const projectKeyTypes = jsonTypes(stackConfigSchema);
const awsKeyTypes = jsonTypes(awsSchema);

/** Pulumi hands every config value over as a string; typed values arrive as JSON text. */
function decode(raw: string, type: JsonType): unknown {
  if (type === "string" || type === undefined) {
    return raw;
  }
  try {
    return JSON.parse(raw);
  } catch {
    return raw; // left as text, so the schema reports "expected <type>" against the key
  }
}

function describeIssue(key: string, issue: z.core.$ZodIssue): string {
  const where = [key, ...issue.path.slice(1).map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))].join("");
  if ((issue.code === "invalid_type" || issue.code === "invalid_value") && issue.input === undefined) {
    return `${where}: is required but not set (${describeAllowed(key)})`;
  }
  if (issue.code === "invalid_type") {
    return `${where}: expected ${issue.expected}, got ${JSON.stringify(issue.input)} (${describeAllowed(key)})`;
  }
  if (issue.code === "invalid_value") {
    return `${where}: ${JSON.stringify(issue.input)} is not allowed; allowed: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  if (issue.code === "unrecognized_keys") {
    return `${where}: unknown keys ${issue.keys.join(", ")}`;
  }
  return `${where}: ${issue.message}`;
}

function describeAllowed(qualifiedKey: string): string {
  const [namespace, key] = qualifiedKey.split(":");
  const shape: Record<string, z.ZodType> = namespace === "aws" ? awsShape : stackConfigShape;
  const field = shape[namespace === "aws" ? qualifiedKey : key];
  return field?.description ?? "see README";
}

/**
 * Parses and validates a stack's raw configuration (the `key: string` map Pulumi provides).
 * Throws StackConfigError listing every problem; returns the typed config otherwise.
 */
export function parseStackConfig(stack: string, raw: Record<string, string | undefined>): StackConfig {
  const problems: string[] = [];
  const qualify = (key: string) => (key.includes(":") ? key : `${PROJECT}:${key}`);

  for (const key of Object.keys(raw)) {
    if (key.startsWith(`${PROJECT}:`) && !(key.slice(PROJECT.length + 1) in stackConfigShape)) {
      problems.push(`${key}: is not a key of this project; known keys: ${Object.keys(stackConfigShape).join(", ")}`);
    }
  }

  const projectInput: Record<string, unknown> = {};
  for (const key of Object.keys(stackConfigShape)) {
    const value = raw[qualify(key)];
    if (value !== undefined) {
      projectInput[key] = decode(value, projectKeyTypes[key]);
    }
  }
  const awsInput: Record<string, unknown> = {};
  for (const key of Object.keys(awsShape)) {
    const value = raw[key];
    if (value !== undefined) {
      awsInput[key] = decode(value, awsKeyTypes[key]);
    }
  }

  const project = stackConfigSchema.safeParse(projectInput, { reportInput: true });
  const aws = awsSchema.safeParse(awsInput, { reportInput: true });
  for (const issue of project.error?.issues ?? []) {
    problems.push(describeIssue(qualify(String(issue.path[0])), issue));
  }
  for (const issue of aws.error?.issues ?? []) {
    problems.push(describeIssue(String(issue.path[0]), issue));
  }
  if (!project.success || !aws.success || problems.length > 0) {
    throw new StackConfigError(stack, problems);
  }

  const config: StackConfig = {
    ...project.data,
    stack,
    region: aws.data["aws:region"],
    defaultTags: aws.data["aws:defaultTags"].tags,
    isProduction: project.data.environment === "prod",
  };
  const report: ReportIssue = (key, message) => problems.push(`${qualify(key)}: ${message}`);
  for (const check of crossChecks) {
    check(config, report);
  }
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
