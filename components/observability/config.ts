/**
 * Stack config keys owned by Observability: who is notified, and every alarm threshold with its
 * documented default. stacks/config.ts spreads the shape into the stack schema and runs the check.
 */
import { z } from "zod";
import type { ReportIssue } from "../network/config";
import type { AlarmThresholds } from "./alarmPlan";

const int = (min: number, max: number, fallback: number, text: string) =>
  z.number().int().min(min).max(max).default(fallback).describe(`${text} (${min}-${max}). Default ${fallback}.`);

const TOPIC_ARN = /^arn:(aws|aws-cn|aws-us-gov):sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const ACCOUNT_ID = /^\d{12}$/;

/** Stack config keys owned by Observability (namespace `trading-platform:`). */
export const observabilityConfigShape = {
  alarmEmailAddresses: z
    .array(z.string())
    .default([])
    .describe(
      "Email addresses subscribed to this stack's alarm topic (each must confirm the subscription AWS mails it). Default none; prod needs a subscriber or alarmTopicArn.",
    ),
  alarmHttpsEndpoints: z
    .array(z.string())
    .default([])
    .describe("HTTPS endpoints (paging or chat webhooks) subscribed to the alarm topic; they must confirm the subscription. Default none."),
  alarmTopicArn: z
    .string()
    .optional()
    .describe(
      "An existing SNS topic (arn:aws:sns:<this region>:<account>:<name>) to notify instead of creating one; its key policy and subscriptions are managed elsewhere. Default none: the stack creates a KMS-encrypted topic.",
    ),
  alarmSubscriberAccountIds: z
    .array(z.string())
    .default([])
    .describe(
      "Other AWS accounts (12-digit ids) whose principals may subscribe to this stack's alarm topic, e.g. another team's paging. Default none: only this account.",
    ),
  alarmReplicaRegions: z
    .array(z.string())
    .default([])
    .describe(
      "Regions this stack's global table replicates to, each watched for ReplicationLatency (ReceivingRegion); a replica stack always watches its primary's region too. Default none.",
    ),
  alarmAlbTarget5xxPercent: int(1, 100, 1, "Alarm when the targets answer more than this percent of ALB requests with 5xx (3 of 5 minutes, at least 50 requests a minute)"),
  alarmAlbElb5xxPerMinute: int(1, 100_000, 10, "Alarm when the load balancer itself answers more 5xx than this per minute (3 of 5 minutes)"),
  alarmAlbP99LatencyMs: int(1, 60_000, 500, "Alarm when the p99 target response time exceeds this, ms (3 of 5 minutes)"),
  alarmMinHealthyHostsPerAz: z
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .describe("Alarm when an AZ has fewer healthy targets than this (2 of 2 minutes) (1-100). Default clusterMinSize divided by the number of AZs, rounded down, at least 1."),
  alarmDynamoThrottleEventsPerMinute: int(0, 1_000_000, 5, "Alarm when the table or a GSI throttles more read or write events than this per minute (3 of 5 minutes)"),
  alarmDynamoCapacityPercentOfMax: int(1, 100, 80, "Alarm when consumed read or write capacity of the table or a GSI exceeds this percent of its auto scaling maximum (5 of 5 minutes)"),
  alarmDynamoReplicationLatencyMs: int(1, 3_600_000, 60_000, "Alarm when global table replication to a receiving region lags more than this, ms (2 of 2 five-minute periods)"),
  alarmDynamoSystemErrorsPerMinute: int(0, 1_000_000, 10, "Alarm when DynamoDB answers more 500s than this per minute (3 of 5 minutes)"),
  alarmDaxCpuPercent: int(1, 100, 75, "Alarm when the busiest DAX node's CPU exceeds this percent (5 of 5 minutes)"),
  alarmDaxFaultsPerMinute: int(0, 1_000_000, 5, "Alarm when DAX reports more faulted (server-side) requests than this per minute (3 of 5 minutes)"),
  alarmDaxEvictedMiBPer5Minutes: int(1, 1_000_000, 256, "Alarm when DAX evicts more than this many MiB in five minutes (a spike: the cache is too small)"),
  alarmAuroraReplicaLagMs: int(1, 3_600_000, 2000, "Alarm when the largest Aurora replica lag exceeds this, ms (3 of 5 minutes)"),
  alarmAuroraGlobalRpoLagMs: int(
    1,
    3_600_000,
    60_000,
    "Alarm when a global database's secondary cluster is further behind its primary than this for user transactions (AuroraGlobalDBRPOLag), ms (3 of 5 minutes); the same bound as alarmDynamoReplicationLatencyMs",
  ),
  alarmAuroraCpuPercent: int(1, 100, 80, "Alarm when an Aurora instance's CPU exceeds this percent (5 of 5 minutes)"),
  alarmAuroraFreeableMemoryPercent: int(1, 99, 10, "Alarm when an Aurora instance's freeable memory falls below this percent of its class's memory (5 of 5 minutes)"),
  alarmAuroraDeadlocksPerMinute: int(1, 100_000, 1, "Alarm when the Aurora writer has more deadlocks than this per minute (3 of 5 minutes)"),
  alarmCacheEngineCpuPercent: int(1, 100, 80, "Alarm when a cache node's engine CPU exceeds this percent (5 of 5 minutes)"),
  alarmCacheMemoryPercent: int(1, 100, 80, "Alarm when a cache node's memory use exceeds this percent of maxmemory (5 of 5 minutes)"),
  alarmCacheReplicationLagMs: int(1, 3_600_000, 1000, "Alarm when a cache replica lags its primary by more than this, ms (3 of 5 minutes)"),
  alarmCacheConnections: int(1, 65_000, 5000, "Alarm when a cache node holds more client connections than this (5 of 5 minutes)"),
  alarmStreamErrorsPerMinute: int(0, 1_000_000, 0, "Alarm when the stream processor fails more invocations than this per minute (3 of 5 minutes)"),
  alarmStreamIteratorAgeSeconds: int(1, 86_400, 60, "Alarm when the stream processor is further behind the stream than this, seconds (3 of 5 minutes)"),
  alarmStreamDlqMessages: int(0, 1_000_000, 0, "Alarm when the stream processor's on-failure queue holds more messages than this (0: any message is an incident)"),
  alarmNatPortAllocationErrors: int(0, 1_000_000, 0, "Alarm when a NAT gateway fails to allocate more source ports than this per minute (2 of 2 minutes)"),
  alarmNatPacketsDroppedPerMinute: int(0, 100_000_000, 100, "Alarm when a NAT gateway drops more packets than this per minute (3 of 5 minutes)"),
  alarmApiRejectPercent: int(1, 100, 5, "Alarm when the API rejects more than this percent of orders (3 of 5 minutes, at least 20 orders a minute)"),
  alarmApiP99LatencyMs: int(1, 60_000, 250, "Alarm when the API's p99 response time exceeds this, ms (3 of 5 minutes)"),
};

