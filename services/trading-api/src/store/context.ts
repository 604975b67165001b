/**
 * What every store operation shares: the clients, the table, the clock and the retry policy, plus
 * the two reads and the back-off that the write paths reuse.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { NativeAttributeValue } from "@aws-sdk/lib-dynamodb";
import { orderKey, type TableKey } from "../../../table/keys";
import type { OrderItem } from "../../../table/items";
import { readClient, type TableClients } from "../clients";

export type Item = Record<string, NativeAttributeValue>;

export interface StoreContext {
  readonly clients: TableClients;
  readonly table: string;
  readonly ttlSeconds: number;
  readonly now: () => Date;
  /** Optimistic-concurrency attempts before giving up with a ContentionError. */
  readonly maxWriteAttempts: number;
}

export async function getItem(ctx: StoreContext, key: TableKey, consistent: boolean): Promise<Item | undefined> {
  const result = await readClient(ctx.clients, consistent).get({
    TableName: ctx.table,
    Key: key,
    ConsistentRead: consistent,
  });
  return result.Item;
}

export async function getOrderItem(
  ctx: StoreContext,
  account: string,
  orderId: string,
  consistent: boolean,
): Promise<OrderItem | undefined> {
  return (await getItem(ctx, orderKey(account, orderId), consistent)) as OrderItem | undefined;
}

export async function backoff(attempt: number): Promise<void> {
  // Full jitter: losers of a race spread out instead of colliding again in lockstep.
  await sleep(Math.random() * Math.min(200, 10 * 2 ** attempt));
}
