/**
 * Environment configuration, validated once at start. A bad value stops the process with one message
 * that names every offending variable, so a broken launch template fails its first health check
 * loudly instead of serving with a silent default.
 */
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { z } from "zod";
import { DEFAULT_PORT } from "./contract";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  port: number;
  host: string;
  region: string;
  tableName: string;
  /** DAX cluster discovery endpoint (dax:// or daxs://); unset means DynamoDB serves every call. */
  daxEndpoint?: string;
  /** DynamoDB endpoint override (DynamoDB Local); unset means the regional endpoint. */
  dynamoDbEndpoint?: string;
  /** Current secret first; a previous one is still accepted for cursors during rotation. */
  cursorSecrets: string[];
  logLevel: LogLevel;
  shutdownDrainMs: number;
  shutdownGraceMs: number;
  bodyLimitBytes: number;
  idempotencyTtlSeconds: number;
  dynamoDbMaxAttempts: number;
  dynamoDbTimeoutMs: number;
  /** Longest an API request may take in total, store retries included; past it the answer is 503. */
  requestDeadlineMs: number;
  retryAfterSeconds: number;
  /** Time a client has to send the complete request headers (408 after). */
  httpHeadersTimeoutMs: number;
  /** Time a client has to send the complete request, body included, from its first byte (408 after). */
  httpBodyTimeoutMs: number;
  /** How long a connection may stay silent (keep-alive between requests, or before the first). */
  httpIdleTimeoutMs: number;
  /** "disabled" only for local runs without a cache and database. */
  riskChecks: "required" | "disabled";
  /** Pre-trade risk dependencies; undefined when none of their variables is set (main.ts then refuses to start unless RISK_CHECKS=disabled). */
  risk?: RiskConfig;
}

/**
 * How the service proves who it is to PostgreSQL and Valkey, and which database certificates it trusts.
 * - `aws` (always in AWS): IAM tokens for both (rds-signer; ElastiCache's SigV4 presign for the
 *   replication group), TLS to Aurora verified against the RDS CAs.
 * - `loopback` (LOCAL_DEPENDENCIES=loopback, `npm run local`): static passwords, and the local
 *   PostgreSQL's own CA (or no TLS). Config refuses it unless both hosts are loopback addresses, so
 *   it cannot be pointed at a real database or cache.
 */
export type DependencyCredentials =
  | { kind: "aws"; cacheReplicationGroupId: string }
  | { kind: "loopback"; dbPassword: string; cachePassword: string; /** PEM of the CA to verify PostgreSQL's certificate with; unset: no TLS. */ dbCa?: string };

/** Where the reference data and the rate limits live, and how fresh they must be. */
export interface RiskConfig {
  /** Aurora reader endpoint (reads only), its port, database and role (IAM-authenticated in AWS). */
  dbHost: string;
  dbPort: number;
  dbName: string;
  dbUser: string;
  /** ElastiCache primary endpoint, port and user (IAM-enabled in AWS). */
  cacheHost: string;
  cachePort: number;
  cacheUser: string;
  cacheTls: boolean;
  credentials: DependencyCredentials;
  syncIntervalMs: number;
  pollMs: number;
  maxStalenessSeconds: number;
  commandTimeoutMs: number;
}