export type ObservabilityConfig = z.output<z.ZodObject<typeof observabilityConfigShape>>;

/** Parses an SNS topic ARN; undefined when it is not one. */
export function parseTopicArn(arn: string): { partition: string; region: string; account: string; name: string } | undefined {
  const match = TOPIC_ARN.exec(arn);
  return match ? { partition: match[1], region: match[2], account: match[3], name: match[4] } : undefined;
}

/** The per-AZ healthy-target minimum: the config key, or the fleet minimum spread over the AZs. */
export function minHealthyHostsPerAz(cfg: { alarmMinHealthyHostsPerAz?: number; clusterMinSize: number; azIds: readonly string[] }): number {
  return cfg.alarmMinHealthyHostsPerAz ?? Math.max(1, Math.floor(cfg.clusterMinSize / Math.max(1, cfg.azIds.length)));
}

/** Checks that involve several observability keys, or these keys and the stack. */
export function checkObservabilityConfig(
  cfg: ObservabilityConfig & { region: string; isProduction: boolean },
  report: ReportIssue,
): void {
  cfg.alarmEmailAddresses.forEach((address, i) => {
    if (!EMAIL.test(address)) {
      report(`alarmEmailAddresses[${i}]`, `"${address}" is not an email address`);
    }
  });
  cfg.alarmHttpsEndpoints.forEach((endpoint, i) => {
    let protocol: string | undefined;
    try {
      protocol = new URL(endpoint).protocol;
    } catch {
      protocol = undefined;
    }
    if (protocol !== "https:") {
      report(`alarmHttpsEndpoints[${i}]`, `"${endpoint}" is not an https:// URL (SNS delivers alarms only over HTTPS here)`);
    }
  });
  const subscribers = cfg.alarmEmailAddresses.length + cfg.alarmHttpsEndpoints.length;
  if (cfg.alarmTopicArn !== undefined) {
    const topic = parseTopicArn(cfg.alarmTopicArn);
    if (!topic) {
      report("alarmTopicArn", `"${cfg.alarmTopicArn}" is not an SNS topic ARN; expected arn:aws:sns:${cfg.region}:<12-digit account>:<name>`);
    } else if (topic.region !== cfg.region) {
      report("alarmTopicArn", `is in region ${topic.region}, but CloudWatch alarm actions must name a topic of the alarm's own region (${cfg.region})`);
    }
    if (subscribers > 0) {
      report("alarmTopicArn", "is set together with alarmEmailAddresses/alarmHttpsEndpoints; subscribe those to the existing topic where it is managed, or drop alarmTopicArn");
    }
    if (cfg.alarmSubscriberAccountIds.length > 0) {
      report("alarmSubscriberAccountIds", "is set together with alarmTopicArn; this stack does not write an existing topic's policy: grant the accounts where the topic is managed");
    }
  } else if (cfg.isProduction && subscribers === 0) {
    report("alarmEmailAddresses", "a prod stack must notify someone: set alarmEmailAddresses, alarmHttpsEndpoints or alarmTopicArn");
  }
  cfg.alarmSubscriberAccountIds.forEach((id, i) => {
    if (!ACCOUNT_ID.test(id)) {
      report(`alarmSubscriberAccountIds[${i}]`, `"${id}" is not an AWS account id (12 digits)`);
    }
  });
  cfg.alarmReplicaRegions.forEach((region, i) => {
    if (!REGION.test(region)) {
      report(`alarmReplicaRegions[${i}]`, `"${region}" is not an AWS region name`);
    } else if (region === cfg.region) {
      report(`alarmReplicaRegions[${i}]`, `is this stack's own region; list the regions the table replicates to`);
    }
  });
}

