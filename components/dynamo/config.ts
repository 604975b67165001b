import { z } from "zod";
import { logRetentionDays, type ReportIssue } from "../network/config";
import { STREAM_RETENTION_SECONDS } from "../../services/stream-processor/src/filter";
import {
  capacityProblems,
  CapacitySettings,
  DEFAULT_TARGET_UTILIZATION,
  isTimeZone,
  MAX_CAPACITY_UNITS,
  parseScheduledAction,
  parseScheduledActions,
  ScheduledCapacity,
  SCHEDULED_ACTION_SYNTAX,
  TARGET_UTILIZATION_RANGE,
} from "./capacity";
import { DAX_MAX_NODES, DAX_NODE_TYPES, DAX_PRODUCTION_MIN_NODES, isBurstableDaxNodeType } from "./daxPlan";

const units = (text: string, fallback: number) =>
  z
    .number()
    .int()
    .min(1)
    .max(MAX_CAPACITY_UNITS)
    .default(fallback)
    .describe(`${text} (1-${MAX_CAPACITY_UNITS} capacity units). Default ${fallback}.`);

const int = (min: number, max: number, fallback: number, text: string) =>
  z.number().int().min(min).max(max).default(fallback).describe(`${text} (${min}-${max}). Default ${fallback}.`);

/**
 * Stack config keys owned by DynamoHotPath and GlobalReplica (namespace `trading-platform:`).
 *
 * In a replica stack dynamoReadCapacity and the write keys are not read: the replica table is
 * created by replication, and DynamoDB keeps write auto scaling the same in every region of a global
 * table, so the replica takes the primary's write settings from its stack outputs. Read scaling,
 * DAX and read-only scheduled actions are regional.
 */
export const dynamoConfigShape = {
  dynamoReadCapacity: units("Read capacity the table is created with (auto scaling owns it afterwards); primary only", 5),
  dynamoWriteCapacity: units("Write capacity the table is created with (auto scaling owns it afterwards); primary only", 5),
  dynamoReadMinCapacity: units("Auto scaling minimum of the table's read capacity", 5),
  dynamoReadMaxCapacity: units("Auto scaling maximum of the table's read capacity", 200),
  dynamoWriteMinCapacity: units("Auto scaling minimum of the table's write capacity; primary only", 5),
  dynamoWriteMaxCapacity: units("Auto scaling maximum of the table's write capacity; primary only", 200),
  dynamoIndexReadMinCapacity: units("Auto scaling minimum of each GSI's read capacity", 5),
  dynamoIndexReadMaxCapacity: units("Auto scaling maximum of each GSI's read capacity", 200),
  dynamoIndexWriteMinCapacity: units(
    "Auto scaling minimum of each GSI's write capacity, at least dynamoWriteMinCapacity (a GSI below the table throttles it); primary only",
    5,
  ),
  dynamoIndexWriteMaxCapacity: units(
    "Auto scaling maximum of each GSI's write capacity, at least dynamoWriteMaxCapacity; primary only",
    200,
  ),
  dynamoTargetUtilization: int(
    TARGET_UTILIZATION_RANGE.min,
    TARGET_UTILIZATION_RANGE.max,
    DEFAULT_TARGET_UTILIZATION,
    "Target utilisation percent of every read and write scaling policy",
  ),
  dynamoScheduledActions: z
    .array(z.string())
    .default([])
    .describe(
      `Scheduled changes of the scaling range, applied to the table and every GSI, one string each: "${SCHEDULED_ACTION_SYNTAX}", ` +
        'e.g. "market-open cron(0 13 ? * MON-FRI *) read=50-2000 write=25-1000". A replica stack may only schedule read. Default none.',
    ),
  dynamoScheduleTimezone: z
    .string()
    .default("UTC")
    .describe('IANA time zone the cron expressions of dynamoScheduledActions are read in, e.g. "America/New_York". Default UTC.'),
  dynamoStreamBatchSize: int(1, 10_000, 100, "Stream records per stream-processor invocation"),
  dynamoStreamBatchingWindowSeconds: int(0, 300, 1, "Seconds the event source mapping gathers records before invoking"),
  dynamoStreamMaxRetryAttempts: int(0, 10_000, 5, "Retries of a failing batch before it goes to the on-failure queue"),
  // The stream keeps records 24 hours; a limit below that lets a failover's newly enabled consumer,
  // which starts at TRIM_HORIZON, discard replicated fills it has not applied (services/failover).
  dynamoStreamMaxRecordAgeSeconds: int(
    60,
    604_800,
    STREAM_RETENTION_SECONDS,
    "Oldest record the processor still retries, in seconds; older ones go to the on-failure queue. Keep it at the stream's 24-hour retention: a failover's newly enabled consumer starts at the oldest record and would discard replicated fills it has not applied",
  ),
  dynamoStreamProcessorMemoryMb: int(128, 10_240, 256, "Memory of the stream-processor Lambda, MB"),
  dynamoLogRetentionDays: logRetentionDays(90, "Retention of the stream processor's log group, in days"),
  daxNodeType: z
    .enum(DAX_NODE_TYPES)
    .default("dax.r5.large")
    .describe(
      `DAX node type, one of ${DAX_NODE_TYPES.join(", ")}; t3 types are not allowed in prod. Changing it replaces the cluster. Default dax.r5.large.`,
    ),
  daxReplicationFactor: int(
    1,
    DAX_MAX_NODES,
    3,
    "DAX nodes, one per AZ in azIds order (so at most the number of azIds); at least 3 in prod. Changing it replaces the cluster",
  ),
  daxAllowReplacement: z
    .boolean()
    .default(false)
    .describe(
      "Allow this deploy to replace the DAX cluster (a new daxNodeType, daxReplicationFactor or AZ list). Prod protects the cluster " +
        "and Pulumi refuses a replacement otherwise; the new cluster is created before the old one is deleted. Set it for the one deploy, then back. Default false.",
    ),
  daxItemTtlMillis: int(
    1000,
    86_400_000,
    60_000,
    "How long DAX keeps an item (GetItem/BatchGetItem results), ms; writes from other regions are seen only after it",
  ),
  daxQueryTtlMillis: int(
    1000,
    86_400_000,
    1000,
    "How long DAX keeps a Query/Scan result, ms; writes never refresh it, so the open-order book lags by up to this",
  ),
};

