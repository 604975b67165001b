/**
 * A regular expression matching exactly the decimal numbers greater than a limit, for a WAF rule
 * on the Content-Length header. The WAF cannot measure an ALB request's body itself beyond its
 * first 8 KB (AWS WAF Developer Guide, "Managing body inspection size limits": fixed at 8 KB for an
 * Application Load Balancer), so a body limit above 8 KB is enforced on the length the client
 * declares; a body sent without a Content-Length (chunked) is still cut off by the service (413).
 */

/** `^0*(...)$` matching every whole number > `limit` written in decimal (leading zeros allowed). */
export function greaterThanPattern(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new Error(`limit must be a non-negative integer; got ${limit}`);
  const digits = String(limit);
  const alternatives: string[] = [];
  // More digits than the limit (no leading zero: those are stripped by the 0* prefix).
  alternatives.push(`[1-9]\\d{${digits.length},}`);
  // As many digits: equal up to position i, then a bigger digit, then anything.
  for (let i = 0; i < digits.length; i++) {
    const digit = Number(digits[i]);
    if (digit === 9) continue;
    const rest = digits.length - i - 1;
    const next = digit + 1 === 9 ? "9" : `[${digit + 1}-9]`;
    alternatives.push(`${digits.slice(0, i)}${next}${rest > 0 ? `\\d{${rest}}` : ""}`);
  }
  return `^0*(?:${alternatives.join("|")})$`;
}
