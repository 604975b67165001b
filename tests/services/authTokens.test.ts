/**
 * The token verifier and the key cache on their own: remembered tokens still expire, a withdrawn
 * key stops working at the next refresh, oversized or malformed key sets are refused (and the last
 * good set kept), and the authentication environment is validated like the rest of the service's.
 */
import { expect } from "chai";
import { loadAuthConfig } from "../../services/trading-api/src/auth/config";
import { JwksCache } from "../../services/trading-api/src/auth/jwks";
import { AuthenticationFailure, bearerToken, TokenVerifier } from "../../services/trading-api/src/auth/tokens";
import { ConfigError } from "../../services/trading-api/src/config";
import { signingKey, TEST_SCOPE_PREFIX, TestIssuer } from "../support/oidcIssuer";

async function failure(promise: Promise<unknown>): Promise<AuthenticationFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuthenticationFailure) return error;
    throw error;
  }
  throw new Error("expected an AuthenticationFailure");
}

describe("trading-api token verification (loopback issuer)", function () {
  this.timeout(30_000);
  let issuer: TestIssuer;
  before(async () => {
    issuer = await TestIssuer.start();
  });
  after(async () => issuer?.stop());

  it("a remembered token is still refused once it expires (the clock is checked on every use)", async () => {
    let now = Date.now();
    const keys = new JwksCache({ url: issuer.jwksUrl });
    await keys.start();
    const verifier = new TokenVerifier({ keys, issuer: issuer.url, tokenUse: "access", scopePrefix: TEST_SCOPE_PREFIX, now: () => now });
    const token = `Bearer ${await issuer.token("desk-a", ["orders.read"], { expiresIn: 60 })}`;
    expect((await verifier.verify(token)).clientId).to.equal("desk-a");
    now += 80_000; // past exp, inside the 30 s tolerance
    expect((await verifier.verify(token)).scopes.has("orders.read")).to.equal(true);
    now += 20_000; // 100 s: beyond exp + 30 s
    expect((await failure(verifier.verify(token))).description).to.equal("the token has expired");
    keys.stop();
  });

  it("a remembered token is remembered for its exact header only, not for another that ends the same way", async () => {
    const keys = new JwksCache({ url: issuer.jwksUrl });
    await keys.start();
    try {
      const verifier = new TokenVerifier({ keys, issuer: issuer.url, tokenUse: "access", scopePrefix: TEST_SCOPE_PREFIX });
      const header = `Bearer ${await issuer.token("desk-a", ["orders.read", "orders.write"])}`;
      await verifier.verify(header);
      expect(verifier.remembered(header)?.clientId).to.equal("desk-a");
      // Another client's token with desk-a's signature tail grafted on: same ending, different claims.
      const other = await issuer.token("desk-b", ["orders.read"]);
      const grafted = `Bearer ${other.slice(0, other.length - 64)}${header.slice(-64)}`;
      expect(grafted.slice(-64)).to.equal(header.slice(-64));
      expect(verifier.remembered(grafted)).to.equal(undefined);
      expect((await failure(verifier.verify(grafted))).error).to.equal("invalid_token");
      // The genuine header is still remembered afterwards.
      expect(verifier.remembered(header)?.clientId).to.equal("desk-a");
    } finally {
      keys.stop();
    }
  });

  it("a withdrawn key stops working at the next refresh, even for a remembered token", async () => {
    const keys = new JwksCache({ url: issuer.jwksUrl, cooldownMs: 60_000 });
    await keys.start();
    const verifier = new TokenVerifier({ keys, issuer: issuer.url, scopePrefix: TEST_SCOPE_PREFIX });
    const token = `Bearer ${await issuer.token("desk-a", ["orders.read"])}`;
    await verifier.verify(token);
    const original = issuer.published;
    issuer.published = [await signingKey("k-next")];
    try {
      await keys.refresh();
      expect((await failure(verifier.verify(token))).description).to.equal("the token is signed with a key the issuer does not publish");
    } finally {
      issuer.published = original;
      keys.stop();
    }
  });

  it("only API scopes with the configured prefix count; a scope array is read too", async () => {
    const keys = new JwksCache({ url: issuer.jwksUrl });
    await keys.start();
    const verifier = new TokenVerifier({ keys, issuer: issuer.url, scopePrefix: TEST_SCOPE_PREFIX });
    const spaced = await issuer.token("c", [], { claims: { scope: "orders.write other-api/fills.write trading-api/orders.read trading-api/admin" } });
    expect([...(await verifier.verify(`Bearer ${spaced}`)).scopes]).to.deep.equal(["orders.read"]);
    const listed = await issuer.token("c", [], { claims: { scope: undefined, scp: ["trading-api/fills.write", "trading-api/orders.write"] } });
    expect([...(await verifier.verify(`Bearer ${listed}`)).scopes].sort()).to.deep.equal(["fills.write", "orders.write"]);
    keys.stop();
  });

  it("checks the audience when one is configured", async () => {
    const keys = new JwksCache({ url: issuer.jwksUrl });
    await keys.start();
    const verifier = new TokenVerifier({ keys, issuer: issuer.url, audience: "https://trading.example.com", scopePrefix: TEST_SCOPE_PREFIX });
    expect((await failure(verifier.verify(`Bearer ${await issuer.token("c", ["orders.read"])}`))).description).to.equal("the token is not meant for this API");
    const meant = await issuer.token("c", ["orders.read"], { claims: { aud: "https://trading.example.com" } });
    expect((await verifier.verify(`Bearer ${meant}`)).clientId).to.equal("c");
    keys.stop();
  });

  it("reads the Authorization header strictly", () => {
    const kinds = (value: string | undefined) => {
      try {
        bearerToken(value);
        return "ok";
      } catch (error) {
        return (error as AuthenticationFailure).error;
      }
    };
    const jwt = `${Buffer.from('{"alg":"RS256","kid":"k1"}').toString("base64url")}.e30.c2ln`;
    expect(kinds(undefined)).to.equal("invalid_request");
    expect(kinds("")).to.equal("invalid_request");
    expect(kinds("Bearer")).to.equal("invalid_request");
    expect(kinds(`Bearer  ${jwt}`)).to.equal("ok");
    expect(kinds(`Bearer ${jwt} `)).to.equal("invalid_request");
    expect(kinds(`Token ${jwt}`)).to.equal("invalid_request");
    expect(kinds(`Bearer ${jwt}.extra`)).to.equal("invalid_token");
    expect(kinds(`Bearer ${"a".repeat(9000)}.b.c`)).to.equal("invalid_token");
    expect(kinds(`Bearer ${Buffer.from('{"alg":"RS256"}').toString("base64url")}.e30.c2ln`)).to.equal("invalid_token");
  });
});

