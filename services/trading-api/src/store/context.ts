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
  /** Placed orders may count towards an open-order limit, so cancels uncount them (risk/openOrderCounter.ts). */
  readonly openOrderCounting: boolean;
  /**
   * The API request's deadline, when the operation runs for one: aborts the SDK's attempts and
   * retries (DynamoDBDocument takes it as `abortSignal`) and stops the store's own retry loops.
   */
  readonly signal?: AbortSignal;
}

/** Per-call SDK options: the deadline's abort signal, when there is one. */
type CallOptions = { abortSignal: AbortSignal } | undefined;

/**
 * Runs one store call under the context's deadline. DaxDocument ignores `abortSignal` (its requests
 * end at its own requestTimeout), so the signal is checked again when the call returns: work past
 * the deadline never carries on to the next step.
 */
export async function call<T>(ctx: StoreContext, op: (options: CallOptions) => Promise<T>): Promise<T> {
  const signal = ctx.signal;
  if (!signal) return op(undefined);
  signal.throwIfAborted();
  const result = await op({ abortSignal: signal });
  signal.throwIfAborted();
  return result;
}

export async function getItem(ctx: StoreContext, key: TableKey, consistent: boolean): Promise<Item | undefined> {
  const result = await call(ctx, (options) =>
    readClient(ctx.clients, consistent).get({ TableName: ctx.table, Key: key, ConsistentRead: consistent }, options),
  );
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

export async function backoff(ctx: StoreContext, attempt: number): Promise<void> {
  // Full jitter: losers of a race spread out instead of colliding again in lockstep.
  await sleep(Math.random() * Math.min(200, 10 * 2 ** attempt), undefined, ctx.signal ? { signal: ctx.signal } : undefined);
}
