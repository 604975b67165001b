/**
 * The resources a stack policy sees, built as the analyzer server builds them: outputs behind the
 * SDK's unknown-checking proxy, parent and dependencies as resource objects.
 */
import type { PolicyResource } from "@pulumi/policy";
import { unknownCheckingProxy } from "../../policy/lib/values";
import type { AnalyzedResource } from "./analysis";
import { cloneWire, isTypeOf, type ResourceClass } from "./serverSemantics";

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

