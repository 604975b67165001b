/**
 * Lambda handler for the trading table's stream (the file the infrastructure bundles). For every
 * fill INSERT it adds the fill to the account's position for the symbol.
 *
 * Idempotency: the position write and a marker on the fill item (`positionAppliedAt`, conditioned
 * on not being set yet) commit in one transaction, so a redelivered record (Lambda retries, a
 * replayed batch) fails the marker condition and changes nothing. The position itself is written
 * with an optimistic version check, because two shards can carry fills for the same position.
 *
 * Failures: only records that failed are returned in `batchItemFailures` (the mapping must enable
 * ReportBatchItemFailures). Lambda then retries from the lowest failed sequence number; records
 * after it that succeeded are skipped on redelivery by the marker.
 *
 * Every region has this consumer, but only the write region's runs (its event source mapping is the
 * only one enabled): with global tables every replica's stream also carries the replicated fills,
 * and two regions applying them at once would race on the same position item across regions.
 */
import { DynamoDBClient, type AttributeValue } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { fillKey, positionKey, MAX_PRICE_MINOR, MAX_QUANTITY } from "../../table/keys";
import type { PositionItem } from "../../table/items";
import { transactionCancellationCodes } from "../../table/dynamoErrors";
import { isFillInsert } from "./filter";
import { applyFillToPosition } from "./positions";

export type RecordOutcome = "applied" | "already_applied" | "ignored";

export interface ProcessorLog {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ProcessorDeps {
  /** DynamoDB directly: the processor needs strongly consistent reads and runs outside the DAX VPC path. */
  doc: DynamoDBDocument;
  tableName: string;
  log?: ProcessorLog;
  now?: () => Date;
  maxAttempts?: number;
}

const fillImage = z.object({
  account: z.string().min(1),
  orderId: z.string().min(1),
  fillId: z.string().min(1),
  symbol: z.string().min(1),
  side: z.enum(["buy", "sell"]),
  quantity: z.number().int().min(1).max(MAX_QUANTITY),
  price: z.number().int().min(1).max(MAX_PRICE_MINOR),
});

export const jsonLog: ProcessorLog = {
  info: (fields, msg) => console.log(JSON.stringify({ level: "info", msg, ...fields })),
  error: (fields, msg) => console.error(JSON.stringify({ level: "error", msg, ...fields })),
};

export function createHandler(deps: ProcessorDeps): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  const log = deps.log ?? jsonLog;
  const now = deps.now ?? (() => new Date());
  const maxAttempts = deps.maxAttempts ?? 8;

  async function processRecord(record: DynamoDBRecord): Promise<RecordOutcome> {
    if (!isFillInsert(record)) return "ignored";
    const image = unmarshall((record.dynamodb?.NewImage ?? {}) as Record<string, AttributeValue>);
    const fill = fillImage.parse(image);

    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const current = (
        await deps.doc.get({
          TableName: deps.tableName,
          Key: positionKey(fill.account, fill.symbol),
          ConsistentRead: true,
        })
      ).Item as PositionItem | undefined;
      const appliedAt = now().toISOString();
      const next = applyFillToPosition(current, fill, appliedAt);
      try {
        await deps.doc.transactWrite({
          TransactItems: [
            {
              Update: {
                TableName: deps.tableName,
                Key: fillKey(fill.account, fill.orderId, fill.fillId),
                UpdateExpression: "SET #applied = :at",
                // attribute_exists: never create a fill item that was deleted after the record was written.
                ConditionExpression: "attribute_exists(#pk) AND attribute_not_exists(#applied)",
                ExpressionAttributeNames: { "#pk": "pk", "#applied": "positionAppliedAt" },
                ExpressionAttributeValues: { ":at": appliedAt },
              },
            },
            {
              Put: {
                TableName: deps.tableName,
                Item: next,
                ...(current
                  ? {
                      ConditionExpression: "#version = :version",
                      ExpressionAttributeNames: { "#version": "version" },
                      ExpressionAttributeValues: { ":version": current.version },
                    }
                  : { ConditionExpression: "attribute_not_exists(#pk)", ExpressionAttributeNames: { "#pk": "pk" } }),
              },
            },
          ],
        });
        return "applied";
      } catch (error) {
        const codes = transactionCancellationCodes(error);
        if (!codes) throw error;
        if (codes[0] === "ConditionalCheckFailed") return "already_applied";
      }
      // The position moved under us (a fill from another shard) or the transaction conflicted.
      await sleep(Math.random() * Math.min(500, 20 * 2 ** attempt));
    }
    throw new Error(`position ${fill.account}/${fill.symbol}: gave up after ${maxAttempts} conflicting attempts`);
  }

  return async (event) => {
    const batchItemFailures: DynamoDBBatchResponse["batchItemFailures"] = [];
    const counts: Record<RecordOutcome | "failed", number> = { applied: 0, already_applied: 0, ignored: 0, failed: 0 };
    for (const record of event.Records) {
      try {
        counts[await processRecord(record)]++;
      } catch (error) {
        counts.failed++;
        const sequenceNumber = record.dynamodb?.SequenceNumber;
        log.error(
          { eventID: record.eventID, sequenceNumber, err: error instanceof Error ? error.message : String(error) },
          "record failed",
        );
        // A record without a sequence number cannot be reported; failing the whole batch is the safe fallback.
        if (!sequenceNumber) throw error;
        batchItemFailures.push({ itemIdentifier: sequenceNumber });
      }
    }
    log.info({ records: event.Records.length, ...counts }, "batch processed");
    return { batchItemFailures };
  };
}

const environment = z.object({
  TABLE_NAME: z.string({ error: "TABLE_NAME is required" }).min(1, { error: "TABLE_NAME is required" }),
  AWS_REGION: z.string({ error: "AWS_REGION is required" }).min(1, { error: "AWS_REGION is required" }),
  DYNAMODB_ENDPOINT: z.url({ protocol: /^https?$/, error: "DYNAMODB_ENDPOINT must be an http(s) URL" }).optional(),
});

/** Builds the handler's dependencies from the Lambda environment; throws naming the bad variable. */
export function depsFromEnvironment(env: Record<string, string | undefined>): ProcessorDeps {
  const parsed = environment.safeParse({
    TABLE_NAME: env.TABLE_NAME,
    AWS_REGION: env.AWS_REGION,
    DYNAMODB_ENDPOINT: env.DYNAMODB_ENDPOINT || undefined,
  });
  if (!parsed.success) {
    throw new Error(`Invalid configuration: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  }
  const client = new DynamoDBClient({
    region: parsed.data.AWS_REGION,
    ...(parsed.data.DYNAMODB_ENDPOINT ? { endpoint: parsed.data.DYNAMODB_ENDPOINT } : {}),
  });
  return { doc: DynamoDBDocument.from(client), tableName: parsed.data.TABLE_NAME };
}

let configured: ((event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>) | undefined;

/** The Lambda entry point; the client is created on the first invocation and reused by warm ones. */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  configured ??= createHandler(depsFromEnvironment(process.env));
  return configured(event);
}
