/**
 * Applies the reference-data migrations with node-pg-migrate (see the README for why that library):
 * versioned SQL files in name order, each recorded in refdata.pgmigrations, all pending ones in one
 * transaction, the order of applied files checked. Idempotent: a second run applies nothing.
 *
 * Overlapping runs (two `pulumi up`s, a retried invocation) are serialised by a session-level
 * advisory lock that the second run *waits* for (advisoryLockMode "wait"), bounded by lock_timeout,
 * after which it finds nothing left to do. Forward-only: files have no down migration and this
 * module never runs one.
 */
import type { Client } from "pg";
import { runner } from "node-pg-migrate";
import { MIGRATIONS_DIR, migrationFiles, migrationSetHash } from "../contract";

/** Lock key shared by every run against the database ("refdat" in ASCII, a safe integer). */
export const MIGRATION_LOCK_KEY = 0x726566646174;

export interface MigrationResult {
  /** Migrations this run applied, in order (empty when the database was up to date). */
  applied: string[];
  /** Every migration the database has now. */
  total: number;
  /** Hash of the migration set this code carries. */
  migrationSetSha256: string;
}

export interface MigrateOptions {
  /** Directory of the SQL files. Default the repository's migrations/. */
  dir?: string;
  /** Longest wait for another run's lock, ms. Default 120 000. */
  lockTimeoutMs?: number;
  log?: (message: string) => void;
}

/** Runs on a connected client (the master user's); leaves it connected. */
export async function migrate(client: Client, options: MigrateOptions = {}): Promise<MigrationResult> {
  const dir = options.dir ?? MIGRATIONS_DIR;
  const files = migrationFiles(dir);
  await client.query(`SET lock_timeout = ${Math.trunc(options.lockTimeoutMs ?? 120_000)}`);
  const log = options.log ?? (() => undefined);
  const applied = await runner({
    dbClient: client,
    dir,
    direction: "up",
    schema: "refdata",
    createSchema: true,
    migrationsSchema: "refdata",
    migrationsTable: "pgmigrations",
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: "wait",
    lockValue: MIGRATION_LOCK_KEY,
    logger: { debug: log, info: log, warn: log, error: log },
  });
  const total = await client.query<{ count: string }>("SELECT count(*) AS count FROM refdata.pgmigrations");
  await client.query("SET lock_timeout = 0");
  return { applied: applied.map((m) => m.name), total: Number(total.rows[0].count), migrationSetSha256: migrationSetHash(files) };
}
