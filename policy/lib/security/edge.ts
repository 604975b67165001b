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
import { StackValidationPolicy } from "@pulumi/policy";
import { GraphResource, ResourceGraph, TYPES } from "../lib/graph";
import { knownStrings, peek, peekBoolean, peekNumber, peekString } from "../lib/values";

export interface EdgeProtectionConfig {
  openPaths: string[];
}

interface ActionView {
  type: string | undefined;
  order: number;
  issuer: unknown;
  jwks: unknown;
}

function actionsOf(resource: GraphResource, property: string): ActionView[] | undefined {
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

const isSet = (value: unknown) => value !== undefined && value !== null && value !== "";

/** Whether the chain forwards, and whether every forward comes after a configured jwt-validation. */
function judge(actions: ActionView[]): { forwards: boolean; verified: boolean } {
  const forwards = actions.filter((a) => a.type === "forward");
  const validations = actions.filter((a) => a.type === "jwt-validation" && isSet(a.issuer) && isSet(a.jwks));
  return { forwards: forwards.length > 0, verified: forwards.every((f) => validations.some((v) => v.order < f.order)) };
}

/** The rule's conditions restrict it to GET/HEAD of exact open paths. */
function onlyOpenPaths(rule: GraphResource, openPaths: readonly string[]): boolean {
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

export const albEdgeProtection: StackValidationPolicy = {
  name: "alb-waf-and-jwt",
  description:
    "An internet-facing application load balancer has an AWS WAF web ACL associated, and every listener that forwards to targets verifies a JWT first " +
    "(jwt-validation before forward, on the default action and on every rule), except rules that forward only GET/HEAD of `openPaths`.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      openPaths: {
        type: "array",
        items: { type: "string", pattern: "^/[^*?]*$" },
        default: ["/livez", "/healthz"],
        description: "Exact paths a rule may forward without a token (the liveness and health paths external health checkers and the failover command call). Default [/livez, /healthz].",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { openPaths } = args.getConfig<EdgeProtectionConfig>();
    const graph = new ResourceGraph(args.resources);
    const associations = graph.ofType(TYPES.wafWebAclAssociation);
    const listeners = graph.ofType(TYPES.listener);
    const rules = graph.ofType(TYPES.listenerRule);
    for (const lb of graph.ofType(TYPES.loadBalancer)) {
      if ((peekString(lb.props, "loadBalancerType") ?? "application") !== "application" || peekBoolean(lb.props, "internal") === true) continue;
      const protectedBy = associations.filter((a) => graph.refs(a, "resourceArn", [TYPES.loadBalancer], ["arn", "id"]).resources.includes(lb));
      if (protectedBy.length === 0) {
        reportViolation(`internet-facing load balancer ${lb.name} has no AWS WAF web ACL (no aws.wafv2.WebAclAssociation names it)`, lb.urn);
      }
      for (const association of protectedBy) {
        for (const acl of graph.refs(association, "webAclArn", [TYPES.wafWebAcl], ["arn", "id"]).resources) {
          const scope = peekString(acl.props, "scope");
          if (typeof scope === "string" && scope !== "REGIONAL") {
            reportViolation(`web ACL ${acl.name} associated with load balancer ${lb.name} has scope ${scope}; a load balancer needs a REGIONAL web ACL`, acl.urn);
          }
        }
      }
      for (const listener of listeners.filter((l) => graph.refs(l, "loadBalancerArn", [TYPES.loadBalancer], ["arn", "id"]).resources.includes(lb))) {
        const defaults = actionsOf(listener, "defaultActions");
        const judged = defaults ? judge(defaults) : undefined;
        if (judged?.forwards && !judged.verified) {
          const protocol = peekString(listener.props, "protocol");
          const hint = protocol === "HTTP" ? " (jwt-validation needs an HTTPS listener: redirect HTTP to HTTPS)" : "";
          reportViolation(`listener ${listener.name} of load balancer ${lb.name} forwards to targets without verifying a JWT (no jwt-validation before its forward)${hint}`, listener.urn);
        }
        for (const rule of rules.filter((r) => graph.refs(r, "listenerArn", [TYPES.listener], ["arn", "id"]).resources.includes(listener))) {
          const actions = actionsOf(rule, "actions");
          const verdict = actions ? judge(actions) : undefined;
          if (verdict?.forwards && !verdict.verified && !onlyOpenPaths(rule, openPaths)) {
            reportViolation(
              `rule ${rule.name} of listener ${listener.name} (load balancer ${lb.name}) forwards to targets without verifying a JWT, and not only GET/HEAD of ${openPaths.join(", ") || "(no open paths)"}`,
              rule.urn,
            );
          }
        }
      }
    }
  },
};
