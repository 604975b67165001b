/**
 * One benchmark target, run as its own process so it has a core to itself while autocannon drives
 * it from the parent. BENCH_IMPL picks the Fastify service, the service with the full order path
 * (`full`: pre-trade checks, rate limit, open-order counter; fullOrderPath.ts) or a bare node:http
 * handler making the same OrderStore calls as the plain service; BENCH_STORE picks DynamoDB Local
 * or the in-memory double. Prints one JSON line ({ port, readPaths, authorization? }) when listening.
 *
 * The service runs as in production: every request carries a bearer token, verified against the
 * issuer's keys (RS256, a loopback JWKS endpoint of this process, fetched once at start) and
 * authorised against entitlements held in memory (the shape the reference-data cache serves from
 * its in-process map). The bare handler gets the same header and ignores it. The full order path
 * is measured without authentication, so its ratio is that of the checks alone.
 */
import { createServer, type IncomingMessage } from "node:http";
import { once } from "node:events";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";
import { buildApp, type AppDeps } from "../services/trading-api/src/app";
import type { TableClients } from "../services/trading-api/src/clients";
import { OrderStore, type NewOrder } from "../services/trading-api/src/store";
import { logDestination } from "../services/trading-api/src/logDestination";
import { startFullOrderPath } from "./fullOrderPath";
import { MemoryDocument } from "./memoryDocument";
import type { ClientEntry } from "../services/reference-data/src/entries";
import { JwksCache } from "../services/trading-api/src/auth/jwks";
import { TokenVerifier } from "../services/trading-api/src/auth/tokens";
import { TEST_SCOPE_PREFIX, TestIssuer } from "../tests/support/oidcIssuer";

/** The client the benchmark acts as: entitled to every account the load generator uses. */
const BENCH_CLIENT = "bench-desk";

async function benchAuthentication() {
  const issuer = await TestIssuer.start();
  const keys = new JwksCache({ url: issuer.jwksUrl });
  await keys.start();
  const verifier = new TokenVerifier({ keys, issuer: issuer.url, tokenUse: "access", scopePrefix: TEST_SCOPE_PREFIX });
  const accounts = [...Array.from({ length: 1000 }, (_, i) => `bench-${i}`), ...Array.from({ length: 20 }, (_, i) => `seed-${i}`)];
  const entry: ClientEntry = {
    clientId: BENCH_CLIENT,
    kind: "trading",
    status: "active",
    ordersPerSecond: 100_000,
    burst: 100_000,
    entitlements: Object.fromEntries(accounts.map((a) => [a, ["orders.read", "orders.write"]])),
  };
  const token = await issuer.token(BENCH_CLIENT, ["orders.read", "orders.write"]);
  return { auth: { verifier, entitlements: { client: (id: string) => (id === BENCH_CLIENT ? entry : null) }, scopePrefix: TEST_SCOPE_PREFIX }, authorization: `Bearer ${token}` };
}

const impl = process.env.BENCH_IMPL;
const storeKind = process.env.BENCH_STORE;
const tableName = process.env.BENCH_TABLE ?? "bench";

function document(): DynamoDBDocument {
  if (storeKind === "memory") return new MemoryDocument().asDocument();
  const endpoint = process.env.BENCH_ENDPOINT;
  if (!endpoint) throw new Error("BENCH_ENDPOINT is required for BENCH_STORE=dynamo");
  return DynamoDBDocument.from(
    new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } }),
  );
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The Fastify service on a free loopback port. Logging stays on at info, one line per request, with
 * the same batched destination the service uses in production (logDestination.ts), pointed at
 * /dev/null instead of stdout.
 */
async function listenService(clients: TableClients, extra: Partial<AppDeps>): Promise<number> {
  const app = buildApp({
    clients,
    tableName,
    cursorSecrets: ["bench-secret-0123456789abcdef0123"],
    logger: { level: "info", stream: logDestination("/dev/null") },
    ...extra,
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  return typeof address === "object" && address ? address.port : 0;
}

/** The service with the full order path: pre-trade checks, rate limit, open-order counter (fullOrderPath.ts). */
async function listenFullOrderPath(clients: TableClients): Promise<number> {
  const full = await startFullOrderPath();
  return listenService(clients, { preTrade: full.preTrade, riskReadiness: full.riskReadiness });
}

async function main(): Promise<void> {
  const doc = document();
  const clients: TableClients = { dynamo: doc, cache: doc, close: () => undefined };
  const store = new OrderStore({ clients, tableName, idempotencyTtlSeconds: 604_800 });

  // Orders to read back, placed through the store so both targets read the same kind of item.
  const readPaths: string[] = [];
  for (let i = 0; i < 200; i++) {
    const order: NewOrder = {
      account: `seed-${i % 20}`,
      clientOrderId: `seed-${impl}-${i}`,
      symbol: "ACME",
      side: i % 2 === 0 ? "buy" : "sell",
      quantity: 100,
      limitPrice: 10_000 + i,
      timeInForce: "GTC",
    };
    const result = await store.createOrder(order);
    if (result.kind === "open_order_limit") throw new Error("seed orders are placed without a limit");
    readPaths.push(`/v1/accounts/${order.account}/orders/${result.order.orderId}`);
  }

  let port: number;
  let authorization: string | undefined;
  if (impl === "service") {
    // BENCH_AUTH=off measures the service without authentication (the figure before it existed).
    const { auth, authorization: header } = process.env.BENCH_AUTH === "off" ? { auth: undefined, authorization: "Bearer none" } : await benchAuthentication();
    authorization = header;
    port = await listenService(clients, auth ? { auth } : {});
  } else if (impl === "full") {
    port = await listenFullOrderPath(clients);
  } else if (impl === "bare") {
    // Calibration (BENCH_BARE_EXTRA_US): the bare handler burns this much CPU per request before it
    // answers, so two runs show what a known amount of added work costs in throughput and in CPU
    // per request on this machine (the load generator shares its CPUs). Default 0.
    const extraMs = Number(process.env.BENCH_BARE_EXTRA_US ?? 0) / 1000;
    const burn = () => {
      const until = performance.now() + extraMs;
      while (performance.now() < until);
    };
    const readPath = /^\/v1\/accounts\/([^/]+)\/orders\/([^/?]+)$/;
    const server = createServer((req, res) => {
      const respond = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      (async () => {
        if (extraMs > 0) burn();
        if (req.method === "POST" && req.url === "/v1/orders") {
          const result = await store.createOrder(JSON.parse(await readBody(req)) as NewOrder);
          if (result.kind === "open_order_limit") return respond(422, { error: "risk_rejected" });
          return respond(result.kind === "created" ? 201 : 200, result.order);
        }
        const match = req.method === "GET" ? readPath.exec(req.url ?? "") : null;
        if (match) {
          const order = await store.getOrder(match[1], match[2]);
          return order ? respond(200, order) : respond(404, { error: "not_found" });
        }
        respond(404, { error: "not_found" });
      })().catch(() => respond(500, { error: "internal_error" }));
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const address = server.address();
    port = typeof address === "object" && address ? address.port : 0;
  } else {
    throw new Error(`BENCH_IMPL must be service, full or bare, got ${String(impl)}`);
  }
  // CPU time is reported to the parent on request: unlike throughput, CPU per request barely moves
  // when other processes compete for the machine.
  process.on("message", (message) => {
    if (message === "cpu") process.send?.({ cpu: process.cpuUsage() });
  });
  process.stdout.write(`${JSON.stringify({ port, readPaths, ...(authorization ? { authorization } : {}) })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
