/**
 * Authentication and authorisation of every route of the trading API: tokens signed by a loopback
 * issuer with locally generated RS256 keys, served as a JWKS over HTTP. The whole 401 matrix on
 * every protected route, the 403 matrix (scope, entitlement, client kind), the probes that stay
 * open, what the request log records, and the JWKS endpoint failing after start.
 */
import { expect } from "chai";
import type { FastifyInstance, InjectOptions } from "fastify";
import { SignJWT, base64url } from "jose";
import { API_SCOPES, PROTECTED_ROUTES, UNAUTHENTICATED_PATHS, type ProtectedRoute } from "../../services/trading-api/src/authContract";
import { SCOPES } from "../../services/reference-data/src/entries";
import { ENVIRONMENT } from "../../services/trading-api/src/config";
import { DEFAULT_BODY_LIMIT_BYTES } from "../../services/trading-api/src/authContract";
import { signingKey, TEST_SCOPE_PREFIX } from "../support/oidcIssuer";
import { JwksCache } from "../../services/trading-api/src/auth/jwks";
import { TokenVerifier } from "../../services/trading-api/src/auth/tokens";
import { sharedDynamoLocal } from "../support/dynamoLocal";
import { orderBody, testApp, unique } from "./fixtures";
import { authHarness, type AuthHarness } from "./authFixtures";

interface Reply {
  statusCode: number;
  headers: Record<string, unknown>;
  body: Record<string, unknown>;
}

