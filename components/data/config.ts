import { z } from "zod";
import { logRetentionDays, ReportIssue } from "../network/config";
import {
  AURORA_POSTGRES_VERSIONS,
  CACHE_ENGINE_VERSIONS,
  CACHE_ENGINES,
  CACHE_NODE_TYPES,
  CacheEngine,
  DB_INSTANCE_CLASSES,
  DEFAULT_AURORA_POSTGRES_VERSION,
  DEFAULT_CACHE_ENGINE_VERSION,
  DEFAULT_CACHE_NODE_TYPE,
  DEFAULT_DB_INSTANCE_CLASS,
  isBurstable,
  isPerformanceInsightsRetention,
  MAX_CACHE_NODES,
  MAX_DB_INSTANCES,
  MONITORING_INTERVALS,
  AURORA_GLOBAL_POSTGRES_VERSIONS,
  supportsGlobalDatabase,
} from "./catalog";

/** Production: a writer and two readers, and a primary and two replicas, one per AZ. */
export const PRODUCTION_MIN_NODES = 3;
/** Production keeps at least a week of database backups and cache snapshots. */
export const PRODUCTION_MIN_RETENTION_DAYS = 7;

const int = (min: number, max: number, fallback: number, text: string) =>
  z.number().int().min(min).max(max).default(fallback).describe(`${text} (${min}-${max}). Default ${fallback}.`);

/** Stack config keys owned by DataTier (namespace `trading-platform:`). */
export const dataConfigShape = {
  dataDbEngineVersion: z
    .enum(AURORA_POSTGRES_VERSIONS)
    .default(DEFAULT_AURORA_POSTGRES_VERSION)
    .describe(
      `Aurora PostgreSQL engine version, one of ${AURORA_POSTGRES_VERSIONS.join(", ")}. Default ${DEFAULT_AURORA_POSTGRES_VERSION}.`,
    ),
  dataDbInstanceClass: z
    .enum(DB_INSTANCE_CLASSES)
    .default(DEFAULT_DB_INSTANCE_CLASS)
    .describe(
      `Aurora instance class, one of ${DB_INSTANCE_CLASSES.join(", ")}; no burstable db.t* in prod. Default ${DEFAULT_DB_INSTANCE_CLASS}.`,
    ),
  dataDbInstanceCount: int(
    1,
    MAX_DB_INSTANCES,
    PRODUCTION_MIN_NODES,
    "Aurora instances (one writer, the rest readers), spread over the AZs in order; at least 3 in prod",
  ),
  dataBackupRetentionDays: int(1, 35, PRODUCTION_MIN_RETENTION_DAYS, "Days of Aurora automated backups; at least 7 in prod"),
  dataDbDeletionProtection: z
    .boolean()
    .default(true)
    .describe("Aurora deletion protection (and Pulumi protect on the cluster); must stay true in prod. Default true."),
  dataSkipFinalSnapshot: z
    .boolean()
    .default(false)
    .describe("Delete the database and cache without a final snapshot; must stay false in prod. Default false."),
  dataDbMonitoringIntervalSeconds: z
    .number()
    .int()
    .refine((s) => (MONITORING_INTERVALS as readonly number[]).includes(s), {
      message: `must be one of ${MONITORING_INTERVALS.join(", ")} (seconds; 0 turns Enhanced Monitoring off)`,
    })
    .default(60)
    .describe(`Enhanced Monitoring interval in seconds, one of ${MONITORING_INTERVALS.join(", ")}; not 0 in prod. Default 60.`),
  dataDbPerformanceInsightsRetentionDays: z
    .number()
    .int()
    .refine(isPerformanceInsightsRetention, { message: "must be 7, a multiple of 31 up to 713, or 731 (days)" })
    .default(7)
    .describe("Days of Performance Insights history: 7 (free), a multiple of 31 up to 713, or 731. Default 7."),
  dataLogRetentionDays: logRetentionDays(30, "Retention of the PostgreSQL and cache slow-log groups in days"),
  dataGlobalDatabase: z
    .boolean()
    .default(false)
    .describe(
      "Make the reference database an Aurora Global Database: a primary stack creates the global cluster (its cluster is the first, writing member; " +
        "needs failoverPeerRegions), a replica stack's cluster joins its primary's as a read-only secondary. Required in a prod replica stack; " +
        "needs a memory-optimised instance class (db.r6g/db.r7g). Default false (one regional cluster, as dev runs).",
    ),
  dataCacheEngine: z
    .enum(CACHE_ENGINES)
    .default("valkey")
    .describe('Cache engine: "valkey" or "redis" (Redis OSS). Default valkey.'),
  dataCacheEngineVersion: z
    .string()
    .optional()
    .describe(
      `Cache engine version: valkey ${CACHE_ENGINE_VERSIONS.valkey.join(", ")}; redis ${CACHE_ENGINE_VERSIONS.redis.join(", ")}. ` +
        `Default ${DEFAULT_CACHE_ENGINE_VERSION.valkey} for valkey, ${DEFAULT_CACHE_ENGINE_VERSION.redis} for redis.`,
    ),
  dataCacheNodeType: z
    .enum(CACHE_NODE_TYPES)
    .default(DEFAULT_CACHE_NODE_TYPE)
    .describe(
      `Cache node type, one of ${CACHE_NODE_TYPES.join(", ")}; no burstable cache.t* in prod. Default ${DEFAULT_CACHE_NODE_TYPE}.`,
    ),
  dataCacheNodeCount: int(
    1,
    MAX_CACHE_NODES,
    PRODUCTION_MIN_NODES,
    "Cache nodes (one primary, the rest replicas), spread over the AZs in order; at least 3 in prod",
  ),
  dataCacheSnapshotRetentionDays: int(
    0,
    35,
    PRODUCTION_MIN_RETENTION_DAYS,
    "Days of daily cache snapshots (0 turns them off); at least 7 in prod",
  ),
};

