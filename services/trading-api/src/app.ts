/**
 * The HTTP application, built from injected dependencies so tests can run it against DynamoDB Local
 * or doubles without environment variables, sockets or signals (main.ts does those).
 */
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from "fastify";
import { API_PREFIX, HEALTH_PATH, LIVENESS_PATH, READINESS_PATH } from "./contract";
import { clientIdOf, installAuthentication, type RequestAuthenticator } from "./auth/hooks";
import type { TableClients } from "./clients";
import { CursorCodec } from "./cursor";
import { HttpError } from "./errors";
import { replyWithError, type ErrorReplyOptions } from "./errorReplies";
import { replyClientError, replyFrameworkError, replyNotFound, RouteTable } from "./frameworkResponses";
import { parseJsonBody } from "./jsonBody";
import { badCursor, listCursorState, openCursor, openOrdersCursorState } from "./pageCursors";
import { RequestLogController } from "./requestLog";
import { withDeadline } from "./routeDeadline";
import { OrderStore, type RequestScope, type ShardPosition } from "./store";
import { registerRequestMetrics, type RequestMetricsOptions } from "./metrics";
import {
  accountParams,
  cancelBody,
  fillBody,
  listOrdersQuery,
  openOrdersQuery,
  orderParams,
  parse,
  placeOrderBody,
  symbolParams,
} from "./validation";
import type { PreTradeGate } from "./risk/preTrade";
import { readinessOfRisk, type RiskReadiness } from "./risk/readiness";
import { accountPk, ORDER_SK_PREFIX } from "../../table/keys";
import { isWriteMethod, writeModeGuard, type WriteGate } from "./writeRegion";

/** Draining state shared by the readiness route and the shutdown sequence. */
export class Lifecycle {
  draining = false;
}

