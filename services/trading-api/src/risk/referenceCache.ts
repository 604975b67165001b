/**
 * The order path's view of the reference data: an in-process map in front of Valkey's copy, so a
 * check costs a map lookup and the hot path never waits on Aurora (and only waits on Valkey for an
 * entry it has not seen since the last change).
 *
 * A poll every `pollMs` reads Valkey's revision and when a syncer last confirmed the copy equals
 * Aurora. A new revision empties the map, so a change made with the CLI is seen by every instance
 * within syncIntervalMs (the syncer's poll of Aurora) + pollMs — 1.5 s with the defaults, stated
 * as at most 5 s (config.ts refuses settings whose sum exceeds 4.5 s).
 *
 * Fail closed: {@link availability} is false when the last successful poll is older than
 * 2 x pollMs + 1 s (Valkey unreachable), when Valkey holds no copy yet, or when the copy has not
 * been confirmed for more than `maxStalenessMs` (Aurora unreachable for that long).
 *
 * "Unknown" is never "absent". A lookup answers null only when a loaded copy (one with a revision:
 * the syncer's publish script writes the revision with the entries, atomically) lacks the entry.
 * When Valkey holds no copy (restarted without persistence, a failover, before a syncer reloads it)
 * or cannot be read, a lookup that the map cannot answer rejects ({@link ReferenceDataUnknown}, or
 * the command's error): callers answer 503, never "not entitled" or "account not active". What the
 * map holds is kept while the copy is empty: it is what revision {@link revision} said, the last
 * thing this instance knew, and it is dropped as soon as a copy with another revision is seen.
 */
import {
  accountEntry,
  clientEntry,
  instrumentEntry,
  type AccountEntry,
  type ClientEntry,
  type EntryKind,
  type InstrumentEntry,
} from "../../../reference-data/src/entries";
import { CACHE_KEYS, entryKey } from "./cacheKeys";
import { Script } from "./scripts";
import { bounded, type ValkeyClient } from "./valkey";

export type Unavailable = "cache_unreachable" | "reference_data_missing" | "reference_data_stale";

export type Availability = { ok: true } | { ok: false; reason: Unavailable };

/** A lookup the cache cannot answer either way: Valkey holds no copy of the reference data. */
export class ReferenceDataUnknown extends Error {
  readonly reason: Unavailable = "reference_data_missing";
  constructor() {
    super("the reference data is not loaded in the cache (empty until a syncer reloads it)");
    this.name = "ReferenceDataUnknown";
  }
}

const STATUS = new Script(`
local v = redis.call('MGET', KEYS[1], KEYS[2])
local t = redis.call('TIME')
return {v[1] or '', v[2] or '', t[1] * 1000 + math.floor(t[2] / 1000)}
`);

const PARSERS = { instrument: instrumentEntry, account: accountEntry, client: clientEntry } as const;
type EntryOf<K extends EntryKind> = K extends "instrument" ? InstrumentEntry : K extends "account" ? AccountEntry : ClientEntry;

export interface ReferenceCacheOptions {
  client: ValkeyClient;
  /** Default 500. */
  pollMs?: number;
  /** Default 60 000. */
  maxStalenessMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

export class ReferenceCache {
  private readonly valkey: ValkeyClient;
  private readonly pollMs: number;
  private readonly maxStalenessMs: number;
  private readonly now: () => number;
  private readonly onError: (error: unknown) => void;
  private readonly entries = new Map<string, unknown>();
  private readonly pending = new Map<string, Promise<unknown>>();
  /** The revision the map's entries belong to: the last non-empty one a poll saw. */
  private revision: string | undefined;
  /** Whether the last successful poll found a copy in Valkey (a revision). */
  private loaded = false;
  /** Local time of the last successful poll, and the copy's age (server clock) at that moment. */
  private polledAt: number | undefined;
  private ageAtPoll = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(options: ReferenceCacheOptions) {
    this.valkey = options.client;
    this.pollMs = options.pollMs ?? 500;
    this.maxStalenessMs = options.maxStalenessMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? (() => undefined);
  }

