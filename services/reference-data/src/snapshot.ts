/**
 * Reads of the reference data for the cache syncer, as role trading_app (SELECT on the entry views,
 * the revision and three columns of the audit). Each read runs in one REPEATABLE READ, READ ONLY
 * transaction, so the revision and the entries it returns describe the same moment: on a reader
 * instance that is a consistent point of the writer's history.
 */
import type { ClientBase } from "pg";
import {
  accountEntry,
  clientEntry,
  entryOfChange,
  instrumentEntry,
  type AccountEntry,
  type ClientEntry,
  type EntryRef,
  type InstrumentEntry,
} from "./entries";

export interface Entries {
  instruments: InstrumentEntry[];
  accounts: AccountEntry[];
  clients: ClientEntry[];
}

export interface Snapshot extends Entries {
  revision: number;
}

export interface Changes extends Entries {
  revision: number;
  /** Entries that changed but no longer exist (a revoked client's last entitlement keeps the client). */
  removed: EntryRef[];
}

interface InstrumentRow {
  symbol: string;
  status: string;
  tick_size: string;
  lot_size: string;
  currency: string;
  reference_price: string;
}
interface AccountRow {
  account_id: string;
  status: string;
  max_order_quantity: string | null;
  max_order_notional: string | null;
  max_open_orders: number | null;
  price_collar_bps: number | null;
  orders_per_second: number | null;
  burst: number | null;
}
interface ClientRow {
  client_id: string;
  kind: string;
  status: string;
  orders_per_second: number;
  burst: number;
  entitlements: Record<string, string[]>;
}

const toInstrument = (r: InstrumentRow): InstrumentEntry =>
  instrumentEntry.parse({
    symbol: r.symbol,
    status: r.status,
    tickSize: Number(r.tick_size),
    lotSize: Number(r.lot_size),
    currency: r.currency,
    referencePrice: Number(r.reference_price),
  });

const toAccount = (r: AccountRow): AccountEntry =>
  accountEntry.parse({
    accountId: r.account_id,
    status: r.status,
    limits:
      r.max_order_quantity === null
        ? null
        : {
            maxOrderQuantity: Number(r.max_order_quantity),
            maxOrderNotional: r.max_order_notional,
            maxOpenOrders: r.max_open_orders,
            priceCollarBps: r.price_collar_bps,
            ordersPerSecond: r.orders_per_second,
            burst: r.burst,
          },
  });

const toClient = (r: ClientRow): ClientEntry =>
  clientEntry.parse({
    clientId: r.client_id,
    kind: r.kind,
    status: r.status,
    ordersPerSecond: r.orders_per_second,
    burst: r.burst,
    entitlements: r.entitlements,
  });

async function readOnly<T>(client: ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  try {
    const result = await work();
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

async function currentRevision(client: ClientBase): Promise<number> {
  const result = await client.query<{ value: string }>("SELECT value FROM refdata.revision");
  return Number(result.rows[0].value);
}

/** The revision alone: the cheap poll. */
export function readRevision(client: ClientBase): Promise<number> {
  return currentRevision(client);
}

async function entries(client: ClientBase, filter?: { instruments: string[]; accounts: string[]; clients: string[] }): Promise<Entries> {
  const where = (column: string, ids: string[] | undefined) => (ids ? { text: ` WHERE ${column} = ANY($1)`, values: [ids] } : { text: "", values: [] });
  const i = where("symbol", filter?.instruments);
  const a = where("account_id", filter?.accounts);
  const c = where("client_id", filter?.clients);
  const skip = <T>(ids: string[] | undefined, query: () => Promise<T[]>) => (ids && ids.length === 0 ? Promise.resolve([]) : query());
  // One connection runs its queries one after another; issuing them together just pipelines them.
  const [instruments, accounts, clients] = await Promise.all([
    skip(filter?.instruments, async () => (await client.query<InstrumentRow>(`SELECT * FROM refdata.instrument_entries${i.text}`, i.values)).rows.map(toInstrument)),
    skip(filter?.accounts, async () => (await client.query<AccountRow>(`SELECT * FROM refdata.account_entries${a.text}`, a.values)).rows.map(toAccount)),
    skip(filter?.clients, async () => (await client.query<ClientRow>(`SELECT * FROM refdata.client_entries${c.text}`, c.values)).rows.map(toClient)),
  ]);
  return { instruments, accounts, clients };
}

/** Everything, with the revision it is consistent with. */
export function readSnapshot(client: ClientBase): Promise<Snapshot> {
  return readOnly(client, async () => ({ revision: await currentRevision(client), ...(await entries(client)) }));
}

/** The entries changed after `sinceRevision`, up to the current revision. */
export function readChanges(client: ClientBase, sinceRevision: number): Promise<Changes> {
  return readOnly(client, async () => {
    const revision = await currentRevision(client);
    const changed = await client.query<{ table_name: string; entity_key: string }>(
      "SELECT DISTINCT table_name, entity_key FROM refdata.audit WHERE revision > $1 AND revision <= $2",
      [sinceRevision, revision],
    );
    const refs = new Map<string, EntryRef>();
    for (const row of changed.rows) {
      const ref = entryOfChange(row.table_name, row.entity_key);
      refs.set(`${ref.kind}:${ref.id}`, ref);
    }
    const ids = (kind: EntryRef["kind"]) => [...refs.values()].filter((r) => r.kind === kind).map((r) => r.id);
    const found = await entries(client, { instruments: ids("instrument"), accounts: ids("account"), clients: ids("client") });
    const present = new Set([
      ...found.instruments.map((e) => `instrument:${e.symbol}`),
      ...found.accounts.map((e) => `account:${e.accountId}`),
      ...found.clients.map((e) => `client:${e.clientId}`),
    ]);
    const removed = [...refs.entries()].filter(([key]) => !present.has(key)).map(([, ref]) => ref);
    return { revision, ...found, removed };
  });
}
