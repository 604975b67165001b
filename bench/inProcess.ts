/**
 * The service's own JavaScript per request, without sockets: the same read (or order, with the risk
 * checks' rate limit answered in-process) injected (Fastify's `inject`, no network) into the
 * service with every part on and into a plain Fastify route making the same store call, in one
 * process, alternating. Sockets, the kernel and the load generator are what make `npm run bench`'s
 * figures swing on a shared machine; here only the JavaScript remains, so a profile of this
 * process (`node --cpu-prof --import tsx bench/inProcess.ts`) shows where the service's extra time
 * goes. Not part of `npm run bench`; a tool for finding what to cut.
 *
 * `node --import tsx bench/inProcess.ts [read|place] [requests per variant]`; BENCH_VARIANTS lists the
 * service's variants by the parts they leave off (names of BENCH_SERVICE_OFF joined by "+"; an
 * empty entry is the service with everything on).
 */
import Fastify, { type FastifyInstance } from "fastify";
import { buildApp } from "../services/trading-api/src/app";
import type { TableClients } from "../services/trading-api/src/clients";
import { logDestination } from "../services/trading-api/src/logDestination";
import { JwksCache } from "../services/trading-api/src/auth/jwks";
import { TokenVerifier } from "../services/trading-api/src/auth/tokens";
import { PreTradeGate } from "../services/trading-api/src/risk/preTrade";
import type { RateLimiter } from "../services/trading-api/src/risk/rateLimiter";
import type { ReferenceCache } from "../services/trading-api/src/risk/referenceCache";
import { OrderStore, type NewOrder } from "../services/trading-api/src/store";
import { WriteRegionGate } from "../services/trading-api/src/writeRegion";
import type { AccountEntry, ClientEntry, InstrumentEntry } from "../services/reference-data/src/entries";
import { TEST_SCOPE_PREFIX, TestIssuer } from "../tests/support/oidcIssuer";
import { MemoryDocument } from "./memoryDocument";
import { BENCH_OPEN_ORDER_LIMIT } from "./plainTargets";
import { partsOff } from "./serviceTarget";
import { orderBody } from "./targets";

const CLIENT = "bench-desk";
const accounts = [...Array.from({ length: 1000 }, (_, i) => `bench-${i}`), ...Array.from({ length: 20 }, (_, i) => `seed-${i}`)];

/** Reference data as the cache's in-process map serves it (synchronously), for the checks and entitlements. */
function referenceData() {
  const client: ClientEntry = {
    clientId: CLIENT,
    kind: "trading",
    status: "active",
    ordersPerSecond: 100_000,
    burst: 1_000_000,
    entitlements: Object.fromEntries(accounts.map((a) => [a, ["orders.read", "orders.write"]])),
  };
  // The limits of riskBackends.ts, so every order passes every check.
  const limits = { maxOrderQuantity: 1000, maxOrderNotional: "10000000", maxOpenOrders: BENCH_OPEN_ORDER_LIMIT, priceCollarBps: 1000, ordersPerSecond: 1000, burst: 1000 };
  const byAccount = new Map<string, AccountEntry>(accounts.map((id) => [id, { accountId: id, status: "active", limits }]));
  const instrument: InstrumentEntry = { symbol: "ACME", status: "trading", tickSize: 1, lotSize: 1, currency: "USD", referencePrice: 10_000 };
  return {
    availability: () => ({ ok: true as const }),
    client: (id: string) => (id === CLIENT ? client : null),
    account: (id: string) => byAccount.get(id) ?? null,
    instrument: (symbol: string) => (symbol === "ACME" ? instrument : null),
  };
}