describe("trading-api JWKS cache (loopback endpoint)", () => {
  it("refuses an oversized, an empty or a non-200 key set and keeps the last good one", async () => {
    const { createServer } = await import("node:http");
    let answer: { status: number; body: string } = { status: 200, body: JSON.stringify({ keys: [(await signingKey("k1")).publicJwk] }) };
    const server = createServer((_req, res) => res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const keys = new JwksCache({ url: new URL(`http://127.0.0.1:${port}/jwks`), maxBytes: 4096 });
    try {
      await keys.start();
      expect(keys.status()).to.include({ keys: 1, lastError: undefined });
      for (const [bad, message] of [
        [{ status: 200, body: JSON.stringify({ keys: Array.from({ length: 20 }, () => answer.body) }) }, "exceeds 4096"],
        [{ status: 200, body: JSON.stringify({ keys: [] }) }, "not a key set"],
        [{ status: 500, body: "{}" }, "answered 500"],
      ] as const) {
        const good = answer;
        answer = bad;
        await keys.refresh();
        expect(keys.status().lastError).to.include(message);
        expect(keys.status().keys).to.equal(1);
        answer = good;
      }
    } finally {
      keys.stop();
      server.close();
    }
  });
});

describe("trading-api authentication environment", () => {
  const base = { AUTH_ISSUER: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC", AUTH_JWKS_URL: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC/.well-known/jwks.json" };
  const problems = (env: Record<string, string>) => {
    try {
      loadAuthConfig(env);
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems.map((p) => `${p.variable}: ${p.message}`);
      throw error;
    }
  };

  it("is required unless explicitly disabled", () => {
    expect(problems({})).to.deep.equal([
      "AUTH_ISSUER: is required (or AUTHENTICATION=disabled for a local run without tokens)",
      "AUTH_JWKS_URL: is required (or AUTHENTICATION=disabled for a local run without tokens)",
    ]);
    expect(loadAuthConfig({ AUTHENTICATION: "disabled" })).to.equal(undefined);
    expect(problems({ AUTHENTICATION: "off" })).to.deep.equal(['AUTHENTICATION: must be required or disabled (got "off")']);
  });

  it("applies the defaults: client_id claim, trading-api/ scopes, 30 s skew, 10 min refresh, 30 s cooldown", () => {
    const config = loadAuthConfig({ ...base, AUTH_TOKEN_USE: "access" });
    expect(config).to.deep.include({ issuer: base.AUTH_ISSUER, clientIdClaim: "client_id", tokenUse: "access", scopePrefix: "trading-api/", clockToleranceSeconds: 30, jwksRefreshMs: 600_000, jwksCooldownMs: 30_000 });
    expect(config?.jwksUrl.href).to.equal(base.AUTH_JWKS_URL);
  });

  it("refuses plain http except to loopback, and a skew above 5 minutes", () => {
    expect(problems({ ...base, AUTH_JWKS_URL: "http://idp.example.com/jwks" })).to.deep.equal(['AUTH_JWKS_URL: must be an https URL (got "http://idp.example.com/jwks")']);
    expect(problems({ ...base, AUTH_JWKS_URL: "http://127.0.0.1:9/jwks" })).to.deep.equal([]);
    expect(problems({ ...base, AUTH_CLOCK_TOLERANCE_SECONDS: "600" })).to.deep.equal(['AUTH_CLOCK_TOLERANCE_SECONDS: must be at most 300 (got "600")']);
  });
});

describe("trading-api JWKS cache and remembered tokens", () => {
  it("a refresh that finds the same keys keeps what was verified; a changed set empties it", async () => {
    const issuer = await TestIssuer.start();
    const keys = new JwksCache({ url: issuer.jwksUrl });
    try {
      await keys.start();
      const verifier = new TokenVerifier({ keys, issuer: issuer.url, scopePrefix: TEST_SCOPE_PREFIX });
      const header = `Bearer ${await issuer.token("desk-a", ["orders.read"])}`;
      await verifier.verify(header);
      await keys.refresh();
      expect(verifier.remembered(header)?.clientId).to.equal("desk-a");
      issuer.published.push(await signingKey("k-added"));
      await keys.refresh();
      expect(verifier.remembered(header)).to.equal(undefined);
      expect((await verifier.verify(header)).clientId).to.equal("desk-a");
    } finally {
      keys.stop();
      await issuer.stop();
    }
  });
});
