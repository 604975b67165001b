/**
 * The per-account count of open orders, kept in one item of the account's partition and changed only
 * inside the transactions that open or close an order, so that the limit "open orders < max" holds
 * under any concurrency: N parallel orders either see each other's increments or conflict and retry.
 *
 * - placing an order increments it, conditioned on the count being below the limit;
 * - a cancel, or the fill that completes an order, decrements it in the same transaction;
 * - an order carries `openCounted` when its placement counted it, so orders placed without a limit
 *   (before this version, or by a store used without risk checks) never decrement the count.
 */
import type { NativeAttributeValue } from "@aws-sdk/lib-dynamodb";
import { accountPk } from "../../../table/keys";

export const OPEN_ORDER_COUNTER_SK = "OPENORDERS";
export const COUNTED_ATTRIBUTE = "openCounted";
const COUNT_ATTRIBUTE = "openOrders";

export function counterKey(account: string): { pk: string; sk: string } {
  return { pk: accountPk(account), sk: OPEN_ORDER_COUNTER_SK };
}

/** The transaction item that counts a new order, refused once the count has reached `limit`. */
export function countNewOrder(tableName: string, account: string, limit: number) {
  return {
    Update: {
      TableName: tableName,
      Key: counterKey(account),
      UpdateExpression: "ADD #count :one SET #entity = :entity",
      ConditionExpression: "attribute_not_exists(#count) OR #count < :limit",
      ExpressionAttributeNames: { "#count": COUNT_ATTRIBUTE, "#entity": "entity" },
      ExpressionAttributeValues: { ":one": 1, ":limit": limit, ":entity": "openOrderCount" },
      ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const,
    },
  };
}

/** The transaction item that uncounts an order leaving the open state. Never conditioned: a cancel is never refused. */
export function uncountOrder(tableName: string, account: string) {
  return {
    Update: {
      TableName: tableName,
      Key: counterKey(account),
      UpdateExpression: "ADD #count :minusOne",
      ExpressionAttributeNames: { "#count": COUNT_ATTRIBUTE },
      ExpressionAttributeValues: { ":minusOne": -1 },
    },
  };
}

/** The count a refused increment saw (from the cancellation reason's item), if DynamoDB returned it. */
export function countFromCancellation(error: unknown, index: number): number | undefined {
  const record = error as { CancellationReasons?: { Item?: Record<string, NativeAttributeValue> }[] };
  const value = record.CancellationReasons?.[index]?.Item?.[COUNT_ATTRIBUTE] as unknown;
  if (typeof value === "number") return value;
  if (typeof value === "object" && value !== null && "N" in value) return Number((value as { N: string }).N);
  return undefined;
}
