/** Shared builders for the service tests (not a test file itself). */
import type { FastifyInstance } from "fastify";
import type { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";
import { buildApp, type AppDeps } from "../../services/trading-api/src/app";
import type { TableClients } from "../../services/trading-api/src/clients";

export const CURSOR_SECRET = "test-cursor-secret-0123456789abcdef";

/** DynamoDB Local serves both roles: there is no DAX emulator. */
export function localClients(doc: DynamoDBDocument): TableClients {
  return { dynamo: doc, cache: doc, close: () => undefined };
}

export function testApp(doc: DynamoDBDocument, tableName: string, overrides: Partial<AppDeps> = {}): FastifyInstance {
  return buildApp({
    clients: localClients(doc),
    tableName,
    cursorSecrets: [CURSOR_SECRET],
    logger: false,
    ...overrides,
  });
}

let counter = 0;
/** A unique id per call, so tests in one table never collide. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

export interface OrderBody {
  account: string;
  clientOrderId: string;
  symbol: string;
  side: "buy" | "sell";
  quantity: number;
  limitPrice: number;
  timeInForce: "GTC" | "DAY" | "IOC" | "FOK";
}

export function orderBody(overrides: Partial<OrderBody> = {}): OrderBody {
  return {
    account: unique("acct"),
    clientOrderId: unique("cl"),
    symbol: "ACME",
    side: "buy",
    quantity: 100,
    limitPrice: 12_345,
    timeInForce: "GTC",
    ...overrides,
  };
}

export interface OrderView {
  orderId: string;
  account: string;
  clientOrderId: string;
  symbol: string;
  side: "buy" | "sell";
  quantity: number;
  limitPrice: number;
  status: "open" | "filled" | "cancelled";
  filledQuantity: number;
  remainingQuantity: number;
  version: number;
}

export async function placeOrder(app: FastifyInstance, body: OrderBody): Promise<OrderView> {
  const res = await app.inject({ method: "POST", url: "/v1/orders", payload: body });
  if (res.statusCode !== 201) throw new Error(`place order: ${res.statusCode} ${res.body}`);
  return res.json<OrderView>();
}
