/**
 * The edge's pure helpers: one set of issuer settings becomes both the ALB's jwt-validation
 * configuration and the service's AUTH_* environment; the boot script refuses values it cannot
 * write safely; the issuer a stack uses by default follows its role.
 */
import { expect } from "chai";
import { renderUserData, serviceEnvironment, type BootSettings } from "../../../components/cluster/userData";
import { albJwtValidation, serviceAuthEnvironment, type ServiceAuthSettings } from "../../../components/edge/authentication";
import { appClientsOf, authIssuerOf } from "../../../components/edge/config";

const COGNITO: ServiceAuthSettings = {
  issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123",
  jwksUrl: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123/.well-known/jwks.json",
  clientIdClaim: "client_id",
  scopePrefix: "trading-api/",
  requiredClaims: { token_use: "access" },
};

const BOOT: BootSettings = {
  region: "us-east-1",
  artifactBucket: "bucket",
  artifactKey: "trading-api/abc/main.js",
  artifactSha256: "a".repeat(64),
  port: 8080,
  tableName: "trading-dev-trading",
  daxEndpoint: "",
  cursorSecretParameter: "/trading/dev/cursor",
  cursorSecretRotation: 1,
  logGroupName: "/trading/dev/trading-api",
};

describe("edge authentication settings", () => {
  it("give the ALB the issuer, the JWKS, the exact-value claims and, per route, the scope", () => {
    const auth = { ...COGNITO };
    expect(albJwtValidation(auth)).to.deep.equal({
      issuer: COGNITO.issuer,
      jwksEndpoint: COGNITO.jwksUrl,
      additionalClaims: [{ name: "token_use", format: "single-string", values: ["access"] }],
    });
    expect(albJwtValidation(auth, "fills.write").additionalClaims).to.deep.equal([
      { name: "token_use", format: "single-string", values: ["access"] },
      { name: "scope", format: "space-separated-values", values: ["trading-api/fills.write"] },
    ]);
    // aud's format (string or array) differs between issuers: only the service checks it.
    expect(albJwtValidation({ ...auth, requiredClaims: { aud: "api://trading" } })).to.deep.equal({ issuer: COGNITO.issuer, jwksEndpoint: COGNITO.jwksUrl });
  });

  it("give the service the same issuer in its AUTH_* variables", () => {
    expect(serviceAuthEnvironment(COGNITO)).to.deep.equal({
      AUTH_ISSUER: COGNITO.issuer,
      AUTH_JWKS_URL: COGNITO.jwksUrl,
      AUTH_CLIENT_ID_CLAIM: "client_id",
      AUTH_SCOPE_PREFIX: "trading-api/",
      AUTH_TOKEN_USE: "access",
    });
    expect(serviceAuthEnvironment({ ...COGNITO, requiredClaims: { aud: "api://trading" } })).to.include({ AUTH_AUDIENCE: "api://trading" }).and.not.have.property("AUTH_TOKEN_USE");
    expect(() => serviceAuthEnvironment({ ...COGNITO, requiredClaims: { azp: "x" } })).to.throw("the service can require only token_use and aud; got azp");
  });

  it("reach the boot script; without them the service gets no AUTH_* and refuses to start", () => {
    expect(serviceEnvironment({ ...BOOT, authentication: COGNITO })).to.include({ AUTH_ISSUER: COGNITO.issuer, AUTH_TOKEN_USE: "access" });
    expect(Object.keys(serviceEnvironment(BOOT)).filter((k) => k.startsWith("AUTH"))).to.deep.equal([]);
    expect(renderUserData({ ...BOOT, authentication: COGNITO })).to.contain(`\nAUTH_JWKS_URL=${COGNITO.jwksUrl}\n`);
    expect(() => serviceEnvironment({ ...BOOT, authentication: { ...COGNITO, issuer: "https://x.example.com/$(reboot)" } })).to.throw("boot setting authentication.AUTH_ISSUER has characters that are unsafe");
  });

  it("default to the role's issuer and parse app clients", () => {
    expect(authIssuerOf({ role: "primary" })).to.equal("cognito");
    expect(authIssuerOf({ role: "replica" })).to.equal("primary");
    expect(authIssuerOf({ role: "replica", authIssuer: "external" })).to.equal("external");
    expect(appClientsOf({ authClients: ["execution-gateway:execution_gateway", "desk-1:trading"] })).to.deep.equal([
      { name: "execution-gateway", kind: "execution_gateway" },
      { name: "desk-1", kind: "trading" },
    ]);
  });
});
