/**
 * Reading resource properties the way the policy runtime hands them over.
 *
 * In a preview the engine sends every value it cannot know yet (ids, ARNs, anything computed from
 * them) as a sentinel string, and @pulumi/policy wraps the properties in a proxy that throws
 * `UnknownValueError` when a policy reads such a value: the server then reports "can't run policy
 * during preview" as an advisory diagnostic instead of the policy's result. Rules that must still
 * decide in a preview (AZ spread through property dependencies, the AZ-loss model, the cost
 * estimate) read through these helpers instead, which look at the raw value without tripping the
 * proxy, and treat an unknown value explicitly.
 */
import { unknownCheckingProxy as sdkUnknownCheckingProxy, UnknownValueError as SdkUnknownValueError } from "@pulumi/policy";

/**
 * The sentinels the engine marshals unknown values to (sdk/go/common/resource/plugin/rpc.go); the
 * policy SDK recognises the same strings. Values produced by a program are always sent as the string
 * sentinel, whatever their type.
 */
export const UNKNOWN_SENTINELS = {
  boolean: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  number: "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  string: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  array: "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  asset: "030794c1-ac77-496b-92df-f27374a8bd58",
  archive: "e48ece36-62e2-4504-bad9-02848725956a",
  object: "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
} as const;

/** What the engine sends for a value it cannot know during a preview. */
export const UNKNOWN_VALUE: string = UNKNOWN_SENTINELS.string;

const SENTINEL_SET: ReadonlySet<unknown> = new Set(Object.values(UNKNOWN_SENTINELS));

/** A value that could not be read because it is unknown until the update runs. */
export const UNKNOWN: unique symbol = Symbol("unknown until the update");
export type Unknown = typeof UNKNOWN;

export function isUnknownSentinel(value: unknown): boolean {
  return SENTINEL_SET.has(value);
}

/**
 * `obj[key1][key2]...` without tripping the policy SDK's unknown-checking proxy: UNKNOWN when a
 * value on the way is unknown, undefined when one is absent. Objects returned are the raw targets
 * (not proxied), so callers keep reading them through these helpers.
 */
export function peek(obj: unknown, ...path: (string | number)[]): unknown {
  let current: unknown = obj;
  for (const key of path) {
    if (current === UNKNOWN || isUnknownSentinel(current)) {
      return UNKNOWN;
    }
    if (current === null || typeof current !== "object") {
      return undefined;
    }
    // getOwnPropertyDescriptor is not trapped by the SDK's proxy (it only traps `get`).
    const descriptor = Object.getOwnPropertyDescriptor(current, key);
    current = descriptor?.value;
  }
  return isUnknownSentinel(current) ? UNKNOWN : current;
}

/** True when `value` holds no unknown anywhere inside it. */
export function isFullyKnown(value: unknown): boolean {
  if (value === UNKNOWN || isUnknownSentinel(value)) {
    return false;
  }
  if (Array.isArray(value)) {
    return value.every((_, i) => isFullyKnown(peek(value, i)));
  }
  if (value !== null && typeof value === "object") {
    return Object.keys(value).every((k) => isFullyKnown(peek(value, k)));
  }
  return true;
}

/** The string at `path`; UNKNOWN when unknown; undefined when absent or not a string. */
export function peekString(obj: unknown, ...path: (string | number)[]): string | Unknown | undefined {
  const value = peek(obj, ...path);
  return value === UNKNOWN ? UNKNOWN : typeof value === "string" ? value : undefined;
}

/** The number at `path` (numeric strings too: launch templates carry numbers as strings). */
export function peekNumber(obj: unknown, ...path: (string | number)[]): number | Unknown | undefined {
  const value = peek(obj, ...path);
  if (value === UNKNOWN) {
    return UNKNOWN;
  }
  if (typeof value === "number") {
    return value;
  }
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) {
    return Number(value);
  }
  return undefined;
}

/** The boolean at `path` ("true"/"false" strings too: launch templates carry booleans as strings). */
export function peekBoolean(obj: unknown, ...path: (string | number)[]): boolean | Unknown | undefined {
  const value = peek(obj, ...path);
  if (value === UNKNOWN) {
    return UNKNOWN;
  }
  if (typeof value === "boolean") {
    return value;
  }
  if (value === "true" || value === "false") {
    return value === "true";
  }
  return undefined;
}

/** The array at `path` with each element peeked (elements may be UNKNOWN); UNKNOWN if the array is. */
export function peekArray(obj: unknown, ...path: (string | number)[]): unknown[] | Unknown | undefined {
  const value = peek(obj, ...path);
  if (value === UNKNOWN) {
    return UNKNOWN;
  }
  return Array.isArray(value) ? value.map((_, i) => peek(value, i)) : undefined;
}

/** Known strings of an array, and whether any element (or the array itself) was unknown. */
export function knownStrings(obj: unknown, ...path: (string | number)[]): { values: string[]; someUnknown: boolean } {
  const items = peekArray(obj, ...path);
  if (items === UNKNOWN) {
    return { values: [], someUnknown: true };
  }
  const values: string[] = [];
  let someUnknown = false;
  for (const item of items ?? []) {
    if (item === UNKNOWN) {
      someUnknown = true;
    } else if (typeof item === "string") {
      values.push(item);
    }
  }
  return { values, someUnknown };
}

/** Renders a value for a message: unknown values say so. */
export function show(value: unknown): string {
  if (value === UNKNOWN) {
    return "(unknown until the update)";
  }
  if (value === undefined) {
    return "(not set)";
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** @pulumi/policy's proxy, as the policy server applies it to every resource's properties. */
export const unknownCheckingProxy: <T>(value: T) => T = sdkUnknownCheckingProxy;

/** The error the proxy throws when a policy reads an unknown value. */
export const UnknownValueError: new (...args: never[]) => Error = SdkUnknownValueError;
