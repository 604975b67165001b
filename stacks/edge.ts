/**
 * The stack's edge: who issues the API's tokens (a Cognito user pool of this stack, an external
 * issuer from config, or the primary's issuer for a replica) and the `auth` output describing it.
 * The WAF is registered by program.ts once the load balancer exists.
 */
import { TokenIssuer } from "../components/edge/tokenIssuer";
import type { ApiAuthentication } from "../components/edge/authentication";
import { appClientsOf, authIssuerOf, cognitoDomainPrefixOf } from "../components/edge/config";
import { API_SCOPES, tokenScope } from "../services/trading-api/src/authContract";
import type { StackConfig } from "./config";
import type { AuthOutputs, StackOutputValues } from "./outputs";

export interface StackAuthentication {
  authentication: ApiAuthentication;
  outputs: StackOutputValues<AuthOutputs>;
  issuer?: TokenIssuer;
}

const claimList = (claims: Readonly<Record<string, string>>) => Object.entries(claims).map(([name, value]) => ({ name, value }));

/** Builds (cognito) or describes (external, primary) the issuer the stack's API trusts. */
export function stackAuthentication(config: StackConfig, primary: AuthOutputs | undefined): StackAuthentication {
  const kind = authIssuerOf(config);
  if (kind === "cognito") {
    const issuer = new TokenIssuer("trading", {
      domainPrefix: cognitoDomainPrefixOf(config),
      clients: appClientsOf(config),
      accessTokenMinutes: config.authAccessTokenMinutes,
      deletionProtection: config.isProduction,
    });
    const authentication = issuer.authentication;
    return {
      issuer,
      authentication,
      outputs: {
        issuerKind: "cognito",
        issuer: issuer.issuer,
        jwksUrl: issuer.jwksUrl,
        tokenEndpoint: issuer.tokenEndpoint,
        scopes: issuer.scopes,
        scopePrefix: authentication.scopePrefix,
        clientIdClaim: authentication.clientIdClaim,
        requiredClaims: claimList(authentication.requiredClaims),
        clientIds: issuer.clientIds.apply((ids) => Object.entries(ids).map(([name, clientId]) => ({ name, clientId }))),
      },
    };
  }
  if (kind === "primary") {
    if (!primary) throw new Error('authIssuer "primary" needs the primary stack\'s auth outputs');
    const requiredClaims = Object.fromEntries(primary.requiredClaims.map((c) => [c.name, c.value]));
    return {
      authentication: { issuer: primary.issuer, jwksUrl: primary.jwksUrl, clientIdClaim: primary.clientIdClaim, scopePrefix: primary.scopePrefix, requiredClaims },
      outputs: { ...primary },
    };
  }
  const { authExternalIssuer: issuer, authExternalJwksUrl: jwksUrl, authExternalTokenEndpoint: tokenEndpoint } = config;
  if (!issuer || !jwksUrl || !tokenEndpoint) throw new Error('authIssuer "external" needs authExternalIssuer, authExternalJwksUrl and authExternalTokenEndpoint');
  const requiredClaims: Record<string, string> = config.authExternalAudience ? { aud: config.authExternalAudience } : {};
  const scopePrefix = config.authExternalScopePrefix;
  return {
    authentication: { issuer, jwksUrl, clientIdClaim: config.authExternalClientIdClaim, scopePrefix, requiredClaims },
    outputs: {
      issuerKind: "external",
      issuer,
      jwksUrl,
      tokenEndpoint,
      scopes: API_SCOPES.map((scope) => tokenScope(scope, scopePrefix)),
      scopePrefix,
      clientIdClaim: config.authExternalClientIdClaim,
      requiredClaims: claimList(requiredClaims),
      clientIds: [],
    },
  };
}
