/**
 * A reference-data database on a local PostgreSQL, as `pulumi up` leaves one on Aurora: created,
 * migrated as the master user (the migration Lambda's identity), and the two application roles the
 * migrations create (trading_app, trading_refdata) given the harness's password, which stands in for
 * their IAM tokens. `npm run local`, the benchmark and the service tests all start from it.
 */
import { APP_DB_ROLE, REFDATA_DB_ROLE } from "../../services/reference-data/contract";
import { migrate } from "../../services/reference-data/src/migrate";
import type { Postgres } from "./servers/postgres";

/** Creates and migrates a database (`prefix` with a unique suffix, or exactly `name`) and returns its name. */
export async function migratedReferenceDatabase(pg: Postgres, prefix: string, name?: string): Promise<string> {
  const database = await pg.createDatabase(prefix, name);
  const master = await pg.connect(database);
  try {
    await migrate(master);
  } finally {
    await master.end();
  }
  await pg.setPassword(APP_DB_ROLE);
  await pg.setPassword(REFDATA_DB_ROLE);
  return database;
}
