/**
 * The readiness probe's store check: every distinct client answers a key lookup in time.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";
import { HEALTHCHECK_KEY } from "../../../table/keys";
import type { StoreContext } from "./context";

export async function ping(ctx: StoreContext, timeoutMs: number): Promise<void> {
  const clients = new Set<DynamoDBDocument>([ctx.clients.dynamo, ctx.clients.cache]);
  await withTimeout(
    Promise.all([...clients].map((client) => client.get({ TableName: ctx.table, Key: HEALTHCHECK_KEY }))),
    timeoutMs,
  );
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
