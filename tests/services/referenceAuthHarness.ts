/**
 * The service authenticating against the real reference data: PostgreSQL (through the refdata CLI),
 * a redis-server of the test's own (so it can be stopped or emptied), the syncer and the in-process
 * cache the risk checks use, a loopback token issuer, and the app on DynamoDB Local. The tests of
 * entitlements and of an emptied cache share it; `preTrade` adds the pre-trade gate on the same cache.
 */
import type { FastifyInstance } from "fastify";
import { runCli } from "../../services/reference-data/src/cli";
import { JwksCache } from "../../services/trading-api/src/auth/jwks";
import { TokenVerifier } from "../../services/trading-api/src/auth/tokens";
import { PreTradeGate } from "../../services/trading-api/src/risk/preTrade";
import { RateLimiter } from "../../services/trading-api/src/risk/rateLimiter";
import { sharedDynamoLocal } from "../support/dynamoLocal";
import { TEST_SCOPE_PREFIX, TestIssuer } from "../support/oidcIssuer";
import { startRedis, type RedisServer } from "../support/redis";
import { testApp } from "./fixtures";
import { riskEnvironment, type RiskEnvironment } from "./riskFixtures";

export interface ReferenceAuthHarness {
  redis: RedisServer;
  env: RiskEnvironment;
  issuer: TestIssuer;
  app: FastifyInstance;
  /** The refdata CLI against this harness's database, as `actor`. */
  cli(...args: string[]): ReturnType<typeof runCli>;
  close(): Promise<void>;
}

export async function referenceAuthHarness(options: { actor: string; preTrade?: boolean }): Promise<ReferenceAuthHarness> {
  const redis = await startRedis();
  const [env, issuer] = await Promise.all([riskEnvironment({ redis, pollMs: 200, syncIntervalMs: 500 }), TestIssuer.start()]);
  const keys = new JwksCache({ url: issuer.jwksUrl });
  await keys.start();
  const verifier = new TokenVerifier({ keys, issuer: issuer.url, tokenUse: "access", scopePrefix: TEST_SCOPE_PREFIX });
  const app = testApp((await sharedDynamoLocal()).doc, env.table, {
    auth: { verifier, entitlements: env.primary.cache, scopePrefix: TEST_SCOPE_PREFIX },
    ...(options.preTrade ? { preTrade: new PreTradeGate({ cache: env.primary.cache, limiter: new RateLimiter(env.primary.valkey.client) }) } : {}),
  });
  return {
    redis,
    env,
    issuer,
    app,
    cli: (...args) => runCli([...args, "--database-url", env.databaseUrl, "--actor", options.actor]),
    async close() {
      keys.stop();
      await app.close();
      await env.close();
      await issuer.stop();
      await redis.stop();
    },
  };
}
