/**
 * The stream processor's alarms (errors, iterator age, its on-failure queue); none where it does
 * not run (replica).
 */
import { metric, window } from "./alarmMetrics";
import type { AlarmSpec, AlarmTargets, AlarmThresholds } from "./alarmSpec";

export function streamAlarms<T>(t: AlarmTargets<T>, th: AlarmThresholds): AlarmSpec<T>[] {
  const stream = t.streamProcessor;
  if (!stream) {
    return [];
  }
  const fn = { FunctionName: stream.functionName };
  return [
    {
      id: "stream-errors",
      tier: "data",
      group: "Stream processor",
      description: "Stream processor invocations fail (a throw or a timeout): positions stop following fills while the batch is retried.",
      metric: metric("AWS/Lambda", "Errors", fn, "Sum"),
      comparison: "GreaterThanThreshold",
      threshold: th.streamErrorsPerMinute,
      thresholdText: `> ${th.streamErrorsPerMinute} per minute`,
      configKey: "alarmStreamErrorsPerMinute",
      ...window(3, 5),
      treatMissingData: "notBreaching",
      critical: false,
    },
    {
      id: "stream-iterator-age",
      tier: "data",
      group: "Stream processor",
      description: "The stream processor is behind the table's stream: positions lag fills.",
      metric: metric("AWS/Lambda", "IteratorAge", fn, "Maximum"),
      comparison: "GreaterThanThreshold",
      threshold: th.streamIteratorAgeSeconds * 1000,
      thresholdText: `> ${th.streamIteratorAgeSeconds} s behind`,
      configKey: "alarmStreamIteratorAgeSeconds",
      ...window(3, 5),
      treatMissingData: "notBreaching",
      critical: true,
    },
    {
      id: "stream-dlq-not-empty",
      tier: "data",
      group: "Stream processor",
      description: "Stream records were given up on and sent to the on-failure queue: those fills are missing from positions until replayed.",
      metric: metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", { QueueName: stream.queueName }, "Maximum"),
      comparison: "GreaterThanThreshold",
      threshold: th.streamDlqMessages,
      thresholdText: th.streamDlqMessages === 0 ? "> 0 (any message)" : `> ${th.streamDlqMessages}`,
      configKey: "alarmStreamDlqMessages",
      ...window(1, 1),
      treatMissingData: "notBreaching",
      critical: true,
    },
  ];
}
