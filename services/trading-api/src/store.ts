/**
 * The trading API's data layer, one entry point over files of one job each (store/):
 * orderWrites (place, cancel), fills, accountQueries (one order, an account's orders, positions),
 * openOrders (the symbol book from the GSI), readiness, views (item → API shape) and context (what
 * they share). Written against DynamoDBDocument methods only (get, update, query, transactWrite)
 * because DaxDocument implements those and not `send`; see clients.ts for which client serves
 * which call. Each operation documents its consistency choice.
 */
import type { TableKey } from "../../table/keys";
import type { OrderStatus, Side } from "../../table/items";
import type { TableClients } from "./clients";
import type { StoreContext } from "./store/context";
import { cancelOrder, createOrder, type CancelResult, type CreateOrderResult, type NewOrder } from "./store/orderWrites";
import { applyFill, type FillResult, type NewFill } from "./store/fills";
import { getOrder, listOrders, listPositions } from "./store/accountQueries";
import { openOrdersBySymbol, type ShardPosition } from "./store/openOrders";
import { ping } from "./store/readiness";
import type { OpenOrder, Order, Position } from "./store/views";

export type { CancelResult, CreateOrderResult, NewOrder } from "./store/orderWrites";
export { hashOrderRequest } from "./store/orderWrites";
export type { FillResult, NewFill } from "./store/fills";
export type { ShardPosition } from "./store/openOrders";
export type { Fill, OpenOrder, Order, Position } from "./store/views";

export interface OrderStoreOptions {
  clients: TableClients;
  tableName: string;
  idempotencyTtlSeconds: number;
  now?: () => Date;
  /** Optimistic-concurrency attempts before giving up with a ContentionError. */
  maxWriteAttempts?: number;
}

export class OrderStore {
  private readonly ctx: StoreContext;

  constructor(options: OrderStoreOptions) {
    this.ctx = {
      clients: options.clients,
      table: options.tableName,
      ttlSeconds: options.idempotencyTtlSeconds,
      now: options.now ?? (() => new Date()),
      maxWriteAttempts: options.maxWriteAttempts ?? 6,
    };
  }

  createOrder(input: NewOrder): Promise<CreateOrderResult> {
    return createOrder(this.ctx, input);
  }

  getOrder(account: string, orderId: string, consistent = false): Promise<Order | undefined> {
    return getOrder(this.ctx, account, orderId, consistent);
  }

  listOrders(
    account: string,
    options: { status?: OrderStatus; limit: number; startKey?: TableKey },
  ): Promise<{ orders: Order[]; nextKey?: TableKey }> {
    return listOrders(this.ctx, account, options);
  }

  cancelOrder(account: string, orderId: string): Promise<CancelResult> {
    return cancelOrder(this.ctx, account, orderId);
  }

  applyFill(account: string, orderId: string, input: NewFill): Promise<FillResult> {
    return applyFill(this.ctx, account, orderId, input);
  }

  listPositions(account: string): Promise<Position[]> {
    return listPositions(this.ctx, account);
  }

  openOrdersBySymbol(
    symbol: string,
    options: { side?: Side; limit: number; positions?: ShardPosition[] },
  ): Promise<{ orders: OpenOrder[]; positions?: ShardPosition[] }> {
    return openOrdersBySymbol(this.ctx, symbol, options);
  }

  /** Readiness: both clients answer a key lookup within `timeoutMs`. */
  ping(timeoutMs: number): Promise<void> {
    return ping(this.ctx, timeoutMs);
  }
}
