/**
 * The parts of the trading API's authorisation contract the edge depends on: the OAuth scopes, the
 * scope each route needs, the paths that stay open, and the body limit the WAF mirrors. The ALB's
 * jwt-validation rules and the WAF (components/edge) are derived from this table, and the service
 * authorises from the same table (auth/authorize.ts), so the two layers cannot drift apart.
 * No imports beyond the HTTP contract, so a Pulumi program can read it without loading the service.
 */
import { API_PREFIX, HEALTH_PATH, LIVENESS_PATH, READINESS_PATH } from "./contract";

/**
 * The API's scopes. Equal to the reference data's scope list (services/reference-data/src/entries.ts,
 * a test holds them equal): a client's entitlement to an account names a subset of these.
 */
export const API_SCOPES = ["orders.read", "orders.write", "fills.write"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/**
 * Identifier of the OAuth resource server (Cognito) and so the prefix of every scope in a token:
 * Cognito writes custom scopes as `<resource server identifier>/<scope>` (Amazon Cognito API
 * Reference, ResourceServerType), e.g. `trading-api/orders.read`.
 */
export const RESOURCE_SERVER_IDENTIFIER = "trading-api";

/** The scope as it appears in a token issued with `prefix` (`trading-api/` for Cognito). */
export function tokenScope(scope: ApiScope, prefix: string): string {
  return `${prefix}${scope}`;
}

/** Where a route takes the account it acts on from. */
export type AccountSource = "path" | "body" | "none";

export interface ProtectedRoute {
  readonly method: "GET" | "POST";
  /** The route as the service registers it (Fastify pattern, `:param` segments). */
  readonly path: string;
  /** Scope the token must hold, and the client must hold for the account. */
  readonly scope: ApiScope;
  /** `path`: the `:account` parameter; `body`: the body's `account` field; `none`: no account. */
  readonly account: AccountSource;
  /**
   * Only clients of this kind (reference data `api_clients.kind`) may call the route. The symbol book
   * spans every account, so only the execution gateway (which executes against it) reads it; fills
   * come from the execution gateway only.
   */
  readonly clientKind?: "execution_gateway";
}

/** Every business route and what it needs. A test holds this equal to the routes the service registers. */
export const PROTECTED_ROUTES: readonly ProtectedRoute[] = [
  { method: "POST", path: `${API_PREFIX}/orders`, scope: "orders.write", account: "body" },
  { method: "GET", path: `${API_PREFIX}/accounts/:account/orders`, scope: "orders.read", account: "path" },
  { method: "GET", path: `${API_PREFIX}/accounts/:account/orders/:orderId`, scope: "orders.read", account: "path" },
  { method: "POST", path: `${API_PREFIX}/accounts/:account/orders/:orderId/cancel`, scope: "orders.write", account: "path" },
  {
    method: "POST",
    path: `${API_PREFIX}/accounts/:account/orders/:orderId/fills`,
    scope: "fills.write",
    account: "path",
    clientKind: "execution_gateway",
  },
  { method: "GET", path: `${API_PREFIX}/accounts/:account/positions`, scope: "orders.read", account: "path" },
  { method: "GET", path: `${API_PREFIX}/symbols/:symbol/open-orders`, scope: "orders.read", account: "none", clientKind: "execution_gateway" },
];

/**
 * Paths the service answers without a token (probes of the target group, external health checkers).
 * Readiness is not open at the load balancer: the target group's checks reach the instances
 * directly, so it needs no rule there.
 */
export const UNAUTHENTICATED_PATHS = [HEALTH_PATH, READINESS_PATH, LIVENESS_PATH] as const;

/**
 * Paths called through the load balancer without a token: the liveness path, and the shallow health
 * path, which Route 53's failover health checks (components/region) and the failover command's
 * write-mode probe (services/failover) call. Neither carries data of any account.
 */
export const EDGE_OPEN_PATHS = [LIVENESS_PATH, HEALTH_PATH] as const;

/**
 * The service's default request body limit (BODY_LIMIT_BYTES); the WAF refuses larger declared
 * bodies before they reach the fleet. A test holds it equal to the service's default.
 */
export const DEFAULT_BODY_LIMIT_BYTES = 16_384;

/** The route as an ALB path pattern: each `:param` segment becomes `*`. */
export function albPathPattern(path: string): string {
  return path
    .split("/")
    .map((segment) => (segment.startsWith(":") ? "*" : segment))
    .join("/");
}
