/**
 * The consumer helper: reads a trading-platform stack's outputs through a StackReference, checks
 * the contract version and validates every value against the contract (stacks/outputs.ts) BEFORE
 * the caller registers anything, and returns them typed, as plain values and as Outputs.
 *
 * Other teams import this module (see stacks/CONSUMERS.md); the replica stack of this project reads
 * its primary with it too, so there is one reader. It depends on @pulumi/pulumi, zod and the
 * contract only, never on the program.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import {
  CONTRACT_VERSION,
  OUTPUT_SECTIONS,
  OutputSection,
  PlatformStackOutputs,
  STACK_OUTPUT_SCHEMAS,
  StackRole,
} from "./outputs";
import { outputIssues, outputName } from "./outputProblems";

export { CONTRACT_VERSION, OUTPUT_SECTIONS } from "./outputs";
export type {
  AuthOutputs,
  ClusterOutputs,
  CommonStackOutputs,
  ComputeOutputs,
  DataOutputs,
  GameDaysOutputs,
  GameDayTemplateIds,
  NetworkOutputs,
  ObservabilityOutputs,
  OutputSection,
  PlatformStackOutputs,
  PrimaryStackOutputs,
  ReplicaStackOutputs,
  StackRole,
} from "./outputs";
export type { DynamoOutputs } from "../components/dynamo/outputs";

/** The outputs of a stack of role `R` with only the sections `S` (the other fields always come). */
export type PlatformValues<R extends StackRole = StackRole, S extends OutputSection = OutputSection> = R extends StackRole
  ? Omit<Extract<PlatformStackOutputs, { role: R }>, Exclude<OutputSection, S>>
  : never;

/** The same values as Outputs: they carry the dependency on the StackReference and its secretness. */
export type PlatformOutputs<T> = T extends unknown ? { readonly [K in keyof T]: pulumi.Output<T[K]> } : never;

/** A referenced platform stack, validated. */
export interface PlatformStack<T> {
  /** The fully qualified stack name read (org/project/stack). */
  readonly stack: string;
  /**
   * The validated outputs as plain values, available before any resource is registered (e.g. to
   * decide how many resources to create per AZ).
   */
  readonly values: T;
  /** The same values as Outputs; prefer these for resource inputs (they depend on the reference). */
  readonly outputs: PlatformOutputs<T>;
  /** The StackReference itself, for `dependsOn`. */
  readonly reference: pulumi.StackReference;
}

export interface PlatformOutputsOptions<R extends StackRole = StackRole, S extends OutputSection = OutputSection> {
  /** Fail unless the stack has this role (and type the result for it). Default: either role. */
  role?: R;
  /**
   * Contract sections to read and validate (of OUTPUT_SECTIONS); a consumer that names
   * only what it uses does not depend on the rest. Default: all.
   */
  sections?: readonly S[];
  /** Logical name of the StackReference resource; unique in the caller's program. Default: the stack name. */
  name?: string;
  /** Resource options of the StackReference (e.g. `parent`). */
  resourceOptions?: pulumi.CustomResourceOptions;
}

/** A referenced stack whose outputs are missing or do not match the contract. */
export class PlatformOutputsError extends pulumi.RunError {
  constructor(
    readonly stack: string,
    readonly problems: string[],
  ) {
    super(`Cannot read the trading-platform outputs of stack "${stack}":\n` + problems.map((p) => `  - ${p}`).join("\n"));
    this.name = "PlatformOutputsError";
  }
}

/** A referenced stack that publishes another major version of the contract than this helper reads. */
export class ContractVersionError extends PlatformOutputsError {
  constructor(
    stack: string,
    readonly stackVersion: string,
    readonly readerVersion: string,
  ) {
    const [stackMajor, readerMajor] = [majorOf(stackVersion), majorOf(readerVersion)];
    const remedy =
      stackMajor > readerMajor
        ? `upgrade this program's trading-platform helper to contract ${stackMajor}.x`
        : `redeploy the stack from a platform release with contract ${readerMajor}.x, or read it with a helper of contract ${stackMajor}.x`;
    super(stack, [
      `stack "${stack}" publishes output contract ${stackVersion}, but this program reads contract ${readerVersion}: ` +
        `a major version renames or removes outputs, so none is read; ${remedy}`,
    ]);
    this.name = "ContractVersionError";
  }
}

/** Keys every stack publishes besides the sections, in the order problems are reported. */
const HEADER_KEYS = ["contractVersion", "role", "environment", "region", "primaryStack"] as const;
const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

function majorOf(version: string): number {
  return Number(SEMVER.exec(version)?.[1]);
}

/** -1, 0 or 1 as `a` is older than, equal to or newer than `b` (both MAJOR.MINOR.PATCH). */
function compareVersions(a: string, b: string): number {
  const [pa, pb] = [a, b].map((v) => (SEMVER.exec(v) ?? []).slice(1).map(Number));
  for (let i = 0; i < 3; i++) {
    if (pa[i] !== pb[i]) {
      return pa[i] < pb[i] ? -1 : 1;
    }
  }
  return 0;
}

/** The output keys a read of `sections` fetches. */
export function outputKeysFor(sections: readonly OutputSection[] = OUTPUT_SECTIONS): string[] {
  return [...HEADER_KEYS, ...sections];
}

