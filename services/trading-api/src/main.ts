/**
 * Process entry point (the file the infrastructure bundles with esbuild): read and validate the
 * environment, build one set of store clients for the process, listen, and drain on SIGTERM.
 */
import { loadAuthConfig } from "./auth/config";
import { createAuthTier } from "./auth/wiring";
import { createTableClients } from "./clients";
import { ConfigError, loadConfig } from "./config";
import { createRiskTier } from "./risk/wiring";
import { startServer } from "./server";
import { SSMClient } from "@aws-sdk/client-ssm";
import { loadWriteRegionConfig, ssmWriteRegionSource, WriteRegionGate, type WriteRegionConfig } from "./writeRegion";
import { fleetIdentity, type FleetIdentity } from "./fleetIdentity";

/** EX_CONFIG from sysexits.h: systemd and operators can tell bad configuration from a crash. */
const EXIT_CONFIG = 78;

async function main(): Promise<void> {
  let config;
  let writeRegion: WriteRegionConfig;
  let authConfig;
  try {
    config = loadConfig(process.env);
    writeRegion = loadWriteRegionConfig(process.env);
    authConfig = loadAuthConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // No logger exists yet; write the same JSON shape pino would so log pipelines still parse it.
    process.stderr.write(`${JSON.stringify({ level: 60, time: Date.now(), msg: error.message, problems: error.problems })}\n`);
    process.exit(EXIT_CONFIG);
  }

  const clients = createTableClients({
    region: config.region,
    maxAttempts: config.dynamoDbMaxAttempts,
    timeoutMs: config.dynamoDbTimeoutMs,
    ...(config.dynamoDbEndpoint ? { dynamoDbEndpoint: config.dynamoDbEndpoint } : {}),
    ...(config.daxEndpoint ? { daxEndpoint: config.daxEndpoint } : {}),
  });
  if (!config.risk && config.riskChecks !== "disabled") {
    process.stderr.write(
      `${JSON.stringify({ level: 60, time: Date.now(), msg: "pre-trade risk checks need REFDATA_DB_HOST, CACHE_HOST, CACHE_USER and CACHE_REPLICATION_GROUP_ID (or RISK_CHECKS=disabled for a local run)" })}\n`,
    );
    process.exit(EXIT_CONFIG);
  }
  if (authConfig && !config.risk) {
    process.stderr.write(
      `${JSON.stringify({ level: 60, time: Date.now(), msg: "authentication reads client entitlements from the reference data: it needs REFDATA_DB_HOST, CACHE_HOST, CACHE_USER and CACHE_REPLICATION_GROUP_ID (or AUTHENTICATION=disabled for a local run)" })}\n`,
    );
    process.exit(EXIT_CONFIG);
  }
  const errors: { error: unknown; what: string }[] = [];
  let logError = (error: unknown, what: string): void => {
    errors.push({ error, what });
  };
  const risk = config.risk ? createRiskTier(config.risk, config.region, config.retryAfterSeconds, (error, what) => logError(error, what)) : undefined;
  // The write-region gate (writeRegion.ts): fenced (no writes) until its first read of the flag.
  const flagIn = (region: string, name: string) =>
    ssmWriteRegionSource(new SSMClient({ region, maxAttempts: 1, ...(writeRegion.ssmEndpoint ? { endpoint: writeRegion.ssmEndpoint } : {}) }), name);
  const parameterName = writeRegion.parameterName;
  // The name /healthz reports, which the failover command matches against the fleet's members (an
  // ECS task's ARN from its metadata endpoint, or the EC2 instance id the boot script wrote).
  const identity: FleetIdentity = parameterName ? await fleetIdentity(process.env, writeRegion.instance) : {};
  if (identity.problem) logError(new Error(identity.problem), "reading this task's identity");
  const gate = parameterName
    ? new WriteRegionGate({
        region: config.region,
        source: flagIn(config.region, parameterName),
        peers: writeRegion.peerRegions.map((region) => ({ region, source: flagIn(region, parameterName) })),
        pollIntervalMs: writeRegion.pollIntervalMs,
        fenceAfterMs: writeRegion.fenceAfterMs,
        ...(identity.instance ? { instance: identity.instance } : {}),
      })
    : undefined;
  const auth = authConfig && risk ? await createAuthTier(authConfig, risk.cache, config.retryAfterSeconds, (error, what) => logError(error, what)) : undefined;
  const server = await startServer(config, clients, { ...(risk ? { risk } : {}), ...(gate ? { writeGate: gate } : {}), ...(auth ? { auth: auth.authenticator } : {}) });
  if (gate) {
    gate.useLog(server.app.log);
    await gate.start();
  }
  logError = (error, what) => server.app.log.warn({ err: error }, `${what} failed`);
  for (const early of errors.splice(0)) logError(early.error, early.what);
  if (!risk) server.app.log.warn("RISK_CHECKS=disabled: orders are placed without pre-trade risk checks");
  // Loud on purpose: a process in this mode is a developer's, never a fleet's (config.ts allows it for loopback hosts only).
  if (config.risk?.credentials.kind === "loopback") {
    server.app.log.warn({ db: `${config.risk.dbHost}:${config.risk.dbPort}`, cache: `${config.risk.cacheHost}:${config.risk.cachePort}` }, "LOCAL_DEPENDENCIES=loopback: PostgreSQL and Valkey with static passwords, not IAM tokens");
  }
  if (!auth) server.app.log.warn("AUTHENTICATION=disabled: every route is served without a token");
  else if (auth.keys().keys === 0) server.app.log.warn({ jwks: auth.keys() }, "the issuer's keys are not loaded yet: requests get 503 until they are");
  server.app.log.info(
    { port: server.port, dax: Boolean(config.daxEndpoint), write: gate?.status() ?? "single region: always write mode" },
    "trading-api listening",
  );

  const onSignal = (signal: NodeJS.Signals) => {
    gate?.stop();
    server.shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 60, time: Date.now(), msg: "trading-api failed to start", err: String(error) })}\n`);
  process.exit(1);
});