/** Variables, defaults and rules; exported so the README and tests have one list. */
export const ENVIRONMENT = {
  PORT: { default: String(DEFAULT_PORT), description: "listening port" },
  HOST: { default: "0.0.0.0", description: "listening address" },
  AWS_REGION: { default: undefined, description: "region of the table (required)" },
  TABLE_NAME: { default: undefined, description: "DynamoDB table name (required)" },
  DAX_ENDPOINT: { default: undefined, description: "DAX cluster discovery endpoint, dax:// or daxs:// (optional)" },
  DYNAMODB_ENDPOINT: { default: undefined, description: "DynamoDB endpoint override, e.g. DynamoDB Local (optional)" },
  CURSOR_SECRET: { default: undefined, description: "HMAC key for pagination cursors, >= 32 characters (required)" },
  CURSOR_SECRET_PREVIOUS: { default: undefined, description: "previous cursor key, still accepted during rotation (optional)" },
  LOG_LEVEL: { default: "info", description: LOG_LEVELS.join("|") },
  SHUTDOWN_DRAIN_MS: { default: "10000", description: "after SIGTERM, how long readiness reports 503 before the listener closes" },
  SHUTDOWN_GRACE_MS: { default: "20000", description: "after the listener closes, the longest wait for in-flight requests" },
  BODY_LIMIT_BYTES: { default: "16384", description: "largest request body; larger bodies get 413" },
  IDEMPOTENCY_TTL_SECONDS: { default: "604800", description: "how long a client order id stays bound to its order" },
  DYNAMODB_MAX_ATTEMPTS: { default: "3", description: "SDK attempts per DynamoDB call (throttling included)" },
  DYNAMODB_TIMEOUT_MS: { default: "1000", description: "time limit per DynamoDB/DAX attempt (connecting within at most 1000 ms of it)" },
  REQUEST_DEADLINE_MS: { default: "5000", description: "total time limit per API request, store retries included; then 503" },
  RETRY_AFTER_SECONDS: { default: "1", description: "Retry-After sent with every 503 (busy, store unavailable, deadline, draining)" },
  HTTP_HEADERS_TIMEOUT_MS: { default: "10000", description: "time a client has to send the request headers; then 408 and the connection closes" },
  HTTP_BODY_TIMEOUT_MS: { default: "15000", description: "time a client has to send the whole request, body included; then 408 and the connection closes" },
  HTTP_IDLE_TIMEOUT_MS: { default: "75000", description: "a silent connection (keep-alive or new) is closed after this; keep above the ALB idle timeout (60 s)" },
  REFDATA_DB_HOST: { default: undefined, description: "Aurora reader endpoint holding the reference data (set with CACHE_HOST, CACHE_USER, CACHE_REPLICATION_GROUP_ID)" },
  REFDATA_DB_PORT: { default: "5432", description: "Aurora port" },
  REFDATA_DB_NAME: { default: "trading", description: "database of the reference data" },
  REFDATA_DB_USER: { default: "trading_app", description: "PostgreSQL role, IAM-authenticated" },
  CACHE_HOST: { default: undefined, description: "ElastiCache (Valkey) primary endpoint: reference-data copy and rate limits" },
  CACHE_PORT: { default: "6379", description: "cache port" },
  CACHE_USER: { default: undefined, description: "IAM-enabled ElastiCache user id" },
  CACHE_REPLICATION_GROUP_ID: { default: undefined, description: "replication group the IAM token is signed for" },
  CACHE_TLS: { default: "true", description: "TLS to the cache (required by ElastiCache IAM auth)" },
  REFDATA_SYNC_INTERVAL_MS: { default: "1000", description: "how often each instance copies Aurora's changes to the cache" },
  REFDATA_POLL_MS: { default: "500", description: "how often each instance checks the cache for a new revision" },
  REFDATA_MAX_STALENESS_SECONDS: { default: "60", description: "longest time the cached copy is used unconfirmed (Aurora down) before new orders get 503" },
  CACHE_COMMAND_TIMEOUT_MS: { default: "250", description: "per-command cache timeout; past it a new order gets 503" },
  RISK_CHECKS: { default: "required", description: "required|disabled; disabled (local runs only) places orders without risk checks" },
  LOCAL_DEPENDENCIES: {
    default: "aws",
    description: "aws|loopback; loopback (local runs only, refused unless REFDATA_DB_HOST and CACHE_HOST are 127.0.0.0/8, ::1 or localhost) uses REFDATA_DB_PASSWORD, CACHE_PASSWORD and REFDATA_DB_CA_FILE instead of IAM tokens and the RDS CAs",
  },
  REFDATA_DB_PASSWORD: { default: undefined, description: "password of REFDATA_DB_USER (LOCAL_DEPENDENCIES=loopback only, required there)" },
  REFDATA_DB_CA_FILE: { default: undefined, description: "PEM file of the CA that signed the local PostgreSQL's certificate (LOCAL_DEPENDENCIES=loopback only; unset there: no TLS)" },
  CACHE_PASSWORD: { default: undefined, description: "password of CACHE_USER (LOCAL_DEPENDENCIES=loopback only, required there)" },
} as const satisfies Record<string, { default: string | undefined; description: string }>;

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join("; ")}`);
    this.name = "ConfigError";
  }
}

function integer(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, { error: `must be an integer between ${min} and ${max}` })
    .transform(Number)
    .pipe(z.number().min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` }));
}

function required(what: string) {
  return z.string({ error: `is required (${what})` });
}

const secret = (label: string) =>
  z.string({ error: `is required (${label})` }).min(32, { error: "must be at least 32 characters" });

