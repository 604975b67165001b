/**
 * What the API's two layers of token verification are told about the issuer: the load balancer's
 * jwt-validation actions and the service's environment (services/trading-api/src/auth/config.ts)
 * are both built from one {@link ApiAuthentication}, so they always check the same issuer.
 *
 * ALB JWT validation (Elastic Load Balancing, "Verify JWTs using an Application Load Balancer",
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-verify-jwt.html):
 * RS256 only; the signature, `iss` and `exp` always, `nbf` and `iat` when present; up to 10 more
 * claims, each a single string, a space-separated list or a string array (at most 10 values); a
 * JWKS endpoint of at most 150 KB and 10 keys, an https URL of at most 256 characters. It exists
 * only on HTTPS listeners (API Reference, Action: "[HTTPS listeners] ... jwt-validation").
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as aws from "@pulumi/aws";
import { tokenScope, type ApiScope } from "../../services/trading-api/src/authContract";

/** The issuer the API trusts and what its access tokens carry. */
export interface ApiAuthentication {
  /** `iss` of the tokens. */
  readonly issuer: pulumi.Input<string>;
  /** The issuer's JWKS endpoint (https). */
  readonly jwksUrl: pulumi.Input<string>;
  /** Claim naming the OAuth client (Cognito: client_id). */
  readonly clientIdClaim: string;
  /** What precedes an API scope in the scope claim (Cognito: `trading-api/`). */
  readonly scopePrefix: string;
  /**
   * Claims that must have exactly this value, e.g. `{ token_use: "access" }` for Cognito (its ID
   * tokens are signed with the same keys and say `token_use: id`) or `{ aud: ... }`. The service
   * checks all of them; the load balancer all but `aud`, whose format (string or array) varies.
   */
  readonly requiredClaims: Readonly<Record<string, string>>;
}

/** The same, as plain values: what the boot script writes into the service's environment. */
export interface ServiceAuthSettings {
  issuer: string;
  jwksUrl: string;
  clientIdClaim: string;
  scopePrefix: string;
  requiredClaims: Record<string, string>;
}

/** The service's AUTH_* variables (services/trading-api/src/auth/config.ts) for these settings. */
export function serviceAuthEnvironment(s: ServiceAuthSettings): Record<string, string> {
  const unsupported = Object.keys(s.requiredClaims).filter((claim) => claim !== "token_use" && claim !== "aud");
  if (unsupported.length > 0) {
    throw new Error(`the service can require only token_use and aud; got ${unsupported.join(", ")}`);
  }
  return {
    AUTH_ISSUER: s.issuer,
    AUTH_JWKS_URL: s.jwksUrl,
    AUTH_CLIENT_ID_CLAIM: s.clientIdClaim,
    AUTH_SCOPE_PREFIX: s.scopePrefix,
    ...(s.requiredClaims.token_use ? { AUTH_TOKEN_USE: s.requiredClaims.token_use } : {}),
    ...(s.requiredClaims.aud ? { AUTH_AUDIENCE: s.requiredClaims.aud } : {}),
  };
}

/** Claims the ALB can check without knowing their format in every token. */
const ALB_CHECKED = (claim: string) => claim !== "aud";

/**
 * The jwt-validation configuration of a listener action: the issuer and its JWKS, the required
 * claims, and with `scope`, the scope claim holding that API scope (one value, so "holds it" is
 * unambiguous whatever the ALB does with several).
 */
export function albJwtValidation(auth: ApiAuthentication, scope?: ApiScope): aws.types.input.lb.ListenerDefaultActionJwtValidation {
  const claims: aws.types.input.lb.ListenerDefaultActionJwtValidationAdditionalClaim[] = Object.entries(auth.requiredClaims)
    .filter(([claim]) => ALB_CHECKED(claim))
    .map(([name, value]) => ({ name, format: "single-string", values: [value] }));
  if (scope) claims.push({ name: "scope", format: "space-separated-values", values: [tokenScope(scope, auth.scopePrefix)] });
  return { issuer: auth.issuer, jwksEndpoint: auth.jwksUrl, ...(claims.length > 0 ? { additionalClaims: claims } : {}) };
}
