/**
 * The authentication part of the service's environment, validated at start like the rest
 * (config.ts): the issuer, its JWKS endpoint and the claims its access tokens carry. The stacks
 * write these variables into the instances' environment (components/edge/authentication.ts).
 *
 * Authentication is never off by accident: main.ts refuses to start without AUTH_ISSUER and
 * AUTH_JWKS_URL unless AUTHENTICATION=disabled is set explicitly (local runs only; the stacks never
 * write it).
 */
import { z } from "zod";
import { RESOURCE_SERVER_IDENTIFIER } from "../authContract";
import { ConfigError } from "../config";

export interface AuthConfig {
  issuer: string;
  jwksUrl: URL;
  audience?: string;
  clientIdClaim: string;
  tokenUse?: string;
  scopePrefix: string;
  clockToleranceSeconds: number;
  jwksRefreshMs: number;
  jwksCooldownMs: number;
}

export const AUTH_ENVIRONMENT = {
  AUTHENTICATION: { default: "required", description: "required|disabled; disabled (local runs only) serves every route without a token" },
  AUTH_ISSUER: { default: undefined, description: "the tokens' iss, an https URL (required unless AUTHENTICATION=disabled)" },
  AUTH_JWKS_URL: { default: undefined, description: "the issuer's JWKS endpoint, an https URL (required unless AUTHENTICATION=disabled)" },
  AUTH_AUDIENCE: { default: undefined, description: "required aud claim (optional; Cognito access tokens carry none)" },
  AUTH_CLIENT_ID_CLAIM: { default: "client_id", description: "claim naming the OAuth client (the reference data's client_id)" },
  AUTH_TOKEN_USE: { default: undefined, description: "required token_use claim (\"access\" for Cognito; optional)" },
  AUTH_SCOPE_PREFIX: { default: `${RESOURCE_SERVER_IDENTIFIER}/`, description: "what precedes orders.read etc. in the scope claim" },
  AUTH_CLOCK_TOLERANCE_SECONDS: { default: "30", description: "clock skew tolerated on exp and nbf" },
  AUTH_JWKS_REFRESH_SECONDS: { default: "600", description: "background re-read of the JWKS" },
  AUTH_JWKS_COOLDOWN_SECONDS: { default: "30", description: "least time between fetches caused by unknown key ids" },
} as const satisfies Record<string, { default: string | undefined; description: string }>;

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** https, or http to a loopback address (tests and local runs). */
const endpoint = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(url.hostname));
    } catch {
      return false;
    }
  },
  { error: "must be an https URL" },
);

const seconds = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `must be an integer between ${min} and ${max}` })
    .transform(Number)
    .pipe(z.number().min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` }));

const schema = z.object({
  AUTHENTICATION: z.enum(["required", "disabled"], { error: "must be required or disabled" }),
  AUTH_ISSUER: endpoint.optional(),
  AUTH_JWKS_URL: endpoint.optional(),
  AUTH_AUDIENCE: z.string().min(1).optional(),
  AUTH_CLIENT_ID_CLAIM: z.string().regex(/^[A-Za-z_][A-Za-z0-9_:.-]{0,63}$/, { error: "must be a claim name" }),
  AUTH_TOKEN_USE: z.string().regex(/^[a-z]{1,32}$/, { error: "must be a lower-case word such as access" }).optional(),
  AUTH_SCOPE_PREFIX: z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{0,256}$/, { error: "must be printable ASCII without spaces, quotes or backslashes" }),
  AUTH_CLOCK_TOLERANCE_SECONDS: seconds(0, 300),
  AUTH_JWKS_REFRESH_SECONDS: seconds(60, 86_400),
  AUTH_JWKS_COOLDOWN_SECONDS: seconds(1, 3600),
});

/**
 * The authentication settings, or `undefined` when AUTHENTICATION=disabled. Throws ConfigError
 * naming each bad or missing variable (an enabled service without an issuer does not start).
 */
export function loadAuthConfig(env: Record<string, string | undefined>): AuthConfig | undefined {
  const input: Record<string, string | undefined> = {};
  for (const [name, spec] of Object.entries(AUTH_ENVIRONMENT)) {
    const raw = env[name];
    input[name] = raw === undefined || raw.trim() === "" ? spec.default : raw.trim();
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0]);
      if (!problems.has(variable)) problems.set(variable, `${issue.message} (got "${input[variable]}")`);
    }
    throw new ConfigError([...problems].map(([variable, message]) => ({ variable, message })));
  }
  const e = parsed.data;
  if (e.AUTHENTICATION === "disabled") return undefined;
  const missing = (["AUTH_ISSUER", "AUTH_JWKS_URL"] as const).filter((name) => e[name] === undefined);
  if (missing.length > 0 || !e.AUTH_ISSUER || !e.AUTH_JWKS_URL) {
    throw new ConfigError(missing.map((variable) => ({ variable, message: "is required (or AUTHENTICATION=disabled for a local run without tokens)" })));
  }
  return {
    issuer: e.AUTH_ISSUER,
    jwksUrl: new URL(e.AUTH_JWKS_URL),
    ...(e.AUTH_AUDIENCE ? { audience: e.AUTH_AUDIENCE } : {}),
    clientIdClaim: e.AUTH_CLIENT_ID_CLAIM,
    ...(e.AUTH_TOKEN_USE ? { tokenUse: e.AUTH_TOKEN_USE } : {}),
    scopePrefix: e.AUTH_SCOPE_PREFIX,
    clockToleranceSeconds: e.AUTH_CLOCK_TOLERANCE_SECONDS,
    jwksRefreshMs: e.AUTH_JWKS_REFRESH_SECONDS * 1000,
    jwksCooldownMs: e.AUTH_JWKS_COOLDOWN_SECONDS * 1000,
  };
}
