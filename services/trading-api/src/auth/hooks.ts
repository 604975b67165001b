/**
 * Authentication and authorisation as two Fastify hooks on every route except the probes:
 * - onRequest (before the body is read): the bearer token is verified, or the request ends with 401
 *   and `WWW-Authenticate: Bearer` (RFC 6750 3): `invalid_request` for a missing or malformed header
 *   (no error attribute in the challenge when the header is missing, as 3.1 asks), `invalid_token`
 *   for a token that fails verification. So an unauthenticated caller learns nothing from a route,
 *   not even whether its body would parse.
 * - preHandler (after the body is parsed, before the handler): the route's scope and the client's
 *   entitlement to the account in the path or body, or 403 `insufficient_scope` / `not_entitled`.
 * Every decision (client id, account, outcome) is added to the request's one log line; the token
 * itself is never logged. If the issuer's keys were never loaded
 * or the client's entry cannot be had (Valkey unreachable, or its copy emptied by a restart or
 * failover and not yet reloaded), the request gets 503 with Retry-After: the request can be neither
 * allowed nor refused with confidence, and it is never a 500 nor a 403. A client whose entry this
 * instance has already read keeps being judged on it through such a window (risk/referenceCache.ts
 * keeps it until another revision is loaded), so its cancels, reads and fills go on.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { UNAUTHENTICATED_PATHS, tokenScope, type ProtectedRoute } from "../authContract";
import { HttpError, ValidationError } from "../errors";
import { entitlementDecision, protectedRoute, scopeDecision, type Decision, type EntitlementSource } from "./authorize";
import { AuthenticationFailure, AuthenticationUnavailable, type Principal } from "./tokens";
import { addRequestLogFields } from "../requestLog";

declare module "fastify" {
  interface FastifyRequest {
    /** The authenticated client (set by the auth onRequest hook); null on unauthenticated routes. */
    principal: Principal | null;
  }
}

export interface RequestAuthenticator {
  verifier: {
    verify(authorization: string | undefined): Promise<Principal>;
    /** A synchronous answer for a header that verified before, if the verifier remembers one. */
    remembered?(authorization: string | undefined): Principal | undefined;
  };
  entitlements: EntitlementSource;
  /** What precedes an API scope in tokens, for the insufficient_scope challenge. */
  scopePrefix: string;
  /** Retry-After of a 503. Default 1. */
  retryAfterSeconds?: number;
}

/** The realm of every challenge. */
export const REALM = "trading-api";

const OPEN_PATHS: ReadonlySet<string> = new Set(UNAUTHENTICATED_PATHS);

function isOpen(request: FastifyRequest): boolean {
  return (request.method === "GET" || request.method === "HEAD") && OPEN_PATHS.has(request.routeOptions.url ?? "");
}

/** The authenticated client of a request, if any (its own rate limit applies to its orders). */
export function clientIdOf(request: FastifyRequest): string | undefined {
  return request.principal?.clientId;
}

function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, "")}"`;
}

