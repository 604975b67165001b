/**
 * An in-memory stand-in for DynamoDBDocument, covering exactly the calls the benchmark's paths make:
 * placing an order is a transactWrite of two conditional Puts (the client order id claim and the
 * order) and, on the full order path, a conditional Update of the account's open-order counter
 * (`ADD #count :one SET #entity = :entity` if `attribute_not_exists(#count) OR #count < :limit`);
 * reading one is a get; a single update is there for the cancel path. With the store this cheap,
 * what remains of a request's cost is the HTTP service and its pre-trade checks, which is what the
 * benchmark compares against a bare node:http handler.
 *
 * The semantics are DynamoDB's for what is covered (memoryExpressions.ts): a transaction checks every
 * condition against the state before it and applies all writes or none, refuses two actions on one
 * item, and reports per-item CancellationReasons (`ConditionalCheckFailed` with the old item, in
 * attribute-value form as the SDK returns it, when `ReturnValuesOnConditionCheckFailure: ALL_OLD`;
 * `ValidationError` for an update of a key attribute); an Update creates a missing item from its key.
 * tests/bench/memoryDocument.test.ts runs the same requests on DynamoDB Local and compares.
 * Anything else throws rather than pretending. The table's key is (pk, sk), as the service's.
 */
import type { DynamoDBDocument, NativeAttributeValue } from "@aws-sdk/lib-dynamodb";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { applyUpdate, conditionHolds, ItemValidationError, ValidationException, type Expressions, type Item } from "./memoryExpressions";

interface PutRequest extends Expressions {
  TableName?: string;
  Item?: Item;
  ReturnValuesOnConditionCheckFailure?: "ALL_OLD" | "NONE";
}

interface UpdateRequest extends Expressions {
  TableName?: string;
  Key?: Item;
  ReturnValues?: "NONE" | "ALL_NEW" | "ALL_OLD";
  ReturnValuesOnConditionCheckFailure?: "ALL_OLD" | "NONE";
}

type TransactItem = { Put?: PutRequest; Update?: UpdateRequest; [other: string]: unknown };

interface CancellationReason {
  Code: "None" | "ConditionalCheckFailed" | "ValidationError";
  Message?: string;
  /** As the SDK delivers it: in DynamoDB's attribute-value form (lib-dynamodb does not unmarshall it). */
  Item?: Record<string, AttributeValue>;
}

const CONDITION_FAILED = "The conditional request failed";

function keyOf(item: Item): Item {
  if (typeof item.pk !== "string" || typeof item.sk !== "string") {
    throw new ValidationException("One or more parameter values were invalid: the key (pk, sk) must be two strings");
  }
  return { pk: item.pk, sk: item.sk };
}

export class MemoryDocument {
  private readonly items = new Map<string, Item>();

  private static id(key: Item): string {
    return `${String(key.pk)}\u0000${String(key.sk)}`;
  }

  async get(input: { Key?: Item }): Promise<{ Item?: Item }> {
    await Promise.resolve();
    const item = this.items.get(MemoryDocument.id(keyOf(input.Key ?? {})));
    return item ? { Item: structuredClone(item) } : {};
  }

  async update(input: UpdateRequest): Promise<{ Attributes?: Item }> {
    await Promise.resolve();
    const key = keyOf(input.Key ?? {});
    const id = MemoryDocument.id(key);
    const existing = this.items.get(id);
    if (input.ReturnValuesOnConditionCheckFailure === "ALL_OLD") throw new ValidationException("MemoryDocument: ReturnValuesOnConditionCheckFailure is supported in transactWrite only");
    if (!conditionHolds(input, existing)) throw Object.assign(new Error(CONDITION_FAILED), { name: "ConditionalCheckFailedException" });
    const next = applyUpdate(input, key, existing);
    this.items.set(id, next);
    if (input.ReturnValues === "ALL_NEW") return { Attributes: structuredClone(next) };
    if (input.ReturnValues === "ALL_OLD" && existing) return { Attributes: structuredClone(existing) };
    return {};
  }

  async transactWrite(input: { TransactItems?: TransactItem[] }): Promise<object> {
    await Promise.resolve();
    const actions = (input.TransactItems ?? []).map((entry) => {
      const kinds = Object.keys(entry).filter((k) => entry[k] !== undefined);
      if (kinds.length !== 1 || !(entry.Put || entry.Update)) {
        throw new ValidationException(`MemoryDocument: transactWrite supports one Put or Update per item, got ${kinds.join(", ")}`);
      }
      if (entry.Put) {
        const put = entry.Put;
        if (!put.Item) throw new ValidationException("A Put needs an Item");
        if (put.UpdateExpression !== undefined) throw new ValidationException("A Put takes no UpdateExpression");
        const key = keyOf(put.Item);
        return { id: MemoryDocument.id(key), request: put as Expressions & { ReturnValuesOnConditionCheckFailure?: string }, write: () => structuredClone(put.Item as Item) };
      }
      const update = entry.Update as UpdateRequest;
      const key = keyOf(update.Key ?? {});
      const id = MemoryDocument.id(key);
      return { id, request: update, write: () => applyUpdate(update, key, this.items.get(id)) };
    });
    if (actions.length === 0 || actions.length > 100) throw new ValidationException("A transaction has 1 to 100 actions");
    if (new Set(actions.map((a) => a.id)).size !== actions.length) {
      throw new ValidationException("Transaction request cannot include multiple operations on one item");
    }
    // Every condition is judged against the state before the transaction; nothing runs in between
    // (no await from here on), so the transaction is atomic and isolated. New items are computed
    // first and stored only if every action passed: a refusal leaves nothing half-applied.
    const writes: [string, Item][] = [];
    const reasons: CancellationReason[] = actions.map((action) => {
      const existing = this.items.get(action.id);
      if (!conditionHolds(action.request, existing)) {
        return {
          Code: "ConditionalCheckFailed",
          Message: CONDITION_FAILED,
          ...(action.request.ReturnValuesOnConditionCheckFailure === "ALL_OLD" && existing ? { Item: marshall(existing) } : {}),
        };
      }
      try {
        writes.push([action.id, action.write()]);
      } catch (error) {
        if (error instanceof ItemValidationError) return { Code: "ValidationError", Message: error.message };
        throw error;
      }
      return { Code: "None" };
    });
    if (reasons.some((r) => r.Code !== "None")) {
      throw Object.assign(new Error(`Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(", ")}]`), {
        name: "TransactionCanceledException",
        CancellationReasons: reasons,
      });
    }
    for (const [id, item] of writes) this.items.set(id, item);
    return {};
  }

  /** The stored item (a copy), for tests of the double itself. */
  peek(key: { pk: string; sk: string }): Record<string, NativeAttributeValue> | undefined {
    const item = this.items.get(MemoryDocument.id(key));
    return item ? structuredClone(item) : undefined;
  }

  asDocument(): DynamoDBDocument {
    return this as unknown as DynamoDBDocument;
  }
}
