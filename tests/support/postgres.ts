/**
 * The PostgreSQL harness for the tests and the benchmark. The throwaway cluster itself (Aurora-like
 * roles, TLS from a throwaway CA, durability off) is started by offline/local/servers/postgres.ts,
 * the one implementation, shared with `npm run local`; this file adds the run-wide cluster.
 *
 * One cluster serves the whole mocha run ({@link sharedPostgres}); a root-level `after` hook stops it.
 * Test files create their own database with `Postgres.createDatabase`.
 */
import { startPostgres, type Postgres } from "../../offline/local/servers/postgres";

export { MASTER_USER, postgresBinDir, startPostgres, SUPERUSER, type Postgres } from "../../offline/local/servers/postgres";

let shared: Promise<Postgres> | undefined;

/** The run-wide cluster, started on first use. */
export function sharedPostgres(): Promise<Postgres> {
  shared ??= startPostgres();
  return shared;
}

if (typeof after === "function") {
  after(async function () {
    this.timeout(30_000);
    const instance = shared;
    shared = undefined;
    if (instance) await (await instance).stop();
  });
}
