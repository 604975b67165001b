/**
 * Authorisation of an authenticated client for one request, from the route table of the auth
 * contract and the client's reference-data entry (its kind, status and entitlements: which accounts
 * it may act for, with which scopes), read from the same in-process cache the risk checks use.
 *
 * In order: the token must hold the route's scope (else `insufficient_scope`); the client must be
 * known and active, of the route's client kind if it has one, and entitled to the account with that
 * scope (else `not_entitled`). An account the client is not entitled to gets the same answer whether
 * it exists or not, and the answer comes before any store is read, so nothing about another account
 * (not even its existence) can be learnt.
 *
 * `not_entitled` is said only on what loaded reference data says. When the entry cannot be had (the
 * Valkey copy is empty after a restart or failover and not reloaded yet, or Valkey does not answer),
 * the source rejects and the request gets 503 (auth/hooks.ts): "unknown" is never taken for "no".
 */
import type { ClientEntry } from "../../../reference-data/src/entries";
import type { ApiScope, ProtectedRoute } from "../authContract";
import { PROTECTED_ROUTES } from "../authContract";
import type { Principal } from "./tokens";

/** Where client entries come from: the ReferenceCache (risk/referenceCache.ts) in the service. */
export interface EntitlementSource {
  /**
   * The client's entry, synchronously when cached; null only when the loaded reference data has no
   * such client. Throws or rejects when it cannot tell (the data is not loaded, or unreadable).
   */
  client(clientId: string): Promise<ClientEntry | null> | ClientEntry | null;
}

export type Decision =
  | { ok: true }
  | { ok: false; error: "insufficient_scope"; scope: ApiScope }
  | { ok: false; error: "not_entitled"; scope: ApiScope };

const ROUTES = new Map<string, ProtectedRoute>(PROTECTED_ROUTES.map((route) => [`${route.method} ${route.path}`, route]));

/** The protected route a registered route pattern is, if any (HEAD is answered like GET). */
export function protectedRoute(method: string, routePath: string | undefined): ProtectedRoute | undefined {
  if (routePath === undefined) return undefined;
  return ROUTES.get(`${method === "HEAD" ? "GET" : method} ${routePath}`);
}

/** Whether the token alone allows the route (checked before any entitlement is read). */
export function scopeDecision(principal: Principal, route: ProtectedRoute): Decision | undefined {
  return principal.scopes.has(route.scope) ? undefined : { ok: false, error: "insufficient_scope", scope: route.scope };
}

/** The decision for a client entry (null: no such client in the loaded data) acting on `account` through `route`. */
export function entitlementDecision(entry: ClientEntry | null, route: ProtectedRoute, account: string | undefined): Decision {
  const refused: Decision = { ok: false, error: "not_entitled", scope: route.scope };
  if (!entry || entry.status !== "active") return refused;
  if (route.clientKind !== undefined && entry.kind !== route.clientKind) return refused;
  if (route.account === "none") return { ok: true };
  if (account === undefined || !Object.hasOwn(entry.entitlements, account)) return refused;
  return entry.entitlements[account].includes(route.scope) ? { ok: true } : refused;
}