export type DynamoConfig = z.output<z.ZodObject<typeof dynamoConfigShape>>;

const CAPACITY_KEYS: Record<keyof CapacitySettings, keyof DynamoConfig> = {
  readCapacity: "dynamoReadCapacity",
  writeCapacity: "dynamoWriteCapacity",
  readMinCapacity: "dynamoReadMinCapacity",
  readMaxCapacity: "dynamoReadMaxCapacity",
  writeMinCapacity: "dynamoWriteMinCapacity",
  writeMaxCapacity: "dynamoWriteMaxCapacity",
  indexReadMinCapacity: "dynamoIndexReadMinCapacity",
  indexReadMaxCapacity: "dynamoIndexReadMaxCapacity",
  indexWriteMinCapacity: "dynamoIndexWriteMinCapacity",
  indexWriteMaxCapacity: "dynamoIndexWriteMaxCapacity",
  targetUtilization: "dynamoTargetUtilization",
};

/**
 * The capacity numbers of a stack's config, in the shape the capacity maths takes. A replica's
 * table is created by replication (with the primary's capacity) and its write scaling follows the
 * primary's, so for role replica the keys it does not read (dynamoReadCapacity and every write key)
 * are replaced by neutral values: only its read ranges are validated and planned.
 */
export function capacitySettings(cfg: DynamoConfig, role: "primary" | "replica" = "primary"): CapacitySettings {
  const settings = Object.fromEntries(
    (Object.entries(CAPACITY_KEYS) as [keyof CapacitySettings, keyof DynamoConfig][]).map(([field, key]) => [field, cfg[key]]),
  ) as unknown as CapacitySettings;
  if (role === "primary") {
    return settings;
  }
  return {
    ...settings,
    readCapacity: settings.readMinCapacity,
    writeCapacity: 1,
    writeMinCapacity: 1,
    writeMaxCapacity: 1,
    indexWriteMinCapacity: 1,
    indexWriteMaxCapacity: 1,
  };
}

/** The parsed dynamoScheduledActions (call only on a config that passed {@link checkDynamoConfig}). */
export function scheduledActions(cfg: DynamoConfig): ScheduledCapacity[] {
  return parseScheduledActions(cfg.dynamoScheduledActions).actions;
}

/** Checks that involve several DynamoDB/DAX keys, or those keys and the stack. */
export function checkDynamoConfig(
  cfg: DynamoConfig & { role: "primary" | "replica"; isProduction: boolean; environment: string; azIds: string[] },
  report: ReportIssue,
): void {
  const isReplica = cfg.role === "replica";
  for (const problem of capacityProblems(capacitySettings(cfg, cfg.role), (key) => CAPACITY_KEYS[key])) {
    report(CAPACITY_KEYS[problem.key], problem.message);
  }

  const { problems } = parseScheduledActions(cfg.dynamoScheduledActions);
  for (const problem of problems) {
    report(`dynamoScheduledActions[${problem.index}]`, problem.message);
  }
  if (isReplica) {
    cfg.dynamoScheduledActions.forEach((entry, index) => {
      if (problems.some((p) => p.index === index) || !parseScheduledAction(entry).write) {
        return;
      }
      report(
        `dynamoScheduledActions[${index}]`,
        "schedules write capacity, but a replica stack may only schedule read: DynamoDB keeps write scaling the same in every region, so schedule writes in the primary stack",
      );
    });
  }
  if (!isTimeZone(cfg.dynamoScheduleTimezone)) {
    report("dynamoScheduleTimezone", `"${cfg.dynamoScheduleTimezone}" is not an IANA time zone name (e.g. UTC, America/New_York, Europe/London)`);
  }

  if (cfg.isProduction && cfg.daxReplicationFactor < DAX_PRODUCTION_MIN_NODES) {
    report(
      "daxReplicationFactor",
      `must be at least ${DAX_PRODUCTION_MIN_NODES} in a prod stack (nodes across AZs, so losing one AZ keeps the cache); got ${cfg.daxReplicationFactor}`,
    );
  }
  if (cfg.daxReplicationFactor > cfg.azIds.length) {
    report(
      "daxReplicationFactor",
      `${cfg.daxReplicationFactor} is more than the ${cfg.azIds.length} AZ IDs in azIds; nodes are placed one per AZ (the provider sends availabilityZones as a set), so scale up with a larger daxNodeType instead`,
    );
  }
  if (cfg.isProduction && isBurstableDaxNodeType(cfg.daxNodeType)) {
    report(
      "daxNodeType",
      `"${cfg.daxNodeType}" is a burstable type, not allowed in a prod stack (it runs out of CPU credits under sustained load); use a dax.r5 type`,
    );
  }
  if (cfg.daxQueryTtlMillis > cfg.daxItemTtlMillis) {
    report(
      "daxQueryTtlMillis",
      `${cfg.daxQueryTtlMillis} is longer than daxItemTtlMillis ${cfg.daxItemTtlMillis}; query results are never refreshed by writes, so they must not outlive items`,
    );
  }
}
