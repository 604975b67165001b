/**
 * Applying fills to an order: the decision (open? over-filled? inside the limit?) and the write
 * that commits it together with the fill item, or the replay of a fill id seen before.
 */
import { ENTITY } from "../../../table/schema";
import { fillKey, orderKey } from "../../../table/keys";
import type { FillItem, OrderItem, OrderStatus } from "../../../table/items";
import { transactionCancellationCodes } from "../../../table/dynamoErrors";
import { writeClient } from "../clients";
import { ContentionError } from "../errors";
import { COUNTED_ATTRIBUTE, uncountOrder } from "../risk/openOrderCounter";
import { backoff, call, getItem, getOrderItem, type StoreContext } from "./context";
import { toFill, toOrder, type Fill, type Order } from "./views";

export interface NewFill {
  fillId: string;
  quantity: number;
  price: number;
}

export type FillResult =
  | { kind: "applied"; order: Order; fill: Fill }
  | { kind: "duplicate"; order: Order; fill: Fill }
  | { kind: "fill_id_reused"; order: Order; fill: Fill }
  | { kind: "not_open"; order: Order }
  | { kind: "overfill"; order: Order }
  | { kind: "price_outside_limit"; order: Order }
  | { kind: "not_found" };

/**
 * Applies one fill: the order's filled quantity/status/version and the fill item change in one
 * transaction. The order update is conditioned on the version just read and on the order being
 * open, so a concurrent cancel or fill makes the whole transaction fail (nothing is written) and
 * the decision is made again on fresh state: an over-fill or a fill of a cancelled order can
 * never be committed. A retried fill id returns the original fill.
 */
export async function applyFill(ctx: StoreContext, account: string, orderId: string, input: NewFill): Promise<FillResult> {
  for (let attempt = 0; attempt < ctx.maxWriteAttempts; attempt++) {
    const order = await getOrderItem(ctx, account, orderId, true);
    if (!order) return { kind: "not_found" };
    const rejection = fillRejection(order, input);
    if (rejection) return (await fillReplay(ctx, order, input)) ?? { kind: rejection, order: toOrder(order) };

    const now = ctx.now().toISOString();
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
      await call(ctx, (sdk) =>
        writeClient(ctx.clients).transactWrite({
          TransactItems: [
            {
              Update: {
                TableName: ctx.table,
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
                TableName: ctx.table,
                Item: fill,
                ConditionExpression: "attribute_not_exists(#pk)",
                ExpressionAttributeNames: { "#pk": "pk" },
              },
            },
            // The fill that completes a counted order uncounts it in the same transaction.
            ...(status === "filled" && order[COUNTED_ATTRIBUTE] ? [uncountOrder(ctx.table, account)] : []),
          ],
        }, sdk),
      );
      const updated: OrderItem = { ...order, filledQuantity, status, version: order.version + 1, updatedAt: now };
      return { kind: "applied", order: toOrder(updated), fill: toFill(fill) };
    } catch (error) {
      const codes = transactionCancellationCodes(error);
      if (!codes) throw error;
      if (codes[1] === "ConditionalCheckFailed") {
        const replay = await fillReplay(ctx, order, input);
        if (replay) return replay;
      }
    }
    // The order moved (another fill or a cancel) or a transaction conflicted: decide again.
    await backoff(ctx, attempt);
  }
  throw new ContentionError(`order ${orderId}`);
}

function fillRejection(order: OrderItem, fill: NewFill): "not_open" | "overfill" | "price_outside_limit" | undefined {
  if (order.status !== "open") return "not_open";
  if (order.filledQuantity + fill.quantity > order.quantity) return "overfill";
  const outside = order.side === "buy" ? fill.price > order.limitPrice : fill.price < order.limitPrice;
  return outside ? "price_outside_limit" : undefined;
}

/** The fill with this id if it already exists: an idempotent replay, or a reuse of the id with other values. */
async function fillReplay(ctx: StoreContext, order: OrderItem, input: NewFill): Promise<FillResult | undefined> {
  const existing = (await getItem(ctx, fillKey(order.account, order.orderId, input.fillId), true)) as FillItem | undefined;
  if (!existing) return undefined;
  const same = existing.quantity === input.quantity && existing.price === input.price;
  return { kind: same ? "duplicate" : "fill_id_reused", order: toOrder(order), fill: toFill(existing) };
}
