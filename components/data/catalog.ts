/**
 * What DataTier may be configured with, and the pure rules derived from it: engine versions,
 * instance and node classes, parameter group families, placement over AZs, physical names and the
 * maintenance windows of both stores.
 * Plain functions, unit tested without Pulumi.
 */
import { createHash } from "node:crypto";

/**
 * Aurora PostgreSQL versions the platform may run. A version not listed here is refused by config
 * validation rather than by the RDS API halfway through a deployment.
 *
 * Refreshed for issue 14 (2026): AWS's "What's New" announcement "Amazon Aurora PostgreSQL-Compatible
 * Edition has added support for PostgreSQL versions 17.6, 16.10, 15.14, 14.19, and 13.22" (17.6 and
 * 16.10 add Dynamic Data Masking), and 17.7 / 16.11, the community's next minors, which Aurora lists
 * as upgrade targets (Aurora PostgreSQL release notes, "Aurora PostgreSQL updates"). Older minors
 * (16.6-16.9, 17.4-17.5) are dropped: AWS deprecates minors on a schedule and a cluster created on
 * one would be force-upgraded, which a pinned version must never lag. The authority at deploy time
 * is `aws rds describe-db-engine-versions --engine aurora-postgresql --region <region>`; refresh the
 * list from it (and the release notes) before bumping dataDbEngineVersion.
 */
export const AURORA_POSTGRES_VERSIONS = ["16.10", "16.11", "17.6", "17.7"] as const;
export const DEFAULT_AURORA_POSTGRES_VERSION = "17.6";

/**
 * Aurora instance classes. Graviton memory-optimised (r6g/r7g) for production; burstable t4g only
 * outside prod, where running out of CPU credits is an inconvenience rather than an outage.
 */
export const DB_INSTANCE_CLASSES = [
  "db.t4g.medium",
  "db.t4g.large",
  "db.r6g.large",
  "db.r6g.xlarge",
  "db.r6g.2xlarge",
  "db.r7g.large",
  "db.r7g.xlarge",
  "db.r7g.2xlarge",
  "db.r7g.4xlarge",
] as const;
export const DEFAULT_DB_INSTANCE_CLASS = "db.r7g.large";

/**
 * Aurora Global Database (reference data in every region of an environment) needs memory-optimised
 * instance classes: "An Aurora global database requires DB instance classes that are optimized for
 * memory-intensive applications ... We recommend using a db.r5 or higher instance class" (Amazon
 * Aurora User Guide, "Configuration requirements of an Amazon Aurora global database",
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.configuration.requirements.html).
 * Of DB_INSTANCE_CLASSES that is db.r6g and db.r7g; the burstable db.t4g classes are refused.
 */
export function supportsGlobalDatabase(instanceClass: string): boolean {
  return /^db\.(r[5-9][a-z]*|x\d[a-z]*)\./.test(instanceClass);
}

/**
 * Engine versions a global database may run. "Supported Regions and DB engines for Aurora global
 * databases" (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.Aurora_Fea_Regions_DB-eng.Feature.GlobalDatabase.html)
 * lists, per region and major version, the first minor that supports global databases ("Version
 * X.Y and higher"); every minor of AURORA_POSTGRES_VERSIONS (16.10+, 17.6+) is past those floors in
 * us-east-1 and eu-west-1. The authority at deploy time is `SupportsGlobalDatabases` in
 * `aws rds describe-db-engine-versions --engine aurora-postgresql --engine-version <v>` (RDS API
 * reference, DBEngineVersion). A version added to AURORA_POSTGRES_VERSIONS is not global-capable
 * until it is added here too, after that check.
 */
export const AURORA_GLOBAL_POSTGRES_VERSIONS: readonly string[] = ["16.10", "16.11", "17.6", "17.7"];

export const CACHE_ENGINES = ["valkey", "redis"] as const;
export type CacheEngine = (typeof CACHE_ENGINES)[number];

/**
 * Engine versions per cache engine. All of them support IAM authentication (Valkey 7.2+, Redis OSS
 * 7.0+), which is how the application authenticates; older versions are left out for that reason.
 *
 * Refreshed for issue 14 (2026) from the ElastiCache User Guide, "Engine versions and upgrading in
 * ElastiCache", which lists Valkey 7.2, 8.0, 8.1, 8.2, 9.0 (and 9.1 on the newest pages). 9.0 is the
 * default: the current major with Multi-AZ durability; 9.1 waits until it is listed in every
 * region the stacks use. Redis OSS stays at 7.0/7.1, its last ElastiCache versions.
 */
export const CACHE_ENGINE_VERSIONS: Record<CacheEngine, readonly string[]> = {
  valkey: ["7.2", "8.0", "8.1", "8.2", "9.0"],
  redis: ["7.0", "7.1"],
};
export const DEFAULT_CACHE_ENGINE_VERSION: Record<CacheEngine, string> = { valkey: "9.0", redis: "7.1" };