async function main(): Promise<void> {
  const op = process.argv[2] === "place" ? "place" : "read";
  const requests = Number(process.argv[3] ?? 50_000);
  const doc = new MemoryDocument().asDocument();
  const clients: TableClients = { dynamo: doc, cache: doc, close: () => undefined };
  const store = new OrderStore({ clients, tableName: "bench", idempotencyTtlSeconds: 604_800, openOrderCounting: true });
  const paths: string[] = [];
  for (let i = 0; i < 200; i++) {
    const order: NewOrder = { account: `seed-${i % 20}`, clientOrderId: `seed-${i}`, symbol: "ACME", side: "buy", quantity: 100, limitPrice: 10_000, timeInForce: "GTC" };
    const created = await store.createOrder(order);
    if (created.kind === "open_order_limit") throw new Error("unexpected limit");
    paths.push(`/v1/accounts/${order.account}/orders/${created.order.orderId}`);
  }
  const issuer = await TestIssuer.start();
  const keys = new JwksCache({ url: issuer.jwksUrl });
  await keys.start();
  const verifier = new TokenVerifier({ keys, issuer: issuer.url, tokenUse: "access", scopePrefix: TEST_SCOPE_PREFIX });
  const authorization = `Bearer ${await issuer.token(CLIENT, ["orders.read", "orders.write"])}`;
  const cache = referenceData();
  // The rate limit's answer without Valkey: the in-process part of the check is what is measured.
  const limiter = { take: async () => ({ allowed: true }) } as unknown as RateLimiter;
  const gate = new WriteRegionGate({ region: "us-east-1", source: { read: async () => "us-east-1" }, pollIntervalMs: 1000, fenceAfterMs: 5000, instance: "bench" });
  await gate.start();
  const variants = (process.env.BENCH_VARIANTS ?? ",log,auth,metrics,log+auth+metrics").split(",");
  const apps = new Map<string, FastifyInstance>();
  for (const variant of variants) {
    const off = partsOff(variant.replaceAll("+", ","));
    apps.set(off.size ? `service without ${[...off].join("+")}` : "service", buildApp({
      clients,
      tableName: "bench",
      cursorSecrets: ["bench-secret-0123456789abcdef0123"],
      logger: off.has("log") ? false : { level: "info", stream: logDestination("/dev/null") },
      ...(off.has("auth") ? {} : { auth: { verifier, entitlements: cache, scopePrefix: TEST_SCOPE_PREFIX } }),
      ...(off.has("risk") ? {} : { preTrade: new PreTradeGate({ cache: cache as unknown as ReferenceCache, limiter }) }),
      ...(off.has("gate") ? {} : { writeGate: gate }),
      ...(off.has("metrics") ? { metrics: false as const } : {}),
    }));
  }
  const plain = Fastify({ logger: false });
  plain.post("/v1/orders", async (request, reply) => {
    const result = await store.createOrder(request.body as NewOrder, { openOrderLimit: BENCH_OPEN_ORDER_LIMIT });
    return reply.code(result.kind === "created" ? 201 : 200).send(result.kind === "open_order_limit" ? {} : result.order);
  });
  plain.get("/v1/accounts/:account/orders/:orderId", async (request) => {
    const { account, orderId } = request.params as { account: string; orderId: string };
    return store.getOrder(account, orderId);
  });
  apps.set("plain Fastify", plain);
  // BENCH_ONLY=<name> keeps one app (for a profile of it alone, to set against another's).
  const built = [...apps.values()];
  const only = process.env.BENCH_ONLY;
  if (only) for (const name of [...apps.keys()]) if (name !== only) apps.delete(name);
  if (apps.size === 0) throw new Error(`BENCH_ONLY: no app named ${only}`);
  await Promise.all(built.map((app) => app.ready()));

  let sequence = 0;
  const one = async (app: FastifyInstance, label: string) => {
    sequence += 1;
    const response =
      op === "read"
        ? await app.inject({ method: "GET", url: paths[sequence % paths.length], headers: { authorization } })
        : await app.inject({ method: "POST", url: "/v1/orders", headers: { authorization, "content-type": "application/json" }, payload: orderBody(label.replace(/[^A-Za-z0-9._:-]/g, "-"), sequence) });
    if (response.statusCode !== (op === "read" ? 200 : 201)) throw new Error(`${label}: ${response.statusCode} ${response.body}`);
  };
  const run = async (app: FastifyInstance, label: string, n: number) => {
    const started = process.cpuUsage();
    for (let i = 0; i < n; i++) await one(app, label);
    const used = process.cpuUsage(started);
    return (used.user + used.system) / n;
  };
  for (const [name, app] of apps) await run(app, `warm-${name}`, 3000);
  // Many short rounds, every variant in each: on a shared machine other work only ever adds CPU
  // time, so the smallest round of each is its steadiest figure; the median is printed beside it.
  const ROUND = 1000;
  const figures = new Map<string, number[]>([...apps.keys()].map((name) => [name, []]));
  for (let round = 0; round < Math.ceil(requests / ROUND); round++) {
    for (const [name, app] of apps) figures.get(name)?.push(await run(app, `${name}-${round}`, ROUND));
  }
  const plainMin = Math.min(...(figures.get("plain Fastify") ?? [0]));
  console.log(`${op}, in-process inject, CPU us per request over ${Math.ceil(requests / ROUND)} rounds of ${ROUND} (min / median; min over plain Fastify's min):`);
  for (const [name, xs] of figures) {
    const sorted = [...xs].sort((a, b) => a - b);
    console.log(`  ${name.padEnd(40)} ${sorted[0].toFixed(1).padStart(6)} / ${sorted[Math.floor(sorted.length / 2)].toFixed(1).padStart(6)}   +${(sorted[0] - plainMin).toFixed(1)}`);
  }
  gate.stop();
  keys.stop();
  await Promise.all([...built.map((app) => app.close()), issuer.stop()]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
