/**
 * Bearer access tokens (OAuth 2.0 client credentials, JWT, RS256): from the Authorization header to
 * the calling client and the API scopes it holds, or a 401 reason.
 *
 * What is checked (jose's jwtVerify plus the claims below): the signature with a key of the issuer's
 * JWKS (RS256 only, so `alg: none` and HS256 signed with the public key are refused before any key
 * is looked up); `iss`; `exp` (required) and `nbf` (when present) with a clock tolerance of
 * `clockToleranceSeconds`; `aud` when an audience is configured; `token_use` when configured
 * (Cognito writes "access" into access tokens, "id" into ID tokens: an ID token is not a bearer
 * token for this API); the client id claim (`client_id` for Cognito, whose access tokens carry no
 * `aud`); a key id in the header.
 *
 * A token that passed is remembered (by the exact header that carried it) until it expires, at most `cacheTtlMs` and
 * at most `cacheEntries` tokens, so a client that reuses its token (as it should, for up to an hour)
 * costs one RSA verification per token rather than per request. A cached token's time claims are
 * checked again on every use, and the cache is emptied whenever the issuer's key set changes, so a
 * withdrawn key stops working at the next refresh.
 */
import { errors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from "jose";
import { API_SCOPES, type ApiScope } from "../authContract";
import { SigningKeysUnavailable, type JwksCache } from "./jwks";

export interface TokenVerifierOptions {
  keys: Pick<JwksCache, "getKey" | "onChange">;
  issuer: string;
  /** Required `aud` value; unset: not checked (Cognito access tokens have none). */
  audience?: string;
  /** Claim naming the OAuth client. Default "client_id". */
  clientIdClaim?: string;
  /** Required `token_use` value (Cognito: "access"); unset: not checked. */
  tokenUse?: string;
  /** What precedes an API scope in the `scope` claim (Cognito: "trading-api/"). */
  scopePrefix: string;
  /** Tolerated clock difference for exp/nbf, seconds. Default 30. */
  clockToleranceSeconds?: number;
  /** Longest a verified token is remembered. Default 300 000. */
  cacheTtlMs?: number;
  /** Most tokens remembered (about 2 KB each). Default 5000. */
  cacheEntries?: number;
  now?: () => number;
}

/** The authenticated caller. */
export interface Principal {
  clientId: string;
  /** API scopes the token grants (other scopes in the token are ignored). */
  scopes: ReadonlySet<ApiScope>;
}

/** Why a request is not authenticated: `invalid_request` (RFC 6750 3.1) when the header is missing or malformed. */
export type AuthenticationError = "invalid_request" | "invalid_token";

export class AuthenticationFailure extends Error {
  constructor(
    readonly error: AuthenticationError,
    /** Safe to send to the caller: says what is wrong with the caller's own token, nothing else. */
    readonly description: string,
    /** True when no Authorization header was sent (RFC 6750: then no error attribute in the challenge). */
    readonly missing = false,
  ) {
    super(description);
    this.name = "AuthenticationFailure";
  }
}

/** The issuer's keys could not be loaded at all: the token cannot be judged (503, not 401). */
export class AuthenticationUnavailable extends Error {
  constructor(cause: Error) {
    super(cause.message);
    this.name = "AuthenticationUnavailable";
  }
}

/** RFC 6750 2.1: "Bearer" 1*SP b64token. The scheme is case-insensitive (RFC 9110 11.1). */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
/** Three base64url segments; anything else is not a JWS compact serialisation. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 8192;

/**
 * Remembered tokens are looked up by the header's last characters (within the signature), not the
 * whole header: a Map lookup hashes its key, and hashing a fresh ~1 KB header string on every request
 * cost more than the rest of the lookup. The entry holds the whole header and is used only when it
 * is equal, so two headers sharing an ending only ever cost the later one a full verification.
 */
const LOOKUP_KEY_LENGTH = 48;
const lookupKey = (authorization: string) => authorization.slice(-LOOKUP_KEY_LENGTH);

interface Remembered {
  /** The whole header: an entry is used only for exactly this header. */
  authorization: string;
  principal: Principal;
  exp: number;
  nbf: number | undefined;
  until: number;
}

export class TokenVerifier {
  private readonly options: JWTVerifyOptions;
  private readonly clientIdClaim: string;
  private readonly tokenUse: string | undefined;
  private readonly scopePrefix: string;
  private readonly tolerance: number;
  private readonly cacheTtlMs: number;
  private readonly cacheEntries: number;
  private readonly now: () => number;
  /** Verified tokens by the end of the Authorization header that carried them (lookupKey). */
  private readonly verified = new Map<string, Remembered>();

  constructor(private readonly settings: TokenVerifierOptions) {
    this.clientIdClaim = settings.clientIdClaim ?? "client_id";
    this.tokenUse = settings.tokenUse;
    this.scopePrefix = settings.scopePrefix;
    this.tolerance = settings.clockToleranceSeconds ?? 30;
    this.cacheTtlMs = settings.cacheTtlMs ?? 300_000;
    this.cacheEntries = settings.cacheEntries ?? 5000;
    this.now = settings.now ?? Date.now;
    this.options = {
      algorithms: ["RS256"],
      issuer: settings.issuer,
      ...(settings.audience ? { audience: settings.audience } : {}),
      clockTolerance: this.tolerance,
      requiredClaims: ["exp", this.clientIdClaim, ...(this.tokenUse ? ["token_use"] : [])],
    };
    settings.keys.onChange(() => this.verified.clear());
  }

  /**
   * The caller, synchronously, when this exact header carried a token that passed before and is
   * still within its validity: the path every request after a client's first takes.
   */
  remembered(authorization: string | undefined): Principal | undefined {
    if (authorization === undefined) return undefined;
    const key = lookupKey(authorization);
    const known = this.verified.get(key);
    if (!known || known.authorization !== authorization) return undefined;
    const now = this.now();
    const seconds = now / 1000;
    if (now < known.until && seconds <= known.exp + this.tolerance && (known.nbf === undefined || seconds >= known.nbf - this.tolerance)) {
      return known.principal;
    }
    this.verified.delete(key);
    return undefined;
  }

  /** The caller of a request with this Authorization header value; throws AuthenticationFailure. */
  async verify(authorization: string | undefined): Promise<Principal> {
    const known = this.remembered(authorization);
    if (known) return known;
    const token = bearerToken(authorization);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.settings.keys.getKey, { ...this.options, currentDate: new Date(this.now()) }));
    } catch (error) {
      throw this.failure(error);
    }
    const principal = this.principalOf(payload);
    this.remember(authorization as string, principal, payload);
    return principal;
  }

  private principalOf(payload: JWTPayload): Principal {
    if (this.tokenUse !== undefined && payload.token_use !== this.tokenUse) {
      throw new AuthenticationFailure("invalid_token", `the token is not an ${this.tokenUse} token`);
    }
    const clientId = payload[this.clientIdClaim];
    if (typeof clientId !== "string" || clientId.length === 0 || clientId.length > 128) {
      throw new AuthenticationFailure("invalid_token", `the token names no client (${this.clientIdClaim})`);
    }
    return { clientId, scopes: this.scopesOf(payload.scope ?? payload.scp) };
  }

  /** RFC 8693 4.2 / RFC 9068 2.2.3: a space-delimited string; some IdPs send an array instead. */
  private scopesOf(claim: unknown): ReadonlySet<ApiScope> {
    const granted = typeof claim === "string" ? claim.split(" ") : Array.isArray(claim) ? claim.filter((s): s is string => typeof s === "string") : [];
    const scopes = new Set<ApiScope>();
    for (const scope of API_SCOPES) {
      if (granted.includes(`${this.scopePrefix}${scope}`)) scopes.add(scope);
    }
    return scopes;
  }

  private remember(authorization: string, principal: Principal, payload: JWTPayload): void {
    if (this.verified.size >= this.cacheEntries) {
      // Oldest first: a Map iterates in insertion order.
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    const key = lookupKey(authorization);
    // Re-inserted, not updated: the Map's order stays oldest first.
    this.verified.delete(key);
    this.verified.set(key, {
      authorization,
      principal,
      exp: payload.exp as number,
      nbf: typeof payload.nbf === "number" ? payload.nbf : undefined,
      until: this.now() + this.cacheTtlMs,
    });
  }

  private failure(error: unknown): Error {
    if (error instanceof AuthenticationFailure) return error;
    if (error instanceof SigningKeysUnavailable) return new AuthenticationUnavailable(error);
    if (error instanceof errors.JWTExpired) return new AuthenticationFailure("invalid_token", "the token has expired");
    if (error instanceof errors.JWTClaimValidationFailed) {
      switch (error.claim) {
        case "nbf":
          return new AuthenticationFailure("invalid_token", "the token is not valid yet");
        case "iss":
          return new AuthenticationFailure("invalid_token", "the token was not issued by this API's issuer");
        case "aud":
          return new AuthenticationFailure("invalid_token", "the token is not meant for this API");
        case this.clientIdClaim:
          return new AuthenticationFailure("invalid_token", `the token names no client (${this.clientIdClaim})`);
        case "token_use":
          return new AuthenticationFailure("invalid_token", `the token is not an ${this.tokenUse ?? "access"} token`);
        default:
          return new AuthenticationFailure("invalid_token", `the token's ${error.claim} claim is invalid`);
      }
    }
    if (error instanceof errors.JOSEAlgNotAllowed) return new AuthenticationFailure("invalid_token", "the token must be signed with RS256");
    if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
      return new AuthenticationFailure("invalid_token", "the token is signed with a key the issuer does not publish");
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) return new AuthenticationFailure("invalid_token", "the token's signature is invalid");
    // Malformed header or payload, unsupported key, and anything else jose refuses.
    return new AuthenticationFailure("invalid_token", "the token is malformed");
  }
}

/** The token of a `Bearer` Authorization header; throws invalid_request for anything else. */
export function bearerToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization === "") {
    throw new AuthenticationFailure("invalid_request", "send an access token: Authorization: Bearer <token>", true);
  }
  const match = BEARER.exec(authorization);
  if (!match) throw new AuthenticationFailure("invalid_request", "the Authorization header must be: Bearer <token>");
  const token = match[1];
  if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
    throw new AuthenticationFailure("invalid_token", "the token is not a signed JWT");
  }
  if (!hasKeyId(token)) throw new AuthenticationFailure("invalid_token", "the token's header names no key (kid)");
  return token;
}

function hasKeyId(token: string): boolean {
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf(".")), "base64url").toString("utf8")) as unknown;
    return typeof header === "object" && header !== null && typeof (header as { kid?: unknown }).kid === "string";
  } catch {
    return false;
  }
}
