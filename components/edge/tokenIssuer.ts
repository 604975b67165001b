/**
 * The API's OAuth 2.0 issuer as an Amazon Cognito user pool: a pool with no users (machine clients
 * only), a resource server whose scopes are the API's, one app client per API client with the
 * client-credentials grant and a secret, and the domain that serves the token endpoint.
 *
 * Facts it relies on (Amazon Cognito Developer Guide): access tokens are RS256 JWTs whose `iss` is
 * https://cognito-idp.<region>.amazonaws.com/<pool id>, keys at <iss>/.well-known/jwks.json;
 * access tokens carry `token_use: access`, `client_id` and `scope`, and no `aud`; custom scopes are
 * written `<resource server identifier>/<scope>`; the client-credentials grant needs an app client
 * with a secret and is served by POST https://<domain>.auth.<region>.amazoncognito.com/oauth2/token
 * ("The token issuer endpoint"). The pool publishes two signing keys, well inside the ALB's JWKS
 * limits (10 keys, 150 KB).
 *
 * Secrets: Cognito generates each app client's secret; the provider marks `clientSecret` as a
 * Pulumi secret (encrypted in the state), and nothing here exports or copies it. Operators hand it
 * to the client owner from Cognito itself (README: how to add a client).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { API_SCOPES, RESOURCE_SERVER_IDENTIFIER, tokenScope, type ApiScope } from "../../services/trading-api/src/authContract";
import type { ApiAuthentication } from "./authentication";
import type { AppClientSpec, ClientKind } from "./config";
import { defaultDomainPrefix } from "./domainPrefix";

/** Scopes a Cognito app client may request, by kind; entitlements per account narrow them further. */
export const SCOPES_BY_KIND: Record<ClientKind, readonly ApiScope[]> = {
  trading: ["orders.read", "orders.write"],
  execution_gateway: ["orders.read", "fills.write"],
};

const SCOPE_DESCRIPTIONS: Record<ApiScope, string> = {
  "orders.read": "Read orders, positions and, for the execution gateway, the symbol book",
  "orders.write": "Place and cancel orders",
  "fills.write": "Report fills (execution gateway only)",
};

/** Inputs of {@link TokenIssuer}. */
export interface TokenIssuerArgs {
  /**
   * Prefix of the pool's domain: the token endpoint is https://<prefix>.auth.<region>.amazoncognito.com/oauth2/token.
   * Prefix domains are one namespace for every AWS account in a region (see domainPrefix.ts).
   * @default - `trading-<stack>-<hash of account, region and stack>` ({@link defaultDomainPrefix})
   */
  readonly domainPrefix?: string;
  /**
   * App clients to create.
   * @default - none
   */
  readonly clients?: readonly AppClientSpec[];
  /**
   * Access token lifetime, minutes (Cognito allows 5 minutes to 1 day).
   * @default 60
   */
  readonly accessTokenMinutes?: number;
  /**
   * Deletion protection of the pool (its app clients and their ids go with it).
   * @default false
   */
  readonly deletionProtection?: boolean;
}

export class TokenIssuer extends pulumi.ComponentResource {
  /** `iss` of the pool's tokens. */
  public readonly issuer: pulumi.Output<string>;
  /** The pool's JWKS endpoint (`<issuer>/.well-known/jwks.json`). */
  public readonly jwksUrl: pulumi.Output<string>;
  /** OAuth 2.0 token endpoint of the pool's domain (client credentials grant). */
  public readonly tokenEndpoint: pulumi.Output<string>;
  /** Id of the Cognito user pool. */
  public readonly userPoolId: pulumi.Output<string>;
  /** ARN of the Cognito user pool. */
  public readonly userPoolArn: pulumi.Output<string>;
  /** App client ids by name (not secret: every token names its client). */
  public readonly clientIds: pulumi.Output<Record<string, string>>;
  /** Every API scope as the pool writes it into tokens. */
  public readonly scopes: string[];
  /** What the load balancer and the service check. */
  public readonly authentication: ApiAuthentication;

  constructor(name: string, args: TokenIssuerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("trading:edge:TokenIssuer", name, {}, opts);
    const parent = { parent: this };
    const region = aws.getRegionOutput({}, parent).region;
    const minutes = args.accessTokenMinutes ?? 60;
    const prefix = `${RESOURCE_SERVER_IDENTIFIER}/`;

    const pool = new aws.cognito.UserPool(
      `${name}-pool`,
      {
        name: `${name}-${pulumi.getStack()}`,
        // Machine clients only: nobody signs up, and no user is ever created.
        adminCreateUserConfig: { allowAdminCreateUserOnly: true },
        deletionProtection: args.deletionProtection ? "ACTIVE" : "INACTIVE",
        mfaConfiguration: "OFF",
      },
      parent,
    );
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    const domainPrefix = args.domainPrefix ?? pulumi.all([accountId, region]).apply(([account, where]) => defaultDomainPrefix(pulumi.getStack(), account, where));
    const domain = new aws.cognito.UserPoolDomain(`${name}-domain`, { domain: domainPrefix, userPoolId: pool.id }, parent);
    const resourceServer = new aws.cognito.ResourceServer(
      `${name}-api`,
      {
        userPoolId: pool.id,
        identifier: RESOURCE_SERVER_IDENTIFIER,
        name: "Trading API",
        scopes: API_SCOPES.map((scope) => ({ scopeName: scope, scopeDescription: SCOPE_DESCRIPTIONS[scope] })),
      },
      parent,
    );

    const ids: Record<string, pulumi.Output<string>> = {};
    for (const client of args.clients ?? []) {
      const appClient = new aws.cognito.UserPoolClient(
        `${name}-client-${client.name}`,
        {
          userPoolId: pool.id,
          name: client.name,
          generateSecret: true,
          allowedOauthFlowsUserPoolClient: true,
          allowedOauthFlows: ["client_credentials"],
          allowedOauthScopes: SCOPES_BY_KIND[client.kind].map((scope) => tokenScope(scope, prefix)),
          // No user flows at all: the client can only exchange its secret for an access token.
          explicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
          accessTokenValidity: minutes,
          tokenValidityUnits: { accessToken: "minutes" },
          enableTokenRevocation: true,
          preventUserExistenceErrors: "ENABLED",
          supportedIdentityProviders: ["COGNITO"],
        },
        // The scopes must exist on the resource server before a client can be granted them.
        { parent: this, dependsOn: [resourceServer] },
      );
      ids[client.name] = appClient.id;
    }

    this.userPoolId = pool.id;
    this.userPoolArn = pool.arn;
    this.issuer = pulumi.interpolate`https://cognito-idp.${region}.amazonaws.com/${pool.id}`;
    this.jwksUrl = pulumi.interpolate`${this.issuer}/.well-known/jwks.json`;
    this.tokenEndpoint = pulumi.interpolate`https://${domain.domain}.auth.${region}.amazoncognito.com/oauth2/token`;
    this.clientIds = pulumi.output(ids);
    this.scopes = API_SCOPES.map((scope) => tokenScope(scope, prefix));
    this.authentication = { issuer: this.issuer, jwksUrl: this.jwksUrl, clientIdClaim: "client_id", scopePrefix: prefix, requiredClaims: { token_use: "access" } };
    this.registerOutputs({
      issuer: this.issuer,
      jwksUrl: this.jwksUrl,
      tokenEndpoint: this.tokenEndpoint,
      userPoolId: this.userPoolId,
      userPoolArn: this.userPoolArn,
      clientIds: this.clientIds,
    });
  }
}
