/**
 * Builds the process's authenticator: the issuer's keys (loaded before the server listens, then
 * refreshed in the background), the token verifier, and the entitlements from the reference-data
 * cache the risk checks use (risk/referenceCache.ts), so a grant or revocation made with the
 * refdata CLI reaches every instance within the same bound as a limit change.
 */
import type { AuthConfig } from "./config";
import type { EntitlementSource } from "./authorize";
import type { RequestAuthenticator } from "./hooks";
import { JwksCache, type JwksStatus } from "./jwks";
import { TokenVerifier } from "./tokens";

export interface AuthTier {
  authenticator: RequestAuthenticator;
  keys: () => JwksStatus;
  close(): void;
}

export async function createAuthTier(
  config: AuthConfig,
  entitlements: EntitlementSource,
  retryAfterSeconds: number,
  log: (error: unknown, what: string) => void,
): Promise<AuthTier> {
  const keys = new JwksCache({
    url: config.jwksUrl,
    refreshIntervalMs: config.jwksRefreshMs,
    cooldownMs: config.jwksCooldownMs,
    onError: (error) => log(error, "JWKS refresh"),
  });
  await keys.start();
  const verifier = new TokenVerifier({
    keys,
    issuer: config.issuer,
    ...(config.audience ? { audience: config.audience } : {}),
    clientIdClaim: config.clientIdClaim,
    ...(config.tokenUse ? { tokenUse: config.tokenUse } : {}),
    scopePrefix: config.scopePrefix,
    clockToleranceSeconds: config.clockToleranceSeconds,
  });
  return {
    authenticator: { verifier, entitlements, scopePrefix: config.scopePrefix, retryAfterSeconds },
    keys: () => keys.status(),
    close: () => keys.stop(),
  };
}