/** Connection-level limits for slow or silent clients (HTTP_*_TIMEOUT_MS). */
export interface HttpTimeouts {
  /** Complete request headers must arrive within this; then 408. */
  headersMs: number;
  /** The complete request, body included, must arrive within this from its first byte; then 408. */
  bodyMs: number;
  /** A silent connection (between requests, or before the first) is closed after this. */
  idleMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { headersMs: 10_000, bodyMs: 15_000, idleMs: 75_000 };

export interface AppDeps {
  clients: TableClients;
  tableName: string;
  cursorSecrets: readonly string[];
  idempotencyTtlSeconds?: number;
  bodyLimitBytes?: number;
  retryAfterSeconds?: number;
  /** Total time limit per request, store retries included; past it the answer is 503. */
  requestDeadlineMs?: number;
  httpTimeouts?: HttpTimeouts;
  /** Fastify/pino logger options; `false` silences logs (tests). */
  logger?: FastifyServerOptions["logger"];
  lifecycle?: Lifecycle;
  /** How long a readiness probe result is reused, so frequent probes do not each cost a read. */
  readinessCacheMs?: number;
  readinessTimeoutMs?: number;
  now?: () => Date;
  /**
   * Pre-trade risk checks and rate limits for new orders (risk/preTrade.ts). main.ts always passes
   * one; without it (tests of the order store's behaviour, the benchmark's baseline) orders are
   * placed unchecked. Cancels never consult it.
   */
  preTrade?: PreTradeGate;
  /** The reference-data syncer's state, reported by readiness. */
  riskReadiness?: () => RiskReadiness;
  /** The authenticated API client of a request, when authentication knows it (its rate limit applies). */
  clientIdOf?: (request: FastifyRequest) => string | undefined;
  /** Write-region gate (writeRegion.ts): outside write mode every write route answers 503. Default: none (always write). */
  writeGate?: WriteGate;
  /** Service metrics in Embedded Metric Format (metrics.ts); `false` turns them off. Default: on, through the logger. */
  metrics?: RequestMetricsOptions | false;
  /**
   * Bearer-token authentication and entitlement checks on every route but the probes (auth/hooks.ts).
   * main.ts always passes one unless AUTHENTICATION=disabled (local runs); without it (tests of other
   * behaviour, the benchmark's baseline) every route is open.
   */
  auth?: RequestAuthenticator;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function buildApp(deps: AppDeps): FastifyInstance {
  const errorOptions: ErrorReplyOptions = {
    bodyLimitBytes: deps.bodyLimitBytes ?? 16_384,
    retryAfterSeconds: deps.retryAfterSeconds ?? 1,
    requestDeadlineMs: deps.requestDeadlineMs ?? 5000,
  };
  const timeouts = deps.httpTimeouts ?? DEFAULT_HTTP_TIMEOUTS;
  const lifecycle = deps.lifecycle ?? new Lifecycle();
  const cursors = new CursorCodec(deps.cursorSecrets);
  const store = new OrderStore({
    clients: deps.clients,
    tableName: deps.tableName,
    idempotencyTtlSeconds: deps.idempotencyTtlSeconds ?? 604_800,
    openOrderCounting: deps.preTrade !== undefined,
    ...(deps.now ? { now: deps.now } : {}),
  });
  const routes = new RouteTable();
  const guarded = <R>(handler: (request: FastifyRequest, reply: FastifyReply, scope: RequestScope) => Promise<R>) =>
    withDeadline(errorOptions.requestDeadlineMs, handler);

  const app: FastifyInstance = Fastify({
    logger: deps.logger ?? { level: "info" },
    bodyLimit: errorOptions.bodyLimitBytes,
    // Honour an upstream request id (ALB or caller) when it is safe to log; otherwise mint one.
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // One structured line per request (requestLog.ts) instead of Fastify's two.
    logController: new RequestLogController(),
    // After close(), requests still arriving on open keep-alive connections are served (with
    // `connection: close`) rather than refused with Fastify's own 503 body: they were routed here
    // before the load balancer took this target out.
    return503OnClosing: false,
    forceCloseConnections: "idle",
    // Slow clients: Node answers 408 (via clientErrorHandler) when the headers or the whole request
    // have not arrived in time; it checks every connectionsCheckingInterval, so that is kept small.
    requestTimeout: timeouts.bodyMs,
    http: { connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(timeouts.headersMs / 4))) },
    // Idle connections: keep-alive between requests, and sockets that never send a byte. Above the
    // ALB's idle timeout (60 s by default), so the load balancer, not the target, closes idle
    // connections ("Edit attributes for your Application Load Balancer", connection idle timeout,
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html).
    keepAliveTimeout: timeouts.idleMs,
    connectionTimeout: timeouts.idleMs,
    frameworkErrors: replyFrameworkError,
    clientErrorHandler: (error, socket) => replyClientError(app.log, error, socket),
  });
  app.server.headersTimeout = timeouts.headersMs;
  app.decorateRequest("logFields", null);

  app.addHook("onRoute", (route) => routes.add(route));

  // Only JSON bodies: the default text/plain parser goes, so a text body is a 415 like any other type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  // One write-mode guard on every route with a write method, attached as routes are declared, so a
  // write route added later cannot miss it (writeRegion.ts).
  const writeGate = deps.writeGate;
  if (writeGate) {
    const guard = writeModeGuard(writeGate, deps.retryAfterSeconds ?? 1);
    app.addHook("onRoute", (route) => {
      if (!isWriteMethod(route.method)) return;
      const existing = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
      route.onRequest = [guard, ...existing];
    });
  }
  /** The write-region fields /healthz and /readyz report (none without a gate). */
  const writeStatus = () => (writeGate ? { write: writeGate.status() } : {});

  // Callback-style hooks: they run on every request, and an async hook costs a promise each time.
  app.addHook("onSend", (request, reply, payload, done) => {
    reply.header("x-request-id", request.id);
    // Once draining, every response (including those of requests that began before SIGTERM) tells
    // the client to close the connection, so keep-alive connections end with their last response.
    if (lifecycle.draining) reply.header("connection", "close");
    done(null, payload);
  });
  if (deps.auth) installAuthentication(app, deps.auth);
  const clientOf = deps.clientIdOf ?? (deps.auth ? clientIdOf : undefined);

  if (deps.metrics !== false) registerRequestMetrics(app, deps.tableName, deps.metrics);

  app.setErrorHandler((error, request, reply) =>
    replyWithError(errorOptions, error instanceof Error ? error : new Error(String(error)), request, reply),
  );
  app.setNotFoundHandler((request, reply) => replyNotFound(routes, request, reply));

  let readiness: { at: number; ok: boolean } | undefined;
  const cacheMs = deps.readinessCacheMs ?? 1000;

  app.get(HEALTH_PATH, async () => ({ status: "ok", ...writeStatus() }));
  app.get(LIVENESS_PATH, async () => ({ status: "ok" }));

  app.get(READINESS_PATH, async (request, reply) => {
    if (lifecycle.draining) return reply.code(503).send({ status: "draining" });
    if (!readiness || Date.now() - readiness.at > cacheMs) {
      let ok = true;
      try {
        await store.ping(deps.readinessTimeoutMs ?? 1000);
      } catch (error) {
        ok = false;
        request.log.warn({ err: error }, "readiness: table unreachable");
      }
      readiness = { at: Date.now(), ok };
    }
    // The cache and the database are reported, not required: they are shared by every instance, so
    // failing readiness for them would empty the target group and stop cancels too (see README).
    const risk = deps.preTrade ? readinessOfRisk(deps.preTrade, deps.riskReadiness?.()) : undefined;
    return readiness.ok
      ? reply.code(200).send({ status: risk && !risk.ordersAccepted ? "degraded" : "ready", ...(risk ? { dependencies: risk.dependencies } : {}), ...writeStatus() })
      : reply.code(503).send({ status: "unavailable", reason: "table unreachable", ...(risk ? { dependencies: risk.dependencies } : {}), ...writeStatus() });
  });

  app.post(`${API_PREFIX}/orders`, { config: { write: "order" } }, guarded(async (request, reply, scope) => {
    const input = parse(placeOrderBody, request.body, "body");
    let openOrderLimit: number | undefined;
    if (deps.preTrade) {
      const admission = await deps.preTrade.admit(input, clientOf?.(request));
      if (!admission.ok) {
        if (admission.retryAfterSeconds !== undefined) reply.header("retry-after", String(admission.retryAfterSeconds));
        request.log.info({ account: input.account, symbol: input.symbol, status: admission.status, reason: admission.body.reason }, "order refused before the store");
        return reply.code(admission.status).send({ ...admission.body, requestId: request.id });
      }
      openOrderLimit = admission.openOrderLimit;
    }
    const result = await store.createOrder(input, openOrderLimit === undefined ? {} : { openOrderLimit }, scope);
    switch (result.kind) {
      case "created":
        reply.header("location", `${API_PREFIX}/accounts/${input.account}/orders/${result.order.orderId}`);
        return reply.code(201).send(result.order);
      case "existing":
        return reply.code(200).send(result.order);
      case "client_order_id_reused":
        throw new HttpError(
          409,
          "client_order_id_reused",
          "This clientOrderId already placed an order with different parameters.",
          { order: result.order },
        );
      case "open_order_limit":
        return reply.code(422).send({
          error: "risk_rejected",
          reason: "open_orders_limit",
          message: "The account already has its maximum number of open orders.",
          limit: result.limit,
          value: result.openOrders,
          requestId: request.id,
        });
    }
  }));

  app.get(`${API_PREFIX}/accounts/:account/orders/:orderId`, guarded(async (request, _reply, scope) => {
    const params = parse(orderParams, request.params, "path");
    const order = await store.getOrder(params.account, params.orderId, false, scope);
    if (!order) throw new HttpError(404, "order_not_found", "No such order for this account.");
    return order;
  }));

  app.get(`${API_PREFIX}/accounts/:account/orders`, guarded(async (request, _reply, scope) => {
    const { account } = parse(accountParams, request.params, "path");
    const query = parse(listOrdersQuery, request.query, "query");
    const binding = `${account}|${query.status ?? "*"}`;
    let startKey: { pk: string; sk: string } | undefined;
    if (query.cursor) {
      startKey = openCursor(cursors, "orders", binding, query.cursor, listCursorState);
      if (startKey.pk !== accountPk(account) || !startKey.sk.startsWith(ORDER_SK_PREFIX)) throw badCursor("belongs to a different query");
    }
    const page = await store.listOrders(account, {
      limit: query.limit,
      ...(query.status ? { status: query.status } : {}),
      ...(startKey ? { startKey } : {}),
    }, scope);
    return { orders: page.orders, nextCursor: page.nextKey ? cursors.seal("orders", binding, page.nextKey) : null };
  }));

  app.post(`${API_PREFIX}/accounts/:account/orders/:orderId/cancel`, { config: { write: "cancel" } }, guarded(async (request, _reply, scope) => {
    const params = parse(orderParams, request.params, "path");
    if (request.body !== undefined) parse(cancelBody, request.body, "body");
    const result = await store.cancelOrder(params.account, params.orderId, scope);
    switch (result.kind) {
      case "cancelled":
        return result.order;
      case "not_open":
        throw new HttpError(409, "order_not_open", `The order is ${result.order.status}; only open orders can be cancelled.`, {
          order: result.order,
        });
      case "not_found":
        throw new HttpError(404, "order_not_found", "No such order for this account.");
    }
  }));

  app.post(`${API_PREFIX}/accounts/:account/orders/:orderId/fills`, { config: { write: "fill" } }, guarded(async (request, reply, scope) => {
    const params = parse(orderParams, request.params, "path");
    const input = parse(fillBody, request.body, "body");
    const result = await store.applyFill(params.account, params.orderId, input, scope);
    switch (result.kind) {
      case "applied":
        return reply.code(201).send({ order: result.order, fill: result.fill });
      case "duplicate":
        return reply.code(200).send({ order: result.order, fill: result.fill });
      case "fill_id_reused":
        throw new HttpError(409, "fill_id_reused", "This fillId was already applied with a different quantity or price.", {
          order: result.order,
          fill: result.fill,
        });
      case "not_open":
        throw new HttpError(409, "order_not_open", `The order is ${result.order.status}; fills apply only to open orders.`, {
          order: result.order,
        });
      case "overfill":
        throw new HttpError(
          409,
          "overfill",
          `The fill exceeds the order's remaining quantity of ${result.order.remainingQuantity}.`,
          { order: result.order },
        );
      case "price_outside_limit":
        throw new HttpError(409, "price_outside_limit", "The fill price is worse than the order's limit price.", {
          order: result.order,
        });
      case "not_found":
        throw new HttpError(404, "order_not_found", "No such order for this account.");
    }
  }));

  app.get(`${API_PREFIX}/accounts/:account/positions`, guarded(async (request, _reply, scope) => {
    const { account } = parse(accountParams, request.params, "path");
    return { account, positions: await store.listPositions(account, scope) };
  }));

  app.get(`${API_PREFIX}/symbols/:symbol/open-orders`, guarded(async (request, _reply, scope) => {
    const { symbol } = parse(symbolParams, request.params, "path");
    const query = parse(openOrdersQuery, request.query, "query");
    const binding = `${symbol}|${query.side ?? "*"}`;
    const positions: ShardPosition[] | undefined = query.cursor
      ? openCursor(cursors, "open-orders", binding, query.cursor, openOrdersCursorState)
      : undefined;
    const page = await store.openOrdersBySymbol(symbol, {
      limit: query.limit,
      ...(query.side ? { side: query.side } : {}),
      ...(positions ? { positions } : {}),
    }, scope);
    return {
      symbol,
      orders: page.orders,
      nextCursor: page.positions ? cursors.seal("open-orders", binding, page.positions) : null,
    };
  }));

  return app;
}
