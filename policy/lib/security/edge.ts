/**
 * The edge of an internet-facing application load balancer: an AWS WAF web ACL is associated with
 * it, and every request a listener forwards to targets has had its JWT verified first (a
 * jwt-validation action ordered before the forward), except rules that forward only the open
 * paths (`openPaths`, GET/HEAD, exact paths: the liveness and health paths external health checkers call).
 *
 * ALB facts the rule relies on (Elastic Load Balancing API Reference, Action): the actions of a
 * rule run in `order` (lowest first; the position in the list when unset), the last one must be a
 * forward, redirect or fixed-response, and jwt-validation exists on HTTPS listeners only, so a
 * plain-HTTP listener that forwards can never satisfy this rule (redirect it to HTTPS instead).
 */
import { GraphResource } from "../graph";
import { knownStrings, peek, peekNumber, peekString } from "../values";

export interface EdgeProtectionConfig {
  openPaths: string[];
}

export interface ActionView {
  type: string | undefined;
  order: number;
  issuer: unknown;
  jwks: unknown;
}

export function actionsOf(resource: GraphResource, property: string): ActionView[] | undefined {
  const actions = peek(resource.props, property);
  if (!Array.isArray(actions)) return undefined;
  return actions.map((_, i) => {
    const order = peekNumber(actions, i, "order");
    return {
      type: (() => {
        const t = peekString(actions, i, "type");
        return typeof t === "string" ? t : undefined;
      })(),
      order: typeof order === "number" ? order : i + 1,
      issuer: peek(actions, i, "jwtValidation", "issuer"),
      jwks: peek(actions, i, "jwtValidation", "jwksEndpoint"),
    };
  });
}

export const isSet = (value: unknown) => value !== undefined && value !== null && value !== "";

/** Whether the chain forwards, and whether every forward comes after a configured jwt-validation. */
export function judge(actions: ActionView[]): { forwards: boolean; verified: boolean } {
  const forwards = actions.filter((a) => a.type === "forward");
  const validations = actions.filter((a) => a.type === "jwt-validation" && isSet(a.issuer) && isSet(a.jwks));
  return { forwards: forwards.length > 0, verified: forwards.every((f) => validations.some((v) => v.order < f.order)) };
}

/** The rule's conditions restrict it to GET/HEAD of exact open paths. */
export function onlyOpenPaths(rule: GraphResource, openPaths: readonly string[]): boolean {
  const conditions = peek(rule.props, "conditions");
  if (!Array.isArray(conditions)) return false;
  const methods = conditions.flatMap((_, i) => knownStrings(conditions, i, "httpRequestMethod", "values").values);
  const paths = conditions.flatMap((_, i) => knownStrings(conditions, i, "pathPattern", "values").values);
  return (
    methods.length > 0 &&
    methods.every((m) => m === "GET" || m === "HEAD") &&
    paths.length > 0 &&
    paths.every((p) => !/[*?]/.test(p) && openPaths.includes(p))
  );
}
