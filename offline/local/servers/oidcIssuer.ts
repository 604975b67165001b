/**
 * A token issuer on a loopback HTTP server: RS256 key pairs generated with jose, their public halves
 * served as a JWKS, and access tokens shaped like Cognito's (iss, client_id, token_use "access",
 * scopes prefixed with the resource server's identifier). The one implementation behind
 * `npm run local` and the tests' harness (tests/support/oidcIssuer.ts).
 *
 * Two ways to get a token:
 * - the caller signs one directly ({@link LocalIssuer.token}: tests, any claims they like);
 * - an OAuth 2.0 client credentials grant (RFC 6749 4.4) at {@link LocalIssuer.tokenUrl}, for the
 *   clients it was started with, as a client calls Cognito's /oauth2/token: `npm run local:token`.
 *
 * The server can be stopped and started again on the same port (the JWKS endpoint going down and
 * coming back), keys can be added and withdrawn (rotation), and it counts the JWKS requests it answers.
 */
import { timingSafeEqual } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";
import { RESOURCE_SERVER_IDENTIFIER } from "../../../services/trading-api/src/authContract";

/** What precedes an API scope in a token, as Cognito writes it (`trading-api/orders.read`). */
export const SCOPE_PREFIX = `${RESOURCE_SERVER_IDENTIFIER}/`;

const JWKS_PATH = "/issuer/.well-known/jwks.json";
const DISCOVERY_PATH = "/issuer/.well-known/openid-configuration";
const TOKEN_PATH = "/issuer/oauth2/token";
/** A token request is a few hundred bytes of form fields; anything far larger is refused unread. */
const MAX_TOKEN_REQUEST_BYTES = 8192;

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

/** A client that may use the token endpoint: its secret and the API scopes (no prefix) it may be granted. */
export interface IssuerClient {
  secret: string;
  scopes: readonly string[];
}

export interface IssuerOptions {
  /** Port on 127.0.0.1; default a free one. */
  port?: number;
  /** Clients of the token endpoint by client id; none means the endpoint refuses every client. */
  clients?: Readonly<Record<string, IssuerClient>>;
  /** Lifetime of tokens from the token endpoint, seconds. Default 3600 (Cognito's default). */
  tokenLifetimeSeconds?: number;
}

export async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  return { kid, privateKey, publicJwk };
}

/** An OAuth error answer of the token endpoint (RFC 6749 5.2). */
class TokenError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

export class LocalIssuer {
  /** Keys published in the JWKS; the first signs by default. */
  published: SigningKey[];
  jwksRequests = 0;
  private server: Server | undefined;
  private port: number;
  private readonly clients: Readonly<Record<string, IssuerClient>>;
  private readonly tokenLifetimeSeconds: number;

  private constructor(published: SigningKey[], options: IssuerOptions) {
    this.published = published;
    this.port = options.port ?? 0;
    this.clients = options.clients ?? {};
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
  }

  /** A started issuer with one key (kid "k1"). */
  static async start(options: IssuerOptions = {}): Promise<LocalIssuer> {
    const issuer = new LocalIssuer([await signingKey("k1")], options);
    await issuer.listen();
    return issuer;
  }

  /** The `iss` of its tokens: a URL of the server, as real issuers name themselves. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/issuer`;
  }

  get jwksUrl(): URL {
    return new URL(`http://127.0.0.1:${this.port}${JWKS_PATH}`);
  }

  /** The client credentials token endpoint. */
  get tokenUrl(): URL {
    return new URL(`http://127.0.0.1:${this.port}${TOKEN_PATH}`);
  }

  get listeningPort(): number {
    return this.port;
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
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
  claims(clientId: string, scopes: readonly string[]): JWTPayload {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: this.url,
      sub: clientId,
      client_id: clientId,
      token_use: "access",
      scope: scopes.map((s) => `${SCOPE_PREFIX}${s}`).join(" "),
      iat: now,
      jti: `${clientId}-${now}-${Math.random().toString(36).slice(2)}`,
    };
  }

