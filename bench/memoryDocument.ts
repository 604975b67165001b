/**
 * An in-memory stand-in for DynamoDBDocument, covering exactly the calls the benchmark's paths make
 * (placing an order: transactWrite of two conditional Puts; reading one: get). With the store this
 * cheap, what remains of a request's cost is the HTTP service itself, which is what the benchmark
 * compares against a bare node:http handler. Anything else throws rather than pretending.
 */
import type { DynamoDBDocument, NativeAttributeValue } from "@aws-sdk/lib-dynamodb";

type Item = Record<string, NativeAttributeValue>;

interface PutRequest {
  TableName?: string;
  Item?: Item;
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, NativeAttributeValue>;
}

class ConditionFailed extends Error {}

export class MemoryDocument {
  private readonly items = new Map<string, Item>();

  private static key(key: Item): string {
    return `${String(key.pk)}\u0000${String(key.sk)}`;
  }

  /** The two condition shapes the order store uses for puts; others are refused. */
  private check(put: PutRequest, existing: Item | undefined): void {
    const names = put.ExpressionAttributeNames ?? {};
    const values = put.ExpressionAttributeValues ?? {};
    switch (put.ConditionExpression) {
      case undefined:
        return;
      case "attribute_not_exists(#pk)":
        if (existing && existing[names["#pk"]] !== undefined) throw new ConditionFailed();
        return;
      case "attribute_not_exists(#pk) OR #ttl < :now":
        if (existing && existing[names["#pk"]] !== undefined && !(Number(existing[names["#ttl"]]) < Number(values[":now"]))) {
          throw new ConditionFailed();
        }
        return;
      default:
        throw new Error(`MemoryDocument: unsupported condition ${put.ConditionExpression}`);
    }
  }

  async get(input: { Key?: Item }): Promise<{ Item?: Item }> {
    await Promise.resolve();
    const item = this.items.get(MemoryDocument.key(input.Key ?? {}));
    return item ? { Item: structuredClone(item) } : {};
  }

  async transactWrite(input: { TransactItems?: { Put?: PutRequest }[] }): Promise<object> {
    await Promise.resolve();
    const puts = (input.TransactItems ?? []).map((entry) => {
      if (!entry.Put?.Item) throw new Error("MemoryDocument: only Put is supported in transactWrite");
      return entry.Put;
    });
    const reasons = puts.map((put) => {
      try {
        this.check(put, this.items.get(MemoryDocument.key(put.Item ?? {})));
        return { Code: "None" };
      } catch (error) {
        if (error instanceof ConditionFailed) return { Code: "ConditionalCheckFailed" };
        throw error;
      }
    });
    if (reasons.some((r) => r.Code !== "None")) {
      throw Object.assign(new Error("Transaction cancelled"), { name: "TransactionCanceledException", CancellationReasons: reasons });
    }
    for (const put of puts) this.items.set(MemoryDocument.key(put.Item ?? {}), structuredClone(put.Item ?? {}));
    return {};
  }

  asDocument(): DynamoDBDocument {
    return this as unknown as DynamoDBDocument;
  }
}
