/**
 * A token issuer for tests: RS256 key pairs generated with jose, their public halves served as a
 * JWKS by a loopback HTTP server, and tokens signed by the test. The server can be stopped and
 * started again on the same port (the JWKS endpoint going down and coming back), keys can be added
 * and withdrawn (rotation), and it counts the JWKS requests it answers.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";

export const TEST_SCOPE_PREFIX = "trading-api/";

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface TokenOptions {
  /** Claims to add or override (undefined removes a default claim). */
  claims?: Record<string, unknown>;
  /** Header fields to add or override (undefined removes kid). */
  header?: Record<string, unknown>;
  /** Sign with this key instead of the issuer's current one (it need not be published). */
  key?: SigningKey;
  /** Seconds from now; default 3600. */
  expiresIn?: number;
}

export async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  return { kid, privateKey, publicJwk };
}

export class TestIssuer {
  /** Keys published in the JWKS; the first signs by default. */
  published: SigningKey[];
  jwksRequests = 0;
  private server: Server | undefined;
  private port = 0;

  private constructor(published: SigningKey[]) {
    this.published = published;
  }

  /** A started issuer with one key (kid "k1"). */
  static async start(): Promise<TestIssuer> {
    const issuer = new TestIssuer([await signingKey("k1")]);
    await issuer.listen();
    return issuer;
  }

  /** The `iss` of its tokens: a URL of the server, as real issuers name themselves. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/issuer`;
  }

  get jwksUrl(): URL {
    return new URL(`http://127.0.0.1:${this.port}/issuer/.well-known/jwks.json`);
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      if (req.url !== "/issuer/.well-known/jwks.json") {
        res.writeHead(404).end();
        return;
      }
      this.jwksRequests += 1;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: this.published.map((k) => k.publicJwk) }));
    });
    server.listen(this.port, "127.0.0.1");
    await once(server, "listening");
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** The JWKS endpoint stops answering (connections are refused). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Default claims of an access token for `clientId` with API scopes `scopes`. */
  claims(clientId: string, scopes: string[]): JWTPayload {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: this.url,
      sub: clientId,
      client_id: clientId,
      token_use: "access",
      scope: scopes.map((s) => `${TEST_SCOPE_PREFIX}${s}`).join(" "),
      iat: now,
      jti: `${clientId}-${now}-${Math.random().toString(36).slice(2)}`,
    };
  }

  async token(clientId: string, scopes: string[], options: TokenOptions = {}): Promise<string> {
    const key = options.key ?? this.published[0];
    const defined = (fields: Record<string, unknown>) => Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
    const payload = defined({ ...this.claims(clientId, scopes), exp: Math.floor(Date.now() / 1000) + (options.expiresIn ?? 3600), ...options.claims });
    const header = defined({ alg: "RS256", kid: key.kid, typ: "JWT", ...options.header });
    return new SignJWT(payload as JWTPayload).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
  }
}
