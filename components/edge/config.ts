/**
 * Stack config keys of the edge (namespace `trading-platform:`): who issues the API's access tokens,
 * the app clients a Cognito issuer gets, and the WAF in front of the load balancer.
 */
import { z } from "zod";
import { RESOURCE_SERVER_IDENTIFIER } from "../../services/trading-api/src/authContract";
import type { ReportIssue } from "../network/config";
import { DOMAIN_PREFIX_RULE, domainPrefixProblem } from "./domainPrefix";

export const AUTH_ISSUERS = ["cognito", "external", "primary"] as const;
export type AuthIssuerKind = (typeof AUTH_ISSUERS)[number];

/** Kinds of API client (the reference data's `api_clients.kind`). */
export const CLIENT_KINDS = ["trading", "execution_gateway"] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

/** A Cognito app client: its name (also in the outputs' clientIds) and what kind of client it is. */
export interface AppClientSpec {
  readonly name: string;
  readonly kind: ClientKind;
}

const int = (min: number, max: number, fallback: number, text: string) =>
  z.number().int().min(min).max(max).default(fallback).describe(`${text} (${min}-${max}). Default ${fallback}.`);

const APP_CLIENT = /^([a-z0-9][a-z0-9-]{0,62}):(trading|execution_gateway)$/;

export const edgeConfigShape = {
  authIssuer: z
    .enum(AUTH_ISSUERS)
    .optional()
    .describe(
      'Who issues the API\'s access tokens: "cognito" (a user pool this stack creates; primary stacks only), "external" (an OAuth 2.0 / OIDC issuer of your own, authExternal* keys) or "primary" (the primary stack\'s issuer, read from its outputs; replica stacks only, so a token works in both regions). Default cognito for a primary, primary for a replica.',
    ),
  authExternalIssuer: z
    .string()
    .optional()
    .describe("iss of the external issuer's access tokens, an https URL. Required when authIssuer is external, not allowed otherwise."),
  authExternalJwksUrl: z
    .string()
    .optional()
    .describe("JWKS endpoint of the external issuer, an https URL serving at most 10 RS256 keys in at most 150 KB (the ALB's limits). Required when authIssuer is external."),
  authExternalTokenEndpoint: z
    .string()
    .optional()
    .describe("OAuth 2.0 token endpoint of the external issuer (client credentials grant), an https URL. Required when authIssuer is external."),
  authExternalAudience: z
    .string()
    .optional()
    .describe("aud the external issuer's access tokens must carry; checked by the service (the ALB checks iss, exp, nbf and the scope). Optional."),
  authExternalClientIdClaim: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_:.-]{0,63}$/)
    .default("client_id")
    .describe('Claim of the external issuer\'s tokens naming the OAuth client (the reference data\'s client_id), e.g. "client_id" (RFC 9068) or "azp". Default client_id.'),
  authExternalScopePrefix: z
    .string()
    .regex(/^[\x21\x23-\x5B\x5D-\x7E]{0,64}$/)
    .default(`${RESOURCE_SERVER_IDENTIFIER}/`)
    .describe(`What precedes orders.read, orders.write and fills.write in the external issuer's scope claim (may be empty). Default ${RESOURCE_SERVER_IDENTIFIER}/.`),
  authCognitoDomainPrefix: z
    .string()
    .optional()
    .describe(
      "Prefix of the Cognito user pool's domain (<prefix>.auth.<region>.amazoncognito.com, where the token endpoint is), one namespace for every AWS account in the region: 1-63 lower-case letters, digits and hyphens, not starting or ending with a hyphen, without aws, amazon or cognito. Default trading-<stack>-<10 hex digits of a hash of account, region and stack>, which no other account asks for; set it when you want a name of your own.",
    ),
  authClients: z
    .array(z.string())
    .default([])
    .describe(
      'Cognito app clients (client credentials grant) to create, "<name>:<kind>" with kind trading (orders.read, orders.write) or execution_gateway (orders.read, fills.write), e.g. "execution-gateway:execution_gateway". cognito issuer only. Default none.',
    ),
  authAccessTokenMinutes: int(5, 1440, 60, "Lifetime of a Cognito access token in minutes: how long a token outlives an issuer outage, and how long a revoked app client keeps a token"),
  edgeWafEnabled: z
    .boolean()
    .default(true)
    .describe("Put an AWS WAF web ACL (REGIONAL) in front of the load balancer; must stay true in prod. Default true."),
  edgeWafRateLimit: int(100, 2_000_000_000, 30_000, "Requests one source IP may send in 5 minutes before the WAF blocks it (AWS WAF rate-based rule)"),
  edgeWafLogRetentionDays: int(1, 3653, 90, "Retention of the WAF log group in days (a CloudWatch Logs retention value)"),
};

