/**
 * AWS FIS experiment templates (`aws:fis/experimentTemplate:ExperimentTemplate`) as the policies see
 * them: their actions with parameters, stop conditions and targets, read without tripping the
 * policy SDK's unknown-checking proxy. The resilience rules judge stop conditions and durations,
 * the security rules the role and the targets; all of them read a template through this module.
 *
 * The shapes are the Pulumi AWS provider's (`parameters` as a list of key/value pairs, one `target`
 * per action), which mirror the FIS API's template ("Actions for AWS FIS", "Targets for AWS FIS",
 * "Stop conditions for AWS FIS" in the AWS FIS User Guide).
 */
import type { GraphResource } from "./graph";
import { knownStrings, peek, peekArray, peekString, UNKNOWN, type Unknown } from "./values";

export const FIS_TEMPLATE = "aws:fis/experimentTemplate:ExperimentTemplate";

/** The stop condition source of a CloudWatch alarm; the other documented source, `none`, stops nothing. */
export const ALARM_SOURCE = "aws:cloudwatch:alarm";

export interface FisAction {
  name: string;
  actionId: string | Unknown;
  /** Parameters by key; a value is UNKNOWN until the update when it is computed. */
  parameters: Map<string, string | Unknown>;
  /** Names of the actions that must complete before this one starts. */
  startAfter: string[];
  /** The target the action runs on: its key (resource type, e.g. `Instances`) and the target's name. */
  target?: { key: string; name: string };
}

export interface FisStopCondition {
  source: string | Unknown | undefined;
  /** The alarm ARN for an alarm source. */
  value: string | Unknown | undefined;
}

export interface FisTag {
  key: string;
  value: string | Unknown;
}

export interface FisTarget {
  name: string;
  resourceType: string | Unknown | undefined;
  /** Known ARNs, and whether one of them (or the list) is unknown until the update. */
  arns: { values: string[]; someUnknown: boolean };
  tags: FisTag[];
  selectionMode: string | Unknown | undefined;
  /** Resource-type parameters (e.g. `availabilityZoneIdentifier`). */
  parameters: Record<string, unknown>;
  filters: { path: string; values: string[] }[];
}

const text = (value: unknown, fallback: string): string => (typeof value === "string" ? value : fallback);
const list = (obj: unknown, ...path: (string | number)[]): unknown[] => {
  const items = peekArray(obj, ...path);
  return items === UNKNOWN || items === undefined ? [] : items;
};

/** A known string, or UNKNOWN; anything else (absent, not a string) is undefined. */
function stringOrUnknown(obj: unknown, ...path: (string | number)[]): string | Unknown | undefined {
  return peekString(obj, ...path);
}

export function actionsOf(template: GraphResource): FisAction[] {
  return list(template.props, "actions").map((raw, i) => {
    const parameters = new Map<string, string | Unknown>();
    for (const p of list(raw, "parameters")) {
      const key = peekString(p, "key");
      const value = peekString(p, "value");
      if (typeof key === "string" && value !== undefined) {
        parameters.set(key, value);
      }
    }
    const key = peekString(raw, "target", "key");
    const name = peekString(raw, "target", "value");
    return {
      name: text(peekString(raw, "name"), `#${i + 1}`),
      actionId: stringOrUnknown(raw, "actionId") ?? "(not set)",
      parameters,
      startAfter: knownStrings(raw, "startAfters").values,
      ...(typeof key === "string" && typeof name === "string" ? { target: { key, name } } : {}),
    };
  });
}

export function stopConditionsOf(template: GraphResource): FisStopCondition[] {
  return list(template.props, "stopConditions").map((raw) => ({ source: stringOrUnknown(raw, "source"), value: stringOrUnknown(raw, "value") }));
}

export function targetsOf(template: GraphResource): FisTarget[] {
  return list(template.props, "targets").map((raw, i) => {
    const parameters = peek(raw, "parameters");
    return {
      name: text(peekString(raw, "name"), `#${i + 1}`),
      resourceType: stringOrUnknown(raw, "resourceType"),
      arns: knownStrings(raw, "resourceArns"),
      tags: list(raw, "resourceTags").flatMap((t) => {
        const key = peekString(t, "key");
        const value = peekString(t, "value");
        return typeof key === "string" && value !== undefined ? [{ key, value }] : [];
      }),
      selectionMode: stringOrUnknown(raw, "selectionMode"),
      parameters: parameters !== null && typeof parameters === "object" ? (parameters as Record<string, unknown>) : {},
      filters: list(raw, "filters").flatMap((f) => {
        const path = peekString(f, "path");
        return typeof path === "string" ? [{ path, values: knownStrings(f, "values").values }] : [];
      }),
    };
  });
}
