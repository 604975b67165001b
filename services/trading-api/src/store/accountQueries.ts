/**
 * Reads within one account's partition: one order, the account's order list, its positions.
 */
import { ORDER_SK_PREFIX, POSITION_SK_PREFIX, accountPk, type TableKey } from "../../../table/keys";
import type { OrderItem, OrderStatus, PositionItem } from "../../../table/items";
import { readClient } from "../clients";
import { call, getOrderItem, type Item, type StoreContext } from "./context";
import { toOrder, toPosition, type Order, type Position } from "./views";

/** Most DynamoDB round trips one list page may take; bounds latency when a filter rejects most items. */
const MAX_QUERY_CALLS_PER_PAGE = 10;

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
  for (let calls = 0; calls < MAX_QUERY_CALLS_PER_PAGE; calls++) {
    const remaining = options.limit - orders.length;
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
        // With a filter most evaluated items may be dropped, so evaluate more than we need and cut.
        Limit: options.status ? Math.min(remaining * 4, 1000) : remaining,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }, sdk),
    );
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
