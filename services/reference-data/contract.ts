/**
 * What the infrastructure needs to know about the reference-data schema, with no imports beyond
 * Node's own: where the migrations are, the hash of the migration set (a change re-runs the
 * migration function on `pulumi up`), the handler to bundle, and the roles the migrations create.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

/** Versioned, forward-only SQL files, applied in name order. */
export const MIGRATIONS_DIR = path.join(__dirname, "migrations");

/** The migration Lambda's handler module (exports `handler`). */
export const MIGRATION_HANDLER_ENTRY = path.join(__dirname, "src", "migrationHandler.ts");

/** Directory name of the migrations inside the Lambda archive (beside index.js). */
export const ARCHIVE_MIGRATIONS_DIR = "migrations";

/** The PostgreSQL role the trading API logs in as (IAM authentication). */
export const APP_DB_ROLE = "trading_app";

/** The PostgreSQL role the reference-data CLI logs in as (IAM authentication). */
export const REFDATA_DB_ROLE = "trading_refdata";

const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.sql$/;

export interface MigrationFile {
  name: string;
  sql: string;
  sha256: string;
}

/** The migration files in apply order. Anything else in the directory is an error, not ignored. */
export function migrationFiles(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  const names = readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort();
  return names.map((name) => {
    if (!MIGRATION_FILE.test(name)) {
      throw new Error(`migration ${name} must be named NNNN_lower_snake.sql`);
    }
    const sql = readFileSync(path.join(dir, name), "utf8");
    return { name, sql, sha256: createHash("sha256").update(sql).digest("hex") };
  });
}

/** One hash over every file's name and content: equal sets, equal hash. */
export function migrationSetHash(files: MigrationFile[] = migrationFiles()): string {
  const hash = createHash("sha256");
  for (const file of files) hash.update(`${file.name}\0${file.sha256}\n`);
  return hash.digest("hex");
}
