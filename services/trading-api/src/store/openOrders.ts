/**
 * The open-orders book of a symbol, read from the sparse, write-sharded GSI and merged into
 * price-time priority.
 */
import { OPEN_ORDERS_INDEX, OPEN_ORDER_SHARDS } from "../../../table/schema";
import { openOrdersPartition, openOrdersSidePrefix } from "../../../table/keys";
import type { OrderItem, Side } from "../../../table/items";
import { readClient } from "../clients";
import { call, type StoreContext } from "./context";
import { toOpenOrder, type OpenOrder } from "./views";

/** Where one GSI shard's scan stands between pages: not started, finished, or after a key. */
export type ShardPosition = "start" | "done" | { openSk: string; pk: string; sk: string };

/**
 * Open orders for a symbol in price-time priority, from the sparse sharded GSI: every shard is
 * queried in parallel (each sorted by the index sort key) and the results merged. `positions`
 * records how far each shard has been consumed, so the next page resumes every shard exactly
 * where this one stopped. GSIs are eventually consistent, so DAX may serve these queries; its
 * query cache can lag behind writes by its TTL.
 */
export async function openOrdersBySymbol(
  ctx: StoreContext,
  symbol: string,
  options: { side?: Side; limit: number; positions?: ShardPosition[] },
): Promise<{ orders: OpenOrder[]; positions?: ShardPosition[] }> {
  const start: ShardPosition[] = options.positions ?? Array.from({ length: OPEN_ORDER_SHARDS }, () => "start" as const);
  const pages = await Promise.all(
    start.map(async (position, shard) => {
      if (position === "done") return { shard, items: [] as OrderItem[], more: false };
      const partition = openOrdersPartition(symbol, shard);
      const page = await call(ctx, (sdk) =>
        readClient(ctx.clients, false).query({
          TableName: ctx.table,
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
        }, sdk),
      );
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

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
