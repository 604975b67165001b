/**
 * The offline policy evaluator: runs a pack's real policy objects over recorded resources, building
 * the arguments the @pulumi/policy analyzer server (server.js, v1.21) builds for them:
 *
 * - resource policies (`Analyze`, once per registered resource, with its INPUTS): type, props (behind
 *   the SDK's unknown-checking proxy), urn, name, opts, provider, stackTags, isType, asType,
 *   getConfig, notApplicable; a violation is attributed to the resource's URN;
 * - stack policies (`AnalyzeStack`, once, with every resource's OUTPUTS): each resource with the
 *   same fields plus parent, dependencies and propertyDependencies as resource objects;
 * - a policy that reads a value unknown during a preview is reported, as the server does, as an
 *   advisory "can't run policy ... during preview" diagnostic instead of its result;
 * - `notApplicable(reason)` is recorded, not reported; an enforcement level of "disabled" skips the
 *   policy; "remediate" reports as "mandatory"; any other error fails the evaluation, as it fails
 *   the CLI's run.
 *
 * Config comes from the same JSON files the CLI reads with --policy-pack-config, resolved and
 * validated as the CLI does (packConfig.ts).
 */
import type {
  EnforcementLevel,
  Policies,
  PolicyProviderResource,
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyPackConfigFile, PolicyPackDefinition } from "../../policy/lib/packDefinition";
import { unknownCheckingProxy, UnknownValueError } from "../../policy/lib/values";
import { auditSuppressions, parseSuppressedMessage, SUPPRESSIONS_PROPERTY, type SuppressedViolationInfo, type SuppressionInForce } from "../../policy/lib/suppressions";
import { resolvePackConfig, ResolvedPolicyConfig } from "./packConfig";

/** One resource as the engine hands it to an analyzer; values in wire form (unknowns as sentinels). */
export interface AnalyzedResource {
  urn: string;
  type: string;
  name: string;
  /** What `Analyze` receives: the resource's inputs. */
  inputs: Record<string, unknown>;
  /** What `AnalyzeStack` receives: the resource's state (planned state in a preview). */
  outputs: Record<string, unknown>;
  parent?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  options: PolicyResourceOptions;
  /** The resource's provider with the provider's inputs (the default provider when none was set). */
  provider?: PolicyProviderResource;
}

export interface AnalysisInput {
  resources: AnalyzedResource[];
  /** Stack tags, as the CLI sends them with ConfigureStack. */
  stackTags: ReadonlyMap<string, string>;
}

export type ReportedLevel = Exclude<EnforcementLevel, "disabled" | "remediate">;

export interface Violation {
  policyPack: string;
  policyName: string;
  /** Level after config: "remediate" is reported as "mandatory", as the server does. */
  enforcementLevel: ReportedLevel;
  /** The resource in violation (always set for resource policies; optional for stack policies). */
  urn?: string;
  /** The policy's own message. The CLI prints the policy description, a newline, then this. */
  message: string;
  description: string;
  /** True when this is the server's "can't run policy ... during preview" diagnostic. */
  couldNotRunInPreview: boolean;
  /**
   * True when the policy reported an object (`reportViolation({ message, ... })`): the server then
   * sends the message alone, where a string report gets the policy's description in front.
   */
  objectReport?: boolean;
  /**
   * Set when a suppression silenced this violation (policy/lib/suppressions.ts): the rule still
   * reports it, as advisory, with the suppression's label, reason and expiry before its message.
   */
  suppressed?: SuppressedViolationInfo;
}

export interface NotApplicable {
  policyPack: string;
  policyName: string;
  reason?: string;
  urn?: string;
}

export interface PackEvaluation {
  policyPack: string;
  violations: Violation[];
  notApplicable: NotApplicable[];
  /** The resolved config per policy (level and getConfig() value), for reports. */
  config: Map<string, ResolvedPolicyConfig>;
  /**
   * Every valid suppression in force in this stack, per policy that ran (config entries and tags),
   * with the resources it matches; bad ones are mandatory violations instead.
   */
  suppressions: SuppressionInForce[];
}

function withSuppressionInfo(violation: Violation): Violation {
  const suppressed = parseSuppressedMessage(violation.message);
  return suppressed ? { ...violation, suppressed } : violation;
}

class NotApplicableError extends Error {
  constructor(readonly reason?: string) {
    super(reason ?? "Policy does not apply");
  }
}

function throwNotApplicable(reason?: string): never {
  throw new NotApplicableError(reason);
}

/**
 * A fresh copy of wire-form values (the server deserializes anew for every call, so a policy that
 * mutates its props cannot affect the next one). Non-plain objects (assets, archives) are kept.
 */
function cloneWire<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map((v: unknown) => cloneWire(v)) as T;
  }
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneWire(v)])) as T;
  }
  return value;
}

type ResourceClass = { new (...rest: never[]): unknown };

// The SDK's own helpers for these are internal (not in its typings); same logic as policy.js.