const url = (schemes: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return schemes.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { error: `must be a URL starting with ${schemes.map((s) => `${s}//`).join(" or ")}` },
  );

const schema = z.object({
  PORT: integer(1, 65535),
  HOST: z.string().min(1, { error: "must not be empty" }),
  AWS_REGION: required("e.g. us-east-1").regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/, {
    error: "must be an AWS region such as us-east-1",
  }),
  TABLE_NAME: required("the trading table").regex(/^[A-Za-z0-9_.-]{3,255}$/, {
    error: "must be 3-255 characters of letters, digits, '_', '-', '.'",
  }),
  DAX_ENDPOINT: url(["dax:", "daxs:"]).optional(),
  DYNAMODB_ENDPOINT: url(["http:", "https:"]).optional(),
  CURSOR_SECRET: secret("HMAC key for pagination cursors"),
  CURSOR_SECRET_PREVIOUS: secret("previous cursor key").optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }),
  SHUTDOWN_DRAIN_MS: integer(0, 300_000),
  SHUTDOWN_GRACE_MS: integer(0, 300_000),
  BODY_LIMIT_BYTES: integer(256, 1_048_576),
  IDEMPOTENCY_TTL_SECONDS: integer(3600, 31_536_000),
  DYNAMODB_MAX_ATTEMPTS: integer(1, 10),
  DYNAMODB_TIMEOUT_MS: integer(100, 60_000),
  REQUEST_DEADLINE_MS: integer(200, 120_000),
  RETRY_AFTER_SECONDS: integer(1, 60),
  REFDATA_DB_HOST: z.string().min(1).optional(),
  REFDATA_DB_PORT: integer(1, 65535),
  REFDATA_DB_NAME: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: "must be a PostgreSQL identifier" }),
  REFDATA_DB_USER: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: "must be a PostgreSQL identifier" }),
  CACHE_HOST: z.string().min(1).optional(),
  CACHE_PORT: integer(1, 65535),
  CACHE_USER: z.string().min(1).optional(),
  CACHE_REPLICATION_GROUP_ID: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, { error: "must be a lower-case replication group id" }).optional(),
  CACHE_TLS: z.enum(["true", "false"], { error: "must be true or false" }),
  REFDATA_SYNC_INTERVAL_MS: integer(100, 4000),
  REFDATA_POLL_MS: integer(50, 2000),
  REFDATA_MAX_STALENESS_SECONDS: integer(5, 3600),
  CACHE_COMMAND_TIMEOUT_MS: integer(10, 5000),
  RISK_CHECKS: z.enum(["required", "disabled"], { error: "must be required or disabled" }),
  LOCAL_DEPENDENCIES: z.enum(["aws", "loopback"], { error: "must be aws or loopback" }),
  REFDATA_DB_PASSWORD: z.string().optional(),
  REFDATA_DB_CA_FILE: z.string().optional(),
  CACHE_PASSWORD: z.string().optional(),
  HTTP_HEADERS_TIMEOUT_MS: integer(100, 300_000),
  HTTP_BODY_TIMEOUT_MS: integer(100, 300_000),
  HTTP_IDLE_TIMEOUT_MS: integer(1000, 600_000),
});

/** Rules across variables: each names the variable to change. */
const crossChecks: { variable: string; holds: (e: z.output<typeof schema>) => boolean; message: (e: z.output<typeof schema>) => string }[] = [
  {
    // One store attempt must fit in the request's deadline, or every request would end in a 503.
    variable: "REQUEST_DEADLINE_MS",
    holds: (e) => e.REQUEST_DEADLINE_MS > e.DYNAMODB_TIMEOUT_MS,
    message: (e) => `must be greater than DYNAMODB_TIMEOUT_MS (${e.DYNAMODB_TIMEOUT_MS})`,
  },
  {
    // Node counts both from the request's first byte; a body limit below the headers limit is meaningless.
    variable: "HTTP_BODY_TIMEOUT_MS",
    holds: (e) => e.HTTP_BODY_TIMEOUT_MS >= e.HTTP_HEADERS_TIMEOUT_MS,
    message: (e) => `must be at least HTTP_HEADERS_TIMEOUT_MS (${e.HTTP_HEADERS_TIMEOUT_MS})`,
  },
  {
    // The idle limit is a socket inactivity timeout: it must not cut a request still waiting on the store.
    variable: "HTTP_IDLE_TIMEOUT_MS",
    holds: (e) => e.HTTP_IDLE_TIMEOUT_MS > e.REQUEST_DEADLINE_MS,
    message: (e) => `must be greater than REQUEST_DEADLINE_MS (${e.REQUEST_DEADLINE_MS})`,
  },
  {
    // The stated invalidation bound (<= 5 s) is sync interval + poll interval + a margin.
    variable: "REFDATA_POLL_MS",
    holds: (e) => e.REFDATA_SYNC_INTERVAL_MS + e.REFDATA_POLL_MS <= 4500,
    message: (e) => `plus REFDATA_SYNC_INTERVAL_MS (${e.REFDATA_SYNC_INTERVAL_MS}) must be at most 4500 ms (changes reach every instance within 5 s)`,
  },
];

