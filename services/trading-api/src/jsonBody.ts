/**
 * The service's only body parser: JSON, read losslessly. Replaces Fastify's JSON.parse-based parser
 * (and its text/plain parser, so text bodies get 415 like any other non-JSON type) because
 * - JSON.parse rounds number tokens before validation sees them (`1.0000000000000001` became 1);
 *   here a number token is a JavaScript number only when that is exact (an integer of at most 15
 *   digits), otherwise a LosslessNumber carrying the text, judged exactly by wholeNumbers.ts;
 * - JSON.parse lets the last of two equal keys win silently (`"quantity":-1,"quantity":5` became 5),
 *   so two components that read the body differently (a WAF and this service) could disagree;
 *   lossless-json refuses a key repeated with a different value. A key repeated with the very same
 *   value is accepted: every reader gets the same object from it.
 * Prototype-poisoning keys (`__proto__`, `constructor.prototype`) are refused as Fastify does.
 * Error messages give a position, never a piece of the body.
 */
import { LosslessNumber, parse } from "lossless-json";
import { HttpError } from "./errors";

/** Integers of up to 15 digits are below 2^53, so Number() holds them exactly. */
const SMALL_INTEGER = /^-?(?:0|[1-9]\d{0,14})$/;

function parseNumberToken(token: string): number | LosslessNumber {
  return SMALL_INTEGER.test(token) ? Number(token) : new LosslessNumber(token);
}

function invalid(message: string): HttpError {
  return new HttpError(400, "invalid_request", message);
}

export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") throw invalid("The request body is empty; send a JSON object.");
  let value: unknown;
  try {
    value = parse(text, undefined, { parseNumber: parseNumberToken });
  } catch (error) {
    const message = error instanceof Error ? error.message : "";
    const position = /position (\d+)/.exec(message)?.[1];
    const where = position ? ` (at character ${position})` : "";
    if (message.startsWith("Duplicate key")) {
      throw invalid(`The body gives one key twice in the same object with different values${where}; give each key once.`);
    }
    throw invalid(`The body is not valid JSON${where}.`);
  }
  rejectPoisoning(value);
  return value;
}

function rejectPoisoning(value: unknown): void {
  if (typeof value !== "object" || value === null || value instanceof LosslessNumber) return;
  if (Array.isArray(value)) {
    for (const item of value) rejectPoisoning(item);
    return;
  }
  const record = value as Record<string, unknown>;
  if (Object.hasOwn(record, "__proto__")) throw invalid("The body uses the reserved key __proto__.");
  const constructor = Object.hasOwn(record, "constructor") ? record.constructor : undefined;
  if (typeof constructor === "object" && constructor !== null && Object.hasOwn(constructor, "prototype")) {
    throw invalid("The body uses the reserved key constructor.prototype.");
  }
  for (const key of Object.keys(record)) rejectPoisoning(record[key]);
}