  start(): void {
    if (this.timer) return;
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One poll; exported for tests that drive time themselves. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const [revision, syncedAt, serverNow] = (await STATUS.run(this.valkey, [CACHE_KEYS.revision, CACHE_KEYS.syncedAt], [])) as [string, string, number];
      // An empty copy (no revision) says nothing new: the map keeps what the last revision said,
      // for the clients this instance has seen, until a copy with another revision appears.
      this.loaded = revision !== "";
      if (this.loaded && revision !== this.revision) {
        this.entries.clear();
        this.revision = revision;
      }
      this.ageAtPoll = syncedAt === "" ? Number.POSITIVE_INFINITY : Math.max(0, Number(serverNow) - Number(syncedAt));
      this.polledAt = this.now();
    } catch (error) {
      this.onError(error);
    } finally {
      this.polling = false;
    }
  }

  availability(): Availability {
    const now = this.now();
    if (this.polledAt === undefined || now - this.polledAt > 2 * this.pollMs + 1000) return { ok: false, reason: "cache_unreachable" };
    if (!this.loaded) return { ok: false, reason: "reference_data_missing" };
    if (this.ageAtPoll + (now - this.polledAt) > this.maxStalenessMs) return { ok: false, reason: "reference_data_stale" };
    return { ok: true };
  }

  /** Seconds since a syncer last confirmed the copy (Infinity before the first poll). */
  stalenessSeconds(): number {
    return this.polledAt === undefined ? Number.POSITIVE_INFINITY : (this.ageAtPoll + (this.now() - this.polledAt)) / 1000;
  }

  instrument(symbol: string): Promise<InstrumentEntry | null> | InstrumentEntry | null {
    return this.entry("instrument", symbol);
  }

  account(accountId: string): Promise<AccountEntry | null> | AccountEntry | null {
    return this.entry("account", accountId);
  }

  client(clientId: string): Promise<ClientEntry | null> | ClientEntry | null {
    return this.entry("client", clientId);
  }

  /**
   * The entry, or null when the loaded copy does not have it; synchronously when it is in the map.
   * Rejects when that cannot be told: {@link ReferenceDataUnknown} for a Valkey without a copy, the
   * command's error for a Valkey that does not answer.
   */
  private entry<K extends EntryKind>(kind: K, id: string): Promise<EntryOf<K> | null> | EntryOf<K> | null {
    const key = entryKey(kind, id);
    if (this.entries.has(key)) return this.entries.get(key) as EntryOf<K> | null;
    let load = this.pending.get(key) as Promise<EntryOf<K> | null> | undefined;
    if (!load) {
      const revision = this.revision;
      // The entry and the copy's revision in one read: Valkey keeps no data across a restart, so
      // between a restart and a syncer's reload every entry reads as missing, possibly while this
      // instance still believes the old revision is there. No revision in the same read means no
      // copy: unknown, not absent. Kept only when the copy read is the revision this map belongs to
      // (and no change arrived meanwhile); otherwise the next lookup reads again.
      load = bounded(this.valkey, this.valkey.mGet([key, CACHE_KEYS.revision])).then(
        ([raw, copyRevision]) => {
          // First, so that a lookup refused below (or an entry that does not parse) is read again next time.
          this.pending.delete(key);
          if (copyRevision === null || copyRevision === undefined || copyRevision === "") throw new ReferenceDataUnknown();
          const value = raw === null || raw === undefined ? null : (PARSERS[kind].parse(JSON.parse(raw)) as EntryOf<K>);
          if (revision !== undefined && copyRevision === revision && this.revision === revision) this.entries.set(key, value);
          return value;
        },
        (error: unknown) => {
          this.pending.delete(key);
          throw error;
        },
      );
      this.pending.set(key, load);
    }
    return load;
  }
}
