/**
 * Exact judgement of a JSON number as written, for quantities and prices. JSON.parse would turn
 * `1.0000000000000001` into 1 before any check could see the fraction; the body parser (jsonBody.ts)
 * keeps every number token that a JavaScript number cannot hold exactly as its text, and this module
 * decides on the decimal value the text denotes, with no floating point involved.
 *
 * The rule, for every quantity and price: the value must be a whole number, greater than zero and at
 * most the field's maximum. Any notation of such a value is accepted (`100`, `1e2`, `100.0`), because
 * it is exactly that number; anything with a non-zero fractional part, however small, is rejected.
 */
import { LosslessNumber } from "lossless-json";

export type WholeNumberVerdict =
  | { ok: true; value: number }
  | { ok: false; problem: "not_positive" | "too_large" | "fraction" };

const NUMBER_TOKEN = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** `max` must be a safe integer, so an accepted value converts to a number exactly. */
export function judgeWholeNumber(value: number | LosslessNumber, max: number): WholeNumberVerdict {
  if (typeof value === "number") {
    if (!(value > 0)) return { ok: false, problem: "not_positive" };
    if (value > max) return { ok: false, problem: "too_large" };
    return Number.isInteger(value) ? { ok: true, value } : { ok: false, problem: "fraction" };
  }
  return judgeToken(value.value, max);
}

function judgeToken(token: string, max: number): WholeNumberVerdict {
  const match = NUMBER_TOKEN.exec(token);
  // lossless-json only hands over valid JSON number tokens; anything else is not a positive number.
  if (!match) return { ok: false, problem: "not_positive" };
  const [, sign, whole, fraction = "", exponentText = "0"] = match;
  // value = digits × 10^exponent, digits without leading or trailing zeros.
  let digits = (whole + fraction).replace(/^0+/, "");
  let exponent = Number(exponentText) - fraction.length;
  const trimmed = digits.replace(/0+$/, "");
  exponent += digits.length - trimmed.length;
  digits = trimmed;
  if (digits === "" || sign === "-") return { ok: false, problem: "not_positive" };

  const limit = String(max);
  const integerDigits = digits.length + exponent; // digits before the decimal point
  if (integerDigits > limit.length) return { ok: false, problem: "too_large" };
  if (integerDigits === limit.length) {
    const integerPart = exponent >= 0 ? digits + "0".repeat(exponent) : digits.slice(0, integerDigits);
    if (integerPart > limit || (integerPart === limit && exponent < 0)) return { ok: false, problem: "too_large" };
  }
  if (exponent < 0) return { ok: false, problem: "fraction" };
  return { ok: true, value: Number(digits + "0".repeat(exponent)) };
}