/** The thresholds of the alarm plan, from the validated config. */
export function alarmThresholds(cfg: ObservabilityConfig & { clusterMinSize: number; azIds: readonly string[] }): AlarmThresholds {
  return {
    albTarget5xxPercent: cfg.alarmAlbTarget5xxPercent,
    albElb5xxPerMinute: cfg.alarmAlbElb5xxPerMinute,
    albP99LatencyMs: cfg.alarmAlbP99LatencyMs,
    minHealthyHostsPerAz: minHealthyHostsPerAz(cfg),
    dynamoThrottleEventsPerMinute: cfg.alarmDynamoThrottleEventsPerMinute,
    dynamoCapacityPercentOfMax: cfg.alarmDynamoCapacityPercentOfMax,
    dynamoReplicationLatencyMs: cfg.alarmDynamoReplicationLatencyMs,
    dynamoSystemErrorsPerMinute: cfg.alarmDynamoSystemErrorsPerMinute,
    daxCpuPercent: cfg.alarmDaxCpuPercent,
    daxFaultsPerMinute: cfg.alarmDaxFaultsPerMinute,
    daxEvictedMiBPer5Minutes: cfg.alarmDaxEvictedMiBPer5Minutes,
    auroraReplicaLagMs: cfg.alarmAuroraReplicaLagMs,
    auroraGlobalRpoLagMs: cfg.alarmAuroraGlobalRpoLagMs,
    auroraCpuPercent: cfg.alarmAuroraCpuPercent,
    auroraFreeableMemoryPercent: cfg.alarmAuroraFreeableMemoryPercent,
    auroraDeadlocksPerMinute: cfg.alarmAuroraDeadlocksPerMinute,
    cacheEngineCpuPercent: cfg.alarmCacheEngineCpuPercent,
    cacheMemoryPercent: cfg.alarmCacheMemoryPercent,
    cacheReplicationLagMs: cfg.alarmCacheReplicationLagMs,
    cacheConnections: cfg.alarmCacheConnections,
    streamErrorsPerMinute: cfg.alarmStreamErrorsPerMinute,
    streamIteratorAgeSeconds: cfg.alarmStreamIteratorAgeSeconds,
    streamDlqMessages: cfg.alarmStreamDlqMessages,
    natPortAllocationErrors: cfg.alarmNatPortAllocationErrors,
    natPacketsDroppedPerMinute: cfg.alarmNatPacketsDroppedPerMinute,
    apiRejectPercent: cfg.alarmApiRejectPercent,
    apiP99LatencyMs: cfg.alarmApiP99LatencyMs,
  };
}
