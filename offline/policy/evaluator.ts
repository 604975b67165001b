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
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyPackConfigFile, PolicyPackDefinition } from "../../policy/lib/packDefinition";
import { unknownCheckingProxy, UnknownValueError } from "../../policy/lib/values";
import { auditSuppressions, SUPPRESSIONS_PROPERTY } from "../../policy/lib/suppressions";
import type { AnalysisInput, AnalyzedResource, PackEvaluation } from "./analysis";
import { resolvePackConfig, ResolvedPolicyConfig } from "./packConfig";
import { toPolicyResources } from "./policyResources";
import { couldNotRun, makeReporter, reportedLevel } from "./reporter";
import { cloneWire, getPulumiType, isResourcePolicy, isStackPolicy, isTypeOf, NotApplicableError, throwNotApplicable, type ResourceClass } from "./serverSemantics";

export type { AnalysisInput, AnalyzedResource, NotApplicable, PackEvaluation, ReportedLevel, Violation } from "./analysis";
export { toPolicyResources } from "./policyResources";

/**
 * Makes the wire-form values of a fresh copy read-only in place, so every stack policy of a pack
 * evaluation can share it: each property read-only and each object and array closed to new
 * entries, so a write throws a TypeError (the packs' modules are strict) instead of reaching the
 * next policy, which the server's per-policy deserialization (server.js makeAnalyzeStackRpcFun)
 * keeps it from doing. Not Object.freeze: the SDK's unknown-checking proxy returns a
 * non-configurable, non-writable property's value unwrapped (a Proxy invariant, proxy.js), so below
 * a frozen object an unknown value would be read instead of throwing. Read-only but configurable
 * keeps every level wrapped. Non-plain objects (assets, archives) are left as cloneWire leaves them.
 */
function makeReadOnly(value: unknown): void {
  const plain = value !== null && typeof value === "object" && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype);
  if (!plain || Object.isExtensible(value) === false) {
    return;
  }
  for (const key of Object.keys(value)) {
    makeReadOnly((value as Record<string, unknown>)[key]);
    Object.defineProperty(value, key, { writable: false });
  }
  if (Array.isArray(value)) {
    Object.defineProperty(value, "length", { writable: false }); // push, pop, splice and sort throw
  }
  Object.preventExtensions(value);
}

/** What the SDK's unknown-checking proxy wraps (its own escape hatch, proxy.js getSpecialProxyTarget). */
function proxyTarget(props: unknown): unknown {
  return (props as Record<string, unknown>)["__getSpecialProxyTarget"];
}

/**
 * The resources every stack policy of a pack evaluation (and the suppression audit) sees: built
 * once by toPolicyResources (its own copy of the outputs, so the caller's input is untouched), props
 * made read-only under the proxy, the resource objects, their links and the list frozen (they are
 * not behind the proxy, so freezing hides nothing). One copy instead of one per policy: copying
 * every resource's outputs per stack policy was most of the evaluation's time.
 */
function sharedPolicyResources(resources: readonly AnalyzedResource[]): PolicyResource[] {
  const built = toPolicyResources(resources);
  for (const resource of built) {
    makeReadOnly(proxyTarget(resource.props));
    Object.freeze(resource.dependencies);
    Object.values(resource.propertyDependencies).forEach((links) => Object.freeze(links));
    Object.freeze(resource.propertyDependencies);
    if (resource.provider) {
      makeReadOnly(proxyTarget(resource.provider.props));
      Object.freeze(resource.provider);
    }
    Object.freeze(resource);
  }
  return Object.freeze(built) as PolicyResource[];
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

async function analyzeStack(
  pack: PolicyPackDefinition,
  policy: StackValidationPolicy,
  input: AnalysisInput,
  resources: () => PolicyResource[],
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
    resources: resources(),
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
  // Built on first use: a pack whose stack policies do not apply (or that has none) still audits.
  let shared: PolicyResource[] | undefined;
  const resources = () => (shared ??= sharedPolicyResources(input.resources));
  for (const policy of pack.policies) {
    if (levelOf(pack, policy.name, config) === "disabled" || !isStackPolicy(policy)) {
      continue;
    }
    await analyzeStack(pack, policy as StackValidationPolicy, input, resources, config, result);
  }
  // The suppressions in force, computed by the same audit the rules run in their stack phase.
  for (const policy of pack.policies) {
    if (levelOf(pack, policy.name, config) !== "disabled") {
      result.suppressions.push(...auditSuppressions(policy.name, config.get(policy.name)?.properties[SUPPRESSIONS_PROPERTY], resources()).inForce);
    }
  }
  return result;
}