/** Cache node types; t4g (burstable) only outside prod. r6gd (data tiering) is left out on purpose. */
export const CACHE_NODE_TYPES = [
  "cache.t4g.micro",
  "cache.t4g.small",
  "cache.t4g.medium",
  "cache.m6g.large",
  "cache.m7g.large",
  "cache.m7g.xlarge",
  "cache.m7g.2xlarge",
  "cache.r6g.large",
  "cache.r6g.xlarge",
  "cache.r7g.large",
  "cache.r7g.xlarge",
  "cache.r7g.2xlarge",
  "cache.r7g.4xlarge",
] as const;
export const DEFAULT_CACHE_NODE_TYPE = "cache.r7g.large";

/** Enhanced Monitoring intervals RDS accepts (0 turns it off). */
export const MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60] as const;

/** Performance Insights keeps 7 days free, or whole months (31-day multiples up to 23) or 731 days. */
export function isPerformanceInsightsRetention(days: number): boolean {
  return days === 7 || days === 731 || (days % 31 === 0 && days / 31 >= 1 && days / 31 <= 23);
}

/** Largest writer + readers an Aurora cluster holds (one writer, fifteen replicas). */
export const MAX_DB_INSTANCES = 16;
/** Largest node count of a cluster-mode-disabled replication group (one primary, five replicas). */
export const MAX_CACHE_NODES = 6;

/** Burstable classes run on CPU credits: `db.t4g.medium`, `cache.t4g.small`. */
export function isBurstable(instanceClass: string): boolean {
  return /^(db|cache)\.t\d/.test(instanceClass);
}

/** "17.6" → "aurora-postgresql17": the family follows the major version. */
export function auroraParameterFamily(engineVersion: string): string {
  const major = /^(\d+)\.\d+$/.exec(engineVersion)?.[1];
  if (!major) {
    throw new Error(`"${engineVersion}" is not an Aurora PostgreSQL version like 17.6`);
  }
  return `aurora-postgresql${major}`;
}

/** ("valkey", "8.1") → "valkey8"; ("redis", "7.1") → "redis7". */
export function cacheParameterFamily(engine: CacheEngine, engineVersion: string): string {
  const major = /^(\d+)\.\d+$/.exec(engineVersion)?.[1];
  if (!major) {
    throw new Error(`"${engineVersion}" is not a ${engine} version like 8.1`);
  }
  return `${engine}${major}`;
}

/**
 * The AZ (as an index into the stack's AZ list) of each of `count` nodes: round robin, so the first
 * `zoneCount` nodes land in distinct AZs and no AZ holds two nodes while another holds none.
 */
export function spreadOverZones(count: number, zoneCount: number): number[] {
  if (zoneCount < 1) {
    throw new Error("at least one AZ is needed to place nodes");
  }
  return Array.from({ length: count }, (_, i) => i % zoneCount);
}

/**
 * Aurora promotion tier of the i-th instance. In a cluster with a writer, instance 0 is created
 * first and becomes it (on a global secondary, which has none, all are readers created at once);
 * readers get tiers 1, 2, … in order so that the failover target is predictable (the reader in the
 * next AZ first) instead of Aurora picking among equal tiers. Tiers stop at 15.
 */
export function promotionTier(index: number): number {
  return Math.min(index, 15);
}

/**
 * A stack-scoped physical identifier: lower case, letters, digits and single hyphens, starting with
 * a letter. RDS cluster identifiers allow 63 characters, ElastiCache identifiers 40; a name that
 * would not fit fails here, with the name, instead of in the AWS API.
 */
export function physicalId(parts: string[], maxLength: number): string {
  const id = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!/^[a-z]/.test(id)) {
    throw new Error(`identifier "${id}" must start with a letter`);
  }
  if (id.length > maxLength) {
    throw new Error(`identifier "${id}" is ${id.length} characters; at most ${maxLength} are allowed`);
  }
  return id;
}

/**
 * Four hex digits of the inputs that force a new resource: the same inputs, the same generation;
 * a replacement (or a destroy and a new create, whose KMS key and generated names are new) gets a
 * new one. Physical names that must not repeat across generations carry it.
 */
export function generationOf(inputs: Record<string, unknown>): string {
  return createHash("sha256").update(JSON.stringify(inputs)).digest("hex").slice(0, 4);
}

/** Identifier length limits of the services involved. */
export const ID_LIMITS = { rdsCluster: 63, rdsSnapshot: 255, elasticache: 40, elasticacheUser: 40 } as const;

/**
 * Maintenance and backup windows (UTC), chosen not to overlap one another: RDS refuses a backup
 * window that overlaps its maintenance window, ElastiCache likewise for snapshots.
 */
export const WINDOWS = {
  dbBackup: "03:00-04:00",
  dbMaintenance: "sun:04:30-sun:05:30",
  cacheSnapshot: "02:00-03:00",
  cacheMaintenance: "sun:05:30-sun:06:30",
} as const;
