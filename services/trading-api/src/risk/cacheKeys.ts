/**
 * Valkey keys of the reference-data copy and the rate-limit buckets. Entries and the bookkeeping
 * keys have no TTL (the parameter group's volatile-lru evicts only keys with one); buckets expire
 * once they would be full again.
 */
import type { EntryKind } from "../../../reference-data/src/entries";

export const CACHE_KEYS = {
  /** Revision of the reference data the entries reflect. */
  revision: "rd:rev",
  /** Server time (ms) at which a syncer last confirmed the copy equals Aurora. */
  syncedAt: "rd:synced",
  /** Set of every entry key, so a full reload can delete entries that no longer exist. */
  entrySet: "rd:keys",
} as const;

const PREFIX: Record<EntryKind, string> = { instrument: "rd:i:", account: "rd:a:", client: "rd:c:" };

export function entryKey(kind: EntryKind, id: string): string {
  return `${PREFIX[kind]}${id}`;
}

export function accountBucketKey(account: string): string {
  return `rl:a:${account}`;
}

export function clientBucketKey(clientId: string): string {
  return `rl:c:${clientId}`;
}
