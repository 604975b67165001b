/**
 * The risk tier's servers for the benchmark's full order path (run by trading-api.ts, the parent):
 * a PostgreSQL cluster with the reference-data migrations applied, the accounts the load uses and
 * the API client it acts as (with its entitlements), and a redis-server (the Valkey stand-in) with the production ACL, both from tests/support on
 * loopback ports. The target process (fullOrderPath.ts) reads them through the environment this
 * returns, as trading_app and the cache's application user, the way the service does.
 */
import { readFileSync } from "node:fs";
import { migratedReferenceDatabase } from "../offline/local/referenceDatabase";
import { APP_DB_ROLE, REFDATA_DB_ROLE } from "../services/reference-data/contract";
import { startPostgres } from "../tests/support/postgres";
import { startRedis } from "../tests/support/redis";

/** What the load sends (trading-api.ts): accounts bench-0 .. bench-999, ACME, quantity 1-500, price 9000-10999. */
export const BENCH_SYMBOL = "ACME";
export const BENCH_ACCOUNTS = 1000;
/** Accounts seed-0 .. seed-19 hold the orders the read load fetches (server.ts places them). */
export const SEED_ACCOUNTS = 20;
/** The API client the service's load acts as: a trading client entitled to every account above. */
export const BENCH_CLIENT = "bench-desk";

export interface RiskBackends {
  /** Environment for the full-path target (fullOrderPath.ts). */
  env: Record<string, string>;
  /** CPU time (user + system, microseconds) redis-server has used so far, from /proc. */
  redisCpuMicros(): number;
  stop(): Promise<void>;
}

export async function startRiskBackends(): Promise<RiskBackends> {
  const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  try {
    const database = await migratedReferenceDatabase(pg, "bench");
    // Every order the load sends passes every check, so each one runs all of them: limits well
    // above what the load reaches (quantity <= 500, notional < 5.5M, a few hundred orders per
    // account, ~10 orders/s per account), the collar (10%) around 10000 spanning 9000-11000.
    const writer = await pg.connect(database, REFDATA_DB_ROLE);
    try {
      await writer.query("BEGIN");
      await writer.query("SELECT set_config('refdata.actor', 'bench:seed', true)");
      await writer.query(
        "INSERT INTO refdata.instruments (symbol, tick_size, lot_size, currency, reference_price) VALUES ($1, 1, 1, 'USD', 10000)",
        [BENCH_SYMBOL],
      );
      await writer.query("INSERT INTO refdata.accounts (account_id, name) SELECT 'bench-' || n, 'Bench ' || n FROM generate_series(0, $1 - 1) AS n", [BENCH_ACCOUNTS]);
      await writer.query("INSERT INTO refdata.accounts (account_id, name) SELECT 'seed-' || n, 'Seed ' || n FROM generate_series(0, $1 - 1) AS n", [SEED_ACCOUNTS]);
      await writer.query(
        `INSERT INTO refdata.risk_limits (account_id, max_order_quantity, max_order_notional, max_open_orders, price_collar_bps, orders_per_second, burst)
         SELECT 'bench-' || n, 1000, 10000000, 1000000, 1000, 1000, 1000 FROM generate_series(0, $1 - 1) AS n`,
        [BENCH_ACCOUNTS],
      );
      // Authentication reads the client's entitlements from the same cache (as in production), so
      // the client is reference data too, with a rate limit the load stays far below.
      await writer.query("INSERT INTO refdata.api_clients (client_id, name, kind, orders_per_second, burst) VALUES ($1, 'Bench desk', 'trading', 100000, 1000000)", [BENCH_CLIENT]);
      await writer.query(
        `INSERT INTO refdata.client_entitlements (client_id, account_id, scopes)
         SELECT $1, account_id, ARRAY['orders.read', 'orders.write'] FROM refdata.accounts`,
        [BENCH_CLIENT],
      );
      await writer.query("COMMIT");
    } finally {
      await writer.end();
    }
    const redisPid = await (async () => {
      const admin = await redis.admin();
      try {
        const info = await admin.info("server");
        return Number(/process_id:(\d+)/.exec(info)?.[1]);
      } finally {
        await admin.close();
      }
    })();
    return {
      env: {
        BENCH_PG_HOST: pg.host,
        BENCH_PG_PORT: String(pg.port),
        BENCH_PG_DATABASE: database,
        BENCH_PG_USER: APP_DB_ROLE,
        BENCH_PG_PASSWORD: pg.password,
        BENCH_REDIS_HOST: redis.host,
        BENCH_REDIS_PORT: String(redis.port),
        BENCH_REDIS_USER: redis.username,
        BENCH_REDIS_PASSWORD: redis.password,
        BENCH_ACCOUNTS: String(BENCH_ACCOUNTS),
        BENCH_SEED_ACCOUNTS: String(SEED_ACCOUNTS),
        BENCH_SYMBOL,
        BENCH_CLIENT,
      },
      redisCpuMicros: () => processCpuMicros(redisPid),
      async stop() {
        await Promise.all([redis.stop(), pg.stop()]);
      },
    };
  } catch (error) {
    await Promise.all([redis.stop(), pg.stop()]);
    throw error;
  }
}

/** utime + stime of a process, in microseconds (Linux /proc; clock ticks are 100 Hz there). */
function processCpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  // After "pid (comm) ", field 3 is state; utime and stime are fields 14 and 15 of the full line.
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}
