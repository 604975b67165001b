// stream-failure-handling (resilience pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/resilience/streamProcessing.ts.
import type { StackValidationPolicy } from "@pulumi/policy";
import { ResourceGraph, TYPES } from "../../lib/graph";
import { problems, readsAStream, StreamFailureConfig } from "../../lib/resilience/streamProcessing";

export const streamFailureHandling: StackValidationPolicy = {
  name: "stream-failure-handling",
  description:
    "Every Lambda event source mapping on a DynamoDB or Kinesis stream bounds its retries (maximumRetryAttempts, not -1, at most " +
    "`maxRetryAttempts`) and record age (maximumRecordAgeInSeconds, not -1, at most `maxRecordAgeSeconds`), bisects failing batches, " +
    "lets the function report failed items (ReportBatchItemFailures), and sends discarded records to an on-failure destination.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      maxRetryAttempts: { type: "integer", minimum: 0, maximum: 10000, default: 10, description: "Largest maximumRetryAttempts allowed. Default 10." },
      maxRecordAgeSeconds: {
        type: "integer",
        minimum: 60,
        maximum: 604800,
        default: 86400,
        description: "Largest maximumRecordAgeInSeconds allowed. Default 86400 (DynamoDB Streams keep records for 24 hours).",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const config = args.getConfig<StreamFailureConfig>();
    const graph = new ResourceGraph(args.resources);
    for (const mapping of graph.ofType(TYPES.eventSourceMapping).filter(readsAStream)) {
      const found = problems(mapping, config);
      if (found.length > 0) {
        reportViolation(`stream event source mapping ${mapping.name}: ${found.join("; ")}`, mapping.urn);
      }
    }
  },
};
