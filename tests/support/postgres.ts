/**
 * The PostgreSQL harness for the tests and the benchmark. The throwaway cluster itself (Aurora-like
 * roles, TLS from a throwaway CA, durability off) is started by offline/local/servers/postgres.ts,
 * the one implementation, shared with `npm run local`; this file adds the run-wide cluster.
 *
 * One cluster serves each test process ({@link sharedPostgres}: the serial run, or each parallel
 * worker), stopped after the process's last file (./processEnd.ts). Test files create their own
 * database with `Postgres.createDatabase`.
 */
import { startPostgres, type Postgres } from "../../offline/local/servers/postgres";
import { stopAtProcessEnd } from "./processEnd";

export { MASTER_USER, postgresBinDir, startPostgres, SUPERUSER, type Postgres } from "../../offline/local/servers/postgres";

let shared: Promise<Postgres> | undefined;

/** The process-wide cluster, started on first use. */
export function sharedPostgres(): Promise<Postgres> {
  shared ??= startPostgres();
  return shared;
}

stopAtProcessEnd("PostgreSQL", 30_000, async () => {
  const instance = shared;
  shared = undefined;
  if (instance) await (await instance).stop();
});
