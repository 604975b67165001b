/**
 * Builds the risk tier for the process from its configuration, the way AWS expects the connections:
 * - Aurora: the reader endpoint, role trading_app, an IAM token (rds-signer) as the password of each
 *   new connection, TLS verified against the RDS CAs;
 * - ElastiCache: TLS, user CACHE_USER with a fresh IAM token per connection (and hourly re-AUTH).
 * Credentials come from the instance role (the default provider chain, IMDSv2).
 *
 * With LOCAL_DEPENDENCIES=loopback (config.ts refuses it for any host that is not loopback) the same
 * pool and client get static passwords instead, and TLS to PostgreSQL is verified against the local
 * server's own CA (or is off when none is given): `npm run local`. Nothing else differs.
 */
import type { ConnectionOptions } from "node:tls";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { Pool } from "pg";
import { rdsTokenProvider } from "../../../reference-data/src/iamAuth";
import { rdsTlsOptions } from "../../../reference-data/src/rdsTls";
import type { RiskConfig } from "../config";
import { elastiCacheTokenProvider } from "./elasticacheToken";
import { PreTradeGate } from "./preTrade";
import { RateLimiter } from "./rateLimiter";
import type { RiskReadiness } from "./readiness";
import { ReferenceCache } from "./referenceCache";
import { ReferenceSyncer } from "./syncer";
import { connectValkey } from "./valkey";

export interface RiskTier {
  gate: PreTradeGate;
  /** The reference-data cache; authentication reads client entitlements from it too. */
  cache: ReferenceCache;
  readiness: () => RiskReadiness;
  close(): Promise<void>;
}

interface Access {
  dbPassword: () => Promise<string>;
  dbTls: ConnectionOptions | false;
  cachePassword: () => Promise<string>;
}

/** The passwords (token providers in AWS) and the database's TLS settings for the configured mode. */
function accessFor(config: RiskConfig, region: string): Access {
  const mode = config.credentials;
  if (mode.kind === "loopback") {
    const { dbPassword, cachePassword, dbCa } = mode;
    return {
      dbPassword: async () => dbPassword,
      // The local server's certificate names 127.0.0.1 and localhost, so the host name is checked as in AWS.
      dbTls: dbCa ? { ca: dbCa, rejectUnauthorized: true, servername: config.dbHost } : false,
      cachePassword: async () => cachePassword,
    };
  }
  const credentials = fromNodeProviderChain();
  return {
    dbPassword: rdsTokenProvider({ hostname: config.dbHost, port: config.dbPort, username: config.dbUser, region }),
    dbTls: rdsTlsOptions(config.dbHost),
    // Tokens are valid for 15 minutes; one per connection is cheap (a local signature), so none is cached.
    cachePassword: elastiCacheTokenProvider({ replicationGroupId: mode.cacheReplicationGroupId, userId: config.cacheUser, region, credentials }),
  };
}

export function createRiskTier(config: RiskConfig, region: string, retryAfterSeconds: number, log: (error: unknown, what: string) => void): RiskTier {
  const access = accessFor(config, region);
  const reader = new Pool({
    host: config.dbHost,
    port: config.dbPort,
    database: config.dbName,
    user: config.dbUser,
    password: access.dbPassword,
    ssl: access.dbTls,
    max: 2,
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 60_000,
    application_name: "trading-api",
  });
  const valkey = connectValkey(
    {
      host: config.cacheHost,
      port: config.cachePort,
      tls: config.cacheTls,
      username: config.cacheUser,
      password: access.cachePassword,
      commandTimeoutMs: config.commandTimeoutMs,
    },
    (error) => log(error, "cache connection"),
  );
  const syncer = new ReferenceSyncer({ pool: reader, client: valkey.client, intervalMs: config.syncIntervalMs, onError: (e) => log(e, "reference data sync") });
  const cache = new ReferenceCache({ client: valkey.client, pollMs: config.pollMs, maxStalenessMs: config.maxStalenessSeconds * 1000, onError: (e) => log(e, "reference cache poll") });
  const gate = new PreTradeGate({ cache, limiter: new RateLimiter(valkey.client), retryAfterSeconds, onError: (e) => log(e, "pre-trade check") });
  syncer.start();
  cache.start();
  return {
    gate,
    cache,
    readiness: () => ({ sync: syncer.status(), stalenessSeconds: cache.stalenessSeconds(), maxStalenessSeconds: config.maxStalenessSeconds, now: Date.now() }),
    async close() {
      cache.stop();
      await syncer.stop();
      await valkey.close();
      await reader.end();
    },
  };
}
