/**
 * The cache entries the order path reads: one per instrument, account (with its limits) and API
 * client (with its entitlements). Built from the views of migration 0001 and stored as JSON in
 * Valkey; parsed with these schemas on the way back in, so a malformed entry is an error, never a
 * silently missing limit. Prices and sizes are integers in minor units / whole units; the notional
 * limit can exceed 2^53, so it is a decimal string (compared as BigInt).
 */
import { z } from "zod";

export const SCOPES = ["orders.read", "orders.write", "fills.write"] as const;
export type Scope = (typeof SCOPES)[number];

const units = z.number().int().positive();
const decimal = z.string().regex(/^[1-9]\d{0,37}$/);

export const instrumentEntry = z.strictObject({
  symbol: z.string(),
  status: z.enum(["trading", "halted"]),
  tickSize: units,
  lotSize: units,
  currency: z.string().length(3),
  referencePrice: units,
});
export type InstrumentEntry = z.output<typeof instrumentEntry>;

export const riskLimits = z.strictObject({
  maxOrderQuantity: units,
  maxOrderNotional: decimal,
  maxOpenOrders: z.number().int().nonnegative(),
  priceCollarBps: z.number().int().min(1).max(10_000),
  ordersPerSecond: units,
  burst: units,
});
export type RiskLimits = z.output<typeof riskLimits>;

export const accountEntry = z.strictObject({
  accountId: z.string(),
  status: z.enum(["active", "suspended", "closed"]),
  /** Null when the account has no limits row: orders are then refused (fail closed). */
  limits: riskLimits.nullable(),
});
export type AccountEntry = z.output<typeof accountEntry>;

export const clientEntry = z.strictObject({
  clientId: z.string(),
  kind: z.enum(["trading", "execution_gateway"]),
  status: z.enum(["active", "disabled"]),
  ordersPerSecond: units,
  burst: units,
  /** Account id -> scopes the client holds for it. */
  entitlements: z.record(z.string(), z.array(z.enum(SCOPES))),
});
export type ClientEntry = z.output<typeof clientEntry>;

export type EntryKind = "instrument" | "account" | "client";
export interface EntryRef {
  kind: EntryKind;
  id: string;
}

/** Which cache entry a change to a table row touches (risk limits live in the account entry). */
export function entryOfChange(table: string, entityKey: string): EntryRef {
  switch (table) {
    case "instruments":
      return { kind: "instrument", id: entityKey };
    case "accounts":
    case "risk_limits":
      return { kind: "account", id: entityKey };
    case "api_clients":
      return { kind: "client", id: entityKey };
    case "client_entitlements":
      return { kind: "client", id: entityKey.split("/")[0] };
    default:
      throw new Error(`audit names an unknown table ${table}`);
  }
}
