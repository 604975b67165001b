/**
 * Placing and cancelling orders: the two writes on an order that do not depend on its fills.
 */
import { createHash } from "node:crypto";
import { ENTITY, TTL_ATTRIBUTE } from "../../../table/schema";
import { clientOrderKey, openOrderIndexAttributes, orderKey } from "../../../table/keys";
import type { ClientOrderItem, OrderItem, Side, TimeInForce } from "../../../table/items";
import { isConditionalCheckFailed, transactionCancellationCodes } from "../../../table/dynamoErrors";
import { writeClient } from "../clients";
import { ContentionError } from "../errors";
import { newOrderId } from "../ids";
import { COUNTED_ATTRIBUTE, countFromCancellation, countNewOrder, uncountOrder } from "../risk/openOrderCounter";
import { backoff, call, getItem, getOrderItem, type StoreContext } from "./context";
import { toOrder, type Order } from "./views";

export interface NewOrder {
  account: string;
  clientOrderId: string;
  symbol: string;
  side: Side;
  quantity: number;
  limitPrice: number;
  timeInForce: TimeInForce;
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

/**
 * Places an order exactly once per (account, clientOrderId). The claim item and the order are put
 * in one transaction, the claim conditioned on not existing (or having expired); whoever loses
 * reads the claim strongly consistently and returns the winner's order. A retry that changes the
 * order's parameters gets `client_order_id_reused` instead of silently receiving a different order.
 */
export async function createOrder(ctx: StoreContext, input: NewOrder, options: CreateOrderOptions = {}): Promise<CreateOrderResult> {
  const limit = options.openOrderLimit;
  const now = ctx.now();
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
    expiresAt: nowSeconds + ctx.ttlSeconds,
  };

  for (let attempt = 0; attempt < ctx.maxWriteAttempts; attempt++) {
    try {
      await call(ctx, (sdk) =>
        writeClient(ctx.clients).transactWrite({
          TransactItems: [
            {
              Put: {
                TableName: ctx.table,
                Item: claim,
                ConditionExpression: "attribute_not_exists(#pk) OR #ttl < :now",
                ExpressionAttributeNames: { "#pk": "pk", "#ttl": TTL_ATTRIBUTE },
                ExpressionAttributeValues: { ":now": nowSeconds },
              },
            },
            {
              Put: {
                TableName: ctx.table,
                Item: order,
                ConditionExpression: "attribute_not_exists(#pk)",
                ExpressionAttributeNames: { "#pk": "pk" },
              },
            },
            ...(limit !== undefined ? [countNewOrder(ctx.table, input.account, limit)] : []),
          ],
        }, sdk),
      );
      return { kind: "created", order: toOrder(order) };
    } catch (error) {
      const codes = transactionCancellationCodes(error);
      if (!codes) throw error;
      // An existing claim wins over the limit: a retry gets its original order back.
      if (limit !== undefined && codes[2] === "ConditionalCheckFailed" && codes[0] !== "ConditionalCheckFailed") {
        return { kind: "open_order_limit", limit, openOrders: countFromCancellation(error, 2) ?? limit };
      }
    }
    const existing = (await getItem(ctx, clientOrderKey(input.account, input.clientOrderId), true)) as
      | ClientOrderItem
      | undefined;
    if (existing && existing.expiresAt >= nowSeconds) {
      const original = await getOrderItem(ctx, input.account, existing.orderId, true);
      if (!original) throw new Error(`client order id claim ${existing.sk} points at missing order ${existing.orderId}`);
      return existing.requestHash === requestHash
        ? { kind: "existing", order: toOrder(original) }
        : { kind: "client_order_id_reused", order: toOrder(original) };
    }
    // Cancelled by a concurrent transaction that has not committed yet: back off and try again.
    await backoff(ctx, attempt);
  }
  throw new ContentionError(`client order id ${input.clientOrderId}`);
}

/**
 * Cancels an open order in one conditional update that also removes it from the sparse index.
 * On a failed condition the current state is read strongly consistently for the 409 body.
 */
export async function cancelOrder(ctx: StoreContext, account: string, orderId: string): Promise<CancelResult> {
  const counted = ctx.openOrderCounting ? await cancelCountedOrder(ctx, account, orderId) : undefined;
  if (counted) return counted;
  const now = ctx.now().toISOString();
  try {
    const result = await call(ctx, (sdk) =>
      writeClient(ctx.clients).update({
        TableName: ctx.table,
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
      }, sdk),
    );
    return { kind: "cancelled", order: toOrder(result.Attributes as OrderItem) };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
  const current = await getOrderItem(ctx, account, orderId, true);
  return current ? { kind: "not_open", order: toOrder(current) } : { kind: "not_found" };
}

/**
 * Cancels an open order that counts towards its account's open orders, uncounting it in the same
 * transaction. Undefined when the order is not open, not counted or missing: cancelOrder's single
 * conditional update then decides. Conflicts with a concurrent placement are retried, never refused.
 */
async function cancelCountedOrder(ctx: StoreContext, account: string, orderId: string): Promise<CancelResult | undefined> {
  for (let attempt = 0; attempt < ctx.maxWriteAttempts; attempt++) {
    const now = ctx.now().toISOString();
    try {
      await call(ctx, (sdk) =>
        writeClient(ctx.clients).transactWrite({
          TransactItems: [
            {
              Update: {
                TableName: ctx.table,
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
            uncountOrder(ctx.table, account),
          ],
        }, sdk),
      );
      const order = await getOrderItem(ctx, account, orderId, true);
      if (!order) throw new Error(`order ${orderId} vanished after its cancel committed`);
      return { kind: "cancelled", order: toOrder(order) };
    } catch (error) {
      const codes = transactionCancellationCodes(error);
      if (!codes) throw error;
      if (codes[0] === "ConditionalCheckFailed") return undefined;
    }
    await backoff(ctx, attempt);
  }
  throw new ContentionError(`order ${orderId}`);
}

/** What makes two placements "the same request": everything but the ids. */
export function hashOrderRequest(input: NewOrder): string {
  const canonical = JSON.stringify([input.symbol, input.side, input.quantity, input.limitPrice, input.timeInForce]);
  return createHash("sha256").update(canonical).digest("base64url");
}
