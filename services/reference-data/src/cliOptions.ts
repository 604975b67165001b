/**
 * The refdata CLI's options: every option it knows, the groups commands share, and the readers that
 * check a value and name the option when it is missing or malformed.
 */
import { parseArgs } from "node:util";
import { UsageError } from "../../cli/usage";

export const OPTIONS = {
  "database-url": { type: "string" },
  actor: { type: "string" },
  endpoint: { type: "string" },
  region: { type: "string" },
  via: { type: "string" },
  database: { type: "string" },
  port: { type: "string" },
  symbol: { type: "string" },
  "tick-size": { type: "string" },
  "lot-size": { type: "string" },
  currency: { type: "string" },
  "reference-price": { type: "string" },
  account: { type: "string" },
  name: { type: "string" },
  "max-order-quantity": { type: "string" },
  "max-order-notional": { type: "string" },
  "max-open-orders": { type: "string" },
  "collar-pct": { type: "string" },
  "orders-per-second": { type: "string" },
  burst: { type: "string" },
  client: { type: "string" },
  kind: { type: "string" },
  scopes: { type: "string" },
  limit: { type: "string" },
  table: { type: "string" },
  key: { type: "string" },
  help: { type: "boolean" },
} as const;

export type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];
export type OptionName = keyof typeof OPTIONS;

/** Options every command takes: how to reach the database, and --help. */
export const CONNECTION: readonly OptionName[] = ["database-url", "actor", "endpoint", "region", "via", "database", "port", "help"];
export const LIMITS: readonly OptionName[] = ["max-order-quantity", "max-order-notional", "max-open-orders", "collar-pct", "orders-per-second", "burst"];
export const INSTRUMENT: readonly OptionName[] = ["symbol", "tick-size", "lot-size", "currency", "reference-price"];

export function need(values: Values, name: OptionName): string {
  const value = values[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`--${name} is required`);
  return value;
}

export function integer(values: Values, name: OptionName, required: true): number;
export function integer(values: Values, name: OptionName, required: false): number | undefined;
export function integer(values: Values, name: OptionName, required: boolean): number | undefined {
  const raw = values[name];
  if (raw === undefined) {
    if (required) throw new UsageError(`--${name} is required`);
    return undefined;
  }
  if (typeof raw !== "string" || !/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new UsageError(`--${name} must be a whole number, got ${String(raw)}`);
  }
  return Number(raw);
}

export function decimalString(values: Values, name: OptionName, required: boolean): string | undefined {
  const raw = values[name];
  if (raw === undefined) {
    if (required) throw new UsageError(`--${name} is required`);
    return undefined;
  }
  if (typeof raw !== "string" || !/^[1-9]\d{0,37}$/.test(raw)) throw new UsageError(`--${name} must be a positive whole number`);
  return raw;
}

/** "5" -> 500 bps, "0.25" -> 25 bps; more than two decimals is refused rather than rounded. */
export function collarBps(raw: string): number {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(raw);
  if (!match) throw new UsageError(`--collar-pct must be a percentage with at most two decimals, got ${raw}`);
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}