const SECRET_VARIABLES = new Set(["CURSOR_SECRET", "CURSOR_SECRET_PREVIOUS", "REFDATA_DB_PASSWORD", "CACHE_PASSWORD"]);

/** The variables that exist only for LOCAL_DEPENDENCIES=loopback. */
const LOOPBACK_ONLY = ["REFDATA_DB_PASSWORD", "REFDATA_DB_CA_FILE", "CACHE_PASSWORD"] as const;
const LOOPBACK_RULE = "127.0.0.0/8, ::1 or localhost";

/**
 * True for a host name that can only mean this machine: localhost, an IPv4 address in 127.0.0.0/8,
 * or ::1 (any spelling; brackets allowed). A DNS name other than localhost is never loopback here,
 * even one that resolves to 127.0.0.1 today: what it resolves to can change.
 */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase();
  if (name === "localhost") return true;
  if (isIP(name) === 4) return name.split(".")[0] === "127";
  const bare = name.startsWith("[") && name.endsWith("]") ? name.slice(1, -1) : name;
  if (isIP(bare) !== 6) return false;
  // The URL parser writes every spelling of an IPv6 address in its one canonical form.
  return new URL(`http://[${bare}]/`).hostname === "[::1]";
}

/**
 * The loopback mode's rules, each naming the variable to change: it is refused for any host that is
 * not loopback, needs both passwords, and its variables are refused without it (so a static
 * password can never stand in for an IAM token in AWS by accident). The CA file is read here, so a
 * bad path stops the process with its name.
 */
function dependencyCredentials(e: z.output<typeof schema>): { credentials?: DependencyCredentials; problems: { variable: string; message: string }[] } {
  const problems: { variable: string; message: string }[] = [];
  if (e.LOCAL_DEPENDENCIES === "aws") {
    for (const variable of LOOPBACK_ONLY) {
      if (e[variable] !== undefined) {
        problems.push({ variable, message: "is allowed only with LOCAL_DEPENDENCIES=loopback (with aws the service signs IAM tokens and trusts the RDS CAs)" });
      }
    }
    const groupId = e.CACHE_REPLICATION_GROUP_ID;
    return { problems, ...(groupId ? { credentials: { kind: "aws", cacheReplicationGroupId: groupId } } : {}) };
  }
  const remote = (["REFDATA_DB_HOST", "CACHE_HOST"] as const).filter((variable) => e[variable] !== undefined && !isLoopbackHost(e[variable]));
  if (remote.length > 0) {
    const named = remote.map((variable) => `${variable} is "${e[variable]}"`).join(", ");
    problems.push({ variable: "LOCAL_DEPENDENCIES", message: `loopback is allowed only when REFDATA_DB_HOST and CACHE_HOST are loopback hosts (${LOOPBACK_RULE}); ${named}` });
  }
  for (const variable of ["REFDATA_DB_HOST", "CACHE_HOST", "CACHE_USER", "REFDATA_DB_PASSWORD", "CACHE_PASSWORD"] as const) {
    if (e[variable] === undefined) problems.push({ variable, message: "is required with LOCAL_DEPENDENCIES=loopback" });
  }
  let dbCa: string | undefined;
  if (e.REFDATA_DB_CA_FILE !== undefined) {
    try {
      dbCa = readFileSync(e.REFDATA_DB_CA_FILE, "utf8");
      if (!dbCa.includes("-----BEGIN CERTIFICATE-----")) problems.push({ variable: "REFDATA_DB_CA_FILE", message: `must be a PEM certificate file (got "${e.REFDATA_DB_CA_FILE}")` });
    } catch {
      problems.push({ variable: "REFDATA_DB_CA_FILE", message: `must be a readable PEM file (got "${e.REFDATA_DB_CA_FILE}")` });
    }
  }
  if (problems.length > 0 || e.REFDATA_DB_PASSWORD === undefined || e.CACHE_PASSWORD === undefined) return { problems };
  return { problems, credentials: { kind: "loopback", dbPassword: e.REFDATA_DB_PASSWORD, cachePassword: e.CACHE_PASSWORD, ...(dbCa ? { dbCa } : {}) } };
}

