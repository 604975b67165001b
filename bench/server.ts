/**
 * One benchmark target, run as its own process so its CPU time is its own while the load comes from
 * the parent. BENCH_IMPL picks the service with everything on (serviceTarget.ts), a plain Fastify
 * route or a bare node:http handler making the same OrderStore calls (plainTargets.ts); BENCH_STORE
 * picks the in-memory DynamoDBDocument double or DynamoDB Local. Prints one JSON line
 * ({ port, readPaths, authorization? }) when listening, and answers the parent's "cpu" message with
 * process.cpuUsage().
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";
import type { TableClients } from "../services/trading-api/src/clients";
import { OrderStore, type NewOrder } from "../services/trading-api/src/store";
import { MemoryDocument } from "./memoryDocument";
import { listenBare, listenFastify } from "./plainTargets";
import { listenServiceTarget, partsOff } from "./serviceTarget";

const impl = process.env.BENCH_IMPL;
const storeKind = process.env.BENCH_STORE;
const tableName = process.env.BENCH_TABLE ?? "bench";
const SEED_ACCOUNTS = Number(process.env.BENCH_SEED_ACCOUNTS ?? 20);

function document(): DynamoDBDocument {
  if (storeKind === "memory") return new MemoryDocument().asDocument();
  const endpoint = process.env.BENCH_ENDPOINT;
  if (!endpoint) throw new Error("BENCH_ENDPOINT is required for BENCH_STORE=dynamo");
  return DynamoDBDocument.from(
    new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } }),
  );
}

async function main(): Promise<void> {
  const doc = document();
  const clients: TableClients = { dynamo: doc, cache: doc, close: () => undefined };
  // Every target counts open orders, as the service with risk checks does (plainTargets.ts).
  const store = new OrderStore({ clients, tableName, idempotencyTtlSeconds: 604_800, openOrderCounting: true });

  // Orders to read back, placed through the store so every target reads the same kind of item.
  const readPaths: string[] = [];
  for (let i = 0; i < 200; i++) {
    const order: NewOrder = {
      account: `seed-${i % SEED_ACCOUNTS}`,
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
    ({ port, authorization } = await listenServiceTarget(clients, tableName, partsOff(process.env.BENCH_SERVICE_OFF)));
  } else if (impl === "fastify") {
    port = await listenFastify(store);
  } else if (impl === "bare") {
    port = await listenBare(store, Number(process.env.BENCH_BARE_EXTRA_US ?? 0));
  } else {
    throw new Error(`BENCH_IMPL must be service, fastify or bare, got ${String(impl)}`);
  }
  // CPU time is reported to the parent on request: unlike throughput, CPU per request barely moves
  // when other processes compete for the machine.
  process.on("message", (message) => {
    if (message === "cpu") process.send?.({ cpu: process.cpuUsage() });
  });
  // --cpu-prof writes its profile only on a normal exit: SIGTERM ends the process through exit().
  process.on("SIGTERM", () => process.exit(0));
  // A parent that dies (a crash, ^C) closes the IPC channel: the target goes too, not orphaned.
  process.on("disconnect", () => process.exit(0));
  process.stdout.write(`${JSON.stringify({ port, readPaths, ...(authorization ? { authorization } : {}) })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
