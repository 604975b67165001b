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
 * Nesting is bounded ({@link MAX_BODY_DEPTH}) before anything recursive runs: lossless-json and the
 * poisoning scan both recurse once per level, and a body of a few thousand brackets (well under
 * BODY_LIMIT_BYTES) overflowed the stack, which surfaced as a 500 (or, when the parser was the one
 * to overflow, as a misleading "not valid JSON").
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

/**
 * The deepest nesting of arrays and objects a body may have; the body object itself is level 1.
 * Every body this API accepts is a flat object (level 1: order, fill, cancel), so 32 is far beyond
 * any legitimate request, including one a future schema with a nested list (level 3) would send,
 * while the recursion it allows (a few frames per level in the parser and the poisoning scan) is
 * trivially small next to any stack.
 */
export const MAX_BODY_DEPTH = 32;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Refuses a body nested deeper than {@link MAX_BODY_DEPTH}, in one pass without recursion. Brackets
 * inside strings are skipped (a backslash escapes the next character, as in JSON). On malformed text
 * the count may differ from what a parser would see past the first error, but up to that error it is
 * exactly the parser's depth, so the parser never recurses deeper than the bound.
 */
function rejectDeepNesting(text: string): void {
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i += 1; i < text.length; i += 1) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i += 1;
        else if (s === QUOTE) break;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth += 1;
      if (depth > MAX_BODY_DEPTH) {
        throw invalid(
          `The body nests arrays and objects deeper than ${MAX_BODY_DEPTH} levels (at character ${i}); request bodies of this API are flat JSON objects.`,
        );
      }
    } else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && depth > 0) {
      depth -= 1;
    }
  }
}

export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") throw invalid("The request body is empty; send a JSON object.");
  rejectDeepNesting(text);
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

/** Recursive, which is safe only because rejectDeepNesting has bounded the depth. */
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
