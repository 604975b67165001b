/**
 * The two baselines the service is measured against (server.ts, BENCH_IMPL=bare or fastify): each
 * answers the two routes of the load with the same OrderStore calls the service makes, and nothing
 * else (no authentication, validation, risk checks, metrics, gate or log line):
 * - `bare`: a node:http handler, JSON.parse of the body and JSON.stringify of the answer, sent with
 *   its Content-Length;
 * - `fastify`: a plain Fastify route per operation (default JSON parser and serialiser, logger off).
 * The difference between the two is Fastify's own cost; between fastify and the service, the
 * service's. Both place orders as the service with risk checks does: with the open-order counter in
 * the order's transaction and the limit the risk data gives every bench account.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { once } from "node:events";
import Fastify from "fastify";
import type { OrderStore, NewOrder, CreateOrderResult } from "../services/trading-api/src/store";

/** max_open_orders of every bench account in the risk data (riskBackends.ts). */
export const BENCH_OPEN_ORDER_LIMIT = 1_000_000;

const ORDERS = "/v1/orders";
const READ = /^\/v1\/accounts\/([^/]+)\/orders\/([^/?]+)$/;

function place(store: OrderStore, order: NewOrder): Promise<CreateOrderResult> {
  return store.createOrder(order, { openOrderLimit: BENCH_OPEN_ORDER_LIMIT });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * `extraUs`: CPU burnt per request before answering (BENCH_BARE_EXTRA_US, a calibration: what a
 * known amount of added work costs on this machine). Default 0.
 */
export async function listenBare(store: OrderStore, extraUs = 0): Promise<number> {
  const burn = () => {
    const until = performance.now() + extraUs / 1000;
    while (performance.now() < until);
  };
  const handle = async (req: IncomingMessage, respond: (status: number, body: unknown) => void) => {
    if (extraUs > 0) burn();
    if (req.method === "POST" && req.url === ORDERS) {
      const result = await place(store, JSON.parse(await readBody(req)) as NewOrder);
      if (result.kind === "open_order_limit") return respond(422, { error: "risk_rejected" });
      return respond(result.kind === "created" ? 201 : 200, result.order);
    }
    const match = req.method === "GET" ? READ.exec(req.url ?? "") : null;
    if (match) {
      const order = await store.getOrder(match[1], match[2]);
      return order ? respond(200, order) : respond(404, { error: "not_found" });
    }
    respond(404, { error: "not_found" });
  };
  const server = createServer((req, res: ServerResponse) => {
    // With the length given, Node sends the body whole, as Fastify does; headers set by writeHead
    // alone would make it chunked (Node adds no Content-Length once the head is written).
    const respond = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
    };
    handle(req, respond).catch(() => respond(500, { error: "internal_error" }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  return typeof address === "object" && address ? address.port : 0;
}

export async function listenFastify(store: OrderStore): Promise<number> {
  const app = Fastify({ logger: false });
  app.post(ORDERS, async (request, reply) => {
    const result = await place(store, request.body as NewOrder);
    if (result.kind === "open_order_limit") return reply.code(422).send({ error: "risk_rejected" });
    return reply.code(result.kind === "created" ? 201 : 200).send(result.order);
  });
  app.get("/v1/accounts/:account/orders/:orderId", async (request, reply) => {
    const { account, orderId } = request.params as { account: string; orderId: string };
    const order = await store.getOrder(account, orderId);
    return order ?? reply.code(404).send({ error: "not_found" });
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  return typeof address === "object" && address ? address.port : 0;
}