/** The Pulumi type token validateResourceOfType/resource classes carry, if any. */
function getPulumiType(obj: unknown): string | undefined {
  const pulumiType = (obj as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof pulumiType === "string" && pulumiType.length > 0 ? pulumiType : undefined;
}

function isResourcePolicy(policy: Policies[number]): policy is ResourceValidationPolicy {
  const p = policy as ResourceValidationPolicy;
  const validation = p.validateResource;
  if (typeof validation === "function") {
    return true;
  }
  if (Array.isArray(validation)) {
    return validation.every((v) => typeof v === "function");
  }
  return typeof p.remediateResource === "function";
}

function isStackPolicy(policy: Policies[number]): policy is StackValidationPolicy {
  return typeof (policy as StackValidationPolicy).validateStack === "function";
}

/** isType as the server implements it: by the class's Pulumi type token, else its isInstance. */
function isTypeOf(type: string, resourceClass: ResourceClass): boolean {
  const pulumiType = getPulumiType(resourceClass);
  if (pulumiType) {
    return type === pulumiType;
  }
  const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

function reportedLevel(level: EnforcementLevel): ReportedLevel {
  return level === "remediate" ? "mandatory" : (level as ReportedLevel);
}

interface ViolationObject {
  name?: string;
  message?: string;
  description?: string;
  urn?: string;
  enforcementLevel?: EnforcementLevel;
}

function makeReporter(
  pack: PolicyPackDefinition,
  policyName: string,
  description: string,
  level: ReportedLevel,
  sink: Violation[],
  fixedUrn?: string,
): ReportViolation {
  // The server also accepts an object in place of the message; mirror both forms.
  return ((message: string | ViolationObject, urn?: string) => {
    if (typeof message === "object" && message !== null) {
      sink.push(withSuppressionInfo({
        policyPack: pack.name,
        policyName: message.name ?? policyName,
        enforcementLevel: reportedLevel(message.enforcementLevel ?? level),
        urn: fixedUrn ?? message.urn,
        message: message.message ?? message.description ?? description,
        description: message.description ?? description,
        couldNotRunInPreview: false,
        objectReport: true,
      }));
      return;
    }
    sink.push({
      policyPack: pack.name,
      policyName,
      enforcementLevel: level,
      urn: fixedUrn ?? urn,
      message: message ?? "",
      description,
      couldNotRunInPreview: false,
    });
  }) as ReportViolation;
}

function couldNotRun(pack: PolicyPackDefinition, policyName: string, description: string, error: Error, urn?: string): Violation {
  return {
    policyPack: pack.name,
    policyName,
    enforcementLevel: "advisory",
    urn,
    message: `can't run policy '${policyName}' from policy pack '${pack.name}@v${pack.version}' during preview: ${error.message}`,
    description,
    couldNotRunInPreview: true,
  };
}

function levelOf(pack: PolicyPackDefinition, name: string, config: Map<string, ResolvedPolicyConfig>): EnforcementLevel {
  return config.get(name)?.enforcementLevel ?? pack.enforcementLevel;
}

function getConfigFor(name: string, config: Map<string, ResolvedPolicyConfig>): <T extends object>() => T {
  return <T extends object>() => cloneWire(config.get(name)?.properties ?? {}) as T;
}

async function analyzeResource(
  pack: PolicyPackDefinition,
  policy: ResourceValidationPolicy,
  resource: AnalyzedResource,
  input: AnalysisInput,
  config: Map<string, ResolvedPolicyConfig>,
  result: PackEvaluation,
): Promise<void> {
  const level = reportedLevel(levelOf(pack, policy.name, config));
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
  if (!Array.isArray(policy.validateResource)) {
    const pulumiType = getPulumiType(policy.validateResource);
    if (pulumiType && pulumiType !== resource.type) {
      result.notApplicable.push({
        policyPack: pack.name,
        policyName: policy.name,
        reason: `Policy only applies to resources of type '${pulumiType}'`,
        urn: resource.urn,
      });
      return;
    }
  }
  const report = makeReporter(pack, policy.name, policy.description, level, result.violations, resource.urn);
  for (const validation of validations) {
    if (!validation) {
      continue;
    }
    // Fresh props per validation, as the server deserializes them anew for each.
    const props = unknownCheckingProxy(cloneWire(resource.inputs));
    const args: ResourceValidationArgs = {
      type: resource.type,
      props,
      urn: resource.urn,
      name: resource.name,
      opts: resource.options,
      stackTags: input.stackTags,
      isType: (resourceClass) => isTypeOf(resource.type, resourceClass as unknown as ResourceClass),
      asType: ((resourceClass: ResourceClass) => (isTypeOf(resource.type, resourceClass) ? props : undefined)) as ResourceValidationArgs["asType"],
      getConfig: getConfigFor(policy.name, config),
      notApplicable: throwNotApplicable,
      ...(resource.provider ? { provider: { ...resource.provider, props: unknownCheckingProxy(cloneWire(resource.provider.props)) } } : {}),
    };
    try {
      await Promise.resolve(validation(args, report));
    } catch (err) {
      if (err instanceof UnknownValueError) {
        result.violations.push(couldNotRun(pack, policy.name, policy.description, err, resource.urn));
      } else if (err instanceof NotApplicableError) {
        result.notApplicable.push({ policyPack: pack.name, policyName: policy.name, reason: err.reason, urn: resource.urn });
      } else {
        const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
        throw new Error(`Error validating resource ${resource.urn} with policy '${policy.name}' from policy pack '${pack.name}@v${pack.version}':\n${detail}`, {
          cause: err,
        });
      }
    }
  }
}

/** The resources a stack policy sees: outputs behind the proxy, links as resource objects. */
export function toPolicyResources(resources: readonly AnalyzedResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const built = resources.map((r) => {
    const props = unknownCheckingProxy(cloneWire(r.outputs));
    const resource: PolicyResource = {
      type: r.type,
      props,
      urn: r.urn,
      name: r.name,
      opts: r.options,
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => isTypeOf(r.type, resourceClass as unknown as ResourceClass),
      asType: ((resourceClass: ResourceClass) => (isTypeOf(r.type, resourceClass) ? props : undefined)) as PolicyResource["asType"],
      ...(r.provider ? { provider: { ...r.provider, props: unknownCheckingProxy(cloneWire(r.provider.props)) } } : {}),
    };
    byUrn.set(r.urn, resource);
    return resource;
  });
  resources.forEach((r, i) => {
    const resource = built[i];
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    if (parent) {
      resource.parent = parent;
    }
    resource.dependencies = r.dependencies.flatMap((urn) => byUrn.get(urn) ?? []);
    for (const [key, urns] of Object.entries(r.propertyDependencies)) {
      // The engine leaves out properties with no dependencies.
      if (urns.length > 0) {
        resource.propertyDependencies[key] = urns.flatMap((urn) => byUrn.get(urn) ?? []);
      }
    }
  });
  return built;
}

async function analyzeStack(
  pack: PolicyPackDefinition,
  policy: StackValidationPolicy,
  input: AnalysisInput,
  config: Map<string, ResolvedPolicyConfig>,
  result: PackEvaluation,
): Promise<void> {
  const level = reportedLevel(levelOf(pack, policy.name, config));
  const pulumiType = getPulumiType(policy.validateStack);
  if (pulumiType && !input.resources.some((r) => r.type === pulumiType)) {
    result.notApplicable.push({ policyPack: pack.name, policyName: policy.name, reason: `Policy only applies to resources of type '${pulumiType}'` });
    return;
  }
  const args: StackValidationArgs = {
    resources: toPolicyResources(input.resources),
    getConfig: getConfigFor(policy.name, config),
    stackTags: input.stackTags,
    notApplicable: throwNotApplicable,
  };
  const report = makeReporter(pack, policy.name, policy.description, level, result.violations);
  try {
    await Promise.resolve(policy.validateStack(args, report));
  } catch (err) {
    if (err instanceof UnknownValueError) {
      result.violations.push(couldNotRun(pack, policy.name, policy.description, err));
    } else if (err instanceof NotApplicableError) {
      result.notApplicable.push({ policyPack: pack.name, policyName: policy.name, reason: err.reason });
    } else {
      const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
      throw new Error(`Error validating stack with policy '${policy.name}' from policy pack '${pack.name}@v${pack.version}':\n${detail}`, { cause: err });
    }
  }
}

/**
 * Runs every policy of `pack` over `input` with the config file `configFile` (the content of a
 * --policy-pack-config file; undefined for none). Resource policies run per resource in
 * registration order, then stack policies.
 */
export async function evaluatePack(
  pack: PolicyPackDefinition,
  input: AnalysisInput,
  configFile?: PolicyPackConfigFile,
): Promise<PackEvaluation> {
  const config = resolvePackConfig(pack, configFile);
  const result: PackEvaluation = { policyPack: pack.name, violations: [], notApplicable: [], config, suppressions: [] };
  for (const policy of pack.policies) {
    if ("remediateResource" in policy && policy.remediateResource && levelOf(pack, policy.name, config) === "remediate") {
      throw new Error(`policy '${policy.name}' remediates; the offline evaluator only validates`);
    }
  }
  for (const resource of input.resources) {
    for (const policy of pack.policies) {
      if (levelOf(pack, policy.name, config) === "disabled" || !isResourcePolicy(policy)) {
        continue;
      }
      const resourcePolicy = policy as ResourceValidationPolicy;
      if (!resourcePolicy.validateResource) {
        result.notApplicable.push({ policyPack: pack.name, policyName: policy.name, reason: "Policy does not implement validateResource", urn: resource.urn });
        continue;
      }
      await analyzeResource(pack, resourcePolicy, resource, input, config, result);
    }
  }
  for (const policy of pack.policies) {
    if (levelOf(pack, policy.name, config) === "disabled" || !isStackPolicy(policy)) {
      continue;
    }
    await analyzeStack(pack, policy as StackValidationPolicy, input, config, result);
  }
  // The suppressions in force, computed by the same audit the rules run in their stack phase.
  const resources = toPolicyResources(input.resources);
  for (const policy of pack.policies) {
    if (levelOf(pack, policy.name, config) !== "disabled") {
      result.suppressions.push(...auditSuppressions(policy.name, config.get(policy.name)?.properties[SUPPRESSIONS_PROPERTY], resources).inForce);
    }
  }
  return result;
}
