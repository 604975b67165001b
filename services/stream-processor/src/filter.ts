/**
 * Which stream records invoke the processor. The infrastructure puts {@link STREAM_FILTER_CRITERIA}
 * on the event source mapping so Lambda discards everything but fill INSERTs before invoking (no
 * invocation cost for order updates, claims or the processor's own position writes); the handler
 * applies {@link isFillInsert} as well, so a mapping without the filter is still correct.
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
