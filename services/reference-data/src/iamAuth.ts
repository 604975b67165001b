/**
 * IAM database authentication tokens for Aurora (`@aws-sdk/rds-signer`): a SigV4-presigned
 * `connect` request valid for 15 minutes, sent as the password over TLS. A token is only checked
 * when a connection opens, so one is cached and reused until 5 minutes before it expires; every new
 * connection of a pool calls this (pg accepts an async `password` function).
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/UsingWithRDS.IAMDBAuth.Connecting.html
 */
import { Signer } from "@aws-sdk/rds-signer";

export const TOKEN_LIFETIME_MS = 15 * 60_000;
const REFRESH_MARGIN_MS = 5 * 60_000;

export interface TokenProviderOptions {
  /** The endpoint the token is signed for (the writer or reader endpoint), not a tunnel's address. */
  hostname: string;
  port: number;
  username: string;
  region: string;
  now?: () => number;
}

export function rdsTokenProvider(options: TokenProviderOptions): () => Promise<string> {
  const signer = new Signer({ hostname: options.hostname, port: options.port, username: options.username, region: options.region });
  const now = options.now ?? Date.now;
  let current: { token: Promise<string>; expiresAt: number } | undefined;
  return () => {
    if (!current || now() > current.expiresAt - REFRESH_MARGIN_MS) {
      const token = signer.getAuthToken();
      current = { token, expiresAt: now() + TOKEN_LIFETIME_MS };
      // A failed signing (no credentials yet) must not be cached.
      token.catch(() => {
        if (current?.token === token) current = undefined;
      });
    }
    return current.token;
  };
}
