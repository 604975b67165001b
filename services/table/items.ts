/**
 * Stored shapes of the items described in schema.ts, as the document client reads and writes them.
 * Numbers that can exceed 2^53 (position sums) are decimal strings.
 */
import type { ENTITY } from "./schema";
import type { Side } from "./keys";

export type { Side } from "./keys";
export type OrderStatus = "open" | "filled" | "cancelled";
export type TimeInForce = "GTC" | "DAY" | "IOC" | "FOK";

export interface OrderItem {
  pk: string;
  sk: string;
  entity: typeof ENTITY.order;
  account: string;
  orderId: string;
  clientOrderId: string;
  symbol: string;
  side: Side;
  quantity: number;
  limitPrice: number;
  timeInForce: TimeInForce;
  status: OrderStatus;
  filledQuantity: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Present only while open (sparse GSI). */
  openPk?: string;
  openSk?: string;
  /** Set when placing the order counted it towards the account's open orders (risk/openOrderCounter.ts). */
  openCounted?: true;
}

export interface ClientOrderItem {
  pk: string;
  sk: string;
  entity: typeof ENTITY.clientOrder;
  account: string;
  clientOrderId: string;
  orderId: string;
  requestHash: string;
  createdAt: string;
  expiresAt: number;
}

export interface FillItem {
  pk: string;
  sk: string;
  entity: typeof ENTITY.fill;
  account: string;
  orderId: string;
  fillId: string;
  symbol: string;
  side: Side;
  quantity: number;
  price: number;
  createdAt: string;
  /** Set by the stream processor once the fill is in the position. */
  positionAppliedAt?: string;
}

export interface PositionItem {
  pk: string;
  sk: string;
  entity: typeof ENTITY.position;
  account: string;
  symbol: string;
  /** Signed: bought minus sold. */
  netQuantity: string;
  boughtQuantity: string;
  soldQuantity: string;
  /** Sum of quantity x price in minor units. */
  boughtNotional: string;
  soldNotional: string;
  fillCount: number;
  version: number;
  updatedAt: string;
}
