/**
 * The order path with its real dependencies, for the risk tests: DynamoDB Local (orders), a migrated
 * PostgreSQL database (reference data, read as trading_app through a password *function*, as the
 * IAM token provider is used), redis-server (the Valkey copy and the buckets), the syncer, the
 * in-process cache and the gate, wired as main.ts wires them. Each environment has its own
 * database and its own Redis logical database, so test files never see each other's data.
 */
import type { FastifyInstance } from "fastify";
import { Pool } from "pg";
import { migratedReferenceDatabase } from "../../offline/local/referenceDatabase";
import { ReferenceDataRepository, type LimitsInput } from "../../services/reference-data/src/repository";
import { APP_DB_ROLE, REFDATA_DB_ROLE } from "../../services/reference-data/contract";
import { PreTradeGate } from "../../services/trading-api/src/risk/preTrade";
import { RateLimiter } from "../../services/trading-api/src/risk/rateLimiter";
import { ReferenceCache } from "../../services/trading-api/src/risk/referenceCache";
import { ReferenceSyncer } from "../../services/trading-api/src/risk/syncer";
import { connectValkey, type Valkey } from "../../services/trading-api/src/risk/valkey";
import { sharedDynamoLocal } from "../support/dynamoLocal";
import { sharedPostgres, type Postgres } from "../support/postgres";
import { sharedRedis, type RedisServer } from "../support/redis";
import { testApp, unique } from "./fixtures";

let redisDatabases = 0;

export const DEFAULT_LIMITS: LimitsInput = {
  maxOrderQuantity: 1_000,
  maxOrderNotional: "5000000",
  maxOpenOrders: 100,
  priceCollarBps: 500,
  ordersPerSecond: 1_000,
  burst: 1_000,
};

/** A listed instrument every environment has: tick 5, lot 10, reference price 100.00. */
export const SYMBOL = "ACME";

export interface RiskInstance {
  app: FastifyInstance;
  cache: ReferenceCache;
  syncer: ReferenceSyncer;
  valkey: Valkey;
  reader: Pool;
}

export interface RiskEnvironment {
  pg: Postgres;
  database: string;
  databaseUrl: string;
  redis: RedisServer;
  redisDatabase: number;
  table: string;
  repo: ReferenceDataRepository;
  /** The first instance of the service. */
  app: FastifyInstance;
  primary: RiskInstance;
  /** Another instance (own cache, own syncer) against the same stores. */
  instance(): Promise<RiskInstance>;
  /** A new active account with these limits. */
  account(limits?: Partial<LimitsInput>): Promise<string>;
  /** Waits until every instance's cache has caught up with Aurora. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface RiskOptions {
  redis?: RedisServer;
  pollMs?: number;
  syncIntervalMs?: number;
  maxStalenessMs?: number;
}

async function waitFor(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function riskEnvironment(options: RiskOptions = {}): Promise<RiskEnvironment> {
  const [ddb, pg, redis] = await Promise.all([sharedDynamoLocal(), sharedPostgres(), options.redis ?? sharedRedis()]);
  const table = await ddb.createTable();
  const database = await migratedReferenceDatabase(pg, "risk");
  const writer = new Pool({ ...pg.config(database, REFDATA_DB_ROLE), max: 4 });
  writer.on("error", () => undefined);
  const repo = new ReferenceDataRepository(writer, "test:operator");
  await repo.addInstrument({ symbol: SYMBOL, tickSize: 5, lotSize: 10, currency: "USD", referencePrice: 10_000 });
  redisDatabases += 1;
  const redisDatabase = redisDatabases % 16;

  const instances: RiskInstance[] = [];
  const instance = async (): Promise<RiskInstance> => {
    // The password is a function, called for every new connection: the shape of the IAM token provider.
    const reader = new Pool({ ...pg.config(database, APP_DB_ROLE), password: async () => pg.password, max: 2, connectionTimeoutMillis: 1000 });
    const valkey = connectValkey({
      host: redis.host,
      port: redis.port,
      tls: false,
      username: redis.username,
      password: async () => redis.password,
      database: redisDatabase,
      commandTimeoutMs: 250,
      connectTimeoutMs: 250,
    });
    const syncer = new ReferenceSyncer({ pool: reader, client: valkey.client, intervalMs: options.syncIntervalMs ?? 1000 });
    const cache = new ReferenceCache({ client: valkey.client, pollMs: options.pollMs ?? 500, maxStalenessMs: options.maxStalenessMs ?? 60_000 });
    const gate = new PreTradeGate({ cache, limiter: new RateLimiter(valkey.client) });
    const app = testApp(ddb.doc, table, {
      preTrade: gate,
      riskReadiness: () => ({ sync: syncer.status(), stalenessSeconds: cache.stalenessSeconds(), maxStalenessSeconds: (options.maxStalenessMs ?? 60_000) / 1000, now: Date.now() }),
      clientIdOf: (request) => {
        const header = request.headers["x-test-client"];
        return typeof header === "string" ? header : undefined;
      },
    });
    await waitFor("the cache to connect", () => valkey.ready());
    syncer.start();
    cache.start();
    await waitFor("reference data in the cache", async () => {
      await cache.poll();
      return cache.availability().ok;
    });
    const created = { app, cache, syncer, valkey, reader };
    instances.push(created);
    return created;
  };
  const primary = await instance();

  const env: RiskEnvironment = {
    pg,
    database,
    databaseUrl: `postgres://${REFDATA_DB_ROLE}:${pg.password}@${pg.host}:${pg.port}/${database}`,
    redis,
    redisDatabase,
    table,
    repo,
    app: primary.app,
    primary,
    instance,
    async account(limits = {}) {
      const id = unique("acct");
      await repo.addAccount(id, `Account ${id}`, { ...DEFAULT_LIMITS, ...limits });
      await env.settle();
      return id;
    },
    async settle() {
      const client = await writer.connect();
      let revision: number;
      try {
        revision = Number((await client.query("SELECT value FROM refdata.revision")).rows[0].value);
      } finally {
        client.release();
      }
      for (const i of instances) {
        await i.syncer.tick();
        await i.cache.poll();
      }
      await waitFor("the cache to reach the database's revision", async () => {
        const cached = await primary.valkey.client.get("rd:rev");
        return Number(cached) >= revision;
      });
      for (const i of instances) await i.cache.poll();
    },
    async close() {
      for (const i of instances) {
        i.cache.stop();
        await i.syncer.stop();
        await i.app.close();
        await i.valkey.close();
        await i.reader.end();
      }
      await writer.end();
    },
  };
  return env;
}

export { waitFor };
