/**
 * The local issuer's client credentials endpoint (offline/local/servers/oidcIssuer.ts), which
 * `npm run local:token` calls: what it grants is what the service's own verifier
 * (services/trading-api/src/auth/tokens.ts, keys from the issuer's JWKS) accepts, with exactly the
 * scopes asked for; what it refuses is refused the way RFC 6749 says.
 */
import { expect } from "chai";
import { JwksCache } from "../../../services/trading-api/src/auth/jwks";
import { TokenVerifier } from "../../../services/trading-api/src/auth/tokens";
import { LocalIssuer, SCOPE_PREFIX } from "../../../offline/local/servers/oidcIssuer";

describe("local issuer: OAuth 2.0 client credentials for the local clients", () => {
  let issuer: LocalIssuer;
  let keys: JwksCache;
  let verifier: TokenVerifier;
  const clients = { trader: { secret: "trader-secret", scopes: ["orders.read", "orders.write"] }, gateway: { secret: "gw-secret", scopes: ["orders.read", "fills.write"] } };

  before(async () => {
    issuer = await LocalIssuer.start({ clients, tokenLifetimeSeconds: 600 });
    keys = new JwksCache({ url: issuer.jwksUrl });
    await keys.start();
    verifier = new TokenVerifier({ keys, issuer: issuer.url, tokenUse: "access", scopePrefix: SCOPE_PREFIX });
  });
  after(async () => {
    keys?.stop();
    await issuer?.stop();
  });

  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
  async function request(form: Record<string, string>, authorization?: string, contentType = "application/x-www-form-urlencoded") {
    const response = await fetch(issuer.tokenUrl, {
      method: "POST",
      headers: { "content-type": contentType, ...(authorization ? { authorization } : {}) },
      body: new URLSearchParams(form),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  }

  it("grants a client every scope it may have when it asks for none, in a token the service verifies", async () => {
    const granted = await request({ grant_type: "client_credentials" }, basic("trader", "trader-secret"));
    expect(granted.status).to.equal(200);
    expect(granted.headers.get("cache-control")).to.equal("no-store");
    expect(granted.body).to.deep.include({ token_type: "Bearer", expires_in: 600, scope: "trading-api/orders.read trading-api/orders.write" });
    const principal = await verifier.verify(`Bearer ${String(granted.body.access_token)}`);
    expect(principal.clientId).to.equal("trader");
    expect([...principal.scopes].sort()).to.deep.equal(["orders.read", "orders.write"]);
  });

  it("grants exactly the scopes asked for, the client authenticating in the form instead", async () => {
    const granted = await request({ grant_type: "client_credentials", scope: "trading-api/fills.write", client_id: "gateway", client_secret: "gw-secret" });
    expect(granted.status).to.equal(200);
    const principal = await verifier.verify(`Bearer ${String(granted.body.access_token)}`);
    expect(principal.clientId).to.equal("gateway");
    expect([...principal.scopes]).to.deep.equal(["fills.write"]);
  });

  it("refuses a wrong secret or an unknown client (401 invalid_client), another grant type, a scope the client may not have, a body that is not a form", async () => {
    const wrong = await request({ grant_type: "client_credentials" }, basic("trader", "gw-secret"));
    expect(wrong.status).to.equal(401);
    expect(wrong.headers.get("www-authenticate")).to.match(/^Basic /);
    expect(wrong.body.error).to.equal("invalid_client");
    expect((await request({ grant_type: "client_credentials" }, basic("toString", "x"))).body.error).to.equal("invalid_client");
    expect((await request({ grant_type: "client_credentials" })).status).to.equal(401);

    const password = await request({ grant_type: "password", username: "u", password: "p" }, basic("trader", "trader-secret"));
    expect([password.status, password.body.error]).to.deep.equal([400, "unsupported_grant_type"]);

    const scope = await request({ grant_type: "client_credentials", scope: "trading-api/orders.read trading-api/fills.write" }, basic("trader", "trader-secret"));
    expect([scope.status, scope.body.error]).to.deep.equal([400, "invalid_scope"]);
    expect(scope.body.error_description).to.equal("trader may not have trading-api/fills.write (allowed: trading-api/orders.read trading-api/orders.write)");

    const json = await request({ grant_type: "client_credentials" }, basic("trader", "trader-secret"), "application/json");
    expect([json.status, json.body.error]).to.deep.equal([400, "invalid_request"]);
  });
});
