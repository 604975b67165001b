/**
 * The risk tier for the benchmark's service target (serviceTarget.ts): the service
 * with its pre-trade gate wired as main.ts wires it (risk/wiring.ts) — trading_app reading
 * PostgreSQL through the syncer, the Valkey client with its per-command timeout, the in-process
 * reference cache, the rate limiter — minus what needs AWS (IAM tokens, TLS). Before the target
 * reports it is listening, the cache has confirmed a synchronised copy and holds every account the
 * load uses, the instrument and the API client, as on an instance that has been serving for a while; the syncer and
 * the cache poll keep running during the load, as they do in production.
 */
import { Pool } from "pg";
import { PreTradeGate } from "../services/trading-api/src/risk/preTrade";
import { RateLimiter } from "../services/trading-api/src/risk/rateLimiter";
import type { RiskReadiness } from "../services/trading-api/src/risk/readiness";
import { ReferenceCache } from "../services/trading-api/src/risk/referenceCache";
import { ReferenceSyncer } from "../services/trading-api/src/risk/syncer";
import { connectValkey } from "../services/trading-api/src/risk/valkey";

export interface FullOrderPath {
  preTrade: PreTradeGate;
  /** The reference cache; the service's authentication reads client entitlements from it, as in main.ts. */
  cache: ReferenceCache;
  riskReadiness: () => RiskReadiness;
  close(): Promise<void>;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required by the service target (bench/riskBackends.ts sets it)`);
  return value;
}

/** The service's defaults (config.ts): sync every 1 s, poll every 500 ms, 60 s staleness, 250 ms commands. */
const SYNC_INTERVAL_MS = 1000;
const POLL_MS = 500;
const MAX_STALENESS_SECONDS = 60;
const COMMAND_TIMEOUT_MS = 250;

export async function startFullOrderPath(): Promise<FullOrderPath> {
  const fail = (error: unknown) => process.stderr.write(`risk tier: ${String(error)}\n`);
  const reader = new Pool({
    host: required("BENCH_PG_HOST"),
    port: Number(required("BENCH_PG_PORT")),
    database: required("BENCH_PG_DATABASE"),
    user: required("BENCH_PG_USER"),
    // A function, called per connection: the shape of the IAM token provider.
    password: async () => required("BENCH_PG_PASSWORD"),
    max: 2,
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 60_000,
    application_name: "trading-api-bench",
  });
  const valkey = connectValkey(
    {
      host: required("BENCH_REDIS_HOST"),
      port: Number(required("BENCH_REDIS_PORT")),
      tls: false,
      username: required("BENCH_REDIS_USER"),
      password: async () => required("BENCH_REDIS_PASSWORD"),
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
    },
    fail,
  );
  const syncer = new ReferenceSyncer({ pool: reader, client: valkey.client, intervalMs: SYNC_INTERVAL_MS, onError: fail });
  const cache = new ReferenceCache({ client: valkey.client, pollMs: POLL_MS, maxStalenessMs: MAX_STALENESS_SECONDS * 1000, onError: fail });
  const preTrade = new PreTradeGate({ cache, limiter: new RateLimiter(valkey.client), onError: fail });

  const deadline = Date.now() + 30_000;
  while (!valkey.ready()) {
    if (Date.now() > deadline) throw new Error("the cache did not connect");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await syncer.tick();
  await cache.poll();
  if (!cache.availability().ok) throw new Error(`reference cache not available: ${JSON.stringify(cache.availability())}`);
  syncer.start();
  cache.start();
  // Warm the in-process map: one read of every entry the load uses.
  const accounts = Number(required("BENCH_ACCOUNTS"));
  const symbol = required("BENCH_SYMBOL");
  const missing: string[] = [];
  if (!(await cache.instrument(symbol))) missing.push(symbol);
  for (let i = 0; i < accounts; i++) if (!(await cache.account(`bench-${i}`))) missing.push(`bench-${i}`);
  const client = required("BENCH_CLIENT");
  if (!(await cache.client(client))) missing.push(client);
  if (missing.length) throw new Error(`reference data missing from the cache: ${missing.slice(0, 5).join(", ")}`);

  return {
    preTrade,
    cache,
    riskReadiness: () => ({ sync: syncer.status(), stalenessSeconds: cache.stalenessSeconds(), maxStalenessSeconds: MAX_STALENESS_SECONDS, now: Date.now() }),
    async close() {
      cache.stop();
      await syncer.stop();
      await valkey.close();
      await reader.end();
    },
  };
}
