/**
 * Per-resource suppressions with a reason and an expiry, honoured the same way by every rule of
 * every pack (cdk-nag's NagSuppressions with a reason, checkov's skip comments).
 *
 * Two ways to declare one:
 *
 * - in the environment's policy config (`policy/config/<env>/<pack>.json`, the file passed with
 *   `--policy-pack-config`), under the rule's own entry — the Pulumi policy server hands a policy
 *   only its own entry (`getConfig()`), so the entry key is what names the rule:
 *
 *   ```json
 *   "no-world-ingress": {
 *     "loadBalancerPorts": [80, 443],
 *     "suppressions": [
 *       { "resource": "trading-bastion-in", "reason": "vendor VPN until the PrivateLink cut-over (OPS-142)",
 *         "expires": "2027-01-31", "stacks": ["prod-eu-west-1"] }
 *     ]
 *   }
 *   ```
 *
 *   `resource` is a resource's logical name, or a URN pattern when it starts with `urn:`; `*`
 *   matches any run of characters in both. `stacks` (optional) limits it to those stacks, since
 *   one environment's files serve several stacks;
 *
 * - by a tag on the resource itself: key `policy-suppress:<rule-name>`, value
 *   `<YYYY-MM-DD> <reason>`. AWS tag keys are at most 128 characters and values 256, both limited
 *   to letters, digits, spaces and `_ . : / = + - @` (e.g. the EFS API reference, Tag: pattern
 *   `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`), hence a format without commas or quotes. Only the
 *   resource's own `tags` count, never provider default tags (`tagsAll`), so a stack-wide default
 *   tag cannot switch a rule off for every resource.
 *
 * A suppressed violation is still reported, as advisory, with the suppression's reason and expiry
 * in front of the original message (checkov prints SKIPPED checks the same way), so a reviewer
 * sees every exception in `pulumi preview` and the offline plan lists them. A suppression that has
 * expired, lacks a reason or an ISO expiry date, or matches no resource of the stack fails the pack:
 * the rule reports a mandatory violation naming the suppression, whatever the rule's own level.
 * (A disabled rule runs nothing, so its suppressions are not audited either.)
 *
 * This module declares, matches and audits suppressions; policy/lib/withSuppressions.ts wraps the
 * rules so they honour them.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { peek, peekString, UNKNOWN } from "./values";

/** Tag key prefix of a suppression declared on the resource: `policy-suppress:<rule-name>`. */
export const SUPPRESSION_TAG_PREFIX = "policy-suppress:";

/** The config property every rule accepts. */
export const SUPPRESSIONS_PROPERTY = "suppressions";

/** One entry of a rule's `suppressions` config list, as written. */
export interface SuppressionEntry {
  resource?: string;
  reason?: string;
  expires?: string;
  stacks?: string[];
}

/** A suppression as declared (config entry or tag), with what is wrong with it, if anything. */
export interface DeclaredSuppression {
  rule: string;
  source: "config" | "tag";
  /** How a message names it: `config suppressions[0] (resource "x")` or `tag policy-suppress:rule on x`. */
  label: string;
  /** The name or URN pattern (config), or the tagged resource's URN (tag). */
  resource: string;
  reason: string;
  expires: string;
  stacks?: string[];
  /** Why it cannot be honoured (no reason, no or bad expiry, expired); empty when it is valid. */
  problems: string[];
}

/** A valid suppression in force in this stack, with the resources it matches. */
export interface SuppressionInForce extends Omit<DeclaredSuppression, "problems"> {
  /** URNs of the stack's resources it matches. */
  matches: string[];
}

