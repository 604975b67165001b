/**
 * The reference-data changes an operator makes (through the CLI), as role trading_refdata. Every
 * change runs in a transaction that first names its actor (`refdata.actor`, read by the audit
 * trigger, which refuses a change without one), so the audit says who, when, before and after.
 * Schema constraints do the validation; their violations come back as {@link RefDataError}s that
 * say what was wrong in the operator's terms.
 */
import type { Pool, PoolClient } from "pg";
import { SCOPES, type Scope } from "./entries";

export class RefDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RefDataError";
  }
}

export interface NewInstrument {
  symbol: string;
  tickSize: number;
  lotSize: number;
  currency: string;
  referencePrice: number;
}

export interface LimitsInput {
  maxOrderQuantity: number;
  /** Minor units; a decimal string because it may exceed 2^53. */
  maxOrderNotional: string;
  maxOpenOrders: number;
  priceCollarBps: number;
  ordersPerSecond: number;
  burst: number;
}

export interface NewClient {
  clientId: string;
  name: string;
  kind: "trading" | "execution_gateway";
  ordersPerSecond: number;
  burst: number;
}

export interface AuditRow {
  id: number;
  revision: number;
  at: Date;
  actor: string;
  dbUser: string;
  table: string;
  operation: string;
  entityKey: string;
  before: unknown;
  after: unknown;
}

const LIMIT_COLUMNS: Record<keyof LimitsInput, string> = {
  maxOrderQuantity: "max_order_quantity",
  maxOrderNotional: "max_order_notional",
  maxOpenOrders: "max_open_orders",
  priceCollarBps: "price_collar_bps",
  ordersPerSecond: "orders_per_second",
  burst: "burst",
};

const INSTRUMENT_COLUMNS: Record<keyof Omit<NewInstrument, "symbol">, string> = {
  tickSize: "tick_size",
  lotSize: "lot_size",
  currency: "currency",
  referencePrice: "reference_price",
};

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
  message: string;
}

function explain(error: unknown): never {
  const e = error as PgError;
  switch (e.code) {
    case "23505":
      throw new RefDataError(`already exists (${e.detail ?? e.constraint ?? "unique key"})`);
    case "23503":
      throw new RefDataError(`refers to something that does not exist (${e.detail ?? e.constraint ?? "foreign key"})`);
    case "23514":
      throw new RefDataError(e.constraint ? `value not allowed by ${e.constraint}` : e.message);
    case "22P02":
    case "22003":
      throw new RefDataError(`invalid value: ${e.message}`);
    default:
      throw error;
  }
}

export class ReferenceDataRepository {
  constructor(
    private readonly pool: Pool,
    private readonly actor: string,
  ) {
    if (!actor.trim()) throw new RefDataError("an actor is required: every change is audited with who made it");
  }

