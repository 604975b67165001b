/**
 * The HTTP application, built from injected dependencies so tests can run it against DynamoDB Local
 * or doubles without environment variables, sockets or signals (main.ts does those).
 */
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from "fastify";
import { z } from "zod";
import { isThrottling } from "../../table/dynamoErrors";
import { API_PREFIX, HEALTH_PATH, LIVENESS_PATH, READINESS_PATH } from "./contract";
import { clientIdOf, installAuthentication, type RequestAuthenticator } from "./auth/hooks";
import type { TableClients } from "./clients";
import { CursorCodec, InvalidCursorError } from "./cursor";
import { ContentionError, HttpError, ValidationError } from "./errors";
import { OrderStore, type ShardPosition } from "./store";
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
import { OPEN_ORDER_SHARDS } from "../../table/schema";
import type { PreTradeGate } from "./risk/preTrade";
import { readinessOfRisk, type RiskReadiness } from "./risk/readiness";
import { accountPk, ORDER_SK_PREFIX } from "../../table/keys";

/** Draining state shared by the readiness route and the shutdown sequence. */
export class Lifecycle {
  draining = false;
}

export interface AppDeps {
  clients: TableClients;
  tableName: string;
  cursorSecrets: readonly string[];
  idempotencyTtlSeconds?: number;
  bodyLimitBytes?: number;
  retryAfterSeconds?: number;
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
  /**
   * Bearer-token authentication and entitlement checks on every route but the probes (auth/hooks.ts).
   * main.ts always passes one unless AUTHENTICATION=disabled (local runs); without it (tests of other
   * behaviour, the benchmark's baseline) every route is open.
   */
  auth?: RequestAuthenticator;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const listCursorState = z.strictObject({ pk: z.string(), sk: z.string() });
const shardPosition = z.union([
  z.literal("start"),
  z.literal("done"),
  z.strictObject({ openSk: z.string(), pk: z.string(), sk: z.string() }),
]);
const openOrdersCursorState = z.array(shardPosition).length(OPEN_ORDER_SHARDS);

export function buildApp(deps: AppDeps): FastifyInstance {
  const bodyLimit = deps.bodyLimitBytes ?? 16_384;
  const retryAfter = String(deps.retryAfterSeconds ?? 1);
  const lifecycle = deps.lifecycle ?? new Lifecycle();
  const cursors = new CursorCodec(deps.cursorSecrets);
  const store = new OrderStore({
    clients: deps.clients,
    tableName: deps.tableName,
    idempotencyTtlSeconds: deps.idempotencyTtlSeconds ?? 604_800,
    openOrderCounting: deps.preTrade !== undefined,
    ...(deps.now ? { now: deps.now } : {}),
  });

  const app = Fastify({
    logger: deps.logger ?? { level: "info" },
    bodyLimit,
    // Honour an upstream request id (ALB or caller) when it is safe to log; otherwise mint one.
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
    requestIdLogLabel: "requestId",
    // One structured line per request (onResponse below) instead of Fastify's two.
    disableRequestLogging: true,
    return503OnClosing: true,
    forceCloseConnections: "idle",
  });

  // Callback-style hooks: they run on every request, and an async hook costs a promise each time.
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-request-id", request.id);
    // While draining, tell the load balancer not to reuse this connection.
    if (lifecycle.draining) reply.header("connection", "close");
    done();
  });
  if (deps.auth) installAuthentication(app, deps.auth);
  const clientOf = deps.clientIdOf ?? (deps.auth ? clientIdOf : undefined);

  app.addHook("onResponse", (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? "(none)",
        statusCode: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
      },
      "request completed",
    );
    done();
  });

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const send = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) =>
      reply.code(status).send({ error: code, message, requestId: request.id, ...extra });

    if (error instanceof HttpError) return send(error.statusCode, error.code, error.message, error.extra);
    if (isThrottling(error) || error instanceof ContentionError) {
      request.log.warn({ err: error }, "store busy; asking the client to retry");
      reply.header("retry-after", retryAfter);
      return send(503, "busy", "The order store is busy; retry after the Retry-After interval.");
    }
    const fastifyCode = "code" in error ? error.code : undefined;
    if (fastifyCode === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return send(413, "payload_too_large", `The request body exceeds ${bodyLimit} bytes.`);
    }
    if (fastifyCode === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      return send(415, "unsupported_media_type", "Send the request body as application/json.");
    }
    const status = "statusCode" in error && typeof error.statusCode === "number" ? error.statusCode : 500;
    if (status >= 400 && status < 500 && typeof fastifyCode === "string" && fastifyCode.startsWith("FST_")) {
      // Fastify's own messages for malformed requests (bad JSON, empty JSON body) name no internals.
      return send(400, "invalid_request", error.message);
    }
    request.log.error({ err: error }, "unhandled error");
    return send(500, "internal_error", "Internal error; quote the requestId when reporting it.");
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: "not_found", message: "No such route.", requestId: request.id });
  });

  let readiness: { at: number; ok: boolean } | undefined;
  const cacheMs = deps.readinessCacheMs ?? 1000;

  app.get(HEALTH_PATH, async () => ({ status: "ok" }));
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
      ? reply.code(200).send({ status: risk && !risk.ordersAccepted ? "degraded" : "ready", ...(risk ? { dependencies: risk.dependencies } : {}) })
      : reply.code(503).send({ status: "unavailable", reason: "table unreachable", ...(risk ? { dependencies: risk.dependencies } : {}) });
  });

  app.post(`${API_PREFIX}/orders`, async (request, reply) => {
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
    const result = await store.createOrder(input, openOrderLimit === undefined ? {} : { openOrderLimit });
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
  });

  app.get(`${API_PREFIX}/accounts/:account/orders/:orderId`, async (request) => {
    const params = parse(orderParams, request.params, "path");
    const order = await store.getOrder(params.account, params.orderId);
    if (!order) throw new HttpError(404, "order_not_found", "No such order for this account.");
    return order;
  });

  app.get(`${API_PREFIX}/accounts/:account/orders`, async (request) => {
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
    });
    return { orders: page.orders, nextCursor: page.nextKey ? cursors.seal("orders", binding, page.nextKey) : null };
  });

  app.post(`${API_PREFIX}/accounts/:account/orders/:orderId/cancel`, async (request) => {
    const params = parse(orderParams, request.params, "path");
    if (request.body !== undefined) parse(cancelBody, request.body, "body");
    const result = await store.cancelOrder(params.account, params.orderId);
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
  });

  app.post(`${API_PREFIX}/accounts/:account/orders/:orderId/fills`, async (request, reply) => {
    const params = parse(orderParams, request.params, "path");
    const input = parse(fillBody, request.body, "body");
    const result = await store.applyFill(params.account, params.orderId, input);
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
  });

  app.get(`${API_PREFIX}/accounts/:account/positions`, async (request) => {
    const { account } = parse(accountParams, request.params, "path");
    return { account, positions: await store.listPositions(account) };
  });

  app.get(`${API_PREFIX}/symbols/:symbol/open-orders`, async (request) => {
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
    });
    return {
      symbol,
      orders: page.orders,
      nextCursor: page.positions ? cursors.seal("open-orders", binding, page.positions) : null,
    };
  });

  return app;
}

function badCursor(reason: string): ValidationError {
  return new ValidationError([{ in: "query", field: "cursor", message: reason }]);
}

function openCursor<S extends z.ZodType>(
  codec: CursorCodec,
  kind: string,
  binding: string,
  token: string,
  schema: S,
): z.output<S> {
  let state: unknown;
  try {
    state = codec.open(kind, binding, token);
  } catch (error) {
    if (error instanceof InvalidCursorError) throw badCursor(error.message);
    throw error;
  }
  const parsed = schema.safeParse(state);
  // A correctly signed cursor of an older shape (after a deploy) is stale, not forged.
  if (!parsed.success) throw badCursor("is from an incompatible version; restart from the first page");
  return parsed.data;
}
