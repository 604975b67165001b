/**
 * Key builders for the items described in schema.ts. Kept beside the schema (and pure) so the API,
 * the stream processor and the tests build identical keys.
 */
import { OPEN_ORDERS_KEY, TABLE_KEY, openOrderShard } from "./schema";

export type Side = "buy" | "sell";

export interface TableKey {
  [TABLE_KEY.partitionKey]: string;
  [TABLE_KEY.sortKey]: string;
}

/**
 * Largest limit/fill price in minor units. Fifteen digits keeps every price a safe JS integer and
 * gives the GSI sort key a fixed width, so string order equals numeric order.
 */
export const MAX_PRICE_MINOR = 999_999_999_999_999;
/** Largest order or fill quantity; quantity times price may exceed 2^53, which is why positions use BigInt. */
export const MAX_QUANTITY = 1_000_000_000_000;

const PRICE_WIDTH = String(MAX_PRICE_MINOR).length;

export const accountPk = (account: string): string => `ACCT#${account}`;

export const ORDER_SK_PREFIX = "ORDER#";
export const POSITION_SK_PREFIX = "POS#";
export const HEALTHCHECK_KEY: TableKey = { pk: "HEALTHCHECK", sk: "HEALTHCHECK" };

export const orderKey = (account: string, orderId: string): TableKey => ({
  pk: accountPk(account),
  sk: `${ORDER_SK_PREFIX}${orderId}`,
});

export const clientOrderKey = (account: string, clientOrderId: string): TableKey => ({
  pk: accountPk(account),
  sk: `CLORD#${clientOrderId}`,
});

export const fillKey = (account: string, orderId: string, fillId: string): TableKey => ({
  pk: accountPk(account),
  sk: `FILL#${orderId}#${fillId}`,
});

export const positionKey = (account: string, symbol: string): TableKey => ({
  pk: accountPk(account),
  sk: `${POSITION_SK_PREFIX}${symbol}`,
});

export const openOrdersPartition = (symbol: string, shard: number): string => `OPEN#${symbol}#${shard}`;

/** Sort-key prefix selecting one side of the book on the open-orders GSI. */
export const openOrdersSidePrefix = (side: Side): string => (side === "buy" ? "B#" : "S#");

/**
 * Sort key on the open-orders GSI: price-time priority within a side. Bids store the price's
 * complement so the best (highest) bid sorts first, like the best (lowest) ask; the time-ordered
 * order id breaks ties by arrival.
 */
export function openOrdersSortKey(side: Side, limitPrice: number, orderId: string): string {
  if (!Number.isSafeInteger(limitPrice) || limitPrice < 1 || limitPrice > MAX_PRICE_MINOR) {
    throw new RangeError(`limitPrice must be an integer in 1..${MAX_PRICE_MINOR}, got ${limitPrice}`);
  }
  const priceKey = side === "buy" ? MAX_PRICE_MINOR - limitPrice : limitPrice;
  return `${openOrdersSidePrefix(side)}${String(priceKey).padStart(PRICE_WIDTH, "0")}#${orderId}`;
}

/** The GSI attributes an open order carries. */
export function openOrderIndexAttributes(order: {
  symbol: string;
  side: Side;
  limitPrice: number;
  orderId: string;
}): { [OPEN_ORDERS_KEY.partitionKey]: string; [OPEN_ORDERS_KEY.sortKey]: string } {
  return {
    openPk: openOrdersPartition(order.symbol, openOrderShard(order.orderId)),
    openSk: openOrdersSortKey(order.side, order.limitPrice, order.orderId),
  };
}