  private async change<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT set_config('refdata.actor', $1, true)", [this.actor]);
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      return explain(error);
    } finally {
      client.release();
    }
  }

  private static one(rowCount: number | null, what: string): void {
    if (!rowCount) throw new RefDataError(`${what} does not exist`);
  }

  addInstrument(i: NewInstrument): Promise<void> {
    return this.change(async (c) => {
      await c.query(
        "INSERT INTO refdata.instruments (symbol, tick_size, lot_size, currency, reference_price) VALUES ($1, $2, $3, $4, $5)",
        [i.symbol, i.tickSize, i.lotSize, i.currency, i.referencePrice],
      );
    });
  }

  updateInstrument(symbol: string, changes: Partial<Omit<NewInstrument, "symbol">>): Promise<void> {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined) as [keyof typeof INSTRUMENT_COLUMNS, unknown][];
    if (entries.length === 0) throw new RefDataError("nothing to update: give at least one field");
    return this.change(async (c) => {
      const sets = entries.map(([k], n) => `${INSTRUMENT_COLUMNS[k]} = $${n + 2}`).join(", ");
      const result = await c.query(`UPDATE refdata.instruments SET ${sets} WHERE symbol = $1`, [symbol, ...entries.map(([, v]) => v)]);
      ReferenceDataRepository.one(result.rowCount, `instrument ${symbol}`);
    });
  }

  setInstrumentStatus(symbol: string, status: "trading" | "halted"): Promise<void> {
    return this.change(async (c) => {
      const result = await c.query("UPDATE refdata.instruments SET status = $2 WHERE symbol = $1", [symbol, status]);
      ReferenceDataRepository.one(result.rowCount, `instrument ${symbol}`);
    });
  }

  /** An account and its limits, together: an account without limits could not trade anyway. */
  addAccount(accountId: string, name: string, limits: LimitsInput): Promise<void> {
    return this.change(async (c) => {
      await c.query("INSERT INTO refdata.accounts (account_id, name) VALUES ($1, $2)", [accountId, name]);
      await c.query(
        `INSERT INTO refdata.risk_limits (account_id, ${Object.values(LIMIT_COLUMNS).join(", ")}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [accountId, ...Object.keys(LIMIT_COLUMNS).map((k) => limits[k as keyof LimitsInput])],
      );
    });
  }

  setAccountStatus(accountId: string, status: "active" | "suspended" | "closed"): Promise<void> {
    return this.change(async (c) => {
      const result = await c.query("UPDATE refdata.accounts SET status = $2 WHERE account_id = $1", [accountId, status]);
      ReferenceDataRepository.one(result.rowCount, `account ${accountId}`);
    });
  }

  setLimits(accountId: string, changes: Partial<LimitsInput>): Promise<void> {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined) as [keyof LimitsInput, unknown][];
    if (entries.length === 0) throw new RefDataError("nothing to set: give at least one limit");
    return this.change(async (c) => {
      const sets = entries.map(([k], n) => `${LIMIT_COLUMNS[k]} = $${n + 2}`).join(", ");
      const result = await c.query(`UPDATE refdata.risk_limits SET ${sets} WHERE account_id = $1`, [accountId, ...entries.map(([, v]) => v)]);
      ReferenceDataRepository.one(result.rowCount, `limits of account ${accountId}`);
    });
  }

  addClient(client: NewClient): Promise<void> {
    return this.change(async (c) => {
      await c.query(
        "INSERT INTO refdata.api_clients (client_id, name, kind, orders_per_second, burst) VALUES ($1, $2, $3, $4, $5)",
        [client.clientId, client.name, client.kind, client.ordersPerSecond, client.burst],
      );
    });
  }

  setClientStatus(clientId: string, status: "active" | "disabled"): Promise<void> {
    return this.change(async (c) => {
      const result = await c.query("UPDATE refdata.api_clients SET status = $2 WHERE client_id = $1", [clientId, status]);
      ReferenceDataRepository.one(result.rowCount, `client ${clientId}`);
    });
  }

  /** Entitles a client to act for an account with exactly these scopes (replacing earlier ones). */
  grant(clientId: string, accountId: string, scopes: Scope[]): Promise<void> {
    const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (scopes.length === 0 || unknown.length > 0) {
      throw new RefDataError(`scopes must be some of ${SCOPES.join(", ")}; got ${scopes.join(",") || "none"}`);
    }
    return this.change(async (c) => {
      await c.query(
        `INSERT INTO refdata.client_entitlements (client_id, account_id, scopes) VALUES ($1, $2, $3)
         ON CONFLICT (client_id, account_id) DO UPDATE SET scopes = EXCLUDED.scopes`,
        [clientId, accountId, [...new Set(scopes)].sort()],
      );
    });
  }

  revoke(clientId: string, accountId: string): Promise<void> {
    return this.change(async (c) => {
      const result = await c.query("DELETE FROM refdata.client_entitlements WHERE client_id = $1 AND account_id = $2", [clientId, accountId]);
      ReferenceDataRepository.one(result.rowCount, `entitlement of ${clientId} to ${accountId}`);
    });
  }

  async audit(options: { limit?: number; table?: string; entityKey?: string } = {}): Promise<AuditRow[]> {
    const result = await this.pool.query<{
      id: string;
      revision: string;
      at: Date;
      actor: string;
      db_user: string;
      table_name: string;
      operation: string;
      entity_key: string;
      before: unknown;
      after: unknown;
    }>(
      `SELECT * FROM refdata.audit
       WHERE ($1::text IS NULL OR table_name = $1) AND ($2::text IS NULL OR entity_key = $2)
       ORDER BY id DESC LIMIT $3`,
      [options.table ?? null, options.entityKey ?? null, options.limit ?? 50],
    );
    return result.rows.map((r) => ({
      id: Number(r.id),
      revision: Number(r.revision),
      at: r.at,
      actor: r.actor,
      dbUser: r.db_user,
      table: r.table_name,
      operation: r.operation,
      entityKey: r.entity_key,
      before: r.before,
      after: r.after,
    }));
  }
}
