/**
 * Keeps Valkey's copy of the reference data equal to Aurora's, from every instance (no leader: the
 * publish script is a compare-and-set on the revision, so concurrent syncers cannot interleave, and
 * the work is a one-row query per second per instance on the reader endpoint).
 *
 * Each tick: read Aurora's revision A (reader endpoint) and Valkey's revision V.
 * - no copy in Valkey: publish a full snapshot;
 * - A > V: publish the entries changed after V (from the audit), atomically with revision A;
 * - A = V: confirm (refresh "synced at"), which is what keeps the copy from going stale;
 * - A < V: a reader lagging behind another one (milliseconds) — wait; if it lasts longer than
 *   `regressionMs` the database went back in time (a restore), so replace the copy wholesale.
 * A failed tick (Aurora or Valkey down) changes nothing: the copy ages, and the order path fails
 * closed once it is older than the maximum staleness (referenceCache.ts).
 */
import type { Pool } from "pg";
import type { EntryRef } from "../../../reference-data/src/entries";
import { readChanges, readRevision, readSnapshot, type Entries } from "../../../reference-data/src/snapshot";
import { CACHE_KEYS, entryKey } from "./cacheKeys";
import { Script } from "./scripts";
import { bounded, type ValkeyClient } from "./valkey";

// KEYS: revision, syncedAt, entrySet. ARGV: mode (full|delta|confirm), expected revision ("" = no
// copy yet, "*" = any), new revision, then key/value pairs ("" value = delete).
// Returns {1, revision} when written, {0, current revision} when another syncer got there first.
const PUBLISH = new Script(`
local current = redis.call('GET', KEYS[1])
local expected = ARGV[2]
if expected ~= '*' then
  if expected == '' then
    if current then return {0, current} end
  elseif current ~= expected then
    return {0, current or ''}
  end
end
if ARGV[1] == 'full' then
  local keep = {}
  for i = 4, #ARGV, 2 do keep[ARGV[i]] = true end
  for _, key in ipairs(redis.call('SMEMBERS', KEYS[3])) do
    if not keep[key] then redis.call('DEL', key) end
  end
  redis.call('DEL', KEYS[3])
end
for i = 4, #ARGV, 2 do
  local key, value = ARGV[i], ARGV[i + 1]
  if value == '' then
    redis.call('DEL', key)
    redis.call('SREM', KEYS[3], key)
  else
    redis.call('SET', key, value)
    redis.call('SADD', KEYS[3], key)
  end
end
local t = redis.call('TIME')
redis.call('SET', KEYS[1], ARGV[3])
redis.call('SET', KEYS[2], t[1] * 1000 + math.floor(t[2] / 1000))
return {1, ARGV[3]}
`);

export interface SyncStatus {
  /** Local time of the last tick that reached both stores, if any. */
  lastSuccessAt?: number;
  lastError?: string;
  /** Revision Valkey holds after the last successful tick. */
  revision?: number;
}

export interface ReferenceSyncerOptions {
  /** Pool on the reader endpoint, as trading_app. */
  pool: Pool;
  client: ValkeyClient;
  /** Default 1000. */
  intervalMs?: number;
  /** How long Aurora may be behind Valkey before the copy is replaced. Default 30 000. */
  regressionMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

function pairs(entries: Entries, removed: EntryRef[] = []): string[] {
  const out: string[] = [];
  for (const e of entries.instruments) out.push(entryKey("instrument", e.symbol), JSON.stringify(e));
  for (const e of entries.accounts) out.push(entryKey("account", e.accountId), JSON.stringify(e));
  for (const e of entries.clients) out.push(entryKey("client", e.clientId), JSON.stringify(e));
  for (const r of removed) out.push(entryKey(r.kind, r.id), "");
  return out;
}

export class ReferenceSyncer {
  private readonly options: Required<Omit<ReferenceSyncerOptions, "onError">> & { onError: (error: unknown) => void };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private behindSince: number | undefined;
  private readonly state: SyncStatus = {};

  constructor(options: ReferenceSyncerOptions) {
    this.options = {
      intervalMs: 1000,
      regressionMs: 30_000,
      now: Date.now,
      onError: () => undefined,
      ...options,
    };
    // An idle connection dropped by the server (failover, restart) is an error event on the pool;
    // unhandled it would crash the process. The next tick simply connects again.
    this.options.pool.on("error", (error) => this.options.onError(error));
  }

  start(): void {
    if (this.timer) return;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  status(): SyncStatus {
    return { ...this.state };
  }

  /** One synchronisation; overlapping calls share the one in progress. */
  tick(): Promise<void> {
    this.running ??= this.sync().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sync(): Promise<void> {
    const { pool, client, now } = this.options;
    try {
      const connection = await pool.connect();
      try {
        const raw = await bounded(client, client.get(CACHE_KEYS.revision));
        const cached = raw === null ? undefined : Number(raw);
        const aurora = await readRevision(connection);
        let args: string[];
        if (cached === undefined) {
          const snapshot = await readSnapshot(connection);
          args = ["full", "", String(snapshot.revision), ...pairs(snapshot)];
        } else if (aurora > cached) {
          const changes = await readChanges(connection, cached);
          args = ["delta", String(cached), String(changes.revision), ...pairs(changes, changes.removed)];
        } else if (aurora === cached) {
          args = ["confirm", String(cached), String(cached)];
        } else {
          this.behindSince ??= now();
          if (now() - this.behindSince < this.options.regressionMs) {
            this.state.lastError = `aurora revision ${aurora} is behind the cached ${cached}; waiting for the reader to catch up`;
            return;
          }
          const snapshot = await readSnapshot(connection);
          args = ["full", "*", String(snapshot.revision), ...pairs(snapshot)];
        }
        if (aurora >= (cached ?? 0)) this.behindSince = undefined;
        // Losing the compare-and-set means another instance published the same change first.
        const [, revision] = (await PUBLISH.run(client, [CACHE_KEYS.revision, CACHE_KEYS.syncedAt, CACHE_KEYS.entrySet], args)) as [number, string];
        this.state.revision = Number(revision);
        this.state.lastSuccessAt = now();
        this.state.lastError = undefined;
      } finally {
        connection.release();
      }
    } catch (error) {
      this.state.lastError = error instanceof Error ? error.message : String(error);
      this.options.onError(error);
    }
  }
}
