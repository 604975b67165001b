/**
 * Reads within one account's partition: one order, the account's order list, its positions.
 */
import { ORDER_SK_PREFIX, POSITION_SK_PREFIX, accountPk, type TableKey } from "../../../table/keys";
import type { OrderItem, OrderStatus, PositionItem } from "../../../table/items";
import { readClient } from "../clients";
import { call, getOrderItem, type Item, type StoreContext } from "./context";
import { toOrder, toPosition, type Order, type Position } from "./views";

/**
 * The read budget of one list page. With a status filter DynamoDB evaluates items that the filter
 * then drops (Limit counts evaluated items, not returned ones), so a page reads on until it is full
 * or the account's orders are exhausted, but never more than this many evaluated items or calls:
 * that bounds the page's latency and cost (strongly consistent reads, ~0.1 RCU per order item).
 * Only when the budget runs out does a page come back short with a cursor.
 */
const MAX_EVALUATED_PER_PAGE = 2000;
const MAX_QUERY_CALLS_PER_PAGE = 10;
/** DynamoDB returns at most 1 MB per call anyway; asking for more items than this buys nothing. */
const MAX_LIMIT_PER_CALL = 1000;

/** Eventually consistent by default (served by DAX when configured). */
export async function getOrder(ctx: StoreContext, account: string, orderId: string, consistent = false): Promise<Order | undefined> {
  const item = await getOrderItem(ctx, account, orderId, consistent);
  return item ? toOrder(item) : undefined;
}

/**
 * An account's orders, newest first, optionally one status. Strongly consistent, so from
 * DynamoDB: DAX's query cache is not refreshed by writes, and a page served from it could miss an
 * order the client just placed or disagree with the next page.
 */
export async function listOrders(
  ctx: StoreContext,
  account: string,
  options: { status?: OrderStatus; limit: number; startKey?: TableKey },
): Promise<{ orders: Order[]; nextKey?: TableKey }> {
  const orders: Order[] = [];
  let startKey: TableKey | undefined = options.startKey;
  let evaluated = 0;
  // With a filter, start by evaluating a few times what is needed and grow fourfold per call, so a
  // selective filter (or one that matches nothing) reaches the end of the range in a few calls.
  let batch = options.status ? options.limit * 4 : options.limit;
  for (let calls = 0; calls < MAX_QUERY_CALLS_PER_PAGE && evaluated < MAX_EVALUATED_PER_PAGE; calls++) {
    const remaining = options.limit - orders.length;
    const limit = options.status
      ? Math.min(Math.max(batch, remaining), MAX_LIMIT_PER_CALL, MAX_EVALUATED_PER_PAGE - evaluated)
      : remaining;
    const page = await call(ctx, (sdk) =>
      readClient(ctx.clients, true).query({
        TableName: ctx.table,
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
        Limit: limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }, sdk),
    );
    evaluated += page.ScannedCount ?? limit;
    batch *= 4;
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
  // The read budget is spent and the range goes on: a short page, and a cursor to read on from.
  return { orders, ...(startKey ? { nextKey: startKey } : {}) };
}

/** Positions are maintained asynchronously from the stream, so an eventually consistent read (DAX) loses nothing. */
export async function listPositions(ctx: StoreContext, account: string): Promise<Position[]> {
  const positions: Position[] = [];
  let startKey: Item | undefined;
  do {
    const page = await call(ctx, (sdk) =>
      readClient(ctx.clients, false).query({
        TableName: ctx.table,
        KeyConditionExpression: "#pk = :pk AND begins_with(#sk, :prefix)",
        ExpressionAttributeNames: { "#pk": "pk", "#sk": "sk" },
        ExpressionAttributeValues: { ":pk": accountPk(account), ":prefix": POSITION_SK_PREFIX },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }, sdk),
    );
    for (const item of (page.Items ?? []) as PositionItem[]) positions.push(toPosition(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return positions;
}
