/**
 * The committed, dated AWS price snapshot (aws-prices.json), validated when loaded so that a
 * refreshed file with a missing or mistyped figure fails loudly instead of pricing at zero.
 *
 * Read from disk rather than imported as a module: the policy packs run under the CLI's ts-node,
 * whose compiler options do not include JSON modules.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";

const pricePerType = z.record(z.string().regex(/^[a-z0-9]+\.[a-z0-9]+(\.[a-z0-9]+)?$/), z.number().positive());

const regionPrices = z.object({
  dynamodb: z.object({
    provisionedRcuHour: z.number().positive(),
    provisionedWcuHour: z.number().positive(),
    replicatedWcuHour: z.number().positive(),
    onDemandReadPerMillion: z.number().positive(),
    onDemandWritePerMillion: z.number().positive(),
    onDemandReplicatedWritePerMillion: z.number().positive(),
  }),
  daxNodeHour: pricePerType,
  natGatewayHour: z.number().positive(),
  natGatewayPerGb: z.number().positive(),
  publicIpv4Hour: z.number().positive(),
  albHour: z.number().positive(),
  albLcuHour: z.number().positive(),
  ec2InstanceHour: pricePerType,
  ebsGp3GbMonth: z.number().positive(),
  /**
   * AWS Fargate, Linux on ARM64 (Graviton), on demand: per vCPU-hour and per GB-hour of what a task
   * is configured with. Optional, so an older snapshot still loads and leaves ECS services unpriced.
   */
  fargateArm: z.object({ vcpuHour: z.number().positive(), gbHour: z.number().positive() }).optional(),
  auroraInstanceHour: pricePerType,
  elasticacheNodeHour: z.object({ redis: pricePerType, valkey: pricePerType }),
  cloudwatch: z.object({
    /** Standard-resolution metric alarm, per alarm metric (each metric a metric-math alarm reads counts). */
    alarmMetricMonth: z.number().positive(),
    /** High-resolution (period under 60 s) metric alarm, per alarm metric. */
    highResolutionAlarmMetricMonth: z.number().positive(),
    compositeAlarmMonth: z.number().positive(),
    /** Custom metric (first 10,000 of the account), per metric and month. */
    customMetricMonth: z.number().positive(),
    /** A dashboard, per month (an account-wide price: the same figure in every region). */
    dashboardMonth: z.number().positive(),
    /** Custom log data ingested (Standard log class), per GB: what EMF lines cost. */
    logsIngestionPerGb: z.number().positive(),
  }),
  sns: z.object({
    /** Standard topic API requests (Publish), per million, after the free first million. */
    publishPerMillion: z.number().positive(),
    /** Email notifications, per 100,000, after the free first 1,000. */
    emailPer100k: z.number().positive(),
    /** HTTP/HTTPS notifications, per million, after the free first 100,000. */
    httpsPerMillion: z.number().positive(),
  }),
});

/** Prices the same in every Region (AWS WAF) or entered once (Cognito M2M); optional, so an older snapshot still loads and leaves them unpriced. */
const edgePrices = z.object({
  wafWebAclMonth: z.number().positive(),
  wafRuleMonth: z.number().positive(),
  wafRequestsPerMillion: z.number().positive(),
  cognitoM2mAppClientMonth: z.number().positive(),
  cognitoM2mTokenRequestsPerThousand: z.number().positive(),
});

/** AWS KMS list prices, the same in every commercial Region; optional, so an older snapshot still loads and leaves keys unpriced. */
const keyPrices = z.object({
  /** A customer managed key, per month (prorated hourly). */
  kmsKeyMonth: z.number().positive(),
  /** Symmetric key requests, per 10,000, after the account's free 20,000 a month. */
  kmsRequestsPerTenThousand: z.number().positive(),
});

/**
 * AWS Fault Injection Service: one price per action-minute, the same whatever the action, its targets
 * or the experiment's length, in every commercial Region (https://aws.amazon.com/fis/pricing/).
 * Optional, so an older snapshot still loads and leaves experiments unpriced.
 */
const faultInjectionPrices = z.object({
  actionMinute: z.number().positive(),
});

export const priceSnapshotSchema = z.object({
  snapshotDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  currency: z.literal("USD"),
  hoursPerMonth: z.number().positive(),
  basis: z.string(),
  notes: z.array(z.string()),
  sources: z.record(z.string(), z.array(z.string().min(1)).min(1)),
  edge: edgePrices.optional(),
  keys: keyPrices.optional(),
  faultInjection: faultInjectionPrices.optional(),
  regions: z.record(z.string(), regionPrices),
});

export type PriceSnapshot = z.output<typeof priceSnapshotSchema>;
export type RegionPrices = z.output<typeof regionPrices>;
export type EdgePrices = z.output<typeof edgePrices>;
export type FaultInjectionPrices = z.output<typeof faultInjectionPrices>;

export const PRICE_SNAPSHOT_FILE = path.join(__dirname, "aws-prices.json");

/** Parses and validates a price snapshot document. */
export function parsePriceSnapshot(document: unknown): PriceSnapshot {
  const parsed = priceSnapshotSchema.safeParse(document);
  if (!parsed.success) {
    throw new Error(`invalid price snapshot: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}

let cached: PriceSnapshot | undefined;

/** The committed snapshot. */
export function loadPriceSnapshot(): PriceSnapshot {
  cached ??= parsePriceSnapshot(JSON.parse(readFileSync(PRICE_SNAPSHOT_FILE, "utf8")));
  return cached;
}
