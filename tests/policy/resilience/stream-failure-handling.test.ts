// stream-failure-handling: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { resiliencePack } from "../../../policy/resilience/policies";
import { dynamoTable, T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("stream-failure-handling", () => {
  const handled = (fx: Fixture, queue: ReturnType<Fixture["add"]>) => ({
    destinationConfig: { onFailure: { destinationArn: fx.ref(queue, "arn") } },
    maximumRetryAttempts: 5,
    maximumRecordAgeInSeconds: 3600,
    bisectBatchOnFunctionError: true,
    functionResponseTypes: ["ReportBatchItemFailures"],
  });

  it("passes a bounded, bisecting, partial-batch mapping with an on-failure queue and fails the defaults and loose bounds", async () => {
    for (const preview of [false, true]) {
      const fx = new Fixture({ preview });
      const { table } = dynamoTable(fx, { props: { streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES" } });
      const fn = fx.add(T.fn, "processor", { runtime: "nodejs24.x" });
      const queue = fx.add(T.queue, "failures", {});
      const source = { eventSourceArn: fx.ref(table, "streamArn", "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000"), functionName: fx.ref(fn, "arn"), startingPosition: "TRIM_HORIZON" };
      fx.add(T.mapping, "handled", { ...source, ...handled(fx, queue) });
      fx.add(T.mapping, "defaults", source);
      fx.add(T.mapping, "loose", { ...source, ...handled(fx, queue), maximumRetryAttempts: 50, maximumRecordAgeInSeconds: 604800, functionResponseTypes: [] });
      // Not a stream: SQS mappings have no such settings.
      fx.add(T.mapping, "from-queue", { eventSourceArn: fx.ref(queue, "arn"), functionName: fx.ref(fn, "arn") });
      expect(messagesOf(await evaluate(resiliencePack, fx), "stream-failure-handling"), `preview ${preview}`).to.deep.equal([
        "stream event source mapping defaults: no on-failure destination (destinationConfig.onFailure.destinationArn), so discarded records are lost unseen; " +
          "unbounded retries (maximumRetryAttempts unset or -1): a failing record blocks its shard until it expires; " +
          "no maximum record age (maximumRecordAgeInSeconds unset or -1); failing batches are retried whole (bisectBatchOnFunctionError is not true); " +
          "the function cannot report the failed items only (functionResponseTypes lacks ReportBatchItemFailures)",
        "stream event source mapping loose: maximumRetryAttempts 50 above 10; maximumRecordAgeInSeconds 604800 above 86400; " +
          "the function cannot report the failed items only (functionResponseTypes lacks ReportBatchItemFailures)",
      ]);
    }
  });

  it("recognises streams by a known ARN, and an unknown source without a dependency by its startingPosition unless it is Kafka", async () => {
    const fx = new Fixture({ preview: true });
    const unbounded = { functionName: "processor", maximumRetryAttempts: -1, maximumRecordAgeInSeconds: 3600, bisectBatchOnFunctionError: true, functionResponseTypes: ["ReportBatchItemFailures"], destinationConfig: { onFailure: { destinationArn: "arn:aws:sqs:us-east-1:123456789012:failures" } } };
    fx.add(T.mapping, "kinesis", { ...unbounded, eventSourceArn: "arn:aws:kinesis:us-east-1:123456789012:stream/ticks", startingPosition: "LATEST" });
    // The replica stack reads its region's stream ARN from a data source: unknown, no dependency.
    fx.add(T.mapping, "replica-stream", { ...unbounded, eventSourceArn: fx.computed("arn"), startingPosition: "TRIM_HORIZON" });
    fx.add(T.mapping, "msk", { ...unbounded, eventSourceArn: fx.computed("arn"), startingPosition: "LATEST", amazonManagedKafkaEventSourceConfig: { consumerGroupId: "g" } });
    fx.add(T.mapping, "sqs", { ...unbounded, eventSourceArn: "arn:aws:sqs:us-east-1:123456789012:orders" });
    const retries = "unbounded retries (maximumRetryAttempts unset or -1): a failing record blocks its shard until it expires";
    expect(messagesOf(await evaluate(resiliencePack, fx), "stream-failure-handling")).to.deep.equal([
      `stream event source mapping kinesis: ${retries}`,
      `stream event source mapping replica-stream: ${retries}`,
    ]);
  });
});
