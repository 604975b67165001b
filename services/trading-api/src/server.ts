/**
 * Listening and graceful shutdown, separate from main.ts so tests can drive the real sequence
 * without sending signals to the test runner.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyInstance, FastifyServerOptions } from "fastify";
import { buildApp, Lifecycle } from "./app";
import { logDestination } from "./logDestination";
import type { TableClients } from "./clients";
import type { Config } from "./config";
import type { RequestAuthenticator } from "./auth/hooks";
import type { RiskTier } from "./risk/wiring";
import type { WriteGate } from "./writeRegion";

export interface RunningServer {
  app: FastifyInstance;
  port: number;
  lifecycle: Lifecycle;
  /**
   * 1. readiness reports 503 at once (for alarms and any router that follows readiness; the ALB
   *    checks liveness and stops routing once the Auto Scaling group deregisters the instance);
   * 2. requests are still served for `shutdownDrainMs`, for requests already routed here;
   * 3. the listener closes and in-flight requests finish, for at most `shutdownGraceMs`;
   * 4. remaining sockets are destroyed and the store clients released.
   * Calling it again returns the same promise.
   */
  shutdown(reason: string): Promise<void>;
}

export type ServerConfig = Pick<
  Config,
  | "port"
  | "host"
  | "tableName"
  | "cursorSecrets"
  | "idempotencyTtlSeconds"
  | "bodyLimitBytes"
  | "retryAfterSeconds"
  | "requestDeadlineMs"
  | "httpHeadersTimeoutMs"
  | "httpBodyTimeoutMs"
  | "httpIdleTimeoutMs"
  | "shutdownDrainMs"
  | "shutdownGraceMs"
  | "logLevel"
>;

export async function startServer(
  config: ServerConfig,
  clients: TableClients,
  options: { logger?: FastifyServerOptions["logger"]; risk?: RiskTier; writeGate?: WriteGate; auth?: RequestAuthenticator } = {},
): Promise<RunningServer> {
  const lifecycle = new Lifecycle();
  const app = buildApp({
    clients,
    tableName: config.tableName,
    cursorSecrets: config.cursorSecrets,
    idempotencyTtlSeconds: config.idempotencyTtlSeconds,
    bodyLimitBytes: config.bodyLimitBytes,
    retryAfterSeconds: config.retryAfterSeconds,
    requestDeadlineMs: config.requestDeadlineMs,
    httpTimeouts: { headersMs: config.httpHeadersTimeoutMs, bodyMs: config.httpBodyTimeoutMs, idleMs: config.httpIdleTimeoutMs },
    // Asynchronous, batched stdout writes (logDestination.ts).
    logger: options.logger ?? { level: config.logLevel, stream: logDestination(1) },
    lifecycle,
    ...(options.risk ? { preTrade: options.risk.gate, riskReadiness: options.risk.readiness } : {}),
    ...(options.writeGate ? { writeGate: options.writeGate } : {}),
    ...(options.auth ? { auth: options.auth } : {}),
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;

  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      lifecycle.draining = true;
      app.log.info({ reason, drainMs: config.shutdownDrainMs }, "shutdown: readiness now 503, still serving");
      await sleep(config.shutdownDrainMs);
      app.log.info({ graceMs: config.shutdownGraceMs }, "shutdown: listener closing, waiting for in-flight requests");
      const closed = app.close();
      const grace = new AbortController();
      const outcome = await Promise.race([
        closed.then(() => "closed" as const),
        sleep(config.shutdownGraceMs, "timeout" as const, { signal: grace.signal }).catch(() => "closed" as const),
      ]);
      grace.abort();
      if (outcome === "timeout") {
        app.log.warn("shutdown: grace period over, closing remaining connections");
        app.server.closeAllConnections();
        await closed;
      }
      clients.close();
      await options.risk?.close();
      app.log.info("shutdown: complete");
    })();
    return stopping;
  };

  return { app, port, lifecycle, shutdown };
}
