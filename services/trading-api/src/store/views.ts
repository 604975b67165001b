/**
 * The API's views of table items: each view names the fields a client sees, so keys and internal
 * attributes (index keys, request hashes) never leak into a response.
 */
import type { FillItem, OrderItem, OrderStatus, PositionItem, Side, TimeInForce } from "../../../table/items";

export interface Order {
  orderId: string;
  account: string;
  clientOrderId: string;
  symbol: string;
  side: Side;
  quantity: number;
  limitPrice: number;
  timeInForce: TimeInForce;
  status: OrderStatus;
  filledQuantity: number;
  remainingQuantity: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The fields of a fill item the API returns; the rest (keys, bookkeeping) stays internal. */
const FILL_FIELDS = ["fillId", "orderId", "account", "symbol", "side", "quantity", "price", "createdAt"] as const;
export type Fill = Pick<FillItem, (typeof FILL_FIELDS)[number]>;

/** The fields of a position item the API returns. */
const POSITION_FIELDS = [
  "symbol",
  "netQuantity",
  "boughtQuantity",
  "soldQuantity",
  "boughtNotional",
  "soldNotional",
  "fillCount",
  "updatedAt",
] as const;
export type Position = Pick<PositionItem, (typeof POSITION_FIELDS)[number]>;

export interface OpenOrder {
  orderId: string;
  account: string;
  clientOrderId: string;
  side: Side;
  limitPrice: number;
  quantity: number;
  filledQuantity: number;
  remainingQuantity: number;
  timeInForce: TimeInForce;
  createdAt: string;
}

export function toOrder(item: OrderItem): Order {
  return {
    orderId: item.orderId,
    account: item.account,
    clientOrderId: item.clientOrderId,
    symbol: item.symbol,
    side: item.side,
    quantity: item.quantity,
    limitPrice: item.limitPrice,
    timeInForce: item.timeInForce,
    status: item.status,
    filledQuantity: item.filledQuantity,
    remainingQuantity: item.quantity - item.filledQuantity,
    version: item.version,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

export function toFill(item: FillItem): Fill {
  return pickFields(item, FILL_FIELDS);
}

export function toPosition(item: PositionItem): Position {
  return pickFields(item, POSITION_FIELDS);
}

export function toOpenOrder(item: OrderItem): OpenOrder {
  return {
    orderId: item.orderId,
    account: item.account,
    clientOrderId: item.clientOrderId,
    side: item.side,
    limitPrice: item.limitPrice,
    quantity: item.quantity,
    filledQuantity: item.filledQuantity,
    remainingQuantity: item.quantity - item.filledQuantity,
    timeInForce: item.timeInForce,
    createdAt: item.createdAt,
  };
}

/** A copy of `item` with only `fields`, so an API view never leaks keys or internal attributes. */
function pickFields<T extends object, K extends keyof T>(item: T, fields: readonly K[]): Pick<T, K> {
  const view = {} as Pick<T, K>;
  for (const field of fields) {
    view[field] = item[field];
  }
  return view;
}
