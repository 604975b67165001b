/**
 * The bad-input matrix. The store behind this app fails every call, so a case that slipped past
 * validation would show up as a 500 instead of the asserted 400/413/415.
 */
import { expect } from "chai";
import { Writable } from "node:stream";
import type { FastifyInstance, InjectOptions } from "fastify";
import type { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";
import { testApp } from "./fixtures";

const untouchable = new Proxy(
  {},
  {
    get: (_target, prop) => {
      if (prop === "then") return undefined;
      return () => {
        throw new Error(`store must not be called (${String(prop)})`);
      };
    },
  },
) as DynamoDBDocument;

const ORDER = {
  account: "acct-1",
  clientOrderId: "cl-1",
  symbol: "ACME",
  side: "buy",
  quantity: 100,
  limitPrice: 12_345,
  timeInForce: "GTC",
};
const ORDER_ID = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
const FILLS = `/v1/accounts/acct-1/orders/${ORDER_ID}/fills`;

interface Case {
  name: string;
  request: InjectOptions;
  status: number;
  error: string;
  fields?: { in: string; field: string; message: string }[];
  /** Parts of the request the response must not repeat. */
  noEcho?: string[];
  /** What the message must say (the problem named, not a generic one). */
  message?: RegExp;
  headers?: Record<string, string>;
}

const rawOrder = (quantity: string, limitPrice = "12345") => ({
  method: "POST" as const,
  url: "/v1/orders",
  headers: { "content-type": "application/json" },
  payload: `{"account":"acct-1","clientOrderId":"cl-1","symbol":"ACME","side":"buy","quantity":${quantity},"limitPrice":${limitPrice},"timeInForce":"GTC"}`,
});
const LONG_ACCOUNT = "a".repeat(101);

/** A JSON body as text, posted as application/json (for bodies JSON.stringify cannot be asked to build). */
const rawJson = (url: string, payload: string): InjectOptions => ({ method: "POST", url, headers: { "content-type": "application/json" }, payload });
const nestedArray = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
const nestedObject = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
// Deep nesting a client can send within BODY_LIMIT_BYTES (16 384): an array 8 000 levels deep in
// `account` is 16 012 bytes. Each used to overflow the stack in the parser or its poisoning scan (500).
const TOO_DEEP = /^The body nests arrays and objects deeper than 32 levels \(at character \d+\); /;

const body = (field: string, message: string) => ({ in: "body", field, message });
const query = (field: string, message: string) => ({ in: "query", field, message });
const path = (field: string, message: string) => ({ in: "path", field, message });
const post = (url: string, payload: unknown): InjectOptions => ({ method: "POST", url, payload: payload as InjectOptions["payload"] });
const order = (changes: Record<string, unknown>) => post("/v1/orders", { ...ORDER, ...changes });
const without = (field: keyof typeof ORDER) =>
  post("/v1/orders", Object.fromEntries(Object.entries(ORDER).filter(([key]) => key !== field)));

const cases: Case[] = [
  { name: "unknown field", request: order({ limitPrize: 1 }), status: 400, error: "validation_failed", fields: [body("limitPrize", "is not a recognised field")] },
  {
    name: "several unknown fields",
    request: order({ a: 1, b: 2 }),
    status: 400,
    error: "validation_failed",
    fields: [body("a", "is not a recognised field"), body("b", "is not a recognised field")],
  },
  { name: "missing field", request: without("limitPrice"), status: 400, error: "validation_failed", fields: [body("limitPrice", "is required")] },
  { name: "quantity as a string", request: order({ quantity: "100" }), status: 400, error: "validation_failed", fields: [body("quantity", "must be a number, got a string")] },
  { name: "symbol as a number", request: order({ symbol: 5 }), status: 400, error: "validation_failed", fields: [body("symbol", "must be a string, got a number")] },
  { name: "account as null", request: order({ account: null }), status: 400, error: "validation_failed", fields: [body("account", "must be a string, got null")] },
  { name: "side not in the enum", request: order({ side: "hold" }), status: 400, error: "validation_failed", fields: [body("side", 'must be one of "buy", "sell"')] },
  {
    name: "time in force not in the enum",
    request: order({ timeInForce: "gtc" }),
    status: 400,
    error: "validation_failed",
    fields: [body("timeInForce", 'must be one of "GTC", "DAY", "IOC", "FOK"')],
  },
  { name: "zero quantity", request: order({ quantity: 0 }), status: 400, error: "validation_failed", fields: [body("quantity", "must be greater than 0")] },
  { name: "negative quantity", request: order({ quantity: -5 }), status: 400, error: "validation_failed", fields: [body("quantity", "must be greater than 0")] },
  { name: "negative price", request: order({ limitPrice: -1 }), status: 400, error: "validation_failed", fields: [body("limitPrice", "must be greater than 0")] },
  {
    name: "fractional quantity",
    request: order({ quantity: 1.5 }),
    status: 400,
    error: "validation_failed",
    fields: [body("quantity", "must be a whole number of units; fractions are not allowed")],
  },
  {
    name: "price in major units (a float)",
    request: order({ limitPrice: 123.45 }),
    status: 400,
    error: "validation_failed",
    fields: [body("limitPrice", "must be a whole number of minor units (e.g. cents); fractions are not allowed")],
  },
  {
    name: "quantity beyond the maximum",
    request: order({ quantity: 1e13 }),
    status: 400,
    error: "validation_failed",
    fields: [body("quantity", "must be at most 1000000000000")],
  },
  {
    name: "price beyond safe integers",
    request: {
      method: "POST",
      url: "/v1/orders",
      headers: { "content-type": "application/json" },
      payload: `{"account":"acct-1","clientOrderId":"cl-1","symbol":"ACME","side":"buy","quantity":1,"limitPrice":123456789012345678901,"timeInForce":"GTC"}`,
    },
    status: 400,
    error: "validation_failed",
    fields: [body("limitPrice", "must be at most 999999999999999")],
  },
  {
    name: "identifier with the key separator",
    request: order({ clientOrderId: "a#b" }),
    status: 400,
    error: "validation_failed",
    fields: [body("clientOrderId", "must be 1-64 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'")],
  },
  {
    name: "lower-case symbol",
    request: order({ symbol: "acme" }),
    status: 400,
    error: "validation_failed",
    fields: [body("symbol", "must be 1-16 characters of A-Z, 0-9, '.', '_' or '-', starting with a letter or digit")],
  },
  {
    name: "several bad fields at once",
    request: order({ quantity: 0, side: "x", extra: true }),
    status: 400,
    error: "validation_failed",
    fields: [body("side", 'must be one of "buy", "sell"'), body("quantity", "must be greater than 0"), body("extra", "is not a recognised field")],
  },
  { name: "a JSON array body", request: post("/v1/orders", [ORDER]), status: 400, error: "validation_failed", fields: [body("(body)", "must be a JSON object, got an array")] },
  {
    name: "a JSON null body",
    request: { method: "POST", url: "/v1/orders", payload: "null", headers: { "content-type": "application/json" } },
    status: 400,
    error: "validation_failed",
    fields: [body("(body)", "must be a JSON object, got null")],
  },
  { name: "no body", request: { method: "POST", url: "/v1/orders" }, status: 400, error: "validation_failed", fields: [body("(body)", "is required")] },
  {
    name: "malformed JSON",
    request: { method: "POST", url: "/v1/orders", payload: '{"account": ', headers: { "content-type": "application/json" } },
    status: 400,
    error: "invalid_request",
  },
  {
    name: "prototype pollution attempt",
    request: { method: "POST", url: "/v1/orders", payload: `{"__proto__":{"admin":true},"account":"a"}`, headers: { "content-type": "application/json" } },
    status: 400,
    error: "invalid_request",
  },
  {
    name: "oversized body (413, before parsing)",
    request: order({ clientOrderId: "x", padding: "p".repeat(20_000) }),
    status: 413,
    error: "payload_too_large",
  },
  {
    name: "non-JSON content type",
    request: { method: "POST", url: "/v1/orders", payload: "account=a", headers: { "content-type": "application/x-www-form-urlencoded" } },
    status: 415,
    error: "unsupported_media_type",
  },
  { name: "fill: zero quantity", request: post(FILLS, { fillId: "f", quantity: 0, price: 1 }), status: 400, error: "validation_failed", fields: [body("quantity", "must be greater than 0")] },
  {
    name: "fill: fractional price",
    request: post(FILLS, { fillId: "f", quantity: 1, price: 0.5 }),
    status: 400,
    error: "validation_failed",
    fields: [body("price", "must be a whole number of minor units (e.g. cents); fractions are not allowed")],
  },
  { name: "fill: unknown field", request: post(FILLS, { fillId: "f", quantity: 1, price: 1, venue: "X" }), status: 400, error: "validation_failed", fields: [body("venue", "is not a recognised field")] },
  { name: "fill: missing fill id", request: post(FILLS, { quantity: 1, price: 1 }), status: 400, error: "validation_failed", fields: [body("fillId", "is required")] },
  {
    name: "cancel: a body with fields",
    request: post(`/v1/accounts/acct-1/orders/${ORDER_ID}/cancel`, { reason: "x" }),
    status: 400,
    error: "validation_failed",
    fields: [body("reason", "is not a recognised field")],
  },
  {
    name: "path: malformed order id",
    request: { method: "GET", url: "/v1/accounts/acct-1/orders/not-an-id" },
    status: 400,
    error: "validation_failed",
    fields: [path("orderId", "must be a 26-character order id")],
  },
  {
    name: "path: account with the key separator",
    request: { method: "GET", url: `/v1/accounts/a%23b/orders` },
    status: 400,
    error: "validation_failed",
    fields: [path("account", "must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-'")],
  },
  {
    name: "path: lower-case symbol",
    request: { method: "GET", url: "/v1/symbols/acme/open-orders" },
    status: 400,
    error: "validation_failed",
    fields: [path("symbol", "must be 1-16 characters of A-Z, 0-9, '.', '_' or '-', starting with a letter or digit")],
  },
  { name: "query: limit 0", request: { method: "GET", url: "/v1/accounts/acct-1/orders?limit=0" }, status: 400, error: "validation_failed", fields: [query("limit", "must be at least 1")] },
  { name: "query: limit too large", request: { method: "GET", url: "/v1/accounts/acct-1/orders?limit=101" }, status: 400, error: "validation_failed", fields: [query("limit", "must be at most 100")] },
  {
    name: "query: limit not a number",
    request: { method: "GET", url: "/v1/accounts/acct-1/orders?limit=ten" },
    status: 400,
    error: "validation_failed",
    fields: [query("limit", "must be an integer from 1 to 100")],
  },
  {
    name: "query: limit given twice",
    request: { method: "GET", url: "/v1/accounts/acct-1/orders?limit=1&limit=2" },
    status: 400,
    error: "validation_failed",
    fields: [query("limit", "must be given once")],
  },
  {
    name: "query: unknown status",
    request: { method: "GET", url: "/v1/accounts/acct-1/orders?status=pending" },
    status: 400,
    error: "validation_failed",
    fields: [query("status", 'must be one of "open", "filled", "cancelled"')],
  },
  {
    name: "query: unknown parameter",
    request: { method: "GET", url: "/v1/accounts/acct-1/orders?sort=asc" },
    status: 400,
    error: "validation_failed",
    fields: [query("sort", "is not a recognised parameter")],
  },
  {
    name: "query: garbage cursor",
    request: { method: "GET", url: "/v1/accounts/acct-1/orders?cursor=garbage" },
    status: 400,
    error: "validation_failed",
    fields: [query("cursor", "is malformed")],
  },
  {
    name: "a fraction JSON.parse would round away (1.0000000000000001)",
    request: rawOrder("1.0000000000000001"),
    status: 400,
    error: "validation_failed",
    fields: [body("quantity", "must be a whole number of units; fractions are not allowed")],
  },
  {
    name: "a price with a tiny fraction (12345.000000000000001)",
    request: rawOrder("1", "12345.000000000000001"),
    status: 400,
    error: "validation_failed",
    fields: [body("limitPrice", "must be a whole number of minor units (e.g. cents); fractions are not allowed")],
  },
  { name: "a huge exponent (1e400)", request: rawOrder("1e400"), status: 400, error: "validation_failed", fields: [body("quantity", "must be at most 1000000000000")] },
  {
    name: "just past the maximum, written with a fraction (1000000000000.5)",
    request: rawOrder("1000000000000.5"),
    status: 400,
    error: "validation_failed",
    fields: [body("quantity", "must be at most 1000000000000")],
  },
  { name: "negative zero", request: rawOrder("-0"), status: 400, error: "validation_failed", fields: [body("quantity", "must be greater than 0")] },
  { name: "zero written as 0.0e5", request: rawOrder("0.0e5"), status: 400, error: "validation_failed", fields: [body("quantity", "must be greater than 0")] },
  {
    name: "a key given twice with different values",
    request: {
      method: "POST",
      url: "/v1/orders",
      headers: { "content-type": "application/json" },
      payload: `{"account":"acct-1","clientOrderId":"cl-1","symbol":"ACME","side":"buy","quantity":-1,"quantity":5,"limitPrice":1,"timeInForce":"GTC"}`,
    },
    status: 400,
    error: "invalid_request",
    noEcho: ["quantity"],
  },
  {
    name: "constructor.prototype poisoning",
    request: { method: "POST", url: "/v1/orders", payload: `{"constructor":{"prototype":{"admin":true}}}`, headers: { "content-type": "application/json" } },
    status: 400,
    error: "invalid_request",
    noEcho: ["admin"],
  },
  {
    name: "an empty body declared as JSON",
    request: { method: "POST", url: "/v1/orders", payload: "", headers: { "content-type": "application/json" } },
    status: 400,
    error: "invalid_request",
  },
  {
    name: "a text/plain body (415, not 400)",
    request: { method: "POST", url: "/v1/orders", payload: JSON.stringify(ORDER), headers: { "content-type": "text/plain" } },
    status: 415,
    error: "unsupported_media_type",
  },
  {
    name: "a malformed percent-escape in the path",
    request: { method: "GET", url: `/v1/accounts/ab%zz/orders/${ORDER_ID}` },
    status: 400,
    error: "invalid_request",
    noEcho: ["%zz", "ab%", ORDER_ID, "FST_"],
  },
  {
    name: "an over-long path parameter",
    request: { method: "GET", url: `/v1/accounts/${LONG_ACCOUNT}/orders` },
    status: 414,
    error: "uri_too_long",
    noEcho: [LONG_ACCOUNT.slice(0, 20), "FST_"],
  },
  { name: "an unknown route", request: { method: "GET", url: "/v1/nothing/here" }, status: 404, error: "not_found", noEcho: ["nothing"] },
  {
    name: "a known path with the wrong method",
    request: { method: "DELETE", url: "/v1/orders" },
    status: 405,
    error: "method_not_allowed",
    headers: { allow: "POST" },
  },
  {
    name: "a known order path with the wrong method",
    request: { method: "PUT", url: `/v1/accounts/acct-1/orders/${ORDER_ID}` },
    status: 405,
    error: "method_not_allowed",
    headers: { allow: "GET, HEAD" },
    noEcho: [ORDER_ID],
  },
  {
    name: "account: an array nested 8000 levels deep (16 012 bytes, under the body limit)",
    request: rawJson("/v1/orders", `{"account":${nestedArray(8000)}}`),
    status: 400,
    error: "invalid_request",
    message: TOO_DEEP,
  },
  {
    name: "account: an array nested 3000 levels deep",
    request: rawJson("/v1/orders", `{"account":${nestedArray(3000)},"clientOrderId":"cl-1"}`),
    status: 400,
    error: "invalid_request",
    message: TOO_DEEP,
  },
  {
    name: "account: arrays one level past the limit (the body object is level 1)",
    request: rawJson("/v1/orders", `{"account":${nestedArray(32)}}`),
    status: 400,
    error: "invalid_request",
    message: TOO_DEEP,
  },
  {
    name: "account: arrays exactly at the limit parse, and fail validation as an array",
    request: rawJson("/v1/orders", `{"account":${nestedArray(31)},"clientOrderId":"cl-1","symbol":"ACME","side":"buy","quantity":1,"limitPrice":1,"timeInForce":"GTC"}`),
    status: 400,
    error: "validation_failed",
    fields: [body("account", "must be a string, got an array")],
  },
  {
    name: "objects nested 2700 levels deep ({\"a\":{\"a\":...}}, 16 201 bytes)",
    request: rawJson("/v1/orders", nestedObject(2700)),
    status: 400,
    error: "invalid_request",
    message: TOO_DEEP,
  },
  {
    name: "objects one level past the limit",
    request: rawJson("/v1/orders", nestedObject(33)),
    status: 400,
    error: "invalid_request",
    message: TOO_DEEP,
  },
  {
    name: "objects exactly at the limit parse, and fail validation",
    request: rawJson("/v1/orders", nestedObject(32)),
    status: 400,
    error: "validation_failed",
  },
  {
    name: "a top-level array nested 8000 levels deep",
    request: rawJson("/v1/orders", nestedArray(8000)),
    status: 400,
    error: "invalid_request",
    message: TOO_DEEP,
  },
  {
    name: "fill: a body nested 8000 levels deep",
    request: rawJson(FILLS, `{"fillId":${nestedArray(8000)}}`),
    status: 400,
    error: "invalid_request",
    message: TOO_DEEP,
  },
  {
    name: "brackets inside strings (after an escaped quote) are not nesting",
    request: rawJson("/v1/orders", `{"account":"\\"${"[".repeat(100)}","clientOrderId":"cl-1","symbol":"ACME","side":"buy","quantity":1,"limitPrice":1,"timeInForce":"GTC"}`),
    status: 400,
    error: "validation_failed",
    fields: [body("account", "must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-'")],
  },
  {
    name: "query: open-orders side not in the enum",
    request: { method: "GET", url: "/v1/symbols/ACME/open-orders?side=bid" },
    status: 400,
    error: "validation_failed",
    fields: [query("side", 'must be one of "buy", "sell"')],
  },
];

describe("trading-api bad-input matrix", () => {
  let app: FastifyInstance;
  const logged: Record<string, unknown>[] = [];
  before(() => {
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split("\n").filter(Boolean)) logged.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    app = testApp(untouchable, "unused", { bodyLimitBytes: 16_384, logger: { level: "info", stream } });
  });
  after(() => app.close());

  for (const c of cases) {
    it(`${c.name} → ${c.status} ${c.error}`, async () => {
      const res = await app.inject(c.request);
      expect(res.statusCode, res.body).to.equal(c.status);
      expect(res.headers["content-type"]).to.match(/^application\/json/);
      const json = res.json<{ error: string; message: string; requestId: string; fields?: unknown[] }>();
      expect(Object.keys(json)).to.include.members(["error", "message", "requestId"]);
      expect(json.error).to.equal(c.error);
      expect(json.requestId).to.be.a("string").and.equal(res.headers["x-request-id"]);
      expect(json.message).to.be.a("string").and.not.match(/\bat \S+ \(|node_modules|\.ts:\d+/);
      if (c.fields) expect(json.fields).to.deep.equal(c.fields);
      if (c.message) expect(json.message).to.match(c.message);
      for (const [name, value] of Object.entries(c.headers ?? {})) expect(res.headers[name], name).to.equal(value);
      for (const fragment of c.noEcho ?? []) expect(res.body, `the response repeats "${fragment}"`).to.not.include(fragment);
      const lines = logged.filter((l) => l.requestId === json.requestId && l.msg === "request completed");
      expect(lines, "exactly one log line for the response").to.have.length(1);
      expect(lines[0]).to.include({ statusCode: c.status });
    });
  }
});
