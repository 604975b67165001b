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
import { cancelOrder, createOrder, type CancelResult, type CreateOrderOptions, type CreateOrderResult, type NewOrder } from "./store/orderWrites";
import { applyFill, type FillResult, type NewFill } from "./store/fills";
import { getOrder, listOrders, listPositions } from "./store/accountQueries";
import { openOrdersBySymbol, type ShardPosition } from "./store/openOrders";
import { ping } from "./store/readiness";
import type { OpenOrder, Order, Position } from "./store/views";

export type { CancelResult, CreateOrderOptions, CreateOrderResult, NewOrder } from "./store/orderWrites";
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
  /**
   * Orders are placed with an open-order limit (the service with risk checks): cancels then uncount
   * counted orders in their transaction (risk/openOrderCounter.ts). Default false.
   */
  openOrderCounting?: boolean;
}

/** Per API request: its deadline, so the store stops working for a request nobody waits for. */
export interface RequestScope {
  signal?: AbortSignal;
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
      openOrderCounting: options.openOrderCounting ?? false,
    };
  }

  createOrder(input: NewOrder, options: CreateOrderOptions = {}, scope?: RequestScope): Promise<CreateOrderResult> {
    return createOrder(this.scoped(scope), input, options);
  }

  getOrder(account: string, orderId: string, consistent = false, scope?: RequestScope): Promise<Order | undefined> {
    return getOrder(this.scoped(scope), account, orderId, consistent);
  }

  listOrders(
    account: string,
    options: { status?: OrderStatus; limit: number; startKey?: TableKey },
    scope?: RequestScope,
  ): Promise<{ orders: Order[]; nextKey?: TableKey }> {
    return listOrders(this.scoped(scope), account, options);
  }

  cancelOrder(account: string, orderId: string, scope?: RequestScope): Promise<CancelResult> {
    return cancelOrder(this.scoped(scope), account, orderId);
  }

  applyFill(account: string, orderId: string, input: NewFill, scope?: RequestScope): Promise<FillResult> {
    return applyFill(this.scoped(scope), account, orderId, input);
  }

  listPositions(account: string, scope?: RequestScope): Promise<Position[]> {
    return listPositions(this.scoped(scope), account);
  }

  openOrdersBySymbol(
    symbol: string,
    options: { side?: Side; limit: number; positions?: ShardPosition[] },
    scope?: RequestScope,
  ): Promise<{ orders: OpenOrder[]; positions?: ShardPosition[] }> {
    return openOrdersBySymbol(this.scoped(scope), symbol, options);
  }

  /** Readiness: both clients answer a key lookup within `timeoutMs`. */
  ping(timeoutMs: number): Promise<void> {
    return ping(this.ctx, timeoutMs);
  }

  private scoped(scope: RequestScope | undefined): StoreContext {
    return scope?.signal ? { ...this.ctx, signal: scope.signal } : this.ctx;
  }
}
