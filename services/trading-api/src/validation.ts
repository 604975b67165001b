/**
 * Request validation with zod. Every rejection names the field and says what is wrong with it, one
 * message per field. Objects are strict: an unknown field is an error rather than silently ignored,
 * because a misspelt `limitPrice` on an order must not become a default.
 */
import { z } from "zod";
import { LosslessNumber } from "lossless-json";
import { MAX_PRICE_MINOR, MAX_QUANTITY } from "../../table/keys";
import { judgeWholeNumber } from "./wholeNumbers";
import { ORDER_ID_PATTERN } from "./ids";
import { ValidationError, type FieldError } from "./errors";

// Identifiers become parts of sort keys joined by '#', so '#' is never allowed in them.
const ACCOUNT = /^[A-Za-z0-9_-]{1,64}$/;
const EXTERNAL_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const SYMBOL = /^[A-Z0-9][A-Z0-9._-]{0,15}$/;

const identifier = (pattern: RegExp, rule: string) =>
  z.string().regex(pattern, { error: `must be ${rule}` });

const account = identifier(ACCOUNT, "1-64 characters of A-Z, a-z, 0-9, '_' or '-'");
const externalId = identifier(EXTERNAL_ID, "1-64 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'");
const symbol = identifier(SYMBOL, "1-16 characters of A-Z, 0-9, '.', '_' or '-', starting with a letter or digit");
const orderId = identifier(ORDER_ID_PATTERN, "a 26-character order id");

/**
 * A whole, positive number of units, judged on the number as written (jsonBody.ts hands over a
 * LosslessNumber whenever a JavaScript number would not be exact): fractions are rejected, never
 * rounded, and so are values past the maximum however they are written.
 */
const wholeUnits = (max: number, unit: string) =>
  z
    .union([z.number(), z.instanceof(LosslessNumber)], {
      error: (issue) => (issue.input === undefined ? "is required" : `must be a number, got ${describeType(issue.input)}`),
    })
    .transform((value, ctx) => {
      const verdict = judgeWholeNumber(value, max);
      if (verdict.ok) return verdict.value;
      const message = {
        not_positive: "must be greater than 0",
        too_large: `must be at most ${max}`,
        fraction: `must be a whole number of ${unit}; fractions are not allowed`,
      }[verdict.problem];
      ctx.addIssue({ code: "custom", message, input: value });
      return z.NEVER;
    });

const side = z.enum(["buy", "sell"]);
const timeInForce = z.enum(["GTC", "DAY", "IOC", "FOK"]);
const orderStatus = z.enum(["open", "filled", "cancelled"]);

export const placeOrderBody = z.strictObject({
  account,
  clientOrderId: externalId,
  symbol,
  side,
  quantity: wholeUnits(MAX_QUANTITY, "units"),
  limitPrice: wholeUnits(MAX_PRICE_MINOR, "minor units (e.g. cents)"),
  timeInForce,
});

export const fillBody = z.strictObject({
  fillId: externalId,
  quantity: wholeUnits(MAX_QUANTITY, "units"),
  price: wholeUnits(MAX_PRICE_MINOR, "minor units (e.g. cents)"),
});

/** Cancel takes no fields; an empty object is accepted so clients that always send JSON work. */
export const cancelBody = z.strictObject({});

export const accountParams = z.strictObject({ account });
export const orderParams = z.strictObject({ account, orderId });
export const symbolParams = z.strictObject({ symbol });

const queryLimit = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `must be an integer from 1 to ${max}` })
    .transform(Number)
    .pipe(z.number().min(1, { error: "must be at least 1" }).max(max, { error: `must be at most ${max}` }))
    .default(fallback);

const cursor = z.string().min(1, { error: "must not be empty" });

export const listOrdersQuery = z.strictObject({
  status: orderStatus.optional(),
  limit: queryLimit(100, 25),
  cursor: cursor.optional(),
});

export const openOrdersQuery = z.strictObject({
  side: side.optional(),
  limit: queryLimit(200, 50),
  cursor: cursor.optional(),
});

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function issueMessage(issue: z.core.$ZodIssue, input: unknown): string {
  switch (issue.code) {
    case "invalid_type": {
      if (input === undefined) return "is required";
      const expected = issue.expected === "object" ? "a JSON object" : `a ${issue.expected}`;
      return `must be ${expected}, got ${describeType(input)}`;
    }
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    default:
      return issue.message;
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Parses `value` or throws a {@link ValidationError} with one message per offending field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, location: FieldError["in"]): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields: FieldError[] = [];
  const seen = new Set<string>();
  const add = (field: string, message: string) => {
    if (seen.has(field)) return;
    seen.add(field);
    fields.push({ in: location, field, message });
  };
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        add([...issue.path.map(String), key].join("."), location === "query" ? "is not a recognised parameter" : "is not a recognised field");
      }
      continue;
    }
    const field = issue.path.length > 0 ? issue.path.map(String).join(".") : "(body)";
    if (location === "query" && Array.isArray(valueAt(value, issue.path))) {
      add(field, "must be given once");
      continue;
    }
    add(field, issueMessage(issue, valueAt(value, issue.path)));
  }
  throw new ValidationError(fields);
}
