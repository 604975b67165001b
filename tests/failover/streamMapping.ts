/**
 * Lambda's event source mapping on a DynamoDB stream, as far as a failover depends on it (not a test
 * file itself): one mapping per region over its own table's stream in DynamoDB Local, with the
 * documented delivery rules the real handler runs under.
 *
 * - A mapping that never polled starts at TRIM_HORIZON, the oldest record the stream keeps; one
 *   that was disabled resumes where it stopped ("If you enable again, it will resume polling from
 *   the time it had stopped polling", UpdateEventSourceMapping).
 * - Records that do not match the filter criteria are skipped without an invocation.
 * - A record older than MaximumRecordAgeInSeconds (unless -1) is discarded: its metadata goes to
 *   the on-failure destination ("Discard records older than the specified age",
 *   CreateEventSourceMapping; Lambda Developer Guide, "Retain discarded records for a DynamoDB event
 *   source").
 * - Records the function reports failed (ReportBatchItemFailures) are retried up to
 *   MaximumRetryAttempts, then go to the on-failure destination.
 *
 * Record age: DynamoDB Local stamps records with the real time (to the minute); `backdate` ages the
 * records a test names (those already in the stream at some point), so it can say "these were
 * written two hours before the failover".
 */
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import type { DynamoLocal } from "../support/dynamoLocal";
import { isFillInsert } from "../../services/stream-processor/src/filter";

export interface MappingSettings {
  startingPosition: "TRIM_HORIZON";
  maximumRecordAgeInSeconds: number;
  maximumRetryAttempts: number;
  batchSize: number;
}

export interface OnFailureMessage {
  sequenceNumber: string;
  condition: "RecordAgeExceeded" | "RetryAttemptsExhausted";
}

/** Records (by sequence number) to treat as `byMs` older than their stamp says. */
export interface Backdate {
  sequences: ReadonlySet<string>;
  byMs: number;
}

/** The sequence numbers of every record in `tables`' streams now: what a Backdate names as "earlier". */
export async function recordsSoFar(ddb: DynamoLocal, tables: string[]): Promise<Set<string>> {
  const sequences = new Set<string>();
  for (const table of tables) for (const record of await ddb.readStreamRecords(table)) sequences.add(String(record.dynamodb?.SequenceNumber));
  return sequences;
}

export class StreamMapping {
  enabled: boolean;
  /** What the on-failure queue received (the DLQ alarm pages on any message). */
  readonly onFailure: OnFailureMessage[] = [];
  /** The checkpoint: sequence numbers already delivered, skipped or discarded. */
  private readonly done = new Set<string>();

  constructor(
    private readonly ddb: DynamoLocal,
    private readonly table: string,
    private readonly handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>,
    private readonly settings: MappingSettings,
    options: { enabled: boolean },
  ) {
    this.enabled = options.enabled;
  }

  /** One pass over everything past the checkpoint, as the poller does while the mapping is enabled. */
  async poll(backdate?: Backdate, now = Date.now()): Promise<void> {
    if (!this.enabled) return;
    const ageMs = (record: DynamoDBRecord) => {
      const created = Number(record.dynamodb?.ApproximateCreationDateTime) * 1000;
      return now - created + (backdate?.sequences.has(String(record.dynamodb?.SequenceNumber)) ? backdate.byMs : 0);
    };
    const pending: DynamoDBRecord[] = [];
    for (const record of await this.ddb.readStreamRecords(this.table)) {
      const sequence = String(record.dynamodb?.SequenceNumber);
      if (this.done.has(sequence)) continue;
      this.done.add(sequence);
      if (!isFillInsert(record)) continue;
      const limit = this.settings.maximumRecordAgeInSeconds;
      if (limit !== -1 && ageMs(record) > limit * 1000) {
        this.onFailure.push({ sequenceNumber: sequence, condition: "RecordAgeExceeded" });
        continue;
      }
      pending.push(record);
    }
    for (let i = 0; i < pending.length; i += this.settings.batchSize) {
      let batch = pending.slice(i, i + this.settings.batchSize);
      for (let attempt = 0; batch.length > 0; attempt++) {
        const failed = new Set((await this.handler({ Records: batch })).batchItemFailures.map((f) => f.itemIdentifier));
        // Lambda retries from the lowest failed sequence number; the records before it are done.
        const first = batch.findIndex((r) => failed.has(String(r.dynamodb?.SequenceNumber)));
        batch = first === -1 ? [] : batch.slice(first);
        if (batch.length > 0 && attempt >= this.settings.maximumRetryAttempts) {
          for (const r of batch) this.onFailure.push({ sequenceNumber: String(r.dynamodb?.SequenceNumber), condition: "RetryAttemptsExhausted" });
          batch = [];
        }
      }
    }
  }
}
