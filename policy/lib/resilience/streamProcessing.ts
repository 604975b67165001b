/**
 * A stream consumer that fails on one record must neither stop its shard nor lose the record
 * silently. With Lambda's defaults for DynamoDB and Kinesis event source mappings
 * (MaximumRetryAttempts and MaximumRecordAgeInSeconds -1, "failed records are retried until the
 * record expires"; BisectBatchOnFunctionError false; no DestinationConfig), one poison record blocks
 * its shard for up to the stream's retention (24 hours for DynamoDB Streams) and is then dropped
 * unseen. AWS Lambda docs, "Lambda parameters for Amazon DynamoDB event source mappings" and
 * CreateEventSourceMapping's error-handling options: bound retries and age, split failing batches,
 * report the failed items only (ReportBatchItemFailures), and send what is discarded to an
 * on-failure destination.
 *
 * Which mappings read a stream: a known source ARN says so (DynamoDB stream or Kinesis); an unknown
 * one is judged by the resource it depends on (a table, replica or Kinesis stream of this stack), and
 * failing that (a stream ARN read from a data source or another stack) by `startingPosition`, which
 * only stream and Kafka sources take, when no Kafka source is configured.
 */
import { GraphResource, TYPES } from "../graph";
import { knownStrings, peek, peekBoolean, peekNumber, peekString, UNKNOWN } from "../values";

export const STREAM_ARN = /^arn:aws[a-z-]*:(dynamodb:[^:]*:[^:]*:table\/[^/]+\/stream\/|kinesis:)/;
export const STREAM_SOURCE_TYPES: ReadonlySet<string> = new Set([TYPES.dynamoTable, TYPES.dynamoTableReplica, TYPES.kinesisStream]);
export const KAFKA_SETTINGS = ["selfManagedEventSource", "selfManagedKafkaEventSourceConfig", "amazonManagedKafkaEventSourceConfig"];

export const isSet = (value: unknown) => value !== undefined && value !== null && value !== "";

export function readsAStream(mapping: GraphResource): boolean {
  const arn = peekString(mapping.props, "eventSourceArn");
  if (typeof arn === "string") {
    return STREAM_ARN.test(arn);
  }
  const sources = mapping.propertyDependencies.eventSourceArn ?? [];
  if (sources.length > 0) {
    return sources.some((s) => STREAM_SOURCE_TYPES.has(s.type));
  }
  return isSet(peek(mapping.props, "startingPosition")) && !KAFKA_SETTINGS.some((k) => isSet(peek(mapping.props, k)));
}

export interface StreamFailureConfig {
  maxRetryAttempts: number;
  maxRecordAgeSeconds: number;
}

/** What is wrong with one mapping's error handling; empty when nothing is. */
export function problems(mapping: GraphResource, config: StreamFailureConfig): string[] {
  const found: string[] = [];
  const destination = peek(mapping.props, "destinationConfig", "onFailure", "destinationArn");
  if (!isSet(destination)) {
    found.push("no on-failure destination (destinationConfig.onFailure.destinationArn), so discarded records are lost unseen");
  }
  const retries = peekNumber(mapping.props, "maximumRetryAttempts");
  if (retries === undefined || retries === -1) {
    found.push("unbounded retries (maximumRetryAttempts unset or -1): a failing record blocks its shard until it expires");
  } else if (retries !== UNKNOWN && retries > config.maxRetryAttempts) {
    found.push(`maximumRetryAttempts ${retries} above ${config.maxRetryAttempts}`);
  }
  const age = peekNumber(mapping.props, "maximumRecordAgeInSeconds");
  if (age === undefined || age === -1) {
    found.push("no maximum record age (maximumRecordAgeInSeconds unset or -1)");
  } else if (age !== UNKNOWN && age > config.maxRecordAgeSeconds) {
    found.push(`maximumRecordAgeInSeconds ${age} above ${config.maxRecordAgeSeconds}`);
  }
  const bisect = peekBoolean(mapping.props, "bisectBatchOnFunctionError");
  if (bisect !== true && bisect !== UNKNOWN) {
    found.push("failing batches are retried whole (bisectBatchOnFunctionError is not true)");
  }
  const responseTypes = knownStrings(mapping.props, "functionResponseTypes");
  if (!responseTypes.someUnknown && !responseTypes.values.includes("ReportBatchItemFailures")) {
    found.push("the function cannot report the failed items only (functionResponseTypes lacks ReportBatchItemFailures)");
  }
  return found;
}
