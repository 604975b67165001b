/**
 * The parts of the @pulumi/policy analyzer server (server.js, v1.21) the evaluator reproduces:
 * which policies are resource or stack policies, isType by a class's Pulumi type token, the
 * not-applicable signal, and fresh wire-form values for every call.
 */
import type { Policies, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

export class NotApplicableError extends Error {
  constructor(readonly reason?: string) {
    super(reason ?? "Policy does not apply");
  }
}

export function throwNotApplicable(reason?: string): never {
  throw new NotApplicableError(reason);
}

/**
 * A fresh copy of wire-form values (the server deserializes anew for every call, so a policy that
 * mutates its props cannot affect the next one). Non-plain objects (assets, archives) are kept.
 */
export function cloneWire<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map((v: unknown) => cloneWire(v)) as T;
  }
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneWire(v)])) as T;
  }
  return value;
}

export type ResourceClass = { new (...rest: never[]): unknown };

// The SDK's own helpers for these are internal (not in its typings); same logic as policy.js.

/** The Pulumi type token validateResourceOfType/resource classes carry, if any. */
export function getPulumiType(obj: unknown): string | undefined {
  const pulumiType = (obj as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof pulumiType === "string" && pulumiType.length > 0 ? pulumiType : undefined;
}

export function isResourcePolicy(policy: Policies[number]): policy is ResourceValidationPolicy {
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

export function isStackPolicy(policy: Policies[number]): policy is StackValidationPolicy {
  return typeof (policy as StackValidationPolicy).validateStack === "function";
}

/** isType as the server implements it: by the class's Pulumi type token, else its isInstance. */
export function isTypeOf(type: string, resourceClass: ResourceClass): boolean {
  const pulumiType = getPulumiType(resourceClass);
  if (pulumiType) {
    return type === pulumiType;
  }
  const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}
