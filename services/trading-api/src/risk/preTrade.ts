/**
 * The gate in front of `POST /v1/orders`: reference data from the in-process cache, the checks of
 * checks.ts, then the rate limit; the open-order limit it returns is enforced by the store inside
 * the order's transaction. Fail closed: when the cache cannot answer (Valkey unreachable, no copy,
 * copy too stale) or the rate limit cannot be taken, the order gets 503 with Retry-After and no
 * check is skipped. That includes a lookup that found no copy in Valkey before the cache's poll had
 * noticed it was emptied: the account is then unknown, not "not active" (a 422 would tell a client
 * in good standing that its account is closed). Cancels never pass through here.
 */
import type { NewOrder } from "../store";
import { checkOrder, type Rejection } from "./checks";
import { accountBucketKey, clientBucketKey } from "./cacheKeys";
import type { Bucket, RateLimiter } from "./rateLimiter";
import { ReferenceDataUnknown, type ReferenceCache, type Unavailable } from "./referenceCache";

export type Admission =
  | { ok: true; openOrderLimit: number }
  | { ok: false; status: 422 | 429 | 503; retryAfterSeconds?: number; body: Record<string, unknown> };

export interface PreTradeOptions {
  cache: ReferenceCache;
  limiter: RateLimiter;
  /** Retry-After for 503s. Default 1. */
  retryAfterSeconds?: number;
  onError?: (error: unknown) => void;
}

export class PreTradeGate {
  private readonly retryAfter: number;
  constructor(private readonly options: PreTradeOptions) {
    this.retryAfter = options.retryAfterSeconds ?? 1;
  }

  /** The cache's state, for readiness. */
  availability() {
    return this.options.cache.availability();
  }

  private unavailable(reason: Unavailable | "rate_limit_unavailable"): Admission {
    return {
      ok: false,
      status: 503,
      retryAfterSeconds: this.retryAfter,
      body: { error: "risk_unavailable", reason, message: "Pre-trade risk checks cannot run right now; the order was not placed. Retry after the Retry-After interval." },
    };
  }

  private static rejected(rejection: Rejection): Admission {
    return { ok: false, status: 422, body: { error: "risk_rejected", ...rejection } };
  }

  /** `clientId`: the authenticated API client, when known (its own rate limit applies too). */
  async admit(order: NewOrder, clientId?: string): Promise<Admission> {
    const { cache, limiter } = this.options;
    const available = cache.availability();
    if (!available.ok) return this.unavailable(available.reason);
    let account, instrument, client;
    try {
      account = cache.account(order.account);
      instrument = cache.instrument(order.symbol);
      client = clientId === undefined ? undefined : cache.client(clientId);
      // Entries in the in-process map come back synchronously: only a miss costs a wait (and a
      // Promise.all per order would cost the hot path several microtasks for nothing).
      if (account instanceof Promise || instrument instanceof Promise || client instanceof Promise) {
        [account, instrument, client] = await Promise.all([account, instrument, client]);
      }
    } catch (error) {
      if (error instanceof ReferenceDataUnknown) return this.unavailable(error.reason);
      this.options.onError?.(error);
      return this.unavailable("cache_unreachable");
    }
    const checked = checkOrder(order, account, instrument);
    if (!checked.ok) return PreTradeGate.rejected(checked.rejection);

    const buckets: Bucket[] = [{ key: accountBucketKey(order.account), ratePerSecond: checked.limits.ordersPerSecond, burst: checked.limits.burst }];
    if (clientId !== undefined) {
      if (!client || client.status !== "active") {
        return { ok: false, status: 422, body: { error: "risk_rejected", reason: "client_not_active", message: "The API client may not place orders.", limit: "active", value: client?.status ?? "unknown" } };
      }
      buckets.push({ key: clientBucketKey(clientId), ratePerSecond: client.ordersPerSecond, burst: client.burst });
    }
    let taken;
    try {
      taken = await limiter.take(buckets);
    } catch (error) {
      this.options.onError?.(error);
      return this.unavailable("rate_limit_unavailable");
    }
    if (!taken.allowed) {
      const byClient = taken.bucket !== buckets[0].key;
      const limited = byClient ? buckets[1] : buckets[0];
      const seconds = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
      return {
        ok: false,
        status: 429,
        retryAfterSeconds: seconds,
        body: {
          error: "rate_limited",
          reason: byClient ? "client_rate_limit" : "account_rate_limit",
          message: "Too many orders; retry after the Retry-After interval.",
          limit: limited.ratePerSecond,
          burst: limited.burst,
          retryAfterMs: taken.retryAfterMs,
        },
      };
    }
    return { ok: true, openOrderLimit: checked.limits.maxOpenOrders };
  }
}
