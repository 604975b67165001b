/**
 * Which stream records invoke the processor. The infrastructure puts {@link STREAM_FILTER_CRITERIA}
 * on the event source mapping so Lambda discards everything but fill INSERTs before invoking (no
 * invocation cost for order updates, claims or the processor's own position writes); the handler
 * applies {@link isFillInsert} as well, so a mapping without the filter is still correct; and
 * {@link STREAM_MAPPING} says where a mapping starts and which records it may drop for age.
 * No heavy imports: a Pulumi program reads this module.
 */
import { ENTITY, ENTITY_ATTRIBUTE } from "../../table/schema";

/** Lambda event-filtering pattern: INSERT records whose new image has entity = FILL. */
export const FILL_INSERT_PATTERN = {
  eventName: ["INSERT"],
  dynamodb: { NewImage: { [ENTITY_ATTRIBUTE]: { S: [ENTITY.fill] } } },
} as const;

/** Shape of `aws.lambda.EventSourceMapping`'s `filterCriteria` (the pattern is a JSON string). */
export const STREAM_FILTER_CRITERIA: { filters: { pattern: string }[] } = {
  filters: [{ pattern: JSON.stringify(FILL_INSERT_PATTERN) }],
};

/** The same predicate in code. */
export function isFillInsert(record: {
  eventName?: string;
  dynamodb?: { NewImage?: Record<string, { S?: string }> };
}): boolean {
  return record.eventName === "INSERT" && record.dynamodb?.NewImage?.[ENTITY_ATTRIBUTE]?.S === ENTITY.fill;
}

/**
 * How long DynamoDB Streams keep a record: 24 hours ("stores this information in a log for up to 24
 * hours", DynamoDB Developer Guide, "Change data capture for DynamoDB Streams"; "The data retention
 * limit for DynamoDB Streams is 24 hours", Lambda Developer Guide, "Lambda parameters for Amazon
 * DynamoDB event source mappings").
 */
export const STREAM_RETENTION_SECONDS = 86_400;

/**
 * Where each region's mapping starts, and the oldest record it may deliver, so that a failover
 * applies exactly the fills the old consumer did not, and nothing lands in the on-failure queue
 * because of the failover itself.
 *
 * - `TRIM_HORIZON`: the standby region's mapping, created disabled, has never polled; enabled at a
 *   failover it reads its replica's stream from the oldest record still kept (up to 24 h of local and
 *   replicated writes). That includes every fill the old consumer had not applied when it stopped
 *   (or when its region was lost): nothing is skipped. The fills it had applied are replayed too and
 *   change nothing: their `positionAppliedAt` marker, written in the position's transaction, has
 *   replicated (the failover waits for replication before enabling), so the marker's condition
 *   fails and the record is `already_applied` (handler.ts). A failback resumes the old mapping from
 *   where it stopped ("If you enable again, it will resume polling from the time it had stopped
 *   polling", UpdateEventSourceMapping) with the same effect. `LATEST` would skip the fills written
 *   before the target's mapping first polls that the old consumer had not applied; `AT_TIMESTAMP`
 *   is not offered for DynamoDB streams ("AT_TIMESTAMP is supported only for Amazon Kinesis
 *   streams, Amazon DocumentDB, Amazon MSK, and self-managed Apache Kafka", CreateEventSourceMapping
 *   StartingPosition); re-creating the mapping at failover would also fight `pulumi up`.
 * - `maximumRecordAgeInSeconds`: Lambda discards records older than this and sends their metadata
 *   to the on-failure destination ("Discard records older than the specified age", the same API).
 *   At 3600 a failover started at TRIM_HORIZON sent every record between 1 and 24 hours old there,
 *   paging the queue's alarm at every failover (and would drop unapplied fills when the old consumer
 *   had been more than an hour behind). The stream's own retention discards nothing the stream still
 *   keeps, and stays a bound (the resilience policy refuses -1: a record Lambda cannot invoke for a
 *   day reaches the queue instead of being trimmed unseen). Retries stay bounded separately
 *   (maximumRetryAttempts), so a poison record still leaves its shard quickly.
 */
/**
 * Seconds one invocation of the processor may run (the function's timeout): the handler retries a
 * contended position up to 8 times with jitter. A batch under way when its mapping is disabled may
 * go on writing positions and markers that long, so the failover lets it end (and replicate) before
 * the target's consumer starts.
 */
export const STREAM_BATCH_TIMEOUT_SECONDS = 60;

export const STREAM_MAPPING = {
  startingPosition: "TRIM_HORIZON",
  maximumRecordAgeInSeconds: STREAM_RETENTION_SECONDS,
} as const;