type EdgeConfig = z.output<z.ZodObject<typeof edgeConfigShape>>;

/** The issuer a stack uses: authIssuer, or the default for its role. */
export function authIssuerOf(cfg: Pick<EdgeConfig, "authIssuer"> & { role: "primary" | "replica" }): AuthIssuerKind {
  return cfg.authIssuer ?? (cfg.role === "replica" ? "primary" : "cognito");
}

/**
 * The Cognito domain prefix a stack asks for: authCognitoDomainPrefix, or undefined for the
 * default, which TokenIssuer derives from the account it deploys into (defaultDomainPrefix in domainPrefix.ts:
 * the account is known only once the program runs against it).
 */
export function cognitoDomainPrefixOf(cfg: Pick<EdgeConfig, "authCognitoDomainPrefix">): string | undefined {
  return cfg.authCognitoDomainPrefix;
}

/** The app clients of authClients, parsed (call after checkEdgeConfig accepted them). */
export function appClientsOf(cfg: Pick<EdgeConfig, "authClients">): AppClientSpec[] {
  return cfg.authClients.flatMap((spec) => {
    const match = APP_CLIENT.exec(spec);
    return match ? [{ name: match[1], kind: match[2] as ClientKind }] : [];
  });
}

function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" && url.hostname.length > 0;
  } catch {
    return false;
  }
}

const EXTERNAL_KEYS = ["authExternalIssuer", "authExternalJwksUrl", "authExternalTokenEndpoint"] as const;

/** Checks across the edge keys and the stack's role and environment. */
export function checkEdgeConfig(cfg: EdgeConfig & { role: "primary" | "replica"; isProduction: boolean; stack: string }, report: ReportIssue): void {
  const issuer = authIssuerOf(cfg);
  if (issuer === "cognito" && cfg.role === "replica") {
    report(
      "authIssuer",
      'cannot be "cognito" in a replica stack: a second user pool would issue tokens the primary region refuses; use "primary" (the primary\'s pool) or "external"',
    );
  }
  if (issuer === "primary" && cfg.role === "primary") {
    report("authIssuer", 'can be "primary" only in a replica stack; a primary stack uses "cognito" or "external"');
  }
  for (const key of EXTERNAL_KEYS) {
    const value = cfg[key];
    if (issuer === "external") {
      if (value === undefined) report(key, 'is required when authIssuer is "external"');
      else if (!isHttpsUrl(value)) report(key, `"${value}" must be an https URL (the ALB fetches keys over HTTPS only)`);
      else if (value.length > 256) report(key, "must be at most 256 characters (the ALB's limit for issuer and JWKS endpoint)");
    } else if (value !== undefined) {
      report(key, `is only allowed when authIssuer is "external" (it is ${issuer})`);
    }
  }
  if (cfg.authExternalAudience !== undefined && issuer !== "external") {
    report("authExternalAudience", `is only allowed when authIssuer is "external" (it is ${issuer})`);
  }
  if (issuer !== "cognito") {
    if (cfg.authClients.length > 0) report("authClients", `can only be created by a stack whose authIssuer is "cognito" (it is ${issuer})`);
    if (cfg.authCognitoDomainPrefix !== undefined) report("authCognitoDomainPrefix", `is only allowed when authIssuer is "cognito" (it is ${issuer})`);
  } else {
    const prefix = cognitoDomainPrefixOf(cfg);
    const problem = prefix === undefined ? undefined : domainPrefixProblem(prefix);
    if (problem) {
      report("authCognitoDomainPrefix", `"${prefix}" is not a usable Cognito domain prefix (${problem}): ${DOMAIN_PREFIX_RULE}`);
    }
  }
  const names = new Set<string>();
  cfg.authClients.forEach((spec, index) => {
    const match = APP_CLIENT.exec(spec);
    if (!match) {
      report(`authClients[${index}]`, `"${spec}" must be "<name>:<kind>": a lower-case name (letters, digits, hyphens) and kind trading or execution_gateway`);
    } else if (names.has(match[1])) {
      report(`authClients[${index}]`, `names the app client "${match[1]}" twice`);
    } else {
      names.add(match[1]);
    }
  });
  if (cfg.isProduction && !cfg.edgeWafEnabled) {
    report("edgeWafEnabled", "must stay true in a prod stack: an internet-facing load balancer needs its WAF");
  }
}
