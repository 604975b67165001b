/**
 * Token verification at the HTTPS listener: every request the listener forwards passes a
 * jwt-validation action first, except the liveness path external health checkers call.
 *
 * - Rule 1: GET/HEAD of the liveness path -> forward, no token (Route 53 health checks).
 * - Rules 10, 20, ...: one per route of the auth contract (method + path pattern) -> jwt-validation
 *   requiring the route's scope -> forward.
 * - Default action: jwt-validation (issuer and required claims, no scope) -> forward. Anything no
 *   rule matched (an unknown path, the probes, a path the ALB normalises differently from the
 *   service) still needs a valid token; the service then checks the scope itself.
 *
 * The service's own check is authoritative (it reads the entitlements the ALB cannot see); these
 * rules are the outer layer. A token without the route's scope is refused here with the ALB's own
 * 401 rather than the service's 403 insufficient_scope. Limits (ELB User Guide, "Listener rules"):
 * up to three comparison strings per condition and five per rule, checked when the plan is built.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { albPathPattern, EDGE_OPEN_PATHS, PROTECTED_ROUTES, type ApiScope } from "../../services/trading-api/src/authContract";
import { albJwtValidation, type ApiAuthentication } from "./authentication";

/** One listener rule: conditions and the scope its jwt-validation requires (none: the open rule). */
export interface ListenerRulePlan {
  /** Logical-name suffix, stable across deploys. */
  readonly id: string;
  readonly priority: number;
  readonly methods: readonly string[];
  readonly paths: readonly string[];
  /** Undefined: forwarded without a token. */
  readonly scope?: ApiScope;
}

export const OPEN_RULE_PRIORITY = 1;
const FIRST_ROUTE_PRIORITY = 10;
const PRIORITY_STEP = 10;
const MAX_VALUES_PER_CONDITION = 3;
const MAX_VALUES_PER_RULE = 5;

function slug(method: string, path: string): string {
  return `${method}${path}`.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/-+$/, "");
}

/** The listener's rules in priority order, derived from the auth contract. */
export function listenerRulePlan(): ListenerRulePlan[] {
  const plan: ListenerRulePlan[] = [{ id: "open-liveness", priority: OPEN_RULE_PRIORITY, methods: ["GET", "HEAD"], paths: [...EDGE_OPEN_PATHS] }];
  PROTECTED_ROUTES.forEach((route, index) => {
    plan.push({
      id: slug(route.method, route.path),
      priority: FIRST_ROUTE_PRIORITY + index * PRIORITY_STEP,
      methods: route.method === "GET" ? ["GET", "HEAD"] : [route.method],
      paths: [albPathPattern(route.path)],
      scope: route.scope,
    });
  });
  for (const rule of plan) {
    if (rule.methods.length > MAX_VALUES_PER_CONDITION || rule.paths.length > MAX_VALUES_PER_CONDITION || rule.methods.length + rule.paths.length > MAX_VALUES_PER_RULE) {
      throw new Error(`listener rule ${rule.id} exceeds the ALB's condition limits (3 values per condition, 5 per rule)`);
    }
  }
  return plan;
}

/** jwt-validation (with the scope, if any), then forward: the actions of a protected rule or default. */
export function verifyThenForward(auth: ApiAuthentication, targetGroupArn: pulumi.Input<string>, scope?: ApiScope): aws.types.input.lb.ListenerDefaultAction[] {
  return [
    { type: "jwt-validation", order: 1, jwtValidation: albJwtValidation(auth, scope) },
    { type: "forward", order: 2, targetGroupArn },
  ];
}

/** Registers the rules of {@link listenerRulePlan} on the HTTPS listener, under `scope`. */
export function listenerAuthRules(
  scope: pulumi.Resource,
  name: string,
  listener: aws.lb.Listener,
  targetGroupArn: pulumi.Input<string>,
  auth: ApiAuthentication,
): aws.lb.ListenerRule[] {
  return listenerRulePlan().map(
    (rule) =>
      new aws.lb.ListenerRule(
        `${name}-https-${rule.id}`,
        {
          listenerArn: listener.arn,
          priority: rule.priority,
          conditions: [{ httpRequestMethod: { values: [...rule.methods] } }, { pathPattern: { values: [...rule.paths] } }],
          actions: rule.scope ? verifyThenForward(auth, targetGroupArn, rule.scope) : [{ type: "forward", targetGroupArn }],
        },
        { parent: scope },
      ),
  );
}