export function installAuthentication(app: FastifyInstance, auth: RequestAuthenticator): void {
  const retryAfter = String(auth.retryAfterSeconds ?? 1);
  app.decorateRequest("principal", null);

  // A route registered after this point without a rule in the auth contract fails the build of the
  // app, so a new route cannot ship unprotected (or unlisted at the load balancer).
  app.addHook("onRoute", (route) => {
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      if ((method === "GET" || method === "HEAD") && OPEN_PATHS.has(route.url)) continue;
      if (!protectedRoute(method, route.url)) {
        throw new Error(`route ${method} ${route.url} has no authorisation rule: add it to PROTECTED_ROUTES in authContract.ts`);
      }
    }
  });

  const unavailable = (reply: FastifyReply, what: string) => {
    reply.header("retry-after", retryAfter);
    return new HttpError(503, "auth_unavailable", `${what}; retry after the Retry-After interval.`);
  };

  const refused = (request: FastifyRequest, reply: FastifyReply, error: unknown): Error => {
    if (error instanceof AuthenticationFailure) {
      addRequestLogFields(request, { authorization: error.error, authorizationReason: error.description });
      reply.header(
        "www-authenticate",
        error.missing ? `Bearer realm=${quoted(REALM)}` : `Bearer realm=${quoted(REALM)}, error=${quoted(error.error)}, error_description=${quoted(error.description)}`,
      );
      return new HttpError(401, error.error, error.description);
    }
    if (error instanceof AuthenticationUnavailable) {
      addRequestLogFields(request, { authorization: "unavailable", authorizationReason: error.message });
      return unavailable(reply, "The token cannot be verified right now");
    }
    return error instanceof Error ? error : new Error(String(error));
  };

  // Callback style with a synchronous path for a remembered token: most requests cost no promise.
  app.addHook("onRequest", (request, reply, done) => {
    if (isOpen(request)) return done();
    const header = request.headers.authorization;
    const known = auth.verifier.remembered?.(header);
    if (known) {
      request.principal = known;
      return done();
    }
    auth.verifier.verify(header).then(
      (principal) => {
        request.principal = principal;
        done();
      },
      (error: unknown) => done(refused(request, reply, error)),
    );
  });

  app.addHook("preHandler", (request, reply, done) => {
    if (isOpen(request)) return done();
    const principal = request.principal;
    if (!principal) return done(new HttpError(401, "invalid_request", "send an access token: Authorization: Bearer <token>"));
    const route = protectedRoute(request.method, request.routeOptions.url);
    if (!route) {
      // The not-found handler (no route pattern): authenticated callers get the plain 404. A
      // registered route missing from the table is refused (a test keeps the table complete).
      if (request.routeOptions.url === undefined) {
        addRequestLogFields(request, { clientId: principal.clientId, authorization: "authenticated" });
        return done();
      }
      addRequestLogFields(request, { clientId: principal.clientId, authorization: "not_entitled", authorizationReason: "route has no authorisation rule" });
      return done(new HttpError(403, "not_entitled", "This client may not make this request."));
    }
    let account: string | undefined;
    try {
      account = accountOf(request, route);
    } catch (error) {
      return done(error as Error);
    }
    const byScope = scopeDecision(principal, route);
    if (byScope) return finish(request, reply, done, principal, account, byScope);
    let entry;
    try {
      entry = auth.entitlements.client(principal.clientId);
    } catch (error) {
      return lookupFailed(request, reply, done, principal, error);
    }
    if (entry instanceof Promise) {
      entry.then(
        (found) => finish(request, reply, done, principal, account, entitlementDecision(found, route, account)),
        (error: unknown) => lookupFailed(request, reply, done, principal, error),
      );
    } else {
      finish(request, reply, done, principal, account, entitlementDecision(entry, route, account));
    }
  });

  // Declared once per app rather than as closures inside the hook, which would be created anew on
  // every request.
  function finish(request: FastifyRequest, reply: FastifyReply, done: HookDone, principal: Principal, account: string | undefined, decision: Decision): void {
    addRequestLogFields(request, { clientId: principal.clientId, ...(account === undefined ? {} : { account }), authorization: decision.ok ? "allowed" : decision.error });
    if (decision.ok) return done();
    if (decision.error === "insufficient_scope") {
      const scope = tokenScope(decision.scope, auth.scopePrefix);
      reply.header("www-authenticate", `Bearer realm=${quoted(REALM)}, error="insufficient_scope", scope=${quoted(scope)}`);
      return done(new HttpError(403, "insufficient_scope", `The token does not grant the ${scope} scope this request needs.`, { scope }));
    }
    done(new HttpError(403, "not_entitled", "This client may not make this request for this account."));
  }

  // Unknown, not refused. Only the reason is logged (no stack): during an emptied cache every
  // request of a client not seen yet comes here, and the cache logs its own connection errors.
  function lookupFailed(request: FastifyRequest, reply: FastifyReply, done: HookDone, principal: Principal, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    request.log.warn({ clientId: principal.clientId, reason }, "auth: client entitlements unknown");
    addRequestLogFields(request, { clientId: principal.clientId, authorization: "unavailable", authorizationReason: reason });
    done(unavailable(reply, "This client's entitlements cannot be read right now"));
  }
}

type HookDone = (error?: Error) => void;

/** The account a request acts on, per the route table; a body without one is a 400. */
function accountOf(request: FastifyRequest, route: ProtectedRoute): string | undefined {
  if (route.account === "path") {
    const value = (request.params as Record<string, unknown> | undefined)?.account;
    return typeof value === "string" ? value : undefined;
  }
  if (route.account === "body") {
    const body = request.body;
    const value = typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>).account : undefined;
    if (typeof value !== "string") {
      throw new ValidationError([{ in: "body", field: "account", message: "is required: the account the order is for" }]);
    }
    return value;
  }
  return undefined;
}
