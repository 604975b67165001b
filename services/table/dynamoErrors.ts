/**
 * Classifies errors from either document client. The AWS SDK v3 names its errors in `name` and puts
 * transaction reasons in `CancellationReasons`; the DAX client (@amazon-dax-sdk/client-dax, read from
 * its source, not exercised against a live cluster here) uses `code` and `cancellationReasons`.
 * Checking both keeps the service correct on either path.
 */

const THROTTLING = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "LimitExceededException",
]);

function errorCodes(error: unknown): string[] {
  if (typeof error !== "object" || error === null) return [];
  const codes: string[] = [];
  for (const key of ["name", "code", "__type"] as const) {
    const value = (error as Record<string, unknown>)[key];
    if (typeof value === "string") codes.push(value.slice(value.lastIndexOf("#") + 1));
  }
  return codes;
}

function hasCode(error: unknown, code: string): boolean {
  return errorCodes(error).includes(code);
}

export function isThrottling(error: unknown): boolean {
  return errorCodes(error).some((code) => THROTTLING.has(code));
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return hasCode(error, "ConditionalCheckFailedException");
}

/**
 * Per-item reason codes of a cancelled transaction ("None", "ConditionalCheckFailed",
 * "TransactionConflict", ...), in TransactItems order; undefined if `error` is not a cancellation.
 */
export function transactionCancellationCodes(error: unknown): string[] | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const record = error as Record<string, unknown>;
  const reasons = record.CancellationReasons ?? record.cancellationReasons;
  const cancelled = hasCode(error, "TransactionCanceledException") || Array.isArray(reasons);
  if (!cancelled) return undefined;
  if (!Array.isArray(reasons)) return [];
  return reasons.map((reason: unknown) => {
    const code = typeof reason === "object" && reason !== null ? (reason as Record<string, unknown>).Code : undefined;
    return typeof code === "string" ? code : "None";
  });
}

/** A transaction that lost a race with another one on the same item; retrying is correct. */
export function isTransactionConflict(error: unknown): boolean {
  if (hasCode(error, "TransactionConflictException")) return true;
  return transactionCancellationCodes(error)?.includes("TransactionConflict") ?? false;
}
