/**
 * The trading API's data layer. Written against DynamoDBDocument methods only (get, update, query,
 * transactWrite) because DaxDocument implements those and not `send`; see clients.ts for which
 * client serves which call. Each method documents its consistency choice.
 */
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { DynamoDBDocument, NativeAttributeValue } from "@aws-sdk/lib-dynamodb";
import { ENTITY, OPEN_ORDERS_INDEX, OPEN_ORDER_SHARDS, TTL_ATTRIBUTE } from "../../table/schema";
import {
  HEALTHCHECK_KEY,
  ORDER_SK_PREFIX,
  POSITION_SK_PREFIX,
  accountPk,
  clientOrderKey,
  fillKey,
  openOrderIndexAttributes,
  openOrdersPartition,
  openOrdersSidePrefix,
  orderKey,
  type TableKey,
} from "../../table/keys";
import type {
  ClientOrderItem,
  FillItem,
  OrderItem,
  OrderStatus,
  PositionItem,
  Side,
  TimeInForce,
} from "../../table/items";
import { isConditionalCheckFailed, transactionCancellationCodes } from "../../table/dynamoErrors";
import { readClient, writeClient, type TableClients } from "./clients";
import { ContentionError } from "./errors";
import { newOrderId } from "./ids";
import { COUNTED_ATTRIBUTE, countFromCancellation, countNewOrder, uncountOrder } from "./risk/openOrderCounter";

export interface NewOrder {
  account: string;
  clientOrderId: string;
  symbol: string;
  side: Side;
  quantity: number;
  limitPrice: number;
  timeInForce: TimeInForce;
}

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

export interface NewFill {
  fillId: string;
  quantity: number;
  price: number;
}

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

export type CreateOrderResult =
  | { kind: "created"; order: Order }
  | { kind: "existing"; order: Order }
  | { kind: "client_order_id_reused"; order: Order }
  /** Refused by the open-order limit, inside the transaction (`openOrders` when DynamoDB reported it). */
  | { kind: "open_order_limit"; limit: number; openOrders: number };

export interface CreateOrderOptions {
  /**
   * Most open orders the account may have: the order's transaction counts it and is refused at the
   * limit (risk/openOrderCounter.ts). Without it the order is not counted.
   */
  openOrderLimit?: number;
}

export type CancelResult =
  | { kind: "cancelled"; order: Order }
  | { kind: "not_open"; order: Order }
  | { kind: "not_found" };

export type FillResult =
  | { kind: "applied"; order: Order; fill: Fill }
  | { kind: "duplicate"; order: Order; fill: Fill }
  | { kind: "fill_id_reused"; order: Order; fill: Fill }
  | { kind: "not_open"; order: Order }
  | { kind: "overfill"; order: Order }
  | { kind: "price_outside_limit"; order: Order }
  | { kind: "not_found" };

/** Where one GSI shard's scan stands between pages: not started, finished, or after a key. */
export type ShardPosition = "start" | "done" | { openSk: string; pk: string; sk: string };

export interface OrderStoreOptions {
  clients: TableClients;
  tableName: string;
  idempotencyTtlSeconds: number;
  now?: () => Date;
  /** Optimistic-concurrency attempts before giving up with {@link ContentionError}. */
  maxWriteAttempts?: number;
  /**
   * Orders are placed with an open-order limit (the service with risk checks): cancels then uncount
   * counted orders in their transaction (risk/openOrderCounter.ts). Default false.
   */
  openOrderCounting?: boolean;
}

type Item = Record<string, NativeAttributeValue>;

/** Most DynamoDB round trips one list page may take; bounds latency when a filter rejects most items. */
const MAX_QUERY_CALLS_PER_PAGE = 10;

export class OrderStore {
  private readonly clients: TableClients;
  private readonly table: string;
  private readonly ttlSeconds: number;
  private readonly now: () => Date;
  private readonly maxWriteAttempts: number;
  private readonly openOrderCounting: boolean;

  constructor(options: OrderStoreOptions) {
    this.openOrderCounting = options.openOrderCounting ?? false;
    this.clients = options.clients;
    this.table = options.tableName;
    this.ttlSeconds = options.idempotencyTtlSeconds;
    this.now = options.now ?? (() => new Date());
    this.maxWriteAttempts = options.maxWriteAttempts ?? 6;
  }

