/**
 * The pre-trade checks that need only the order and the cached reference data, in the order they
 * run. The first failing check decides; each has its own reason code, and the rejection carries the
 * limit and the order's value so a client can see what to change. Two more checks run elsewhere:
 * open orders < max inside the order's DynamoDB transaction (store.ts), and the rate limit
 * (rateLimiter.ts) just before it. Arithmetic is exact (BigInt) where products can pass 2^53.
 */
import type { AccountEntry, InstrumentEntry, RiskLimits } from "../../../reference-data/src/entries";

export const REASONS = [
  "account_not_active",
  "risk_limits_missing",
  "instrument_unknown",
  "instrument_halted",
  "quantity_not_lot_multiple",
  "price_off_tick",
  "quantity_above_max",
  "notional_above_max",
  "price_outside_collar",
  "open_orders_limit",
] as const;
export type RejectReason = (typeof REASONS)[number];

export interface Rejection {
  reason: RejectReason;
  message: string;
  limit: number | string;
  value: number | string;
  details?: Record<string, number | string>;
}

export interface OrderTerms {
  symbol: string;
  quantity: number;
  limitPrice: number;
}

export type Checked = { ok: true; limits: RiskLimits } | { ok: false; rejection: Rejection };

const BPS = 10_000n;

/** The lowest and highest limit price the collar allows around the reference price. */
export function collarBand(referencePrice: number, collarBps: number): { lowest: number; highest: number } {
  const ref = BigInt(referencePrice);
  const bps = BigInt(collarBps);
  const lowestScaled = ref * (BPS - bps);
  // ceil for the lower bound, floor for the upper: a price on the boundary is inside.
  const lowest = lowestScaled / BPS + (lowestScaled % BPS === 0n ? 0n : 1n);
  const highest = (ref * (BPS + bps)) / BPS;
  return { lowest: Number(lowest < 1n ? 1n : lowest), highest: Number(highest) };
}

export function checkOrder(order: OrderTerms, account: AccountEntry | null, instrument: InstrumentEntry | null): Checked {
  const reject = (rejection: Rejection): Checked => ({ ok: false, rejection });
  if (!account || account.status !== "active") {
    return reject({ reason: "account_not_active", message: "The account may not place orders.", limit: "active", value: account?.status ?? "unknown" });
  }
  const limits = account.limits;
  if (!limits) {
    return reject({ reason: "risk_limits_missing", message: "The account has no risk limits; none means no trading.", limit: "present", value: "absent" });
  }
  if (!instrument) {
    return reject({ reason: "instrument_unknown", message: `${order.symbol} is not a listed instrument.`, limit: "listed", value: order.symbol });
  }
  if (instrument.status !== "trading") {
    return reject({ reason: "instrument_halted", message: `${order.symbol} is halted.`, limit: "trading", value: instrument.status });
  }
  if (order.quantity % instrument.lotSize !== 0) {
    return reject({ reason: "quantity_not_lot_multiple", message: `The quantity must be a multiple of the lot size ${instrument.lotSize}.`, limit: instrument.lotSize, value: order.quantity });
  }
  if (order.limitPrice % instrument.tickSize !== 0) {
    return reject({ reason: "price_off_tick", message: `The limit price must be a multiple of the tick size ${instrument.tickSize}.`, limit: instrument.tickSize, value: order.limitPrice });
  }
  if (order.quantity > limits.maxOrderQuantity) {
    return reject({ reason: "quantity_above_max", message: "The quantity exceeds the account's maximum order quantity.", limit: limits.maxOrderQuantity, value: order.quantity });
  }
  const notional = BigInt(order.quantity) * BigInt(order.limitPrice);
  if (notional > BigInt(limits.maxOrderNotional)) {
    return reject({
      reason: "notional_above_max",
      message: "Quantity x limit price exceeds the account's maximum order notional (minor units).",
      limit: limits.maxOrderNotional,
      value: notional.toString(),
    });
  }
  const band = collarBand(instrument.referencePrice, limits.priceCollarBps);
  if (order.limitPrice < band.lowest || order.limitPrice > band.highest) {
    const deviation = (BigInt(Math.abs(order.limitPrice - instrument.referencePrice)) * BPS) / BigInt(instrument.referencePrice);
    return reject({
      reason: "price_outside_collar",
      message: `The limit price is more than ${limits.priceCollarBps} basis points from the reference price.`,
      limit: limits.priceCollarBps,
      value: Number(deviation),
      details: { referencePrice: instrument.referencePrice, lowestPrice: band.lowest, highestPrice: band.highest },
    });
  }
  return { ok: true, limits };
}