/** Reads the variables in {@link ENVIRONMENT}; throws {@link ConfigError} naming each bad one. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const input: Record<string, string | undefined> = {};
  for (const [name, spec] of Object.entries(ENVIRONMENT)) {
    // systemd and launch templates often write VAR= for "unset"; treat empty as unset.
    const raw = env[name];
    input[name] = raw === undefined || raw.trim() === "" ? spec.default : raw.trim();
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const seen = new Set<string>();
    const problems: { variable: string; message: string }[] = [];
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0]);
      if (seen.has(variable)) continue;
      seen.add(variable);
      const value = input[variable];
      const shown = value !== undefined && !SECRET_VARIABLES.has(variable) ? ` (got "${value}")` : "";
      problems.push({ variable, message: `${issue.message}${shown}` });
    }
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const access = dependencyCredentials(e);
  if (access.problems.length > 0) throw new ConfigError(access.problems);
  // All or nothing: a half-configured risk tier would fail every order at run time instead.
  // (The loopback mode has required its whole group above.)
  const group = { REFDATA_DB_HOST: e.REFDATA_DB_HOST, CACHE_HOST: e.CACHE_HOST, CACHE_USER: e.CACHE_USER, CACHE_REPLICATION_GROUP_ID: e.CACHE_REPLICATION_GROUP_ID };
  const missing = Object.entries(group).filter(([, v]) => v === undefined).map(([k]) => k);
  if (e.LOCAL_DEPENDENCIES === "aws" && missing.length > 0 && missing.length < Object.keys(group).length) {
    throw new ConfigError(missing.map((variable) => ({ variable, message: "is required when the other REFDATA_/CACHE_ variables are set" })));
  }
  const crossProblems = crossChecks
    .filter((check) => !check.holds(e))
    .map((check) => ({ variable: check.variable, message: `${check.message(e)} (got "${input[check.variable]}")` }));
  if (crossProblems.length > 0) throw new ConfigError(crossProblems);
  return {
    port: e.PORT,
    host: e.HOST,
    region: e.AWS_REGION,
    tableName: e.TABLE_NAME,
    daxEndpoint: e.DAX_ENDPOINT,
    dynamoDbEndpoint: e.DYNAMODB_ENDPOINT,
    cursorSecrets: e.CURSOR_SECRET_PREVIOUS ? [e.CURSOR_SECRET, e.CURSOR_SECRET_PREVIOUS] : [e.CURSOR_SECRET],
    logLevel: e.LOG_LEVEL,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    idempotencyTtlSeconds: e.IDEMPOTENCY_TTL_SECONDS,
    dynamoDbMaxAttempts: e.DYNAMODB_MAX_ATTEMPTS,
    dynamoDbTimeoutMs: e.DYNAMODB_TIMEOUT_MS,
    requestDeadlineMs: e.REQUEST_DEADLINE_MS,
    retryAfterSeconds: e.RETRY_AFTER_SECONDS,
    riskChecks: e.RISK_CHECKS,
    ...(e.REFDATA_DB_HOST && e.CACHE_HOST && e.CACHE_USER && access.credentials
      ? {
          risk: {
            dbHost: e.REFDATA_DB_HOST,
            dbPort: e.REFDATA_DB_PORT,
            dbName: e.REFDATA_DB_NAME,
            dbUser: e.REFDATA_DB_USER,
            cacheHost: e.CACHE_HOST,
            cachePort: e.CACHE_PORT,
            cacheUser: e.CACHE_USER,
            cacheTls: e.CACHE_TLS === "true",
            credentials: access.credentials,
            syncIntervalMs: e.REFDATA_SYNC_INTERVAL_MS,
            pollMs: e.REFDATA_POLL_MS,
            maxStalenessSeconds: e.REFDATA_MAX_STALENESS_SECONDS,
            commandTimeoutMs: e.CACHE_COMMAND_TIMEOUT_MS,
          },
        }
      : {}),
    httpHeadersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
    httpBodyTimeoutMs: e.HTTP_BODY_TIMEOUT_MS,
    httpIdleTimeoutMs: e.HTTP_IDLE_TIMEOUT_MS,
  };
}