/**
 * Validates outputs already fetched from `stack` (`raw`: output name → value, undefined when the
 * stack has no such output) against the contract this helper was built with. Pure; platformOutputs
 * calls it. Throws ContractVersionError on a major mismatch and PlatformOutputsError naming the
 * stack and every missing or malformed output otherwise.
 */
export function parsePlatformOutputs<R extends StackRole = StackRole, S extends OutputSection = OutputSection>(
  stack: string,
  raw: Record<string, unknown>,
  options: Pick<PlatformOutputsOptions<R, S>, "role" | "sections"> = {},
  readerVersion: string = CONTRACT_VERSION,
): PlatformValues<R, S> {
  const sections: readonly OutputSection[] = options.sections ?? OUTPUT_SECTIONS;
  const requested = outputKeysFor(sections);
  if (requested.every((key) => raw[key] === undefined)) {
    throw new PlatformOutputsError(stack, [
      `the stack has none of the outputs ${requested.join(", ")}: it has not been deployed (pulumi up -s ${stack}), or is not a trading-platform stack`,
    ]);
  }

  // The version first: under another major, the other problems would only be noise.
  const version = raw.contractVersion;
  if (version === undefined) {
    throw new PlatformOutputsError(stack, [
      `${outputName("contractVersion")} is missing: the stack was deployed before the outputs were versioned, or is not a trading-platform stack`,
    ]);
  }
  if (typeof version !== "string" || !SEMVER.test(version)) {
    throw new PlatformOutputsError(stack, [`${outputName("contractVersion")} must be a semver version MAJOR.MINOR.PATCH (got ${JSON.stringify(version)})`]);
  }
  if (majorOf(version) !== majorOf(readerVersion)) {
    throw new ContractVersionError(stack, version, readerVersion);
  }

  const role = raw.role;
  if (role !== "primary" && role !== "replica") {
    throw new PlatformOutputsError(stack, [`${outputName("role")} must be "primary" or "replica" (got ${JSON.stringify(role)})`]);
  }
  const problems: string[] = [];
  if (options.role !== undefined && role !== options.role) {
    problems.push(`${outputName("role")} is "${role}", but a "${options.role}" stack was expected`);
  }

  const shape: Record<string, z.ZodType> = STACK_OUTPUT_SCHEMAS[role].shape;
  const values: Record<string, unknown> = {};
  let missing = false;
  for (const key of requested.filter((k) => k in shape)) {
    if (raw[key] === undefined) {
      // An optional section (gameDays) is absent where the stack's config leaves it off.
      if (shape[key].safeParse(undefined).success) {
        continue;
      }
      missing = true;
      problems.push(`${outputName(key)} is missing: the stack has not been deployed with it, or is not a trading-platform stack`);
      continue;
    }
    const parsed = shape[key].safeParse(raw[key], { reportInput: true });
    if (parsed.success) {
      values[key] = parsed.data;
    } else {
      missing ||= parsed.error.issues.some((issue) => issue.code === "invalid_type" && issue.input === undefined);
      problems.push(...outputIssues(key, parsed.error));
    }
  }
  if (missing && compareVersions(version, readerVersion) < 0) {
    problems.push(
      `the stack publishes contract ${version}, older than the ${readerVersion} this program reads: ` +
        `redeploy it (pulumi up -s ${stack}) to publish the outputs added since`,
    );
  }
  if (problems.length > 0) {
    throw new PlatformOutputsError(stack, problems);
  }
  return values as PlatformValues<R, S>;
}

/**
 * Reads the trading-platform stack `stack` ("org/trading-platform/prod-us-east-1") through a
 * StackReference and validates it (parsePlatformOutputs) before returning, so a consumer fails
 * at `pulumi preview` with the stack and the output named, before it registers anything that
 * would use a wrong value. Call it once per stack (each call creates a StackReference).
 *
 * @example
 * const platform = await platformOutputs("acme-markets/trading-platform/prod-us-east-1", { sections: ["network", "cluster"] });
 * new aws.ec2.SecurityGroupIngressRule("from-trading", {
 *   securityGroupId: mySg.id,
 *   referencedSecurityGroupId: platform.outputs.cluster.appSecurityGroupId,
 *   ipProtocol: "tcp", fromPort: 443, toPort: 443,
 * });
 */
export async function platformOutputs<R extends StackRole = StackRole, S extends OutputSection = OutputSection>(
  stack: string,
  options: PlatformOutputsOptions<R, S> = {},
): Promise<PlatformStack<PlatformValues<R, S>>> {
  const reference = new pulumi.StackReference(options.name ?? stack, { name: stack }, options.resourceOptions);
  const keys = outputKeysFor(options.sections ?? OUTPUT_SECTIONS);
  const details = await Promise.all(keys.map((key) => reference.getOutputDetails(key)));
  const raw = Object.fromEntries(keys.map((key, i) => [key, details[i].value ?? details[i].secretValue]));
  const values = parsePlatformOutputs(stack, raw, options);
  const outputs = Object.fromEntries(
    Object.entries(values as Record<string, unknown>).map(([key, value]) => [key, reference.getOutput(key).apply(() => value)]),
  ) as PlatformOutputs<PlatformValues<R, S>>;
  return { stack, values, outputs, reference };
}
