/**
 * ElastiCache IAM authentication token: a SigV4-presigned GET of
 * `http://<replication group id>/?Action=connect&User=<user id>`, service `elasticache`, valid for
 * 15 minutes, with the `http://` prefix removed; it is sent as the password of `AUTH <user> <token>`.
 * ElastiCache checks it when a connection authenticates, and drops IAM-authenticated connections
 * after 12 hours unless they re-authenticate (valkey.ts re-sends AUTH with a fresh token hourly).
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html
 */
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, SourceData } from "@smithy/types";

export const TOKEN_LIFETIME_SECONDS = 900;

/** SHA-256 (or HMAC-SHA-256 with a key) in the shape SignatureV4 expects, on Node's crypto. */
function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === "string") return data;
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = NodeSha256.create(secret);
  }
  private static create(secret?: SourceData): Hash | Hmac {
    return secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = NodeSha256.create(this.secret);
  }
}

export interface CacheTokenOptions {
  /** Replication group id (lower case, as ElastiCache requires). */
  replicationGroupId: string;
  /** IAM-enabled user id (= user name). */
  userId: string;
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Signing time; default now. */
  signingDate?: Date;
}

export async function elastiCacheAuthToken(options: CacheTokenOptions): Promise<string> {
  const signer = new SignatureV4({
    service: "elasticache",
    region: options.region,
    credentials: options.credentials,
    sha256: NodeSha256,
  });
  const host = options.replicationGroupId.toLowerCase();
  const presigned = await signer.presign(
    {
      method: "GET",
      protocol: "http:",
      hostname: host,
      path: "/",
      query: { Action: "connect", User: options.userId },
      headers: { host },
    },
    { expiresIn: TOKEN_LIFETIME_SECONDS, ...(options.signingDate ? { signingDate: options.signingDate } : {}) },
  );
  const query = Object.entries(presigned.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join("&");
  return `${host}/?${query}`;
}

/**
 * A password function for the Valkey client (valkey.ts): a new token, signed at `now()`, every time a
 * connection authenticates or re-authenticates, so a token is never older than the call that sends it.
 */
export function elastiCacheTokenProvider(options: Omit<CacheTokenOptions, "signingDate">, now: () => Date = () => new Date()): () => Promise<string> {
  return () => elastiCacheAuthToken({ ...options, signingDate: now() });
}