type DataConfig = z.output<z.ZodObject<typeof dataConfigShape>>;

/** The cache engine version a stack runs: the configured one, or the engine's default. */
export function cacheEngineVersionOf(cfg: { dataCacheEngine: CacheEngine; dataCacheEngineVersion?: string }): string {
  return cfg.dataCacheEngineVersion ?? DEFAULT_CACHE_ENGINE_VERSION[cfg.dataCacheEngine];
}

/** Checks that involve several data keys, or the environment. */
export function checkDataConfig(
  cfg: DataConfig & { isProduction: boolean; environment: string; role: string; failoverPeerRegions: readonly string[] },
  report: ReportIssue,
): void {
  checkGlobalDatabase(cfg, report);
  const versions = CACHE_ENGINE_VERSIONS[cfg.dataCacheEngine];
  const cacheVersion = cacheEngineVersionOf(cfg);
  if (!versions.includes(cacheVersion)) {
    report(
      "dataCacheEngineVersion",
      `"${cacheVersion}" is not a supported ${cfg.dataCacheEngine} version; allowed: ${versions.join(", ")}`,
    );
  }
  if (!cfg.isProduction) {
    return;
  }
  const env = cfg.environment;
  if (isBurstable(cfg.dataDbInstanceClass)) {
    report(
      "dataDbInstanceClass",
      `"${cfg.dataDbInstanceClass}" is burstable and not allowed in a ${env} stack; use db.r6g or db.r7g`,
    );
  }
  if (cfg.dataDbInstanceCount < PRODUCTION_MIN_NODES) {
    report(
      "dataDbInstanceCount",
      `must be at least ${PRODUCTION_MIN_NODES} in a ${env} stack (a writer and two readers, one per AZ); got ${cfg.dataDbInstanceCount}`,
    );
  }
  if (cfg.dataBackupRetentionDays < PRODUCTION_MIN_RETENTION_DAYS) {
    report(
      "dataBackupRetentionDays",
      `must be at least ${PRODUCTION_MIN_RETENTION_DAYS} in a ${env} stack; got ${cfg.dataBackupRetentionDays}`,
    );
  }
  if (!cfg.dataDbDeletionProtection) {
    report("dataDbDeletionProtection", `must be true in a ${env} stack: a prod database is never deleted by a deployment`);
  }
  if (cfg.dataSkipFinalSnapshot) {
    report("dataSkipFinalSnapshot", `must be false in a ${env} stack: deleting a prod data store keeps a final snapshot`);
  }
  if (cfg.dataDbMonitoringIntervalSeconds === 0) {
    report("dataDbMonitoringIntervalSeconds", `must not be 0 in a ${env} stack: Enhanced Monitoring stays on`);
  }
  if (isBurstable(cfg.dataCacheNodeType)) {
    report(
      "dataCacheNodeType",
      `"${cfg.dataCacheNodeType}" is burstable and not allowed in a ${env} stack; use cache.m* or cache.r*`,
    );
  }
  if (cfg.dataCacheNodeCount < PRODUCTION_MIN_NODES) {
    report(
      "dataCacheNodeCount",
      `must be at least ${PRODUCTION_MIN_NODES} in a ${env} stack (a primary and two replicas, one per AZ, for Multi-AZ failover); got ${cfg.dataCacheNodeCount}`,
    );
  }
  if (cfg.dataCacheSnapshotRetentionDays < PRODUCTION_MIN_RETENTION_DAYS) {
    report(
      "dataCacheSnapshotRetentionDays",
      `must be at least ${PRODUCTION_MIN_RETENTION_DAYS} in a ${env} stack; got ${cfg.dataCacheSnapshotRetentionDays}`,
    );
  }
}

/**
 * A global database's own rules. The engine version and instance class must be a combination
 * Aurora Global Database supports (catalog.ts: memory-optimised classes only, and the versions that
 * list global database support); a primary's global cluster needs a peer region for its secondary
 * (and for the replica of its master secret); a prod replica must be a secondary, or a failover to
 * its region ends with a reference database that holds no rows.
 */
function checkGlobalDatabase(
  cfg: DataConfig & { isProduction: boolean; environment: string; role: string; failoverPeerRegions: readonly string[] },
  report: ReportIssue,
): void {
  if (!cfg.dataGlobalDatabase) {
    if (cfg.isProduction && cfg.role === "replica") {
      report(
        "dataGlobalDatabase",
        `must be true in a ${cfg.environment} replica stack: its Aurora cluster is the secondary of the primary's global database, so the reference data (entitlements, instruments, limits) is there after a failover`,
      );
    }
    return;
  }
  if (!supportsGlobalDatabase(cfg.dataDbInstanceClass)) {
    report(
      "dataDbInstanceClass",
      `"${cfg.dataDbInstanceClass}" cannot run an Aurora Global Database (dataGlobalDatabase: true): it needs a memory-optimised class such as db.r7g.large`,
    );
  }
  if (!AURORA_GLOBAL_POSTGRES_VERSIONS.includes(cfg.dataDbEngineVersion)) {
    report(
      "dataDbEngineVersion",
      `"${cfg.dataDbEngineVersion}" is not listed as supporting Aurora Global Database (dataGlobalDatabase: true); allowed: ${AURORA_GLOBAL_POSTGRES_VERSIONS.join(", ")}`,
    );
  }
  if (cfg.role === "primary" && cfg.failoverPeerRegions.length === 0) {
    report(
      "dataGlobalDatabase",
      "needs failoverPeerRegions on a primary stack: the regions whose replica stacks hold the global database's secondaries (the master secret is replicated there)",
    );
  }
}
