/**
 * Builds the risk tier for the process from its configuration, the way AWS expects the connections:
 * - Aurora: the reader endpoint, role trading_app, an IAM token (rds-signer) as the password of each
 *   new connection, TLS verified against the RDS CAs;
 * - ElastiCache: TLS, user CACHE_USER with a fresh IAM token per connection (and hourly re-AUTH).
 * Credentials come from the instance role (the default provider chain, IMDSv2).
 */
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

export function createRiskTier(config: RiskConfig, region: string, retryAfterSeconds: number, log: (error: unknown, what: string) => void): RiskTier {
  const credentials = fromNodeProviderChain();
  const reader = new Pool({
    host: config.dbHost,
    port: config.dbPort,
    database: config.dbName,
    user: config.dbUser,
    password: rdsTokenProvider({ hostname: config.dbHost, port: config.dbPort, username: config.dbUser, region }),
    ssl: rdsTlsOptions(config.dbHost),
    max: 2,
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 60_000,
    application_name: "trading-api",
  });
  // Tokens are valid for 15 minutes; one per connection is cheap (a local signature), so none is cached.
  const valkey = connectValkey(
    {
      host: config.cacheHost,
      port: config.cachePort,
      tls: config.cacheTls,
      username: config.cacheUser,
      password: elastiCacheTokenProvider({ replicationGroupId: config.cacheReplicationGroupId, userId: config.cacheUser, region, credentials }),
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