async function call(app: FastifyInstance, options: InjectOptions): Promise<Reply> {
  const res = await app.inject(options);
  let body: Record<string, unknown>;
  try {
    body = res.json();
  } catch {
    body = { raw: res.body };
  }
  return { statusCode: res.statusCode, headers: res.headers, body };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const withoutRequestId = (body: Record<string, unknown>) => {
  const { requestId: _requestId, ...rest } = body;
  return rest;
};

describe("trading-api authentication and authorisation (loopback JWKS issuer, DynamoDB Local)", function () {
  this.timeout(60_000);
  let h: AuthHarness;
  const TRADER = "desk-a";
  const GATEWAY = "exec-gateway";
  const OTHER = "desk-b";
  const DISABLED = "desk-off";
  const GATEWAY_B = "exec-gateway-b";
  let own: string;
  let foreign: string;
  let orderId: string;
  let cancelId: string;

  /** A concrete request for a route, acting on `account`. */
  function requestFor(route: ProtectedRoute, account: string, headers: Record<string, string> = {}): InjectOptions {
    const url = route.path
      .replace(":account", account)
      .replace(":orderId", route.path.endsWith("/cancel") ? cancelId : orderId)
      .replace(":symbol", "ACME");
    if (route.path.endsWith("/fills")) return { method: "POST", url, headers, payload: { fillId: unique("fill"), quantity: 1, price: 12_345 } };
    if (route.path.endsWith("/cancel")) return { method: "POST", url, headers, payload: {} };
    if (route.method === "POST") return { method: "POST", url, headers, payload: orderBody({ account }) };
    return { method: "GET", url, headers };
  }

  /** The client allowed to call `route` for the own account. */
  const callerOf = (route: ProtectedRoute) => (route.clientKind === "execution_gateway" ? GATEWAY : TRADER);
  const entryOf = (clientId: string) => {
    const entry = h.entitlements.entries.get(clientId);
    if (!entry) throw new Error(`no entry for ${clientId}`);
    return entry;
  };
  /** A client of the same kind entitled to another account only. */
  const strangerOf = (route: ProtectedRoute) => (route.clientKind === "execution_gateway" ? GATEWAY_B : OTHER);

  before(async () => {
    h = await authHarness();
    own = unique("acct");
    foreign = unique("acct");
    h.entitlements.add({ clientId: TRADER, entitlements: { [own]: ["orders.read", "orders.write"] } });
    h.entitlements.add({ clientId: OTHER, entitlements: { [foreign]: ["orders.read", "orders.write"] } });
    h.entitlements.add({ clientId: GATEWAY, kind: "execution_gateway", entitlements: { [own]: ["orders.read", "fills.write"], [foreign]: ["orders.read", "fills.write"] } });
    h.entitlements.add({ clientId: GATEWAY_B, kind: "execution_gateway", entitlements: { [foreign]: ["orders.read", "fills.write"] } });
    h.entitlements.add({ clientId: DISABLED, status: "disabled", entitlements: { [own]: ["orders.read", "orders.write"] } });
    const token = await h.issuer.token(TRADER, ["orders.write"]);
    const placed = await call(h.app, { method: "POST", url: "/v1/orders", headers: bearer(token), payload: orderBody({ account: own }) });
    expect(placed.statusCode, JSON.stringify(placed.body)).to.equal(201);
    orderId = String(placed.body.orderId);
    const second = await call(h.app, { method: "POST", url: "/v1/orders", headers: bearer(token), payload: orderBody({ account: own }) });
    cancelId = String(second.body.orderId);
  });
  after(async () => h?.close());

  describe("the contract", () => {
    it("lists every route the service registers, and the service registers every route it lists", () => {
      const registered: string[] = [];
      for (const route of PROTECTED_ROUTES) {
        expect(h.app.hasRoute({ method: route.method, url: route.path }), `${route.method} ${route.path}`).to.equal(true);
        registered.push(`${route.method} ${route.path}`);
      }
      expect(new Set(registered).size).to.equal(PROTECTED_ROUTES.length);
    });

    it("refuses to register a route that has no rule (a new route cannot ship unprotected)", async () => {
      const app = testApp((await sharedDynamoLocal()).doc, h.table, { auth: { verifier: { verify: async () => ({ clientId: "x", scopes: new Set() }) }, entitlements: h.entitlements, scopePrefix: "" } });
      expect(() => app.get("/v1/admin/everything", async () => ({}))).to.throw("route GET /v1/admin/everything has no authorisation rule");
      expect(() => app.post("/healthz", async () => ({}))).to.throw("route POST /healthz has no authorisation rule");
      await app.close();
    });

    it("has the reference data's scopes and the service's default body limit", () => {
      expect([...API_SCOPES]).to.deep.equal([...SCOPES]);
      expect(ENVIRONMENT.BODY_LIMIT_BYTES.default).to.equal(String(DEFAULT_BODY_LIMIT_BYTES));
    });
  });

  describe("401: no valid token, on every protected route", () => {
    const cases: { name: string; headers: () => Promise<Record<string, string>>; error: "invalid_request" | "invalid_token" }[] = [
      { name: "no Authorization header", headers: async () => ({}), error: "invalid_request" },
      { name: "a malformed header (Bearer without a token)", headers: async () => ({ authorization: "Bearer" }), error: "invalid_request" },
      { name: "a malformed header (two tokens)", headers: async () => ({ authorization: `Bearer ${await h.issuer.token(TRADER, ["orders.read"])} x` }), error: "invalid_request" },
      { name: "the wrong scheme (Basic)", headers: async () => ({ authorization: `Basic ${Buffer.from("desk-a:secret").toString("base64")}` }), error: "invalid_request" },
      { name: "not a JWT", headers: async () => bearer("opaque-token-value"), error: "invalid_token" },
      {
        name: "a bad signature (a key the issuer does not publish, under a published kid)",
        headers: async () => bearer(await h.issuer.token(TRADER, [...API_SCOPES], { key: { ...(await signingKey("k1")) } })),
        error: "invalid_token",
      },
      {
        name: "a tampered payload (scopes added after signing)",
        headers: async () => {
          const [header, , signature] = (await h.issuer.token(TRADER, ["orders.read"])).split(".");
          const payload = base64url.encode(JSON.stringify({ ...h.issuer.claims(TRADER, [...API_SCOPES]), exp: Math.floor(Date.now() / 1000) + 600 }));
          return bearer(`${header}.${payload}.${signature}`);
        },
        error: "invalid_token",
      },
      {
        name: "alg: none",
        headers: async () => {
          const header = base64url.encode(JSON.stringify({ alg: "none", kid: "k1", typ: "JWT" }));
          const payload = base64url.encode(JSON.stringify({ ...h.issuer.claims(TRADER, [...API_SCOPES]), exp: Math.floor(Date.now() / 1000) + 600 }));
          return bearer(`${header}.${payload}.`);
        },
        error: "invalid_token",
      },
      {
        name: "alg: none with a signature segment",
        headers: async () => {
          const header = base64url.encode(JSON.stringify({ alg: "none", kid: "k1" }));
          const payload = base64url.encode(JSON.stringify({ ...h.issuer.claims(TRADER, [...API_SCOPES]), exp: Math.floor(Date.now() / 1000) + 600 }));
          return bearer(`${header}.${payload}.AAAA`);
        },
        error: "invalid_token",
      },
      {
        name: "HS256 signed with the issuer's public key",
        headers: async () => {
          const publicPem = JSON.stringify(h.issuer.published[0].publicJwk);
          const token = await new SignJWT({ ...h.issuer.claims(TRADER, [...API_SCOPES]), exp: Math.floor(Date.now() / 1000) + 600 })
            .setProtectedHeader({ alg: "HS256", kid: "k1" })
            .sign(new TextEncoder().encode(publicPem));
          return bearer(token);
        },
        error: "invalid_token",
      },
      { name: "expired (beyond the 30 s tolerance)", headers: async () => bearer(await h.issuer.token(TRADER, [...API_SCOPES], { expiresIn: -90 })), error: "invalid_token" },
      {
        name: "not yet valid (nbf beyond the 30 s tolerance)",
        headers: async () => bearer(await h.issuer.token(TRADER, [...API_SCOPES], { claims: { nbf: Math.floor(Date.now() / 1000) + 90 } })),
        error: "invalid_token",
      },
      { name: "the wrong issuer", headers: async () => bearer(await h.issuer.token(TRADER, [...API_SCOPES], { claims: { iss: "https://issuer.example.com/other" } })), error: "invalid_token" },
      { name: "no client id claim", headers: async () => bearer(await h.issuer.token(TRADER, [...API_SCOPES], { claims: { client_id: undefined } })), error: "invalid_token" },
      { name: "an ID token (token_use id)", headers: async () => bearer(await h.issuer.token(TRADER, [...API_SCOPES], { claims: { token_use: "id" } })), error: "invalid_token" },
      { name: "no exp claim", headers: async () => bearer(await h.issuer.token(TRADER, [...API_SCOPES], { claims: { exp: undefined } })), error: "invalid_token" },
      { name: "no kid in the header", headers: async () => bearer(await h.issuer.token(TRADER, [...API_SCOPES], { header: { kid: undefined } })), error: "invalid_token" },
    ];

    for (const route of PROTECTED_ROUTES) {
      describe(`${route.method} ${route.path}`, () => {
        for (const c of cases) {
          it(`${c.name} -> 401 ${c.error}`, async () => {
            const reply = await call(h.app, requestFor(route, own, await c.headers()));
            expect(reply.statusCode, JSON.stringify(reply.body)).to.equal(401);
            expect(reply.body.error).to.equal(c.error);
            expect(reply.body.requestId).to.be.a("string");
            expect(Object.keys(reply.body).sort()).to.deep.equal(["error", "message", "requestId"]);
            const challenge = String(reply.headers["www-authenticate"]);
            expect(challenge).to.match(/^Bearer realm="trading-api"/);
            if (c.name === "no Authorization header") expect(challenge).to.equal('Bearer realm="trading-api"');
            else expect(challenge).to.include(`error="${c.error}"`);
          });
        }
      });
    }

    it("an order posted with a bad token is not placed", async () => {
      const body = orderBody({ account: own });
      const refused = await call(h.app, { method: "POST", url: "/v1/orders", headers: bearer(await h.issuer.token(TRADER, ["orders.write"], { expiresIn: -90 })), payload: body });
      expect(refused.statusCode).to.equal(401);
      const listed = await call(h.app, { method: "GET", url: `/v1/accounts/${own}/orders?limit=100`, headers: bearer(await h.issuer.token(TRADER, ["orders.read"])) });
      expect((listed.body.orders as { clientOrderId: string }[]).map((o) => o.clientOrderId)).to.not.include(body.clientOrderId);
    });

    it("an unauthenticated caller learns nothing from a body that would not parse", async () => {
      const reply = await call(h.app, { method: "POST", url: "/v1/orders", headers: { "content-type": "application/json" }, payload: "{not json" });
      expect(reply.statusCode).to.equal(401);
    });

    it("an unknown route needs a token too: 401 without, 404 with", async () => {
      expect((await call(h.app, { method: "GET", url: "/v1/nothing-here" })).statusCode).to.equal(401);
      const reply = await call(h.app, { method: "GET", url: "/v1/nothing-here", headers: bearer(await h.issuer.token(TRADER, ["orders.read"])) });
      expect(reply.statusCode).to.equal(404);
    });

    it("a clock difference within the stated 30 s tolerance is accepted on exp and nbf", async () => {
      const url = `/v1/accounts/${own}/positions`;
      const lateButTolerated = await h.issuer.token(TRADER, ["orders.read"], { expiresIn: -10 });
      expect((await call(h.app, { method: "GET", url, headers: bearer(lateButTolerated) })).statusCode).to.equal(200);
      const earlyButTolerated = await h.issuer.token(TRADER, ["orders.read"], { claims: { nbf: Math.floor(Date.now() / 1000) + 10 } });
      expect((await call(h.app, { method: "GET", url, headers: bearer(earlyButTolerated) })).statusCode).to.equal(200);
    });

    it("the scheme is case-insensitive (RFC 9110)", async () => {
      const token = await h.issuer.token(TRADER, ["orders.read"]);
      expect((await call(h.app, { method: "GET", url: `/v1/accounts/${own}/positions`, headers: { authorization: `bearer ${token}` } })).statusCode).to.equal(200);
    });
  });

  describe("403: a valid token without the right, on every protected route", () => {
    for (const route of PROTECTED_ROUTES) {
      describe(`${route.method} ${route.path} (needs ${route.scope}${route.clientKind ? `, ${route.clientKind} only` : ""})`, () => {
        it("the entitled client with the scope is served", async () => {
          const caller = callerOf(route);
          const reply = await call(h.app, requestFor(route, own, bearer(await h.issuer.token(caller, [route.scope]))));
          expect(reply.statusCode, JSON.stringify(reply.body)).to.be.oneOf([200, 201]);
        });

        it("a token without the scope -> 403 insufficient_scope, naming the scope", async () => {
          const caller = callerOf(route);
          const others = API_SCOPES.filter((s) => s !== route.scope);
          const reply = await call(h.app, requestFor(route, own, bearer(await h.issuer.token(caller, others))));
          expect(reply.statusCode).to.equal(403);
          expect(reply.body).to.include({ error: "insufficient_scope", scope: `${TEST_SCOPE_PREFIX}${route.scope}` });
          expect(reply.headers["www-authenticate"]).to.equal(`Bearer realm="trading-api", error="insufficient_scope", scope="${TEST_SCOPE_PREFIX}${route.scope}"`);
        });

        if (route.account !== "none") {
          it("another client's account and an account that does not exist get the same 403 not_entitled", async () => {
            const token = await h.issuer.token(strangerOf(route), [route.scope]);
            const otherAccount = await call(h.app, requestFor(route, own, bearer(token)));
            const noAccount = await call(h.app, requestFor(route, unique("nobody"), bearer(token)));
            expect(otherAccount.statusCode).to.equal(403);
            expect(otherAccount.body.error).to.equal("not_entitled");
            expect(withoutRequestId(noAccount.body)).to.deep.equal(withoutRequestId(otherAccount.body));
            expect(noAccount.statusCode).to.equal(otherAccount.statusCode);
            expect(Object.keys(otherAccount.headers)).to.not.include("www-authenticate");
          });

          it("entitled to the account but not with this scope -> 403 not_entitled", async () => {
            const caller = callerOf(route);
            const original = entryOf(caller);
            h.entitlements.entries.set(caller, { ...original, entitlements: { ...original.entitlements, [own]: original.entitlements[own].filter((s) => s !== route.scope) } });
            try {
              const reply = await call(h.app, requestFor(route, own, bearer(await h.issuer.token(caller, [route.scope]))));
              expect(reply.statusCode).to.equal(403);
              expect(reply.body.error).to.equal("not_entitled");
            } finally {
              h.entitlements.entries.set(caller, original);
            }
          });
        }

        it("a disabled client and a client the reference data does not know -> 403 not_entitled", async () => {
          for (const caller of [DISABLED, "unregistered-client"]) {
            const reply = await call(h.app, requestFor(route, own, bearer(await h.issuer.token(caller, [route.scope]))));
            expect(reply.statusCode, caller).to.equal(403);
            expect(reply.body.error).to.equal("not_entitled");
          }
        });
      });
    }

    it("fills by a trading client are refused: without fills.write in the token, and even with it", async () => {
      const route = PROTECTED_ROUTES.filter((r) => r.path.endsWith("/fills"))[0];
      const withoutScope = await call(h.app, requestFor(route, own, bearer(await h.issuer.token(TRADER, ["orders.read", "orders.write"]))));
      expect(withoutScope.statusCode).to.equal(403);
      expect(withoutScope.body.error).to.equal("insufficient_scope");
      // An issuer misconfigured to grant a trading client fills.write, and an entitlement row that
      // names it anyway: the client kind still refuses it.
      const original = entryOf(TRADER);
      h.entitlements.entries.set(TRADER, { ...original, entitlements: { [own]: ["orders.read", "orders.write", "fills.write"] } });
      try {
        const withScope = await call(h.app, requestFor(route, own, bearer(await h.issuer.token(TRADER, ["fills.write"]))));
        expect(withScope.statusCode).to.equal(403);
        expect(withScope.body.error).to.equal("not_entitled");
      } finally {
        h.entitlements.entries.set(TRADER, original);
      }
    });

    it("the account in an order's body is the one authorised; a body without one is a 400", async () => {
      const token = bearer(await h.issuer.token(TRADER, ["orders.write"]));
      const foreignOrder = await call(h.app, { method: "POST", url: "/v1/orders", headers: token, payload: orderBody({ account: foreign }) });
      expect(foreignOrder.statusCode).to.equal(403);
      expect(foreignOrder.body.error).to.equal("not_entitled");
      const { account: _account, ...noAccount } = orderBody({ account: own });
      const missing = await call(h.app, { method: "POST", url: "/v1/orders", headers: token, payload: noAccount });
      expect(missing.statusCode).to.equal(400);
      expect(missing.body.fields).to.deep.equal([{ in: "body", field: "account", message: "is required: the account the order is for" }]);
    });

    it("entitlements unreadable (reference cache down, client not seen) -> 503 with Retry-After, never 500", async () => {
      h.entitlements.failing = true;
      try {
        const reply = await call(h.app, { method: "GET", url: `/v1/accounts/${own}/positions`, headers: bearer(await h.issuer.token(TRADER, ["orders.read"])) });
        expect(reply.statusCode).to.equal(503);
        expect(reply.body.error).to.equal("auth_unavailable");
        expect(reply.headers["retry-after"]).to.equal("2");
      } finally {
        h.entitlements.failing = false;
      }
    });
  });

  describe("open routes", () => {
    for (const path of UNAUTHENTICATED_PATHS) {
      it(`GET ${path} answers without a token`, async () => {
        const reply = await call(h.app, { method: "GET", url: path });
        expect(reply.statusCode, JSON.stringify(reply.body)).to.equal(200);
        expect(reply.headers["www-authenticate"]).to.equal(undefined);
      });
    }

    it("only GET and HEAD of the probes are open", async () => {
      expect((await call(h.app, { method: "POST", url: "/healthz", payload: {} })).statusCode).to.equal(401);
    });
  });

  describe("the request log", () => {
    it("records client, account and outcome of every decision, and never the token", async () => {
      const token = await h.issuer.token(TRADER, ["orders.read"]);
      const expired = await h.issuer.token(TRADER, ["orders.read"], { expiresIn: -90 });
      const before = h.logs.lines.length;
      await call(h.app, { method: "GET", url: `/v1/accounts/${own}/positions`, headers: bearer(token) });
      await call(h.app, { method: "GET", url: `/v1/accounts/${foreign}/positions`, headers: bearer(token) });
      await call(h.app, { method: "POST", url: "/v1/orders", headers: bearer(token), payload: orderBody({ account: own }) });
      await call(h.app, { method: "GET", url: `/v1/accounts/${own}/positions`, headers: bearer(expired) });
      await call(h.app, { method: "GET", url: `/v1/accounts/${own}/positions` });
      const completed = h.logs.lines.slice(before).filter((l) => l.msg === "request completed");
      const pick = (l: Record<string, unknown>) => ({ statusCode: l.statusCode, clientId: l.clientId, account: l.account, authorization: l.authorization });
      expect(completed.map(pick)).to.deep.equal([
        { statusCode: 200, clientId: TRADER, account: own, authorization: "allowed" },
        { statusCode: 403, clientId: TRADER, account: foreign, authorization: "not_entitled" },
        { statusCode: 403, clientId: TRADER, account: own, authorization: "insufficient_scope" },
        { statusCode: 401, clientId: undefined, account: undefined, authorization: "invalid_token" },
        { statusCode: 401, clientId: undefined, account: undefined, authorization: "invalid_request" },
      ]);
      expect(completed[3].authorizationReason).to.equal("the token has expired");
      const written = h.logs.raw.join("\n");
      for (const secret of [token, expired, token.split(".")[2], expired.split(".")[1]]) expect(written).to.not.include(secret);
      expect(written).to.not.match(/bearer [A-Za-z0-9_-]{16,}/i);
    });
  });
});

describe("trading-api authentication: the issuer's keys (loopback JWKS endpoint, rotated, down)", function () {
  this.timeout(60_000);
  const COOLDOWN_MS = 1000;
  const afterCooldown = () => new Promise((resolve) => setTimeout(resolve, COOLDOWN_MS + 50));
  let h: AuthHarness;
  const CLIENT = "desk-z";
  let account: string;

  before(async () => {
    h = await authHarness({ cooldownMs: COOLDOWN_MS });
    account = unique("acct");
    h.entitlements.add({ clientId: CLIENT, entitlements: { [account]: ["orders.read", "orders.write"] } });
  });
  after(async () => h?.close());

  it("a token signed with a new key is accepted after one refresh; an unknown kid refreshes once, then 401 without fetching again", async () => {
    const url = `/v1/accounts/${account}/positions`;
    const rotated = await signingKey("k2");
    h.issuer.published.push(rotated);
    await afterCooldown();
    const fetches = h.issuer.jwksRequests;
    const fresh = await call(h.app, { method: "GET", url, headers: bearer(await h.issuer.token(CLIENT, ["orders.read"], { key: rotated })) });
    expect(fresh.statusCode).to.equal(200);
    expect(h.issuer.jwksRequests).to.equal(fetches + 1);
    await afterCooldown();
    const stranger = await signingKey("never-published");
    for (let i = 0; i < 5; i++) {
      const reply = await call(h.app, { method: "GET", url, headers: bearer(await h.issuer.token(CLIENT, ["orders.read"], { key: stranger })) });
      expect(reply.statusCode).to.equal(401);
      expect(reply.body.error).to.equal("invalid_token");
      expect(reply.body.message).to.equal("the token is signed with a key the issuer does not publish");
    }
    // One refresh for the first unknown kid; the other four fell within the cooldown.
    expect(h.issuer.jwksRequests).to.equal(fetches + 2);
  });

  it("down after start: cached keys keep working, unknown kids get 401 (never a 500), and nothing waits long", async () => {
    const token = await h.issuer.token(CLIENT, ["orders.read"]);
    const url = `/v1/accounts/${account}/positions`;
    expect((await call(h.app, { method: "GET", url, headers: bearer(token) })).statusCode).to.equal(200);
    await h.issuer.stop();
    const another = await h.issuer.token(CLIENT, ["orders.read"]);
    for (const t of [token, another]) expect((await call(h.app, { method: "GET", url, headers: bearer(t) })).statusCode).to.equal(200);
    const stranger = await signingKey("rotated-while-down");
    await afterCooldown();
    const attempts = h.keys.fetches;
    const started = Date.now();
    for (let i = 0; i < 5; i++) {
      const reply = await call(h.app, { method: "GET", url, headers: bearer(await h.issuer.token(CLIENT, ["orders.read"], { key: stranger })) });
      expect(reply.statusCode).to.equal(401);
      expect(reply.body.error).to.equal("invalid_token");
    }
    expect(Date.now() - started).to.be.below(COOLDOWN_MS);
    // The failed attempt counts for the cooldown too: one attempt, not one per request.
    expect(h.keys.fetches).to.equal(attempts + 1);
    expect(h.keys.status().lastError).to.be.a("string");
    expect(h.keys.status().keys).to.equal(h.issuer.published.length);
    // A background refresh that fails keeps the last good set.
    await h.keys.refresh();
    expect((await call(h.app, { method: "GET", url, headers: bearer(token) })).statusCode).to.equal(200);
    await h.issuer.listen();
  });

  it("never loaded (issuer down at start): 503 with Retry-After, not 401 or 500; served once the keys load", async () => {
        await h.issuer.stop();
    const keys = new JwksCache({ url: h.issuer.jwksUrl, cooldownMs: 10 });
    await keys.start();
    expect(keys.status().keys).to.equal(0);
    const verifier = new TokenVerifier({ keys, issuer: h.issuer.url, tokenUse: "access", scopePrefix: TEST_SCOPE_PREFIX });
    const app = testApp((await sharedDynamoLocal()).doc, h.table, { auth: { verifier, entitlements: h.entitlements, scopePrefix: TEST_SCOPE_PREFIX, retryAfterSeconds: 3 } });
    try {
      const token = await h.issuer.token(CLIENT, ["orders.read"]);
      const reply = await call(app, { method: "GET", url: `/v1/accounts/${account}/positions`, headers: bearer(token) });
      expect(reply.statusCode).to.equal(503);
      expect(reply.body.error).to.equal("auth_unavailable");
      expect(reply.headers["retry-after"]).to.equal("3");
      await h.issuer.listen();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await call(app, { method: "GET", url: `/v1/accounts/${account}/positions`, headers: bearer(token) })).statusCode).to.equal(200);
    } finally {
      keys.stop();
      await app.close();
    }
  });
});