  /**
   * Places an order exactly once per (account, clientOrderId). The claim item and the order are put
   * in one transaction, the claim conditioned on not existing (or having expired); whoever loses
   * reads the claim strongly consistently and returns the winner's order. A retry that changes the
   * order's parameters gets `client_order_id_reused` instead of silently receiving a different order.
   */
  async createOrder(input: NewOrder, options: CreateOrderOptions = {}): Promise<CreateOrderResult> {
    const limit = options.openOrderLimit;
    const now = this.now();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const orderId = newOrderId(now.getTime());
    const createdAt = now.toISOString();
    const requestHash = hashOrderRequest(input);
    const order: OrderItem = {
      ...orderKey(input.account, orderId),
      entity: ENTITY.order,
      account: input.account,
      orderId,
      clientOrderId: input.clientOrderId,
      symbol: input.symbol,
      side: input.side,
      quantity: input.quantity,
      limitPrice: input.limitPrice,
      timeInForce: input.timeInForce,
      status: "open",
      filledQuantity: 0,
      version: 1,
      createdAt,
      updatedAt: createdAt,
      ...openOrderIndexAttributes({ ...input, orderId }),
      ...(limit !== undefined ? { [COUNTED_ATTRIBUTE]: true as const } : {}),
    };
    const claim: ClientOrderItem = {
      ...clientOrderKey(input.account, input.clientOrderId),
      entity: ENTITY.clientOrder,
      account: input.account,
      clientOrderId: input.clientOrderId,
      orderId,
      requestHash,
      createdAt,
      expiresAt: nowSeconds + this.ttlSeconds,
    };

    for (let attempt = 0; attempt < this.maxWriteAttempts; attempt++) {
      try {
        await writeClient(this.clients).transactWrite({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: claim,
                ConditionExpression: "attribute_not_exists(#pk) OR #ttl < :now",
                ExpressionAttributeNames: { "#pk": "pk", "#ttl": TTL_ATTRIBUTE },
                ExpressionAttributeValues: { ":now": nowSeconds },
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: order,
                ConditionExpression: "attribute_not_exists(#pk)",
                ExpressionAttributeNames: { "#pk": "pk" },
              },
            },
            ...(limit !== undefined ? [countNewOrder(this.table, input.account, limit)] : []),
          ],
        });
        return { kind: "created", order: toOrder(order) };
      } catch (error) {
        const codes = transactionCancellationCodes(error);
        if (!codes) throw error;
        // An existing claim wins over the limit: a retry gets its original order back.
        if (limit !== undefined && codes[2] === "ConditionalCheckFailed" && codes[0] !== "ConditionalCheckFailed") {
          return { kind: "open_order_limit", limit, openOrders: countFromCancellation(error, 2) ?? limit };
        }
      }
      const existing = (await this.getItem(clientOrderKey(input.account, input.clientOrderId), true)) as
        | ClientOrderItem
        | undefined;
      if (existing && existing.expiresAt >= nowSeconds) {
        const original = await this.getOrderItem(input.account, existing.orderId, true);
        if (!original) throw new Error(`client order id claim ${existing.sk} points at missing order ${existing.orderId}`);
        return existing.requestHash === requestHash
          ? { kind: "existing", order: toOrder(original) }
          : { kind: "client_order_id_reused", order: toOrder(original) };
      }
      // Cancelled by a concurrent transaction that has not committed yet: back off and try again.
      await backoff(attempt);
    }
    throw new ContentionError(`client order id ${input.clientOrderId}`);
  }

  /** Eventually consistent by default (served by DAX when configured). */
  async getOrder(account: string, orderId: string, consistent = false): Promise<Order | undefined> {
    const item = await this.getOrderItem(account, orderId, consistent);
    return item ? toOrder(item) : undefined;
  }

  /**
   * An account's orders, newest first, optionally one status. Strongly consistent, so from
   * DynamoDB: DAX's query cache is not refreshed by writes, and a page served from it could miss an
   * order the client just placed or disagree with the next page.
   */
  async listOrders(
    account: string,
    options: { status?: OrderStatus; limit: number; startKey?: TableKey },
  ): Promise<{ orders: Order[]; nextKey?: TableKey }> {
    const orders: Order[] = [];
    let startKey: TableKey | undefined = options.startKey;
    for (let calls = 0; calls < MAX_QUERY_CALLS_PER_PAGE; calls++) {
      const remaining = options.limit - orders.length;
      const page = await readClient(this.clients, true).query({
        TableName: this.table,
        KeyConditionExpression: "#pk = :pk AND begins_with(#sk, :prefix)",
        ExpressionAttributeNames: { "#pk": "pk", "#sk": "sk", ...(options.status ? { "#status": "status" } : {}) },
        ExpressionAttributeValues: {
          ":pk": accountPk(account),
          ":prefix": ORDER_SK_PREFIX,
          ...(options.status ? { ":status": options.status } : {}),
        },
        ...(options.status ? { FilterExpression: "#status = :status" } : {}),
        ScanIndexForward: false,
        ConsistentRead: true,
        // With a filter most evaluated items may be dropped, so evaluate more than we need and cut.
        Limit: options.status ? Math.min(remaining * 4, 1000) : remaining,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      });
      const items = (page.Items ?? []) as OrderItem[];
      if (items.length >= remaining) {
        const taken = items.slice(0, remaining);
        orders.push(...taken.map(toOrder));
        const last = taken[taken.length - 1];
        // Resume after the last order returned, not after the last one evaluated, so nothing is skipped.
        const more = items.length > remaining || page.LastEvaluatedKey !== undefined;
        return { orders, ...(more ? { nextKey: { pk: last.pk, sk: last.sk } } : {}) };
      }
      orders.push(...items.map(toOrder));
      if (!page.LastEvaluatedKey) return { orders };
      startKey = { pk: String(page.LastEvaluatedKey.pk), sk: String(page.LastEvaluatedKey.sk) };
    }
    return { orders, ...(startKey ? { nextKey: startKey } : {}) };
  }

  /**
   * Cancels an open order in one conditional update that also removes it from the sparse index.
   * On a failed condition the current state is read strongly consistently for the 409 body.
   */
  async cancelOrder(account: string, orderId: string): Promise<CancelResult> {
    const counted = this.openOrderCounting ? await this.cancelCountedOrder(account, orderId) : undefined;
    if (counted) return counted;
    const now = this.now().toISOString();
    try {
      const result = await writeClient(this.clients).update({
        TableName: this.table,
        Key: orderKey(account, orderId),
        UpdateExpression: "SET #status = :cancelled, #updatedAt = :now, #version = #version + :one REMOVE #openPk, #openSk",
        ConditionExpression: "#status = :open",
        ExpressionAttributeNames: {
          "#status": "status",
          "#updatedAt": "updatedAt",
          "#version": "version",
          "#openPk": "openPk",
          "#openSk": "openSk",
        },
        ExpressionAttributeValues: { ":cancelled": "cancelled", ":open": "open", ":now": now, ":one": 1 },
        ReturnValues: "ALL_NEW",
      });
      return { kind: "cancelled", order: toOrder(result.Attributes as OrderItem) };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    const current = await this.getOrderItem(account, orderId, true);
    return current ? { kind: "not_open", order: toOrder(current) } : { kind: "not_found" };
  }

  /**
   * Cancels an open order that counts towards its account's open orders, uncounting it in the same
   * transaction. Undefined when the order is not open, not counted or missing: cancelOrder's single
   * conditional update then decides. Conflicts with a concurrent placement are retried, never refused.
   */
  private async cancelCountedOrder(account: string, orderId: string): Promise<CancelResult | undefined> {
    for (let attempt = 0; attempt < this.maxWriteAttempts; attempt++) {
      const now = this.now().toISOString();
      try {
        await writeClient(this.clients).transactWrite({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: orderKey(account, orderId),
                UpdateExpression: "SET #status = :cancelled, #updatedAt = :now, #version = #version + :one REMOVE #openPk, #openSk",
                ConditionExpression: "#status = :open AND #counted = :true",
                ExpressionAttributeNames: {
                  "#status": "status",
                  "#updatedAt": "updatedAt",
                  "#version": "version",
                  "#openPk": "openPk",
                  "#openSk": "openSk",
                  "#counted": COUNTED_ATTRIBUTE,
                },
                ExpressionAttributeValues: { ":cancelled": "cancelled", ":open": "open", ":now": now, ":one": 1, ":true": true },
              },
            },
            uncountOrder(this.table, account),
          ],
        });
        const order = await this.getOrderItem(account, orderId, true);
        if (!order) throw new Error(`order ${orderId} vanished after its cancel committed`);
        return { kind: "cancelled", order: toOrder(order) };
      } catch (error) {
        const codes = transactionCancellationCodes(error);
        if (!codes) throw error;
        if (codes[0] === "ConditionalCheckFailed") return undefined;
      }
      await backoff(attempt);
    }
    throw new ContentionError(`order ${orderId}`);
  }

  /**
   * Applies one fill: the order's filled quantity/status/version and the fill item change in one
   * transaction. The order update is conditioned on the version just read and on the order being
   * open, so a concurrent cancel or fill makes the whole transaction fail (nothing is written) and
   * the decision is made again on fresh state: an over-fill or a fill of a cancelled order can
   * never be committed. A retried fill id returns the original fill.
   */
  async applyFill(account: string, orderId: string, input: NewFill): Promise<FillResult> {
    for (let attempt = 0; attempt < this.maxWriteAttempts; attempt++) {
      const order = await this.getOrderItem(account, orderId, true);
      if (!order) return { kind: "not_found" };
      const rejection = fillRejection(order, input);
      if (rejection) return (await this.fillReplay(order, input)) ?? { kind: rejection, order: toOrder(order) };

      const now = this.now().toISOString();
      const filledQuantity = order.filledQuantity + input.quantity;
      const status: OrderStatus = filledQuantity === order.quantity ? "filled" : "open";
      const fill: FillItem = {
        ...fillKey(account, orderId, input.fillId),
        entity: ENTITY.fill,
        account,
        orderId,
        fillId: input.fillId,
        symbol: order.symbol,
        side: order.side,
        quantity: input.quantity,
        price: input.price,
        createdAt: now,
      };
      try {
        await writeClient(this.clients).transactWrite({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: orderKey(account, orderId),
                UpdateExpression:
                  "SET #filled = :filled, #status = :status, #version = :next, #updatedAt = :now" +
                  (status === "filled" ? " REMOVE #openPk, #openSk" : ""),
                ConditionExpression: "#version = :version AND #status = :open",
                ExpressionAttributeNames: {
                  "#filled": "filledQuantity",
                  "#status": "status",
                  "#version": "version",
                  "#updatedAt": "updatedAt",
                  ...(status === "filled" ? { "#openPk": "openPk", "#openSk": "openSk" } : {}),
                },
                ExpressionAttributeValues: {
                  ":filled": filledQuantity,
                  ":status": status,
                  ":next": order.version + 1,
                  ":version": order.version,
                  ":open": "open",
                  ":now": now,
                },
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: fill,
                ConditionExpression: "attribute_not_exists(#pk)",
                ExpressionAttributeNames: { "#pk": "pk" },
              },
            },
            // The fill that completes a counted order uncounts it in the same transaction.
            ...(status === "filled" && order[COUNTED_ATTRIBUTE] ? [uncountOrder(this.table, account)] : []),
          ],
        });
        const updated: OrderItem = { ...order, filledQuantity, status, version: order.version + 1, updatedAt: now };
        return { kind: "applied", order: toOrder(updated), fill: toFill(fill) };
      } catch (error) {
        const codes = transactionCancellationCodes(error);
        if (!codes) throw error;
        if (codes[1] === "ConditionalCheckFailed") {
          const replay = await this.fillReplay(order, input);
          if (replay) return replay;
        }
      }
      // The order moved (another fill or a cancel) or a transaction conflicted: decide again.
      await backoff(attempt);
    }
    throw new ContentionError(`order ${orderId}`);
  }

  /** Positions are maintained asynchronously from the stream, so an eventually consistent read (DAX) loses nothing. */
  async listPositions(account: string): Promise<Position[]> {
    const positions: Position[] = [];
    let startKey: Item | undefined;
    do {
      const page = await readClient(this.clients, false).query({
        TableName: this.table,
        KeyConditionExpression: "#pk = :pk AND begins_with(#sk, :prefix)",
        ExpressionAttributeNames: { "#pk": "pk", "#sk": "sk" },
        ExpressionAttributeValues: { ":pk": accountPk(account), ":prefix": POSITION_SK_PREFIX },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      });
      for (const item of (page.Items ?? []) as PositionItem[]) positions.push(toPosition(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return positions;
  }

  /**
   * Open orders for a symbol in price-time priority, from the sparse sharded GSI: every shard is
   * queried in parallel (each sorted by the index sort key) and the results merged. `positions`
   * records how far each shard has been consumed, so the next page resumes every shard exactly
   * where this one stopped. GSIs are eventually consistent, so DAX may serve these queries; its
   * query cache can lag behind writes by its TTL.
   */
  async openOrdersBySymbol(
    symbol: string,
    options: { side?: Side; limit: number; positions?: ShardPosition[] },
  ): Promise<{ orders: OpenOrder[]; positions?: ShardPosition[] }> {
    const start: ShardPosition[] = options.positions ?? Array.from({ length: OPEN_ORDER_SHARDS }, () => "start" as const);
    const pages = await Promise.all(
      start.map(async (position, shard) => {
        if (position === "done") return { shard, items: [] as OrderItem[], more: false };
        const partition = openOrdersPartition(symbol, shard);
        const page = await readClient(this.clients, false).query({
          TableName: this.table,
          IndexName: OPEN_ORDERS_INDEX,
          KeyConditionExpression: "#opk = :opk" + (options.side ? " AND begins_with(#osk, :side)" : ""),
          ExpressionAttributeNames: { "#opk": "openPk", ...(options.side ? { "#osk": "openSk" } : {}) },
          ExpressionAttributeValues: {
            ":opk": partition,
            ...(options.side ? { ":side": openOrdersSidePrefix(options.side) } : {}),
          },
          Limit: options.limit,
          ...(position === "start"
            ? {}
            : { ExclusiveStartKey: { openPk: partition, openSk: position.openSk, pk: position.pk, sk: position.sk } }),
        });
        return { shard, items: (page.Items ?? []) as OrderItem[], more: page.LastEvaluatedKey !== undefined };
      }),
    );

    const merged = pages
      .flatMap((page) => page.items.map((item) => ({ shard: page.shard, item })))
      .sort((a, b) => compareStrings(a.item.openSk ?? "", b.item.openSk ?? ""))
      .slice(0, options.limit);

    const next: ShardPosition[] = start.slice();
    let anyLeft = false;
    for (const page of pages) {
      const consumed = merged.filter((m) => m.shard === page.shard);
      if (consumed.length > 0) {
        const last = consumed[consumed.length - 1].item;
        next[page.shard] = { openSk: last.openSk ?? "", pk: last.pk, sk: last.sk };
      }
      if (start[page.shard] !== "done" && (consumed.length < page.items.length || page.more)) anyLeft = true;
      else next[page.shard] = "done";
    }
    return { orders: merged.map((m) => toOpenOrder(m.item)), ...(anyLeft ? { positions: next } : {}) };
  }

  /** Readiness: both clients answer a key lookup within `timeoutMs`. */
  async ping(timeoutMs: number): Promise<void> {
    const clients = new Set<DynamoDBDocument>([this.clients.dynamo, this.clients.cache]);
    await withTimeout(
      Promise.all([...clients].map((client) => client.get({ TableName: this.table, Key: HEALTHCHECK_KEY }))),
      timeoutMs,
    );
  }

  private async getOrderItem(account: string, orderId: string, consistent: boolean): Promise<OrderItem | undefined> {
    return (await this.getItem(orderKey(account, orderId), consistent)) as OrderItem | undefined;
  }

  private async getItem(key: TableKey, consistent: boolean): Promise<Item | undefined> {
    const result = await readClient(this.clients, consistent).get({
      TableName: this.table,
      Key: key,
      ConsistentRead: consistent,
    });
    return result.Item;
  }

  /** The fill with this id if it already exists: an idempotent replay, or a reuse of the id with other values. */
  private async fillReplay(order: OrderItem, input: NewFill): Promise<FillResult | undefined> {
    const existing = (await this.getItem(fillKey(order.account, order.orderId, input.fillId), true)) as
      | FillItem
      | undefined;
    if (!existing) return undefined;
    const same = existing.quantity === input.quantity && existing.price === input.price;
    return { kind: same ? "duplicate" : "fill_id_reused", order: toOrder(order), fill: toFill(existing) };
  }
}

function fillRejection(order: OrderItem, fill: NewFill): "not_open" | "overfill" | "price_outside_limit" | undefined {
  if (order.status !== "open") return "not_open";
  if (order.filledQuantity + fill.quantity > order.quantity) return "overfill";
  const outside = order.side === "buy" ? fill.price > order.limitPrice : fill.price < order.limitPrice;
  return outside ? "price_outside_limit" : undefined;
}

export function hashOrderRequest(input: NewOrder): string {
  const canonical = JSON.stringify([input.symbol, input.side, input.quantity, input.limitPrice, input.timeInForce]);
  return createHash("sha256").update(canonical).digest("base64url");
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function backoff(attempt: number): Promise<void> {
  // Full jitter: losers of a race spread out instead of colliding again in lockstep.
  await sleep(Math.random() * Math.min(200, 10 * 2 ** attempt));
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  const controller = new AbortController();
  const timeout = sleep(ms, undefined, { signal: controller.signal }).then(() => {
    throw new Error(`timed out after ${ms} ms`);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    controller.abort();
    timeout.catch(() => undefined);
  }
}

function toOrder(item: OrderItem): Order {
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

function toFill(item: FillItem): Fill {
  return pickFields(item, FILL_FIELDS);
}

function toPosition(item: PositionItem): Position {
  return pickFields(item, POSITION_FIELDS);
}

/** A copy of `item` with only `fields`, so an API view never leaks keys or internal attributes. */
function pickFields<T extends object, K extends keyof T>(item: T, fields: readonly K[]): Pick<T, K> {
  const view = {} as Pick<T, K>;
  for (const field of fields) {
    view[field] = item[field];
  }
  return view;
}

function toOpenOrder(item: OrderItem): OpenOrder {
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