/** The schema every rule's config gets for `suppressions` (shape only; the audit judges content). */
export const SUPPRESSIONS_SCHEMA: PolicyConfigJSONSchema = {
  type: "array",
  default: [],
  description:
    'Per-resource exceptions: {resource (logical name or "urn:" pattern, * wildcards), reason, expires (YYYY-MM-DD), stacks?}. ' +
    "An expired one, one without a reason, or one matching no resource fails the pack.",
  items: {
    type: "object",
    properties: {
      resource: { type: "string" },
      reason: { type: "string" },
      expires: { type: "string" },
      stacks: { type: "array", items: { type: "string" } },
    },
    additionalProperties: false,
  },
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Today's date in UTC, as YYYY-MM-DD: an expiry date is the last day a suppression holds. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

function isRealDate(value: string): boolean {
  if (!ISO_DATE.test(value)) {
    return false;
  }
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function dateProblems(expires: string, today: string): string[] {
  if (expires === "") {
    return ["it has no expiry date (expires: YYYY-MM-DD)"];
  }
  if (!isRealDate(expires)) {
    return [`its expiry ${JSON.stringify(expires)} is not an ISO date (YYYY-MM-DD)`];
  }
  return expires < today ? [`it expired on ${expires}`] : [];
}

/** `*` matches any run of characters; everything else literally. */
export function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`);
}

/** Does a config pattern match a resource: URN patterns (`urn:…`) the URN, others the logical name. */
export function patternMatches(pattern: string, resource: { urn: string; name: string }): boolean {
  const regexp = globToRegExp(pattern);
  return pattern.startsWith("urn:") ? regexp.test(resource.urn) : regexp.test(resource.name);
}

/** urn:pulumi:<stack>::<project>::<type>::<name> → <stack>. */
export function stackOfUrn(urn: string): string | undefined {
  const match = /^urn:pulumi:([^:]+)::/.exec(urn);
  return match?.[1];
}

/** The rule's config suppressions, parsed and judged (not yet matched against resources). */
export function configSuppressions(rule: string, raw: unknown, today: string): DeclaredSuppression[] {
  const entries = Array.isArray(raw) ? (raw as unknown[]) : [];
  return entries.map((value, index): DeclaredSuppression => {
    const entry = (value !== null && typeof value === "object" ? value : {}) as SuppressionEntry;
    const resource = typeof entry.resource === "string" ? entry.resource.trim() : "";
    const reason = typeof entry.reason === "string" ? entry.reason.trim() : "";
    const expires = typeof entry.expires === "string" ? entry.expires.trim() : "";
    const problems: string[] = [];
    if (resource === "") {
      problems.push("it names no resource (resource: a logical name or a urn: pattern)");
    }
    if (reason === "") {
      problems.push("it gives no reason");
    }
    problems.push(...dateProblems(expires, today));
    return {
      rule,
      source: "config",
      label: `config ${SUPPRESSIONS_PROPERTY}[${index}] (resource ${JSON.stringify(resource)})`,
      resource,
      reason,
      expires,
      ...(Array.isArray(entry.stacks) ? { stacks: entry.stacks.filter((s): s is string => typeof s === "string") } : {}),
      problems,
    };
  });
}

/** The part of a resource the suppression helpers read (a PolicyResource or a resource's args). */
export interface SuppressibleResource {
  urn: string;
  name: string;
  props: Record<string, unknown>;
}

/**
 * A resource's own tags as key → value (UNKNOWN values kept): the map most resources take, or the
 * list of {key, value} an auto scaling group takes. Never `tagsAll` (provider default tags).
 */
export function ownTags(resource: SuppressibleResource): Map<string, string | typeof UNKNOWN> {
  const tags = new Map<string, string | typeof UNKNOWN>();
  const raw = peek(resource.props, "tags");
  if (Array.isArray(raw)) {
    raw.forEach((_, i) => {
      const key = peekString(raw, i, "key");
      const value = peekString(raw, i, "value");
      if (typeof key === "string" && value !== undefined) {
        tags.set(key, value);
      }
    });
  } else if (raw !== null && typeof raw === "object") {
    for (const key of Object.keys(raw)) {
      const value = peekString(raw, key);
      if (value !== undefined) {
        tags.set(key, value);
      }
    }
  }
  return tags;
}

/** Suppressions of `rule` declared by a tag on the resource (its own `tags`, not `tagsAll`). */
export function tagSuppressions(rule: string, resource: SuppressibleResource, today: string): DeclaredSuppression[] {
  const value = ownTags(resource).get(`${SUPPRESSION_TAG_PREFIX}${rule}`);
  if (value === undefined) {
    return [];
  }
  const label = `tag ${SUPPRESSION_TAG_PREFIX}${rule} on ${resource.name}`;
  if (value === UNKNOWN) {
    return [{ rule, source: "tag", label, resource: resource.urn, reason: "", expires: "", problems: ["its value is unknown until the update"] }];
  }
  const match = /^\s*(\S+)\s*(.*)$/.exec(value);
  const expires = match?.[1] ?? "";
  const reason = (match?.[2] ?? "").trim();
  const problems = [...dateProblems(expires, today)];
  if (reason === "") {
    problems.unshift("it gives no reason (value: <YYYY-MM-DD> <reason>)");
  }
  return [{ rule, source: "tag", label, resource: resource.urn, reason, expires, problems }];
}

function inScope(suppression: DeclaredSuppression, stack: string | undefined): boolean {
  return suppression.stacks === undefined || stack === undefined || suppression.stacks.includes(stack);
}

export interface SuppressionAudit {
  /** Valid suppressions in force in this stack, each with the resources it matches. */
  inForce: SuppressionInForce[];
  /** What fails the pack: one message per bad suppression, with the tagged resource's URN for tags. */
  problems: { message: string; urn?: string }[];
}

/**
 * Every suppression of `rule` over the stack's resources: config entries (from the rule's config)
 * and tags; which are in force and what they match; and the problems that fail the pack.
 */
export function auditSuppressions(rule: string, configRaw: unknown, resources: readonly SuppressibleResource[], today: string = todayUtc()): SuppressionAudit {
  const stack = resources.map((r) => stackOfUrn(r.urn)).find((s) => s !== undefined);
  const inForce: SuppressionInForce[] = [];
  const problems: { message: string; urn?: string }[] = [];
  const describe = (s: DeclaredSuppression) => `suppression of ${rule} by ${s.label}`;
  for (const declared of configSuppressions(rule, configRaw, today)) {
    if (!inScope(declared, stack)) {
      continue;
    }
    const matches = declared.resource === "" ? [] : resources.filter((r) => patternMatches(declared.resource, r)).map((r) => r.urn);
    const all = [...declared.problems];
    if (declared.resource !== "" && matches.length === 0) {
      all.push(`it matches no resource of stack ${stack ?? "(unknown)"}: remove it, or fix the name or pattern`);
    }
    if (all.length > 0) {
      problems.push({ message: `${describe(declared)} cannot be honoured: ${all.join("; ")}` });
      continue;
    }
    const { problems: _none, ...valid } = declared;
    inForce.push({ ...valid, matches });
  }
  for (const resource of resources) {
    for (const declared of tagSuppressions(rule, resource, today)) {
      if (declared.problems.length > 0) {
        problems.push({ message: `${describe(declared)} cannot be honoured: ${declared.problems.join("; ")}`, urn: resource.urn });
        continue;
      }
      const { problems: _none, ...valid } = declared;
      inForce.push({ ...valid, matches: [resource.urn] });
    }
  }
  return { inForce, problems };
}

/** The valid suppressions of `rule` that cover one resource (config entries in scope, and its tags). */
export function suppressionsFor(rule: string, configRaw: unknown, resource: SuppressibleResource, today: string = todayUtc()): DeclaredSuppression[] {
  const stack = stackOfUrn(resource.urn);
  const fromConfig = configSuppressions(rule, configRaw, today).filter(
    (s) => s.problems.length === 0 && inScope(s, stack) && patternMatches(s.resource, resource),
  );
  const fromTags = tagSuppressions(rule, resource, today).filter((s) => s.problems.length === 0);
  return [...fromConfig, ...fromTags];
}

/** The marker a suppressed violation's message starts with; {@link parseSuppressedMessage} reads it back. */
const SUPPRESSED_PREFIX = "suppressed until ";

/** The advisory message of a violation a suppression silenced. */
export function suppressedMessage(suppression: DeclaredSuppression, message: string): string {
  return `${SUPPRESSED_PREFIX}${suppression.expires} by ${suppression.label}: ${suppression.reason} | ${message}`;
}

export interface SuppressedViolationInfo {
  expires: string;
  label: string;
  reason: string;
  /** The rule's own message. */
  message: string;
}

/** The parts of a suppressed violation's message, or undefined for any other message. */
export function parseSuppressedMessage(message: string): SuppressedViolationInfo | undefined {
  if (!message.startsWith(SUPPRESSED_PREFIX)) {
    return undefined;
  }
  const match = /^suppressed until (\S+) by (.+?): (.*?) \| ([\s\S]*)$/.exec(message);
  return match ? { expires: match[1], label: match[2], reason: match[3], message: match[4] } : undefined;
}