  async token(clientId: string, scopes: readonly string[], options: TokenOptions = {}): Promise<string> {
    const key = options.key ?? this.published[0];
    const defined = (fields: Record<string, unknown>) => Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
    const payload = defined({ ...this.claims(clientId, scopes), exp: Math.floor(Date.now() / 1000) + (options.expiresIn ?? 3600), ...options.claims });
    const header = defined({ alg: "RS256", kid: key.kid, typ: "JWT", ...options.header });
    return new SignJWT(payload as JWTPayload).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "").split("?")[0];
    if (req.method === "GET" && path === JWKS_PATH) {
      this.jwksRequests += 1;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: this.published.map((k) => k.publicJwk) }));
      return;
    }
    if (req.method === "GET" && path === DISCOVERY_PATH) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ issuer: this.url, jwks_uri: this.jwksUrl.href, token_endpoint: this.tokenUrl.href, grant_types_supported: ["client_credentials"] }));
      return;
    }
    if (path === TOKEN_PATH) {
      // RFC 6749 5.1: token responses must not be cached.
      const headers = { "content-type": "application/json", "cache-control": "no-store" };
      try {
        const granted = await this.grant(req);
        res.writeHead(200, headers);
        res.end(JSON.stringify(granted));
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
        res.writeHead(error.status, { ...headers, ...(error.status === 401 ? { "www-authenticate": 'Basic realm="local-issuer"' } : {}) });
        res.end(JSON.stringify({ error: error.error, error_description: error.message }));
      }
      return;
    }
    res.writeHead(404).end();
  }

  /** RFC 6749 4.4: the client authenticates (Basic, or client_id/client_secret in the body) and gets a token. */
  private async grant(req: IncomingMessage): Promise<{ access_token: string; token_type: "Bearer"; expires_in: number; scope: string }> {
    if (req.method !== "POST") throw new TokenError(405, "invalid_request", "the token endpoint takes POST");
    if (!(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
      throw new TokenError(400, "invalid_request", "send the form as application/x-www-form-urlencoded");
    }
    const form = new URLSearchParams(await readBody(req));
    if (form.get("grant_type") !== "client_credentials") {
      throw new TokenError(400, "unsupported_grant_type", "grant_type must be client_credentials");
    }
    const [clientId, secret] = credentialsOf(req.headers.authorization, form);
    const client = Object.hasOwn(this.clients, clientId) ? this.clients[clientId] : undefined;
    if (!client || !sameSecret(secret, client.secret)) throw new TokenError(401, "invalid_client", `unknown client or wrong secret: ${clientId}`);
    const allowed = client.scopes.map((s) => `${SCOPE_PREFIX}${s}`);
    const requested = (form.get("scope") ?? "").split(" ").filter((s) => s !== "");
    const refused = requested.filter((s) => !allowed.includes(s));
    if (refused.length > 0) {
      throw new TokenError(400, "invalid_scope", `${clientId} may not have ${refused.join(" ")} (allowed: ${allowed.join(" ")})`);
    }
    // No scope asked for: every scope the client may have, as Cognito does.
    const scopes = (requested.length > 0 ? requested : allowed).map((s) => s.slice(SCOPE_PREFIX.length));
    const accessToken = await this.token(clientId, scopes, { expiresIn: this.tokenLifetimeSeconds });
    return { access_token: accessToken, token_type: "Bearer", expires_in: this.tokenLifetimeSeconds, scope: scopes.map((s) => `${SCOPE_PREFIX}${s}`).join(" ") };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
      if (body.length > MAX_TOKEN_REQUEST_BYTES) {
        reject(new TokenError(413, "invalid_request", `the form is over ${MAX_TOKEN_REQUEST_BYTES} bytes`));
        req.destroy();
      }
    });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

/** client_secret_basic (RFC 6749 2.3.1: form-urlencoded id and secret, then Basic), else client_secret_post. */
function credentialsOf(authorization: string | undefined, form: URLSearchParams): [string, string] {
  const basic = /^Basic +([A-Za-z0-9+/]+=*)$/i.exec(authorization ?? "");
  if (basic) {
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) return [decodeURIComponent(decoded.slice(0, colon)), decodeURIComponent(decoded.slice(colon + 1))];
  }
  const id = form.get("client_id");
  const secret = form.get("client_secret");
  if (id && secret) return [id, secret];
  throw new TokenError(401, "invalid_client", "authenticate the client: HTTP Basic with its id and secret, or client_id and client_secret in the form");
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
