/**
 * The issuer's signing keys, held in the process and never fetched on a request's behalf except for
 * a key id the cache has not seen, and then at most once per cooldown.
 *
 * Why not jose's createRemoteJWKSet: once its copy is older than `cacheMaxAge` it reloads on the
 * request path and, if the issuer is unreachable, fails that request (and the next one, and so on:
 * its cooldown counts from the last *successful* fetch, so every request during an outage triggers
 * a fetch). Here the keys are refreshed in the background, the last good set keeps serving while the
 * issuer is down, and the cooldown counts every attempt, successful or not. Key matching and import
 * are still jose's (createLocalJWKSet): kid, alg and key type checks stay its job.
 */
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWSHeaderParameters, type FlattenedJWSInput } from "jose";

export interface JwksCacheOptions {
  /** The issuer's JWKS endpoint. */
  url: URL;
  /**
   * How often the set is re-read in the background, so a new key is known before the first token
   * signed with it arrives. Default 600 000 (10 minutes).
   */
  refreshIntervalMs?: number;
  /** Least time between two fetches caused by unknown key ids. Default 30 000. */
  cooldownMs?: number;
  /** Per-fetch timeout. Default 2000. */
  timeoutMs?: number;
  /** Largest accepted response. Default 153 600 (150 KB, the ALB's own JWKS limit). */
  maxBytes?: number;
  now?: () => number;
  fetch?: typeof fetch;
  onError?: (error: unknown) => void;
}

export interface JwksStatus {
  keys: number;
  /** Local time of the last successful fetch. */
  lastSuccessAt?: number;
  lastError?: string;
}

/** No key set has ever been loaded: nothing can be verified (as opposed to an unknown key id). */
export class SigningKeysUnavailable extends Error {
  constructor(cause: string | undefined) {
    super(`the issuer's signing keys have not been loaded${cause ? `: ${cause}` : ""}`);
    this.name = "SigningKeysUnavailable";
  }
}

type LocalSet = ReturnType<typeof createLocalJWKSet>;

export class JwksCache {
  private readonly url: URL;
  private readonly refreshIntervalMs: number;
  private readonly cooldownMs: number;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  private readonly fetchImpl: typeof fetch;
  private readonly onError: (error: unknown) => void;
  private local: LocalSet | undefined;
  private keyCount = 0;
  private lastAttemptAt: number | undefined;
  private lastSuccessAt: number | undefined;
  private lastError: string | undefined;
  private inFlight: Promise<void> | undefined;
  /** The last set loaded, as fetched: an unchanged set keeps the keys (and what was verified with them). */
  private loadedText: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly changeListeners: (() => void)[] = [];
  /** Fetches made, for tests and the status. */
  fetches = 0;

  constructor(options: JwksCacheOptions) {
    this.url = options.url;
    this.refreshIntervalMs = options.refreshIntervalMs ?? 600_000;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.maxBytes = options.maxBytes ?? 153_600;
    this.now = options.now ?? Date.now;
    this.fetchImpl = options.fetch ?? fetch;
    this.onError = options.onError ?? (() => undefined);
  }

  /** Loads the set once (failure is recorded, not thrown) and starts the background refresh. */
  async start(): Promise<void> {
    await this.refresh();
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), this.refreshIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Called whenever a different set replaces the old one (verified-token caches must forget). */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  status(): JwksStatus {
    return { keys: this.keyCount, lastSuccessAt: this.lastSuccessAt, lastError: this.lastError };
  }

  /**
   * jose's key resolver: the key for the token's header. An unknown kid triggers one refresh if the
   * cooldown allows, then the lookup is repeated once; still unknown is JWKSNoMatchingKey.
   */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    if (this.local) {
      try {
        return await this.local(header, token);
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      }
    }
    if (this.lastAttemptAt === undefined || this.now() - this.lastAttemptAt >= this.cooldownMs || this.inFlight) {
      await this.refresh();
    }
    if (!this.local) throw new SigningKeysUnavailable(this.lastError);
    return this.local(header, token);
  };

  /** One fetch; concurrent callers share it. Keeps the last good set when it fails. */
  refresh(): Promise<void> {
    this.inFlight ??= this.load().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async load(): Promise<void> {
    this.lastAttemptAt = this.now();
    this.fetches += 1;
    try {
      const { set, text } = await this.fetchSet();
      this.lastSuccessAt = this.now();
      this.lastError = undefined;
      // A refresh that finds the same keys changes nothing: an unknown kid sent on purpose every
      // cooldown must not empty the verified-token memory.
      if (text === this.loadedText) return;
      this.local = createLocalJWKSet(set);
      this.keyCount = set.keys.length;
      this.loadedText = text;
      for (const listener of this.changeListeners) listener();
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      this.onError(error);
    }
  }

  private async fetchSet(): Promise<{ set: JSONWebKeySet; text: string }> {
    const response = await this.fetchImpl(this.url, {
      method: "GET",
      redirect: "error",
      headers: { accept: "application/json, application/jwk-set+json" },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (response.status !== 200) throw new Error(`JWKS endpoint answered ${response.status}`);
    const declared = Number(response.headers.get("content-length") ?? "0");
    if (declared > this.maxBytes) throw new Error(`JWKS response of ${declared} bytes exceeds ${this.maxBytes}`);
    const text = await response.text();
    if (Buffer.byteLength(text) > this.maxBytes) throw new Error(`JWKS response exceeds ${this.maxBytes} bytes`);
    const set = JSON.parse(text) as unknown;
    if (!isKeySet(set)) throw new Error("JWKS response is not a key set with at least one key");
    return { set, text };
  }
}

function isKeySet(value: unknown): value is JSONWebKeySet {
  if (typeof value !== "object" || value === null || !("keys" in value)) return false;
  const keys = (value as { keys: unknown }).keys;
  return Array.isArray(keys) && keys.length > 0 && keys.every((k) => typeof k === "object" && k !== null);
}
