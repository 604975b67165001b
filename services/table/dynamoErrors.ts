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

/**
 * Names and codes that mean the store did not answer or failed on its side, so the same request can
 * succeed later: Node socket errors (what @smithy/node-http-handler passes through, and what it
 * treats as transient), the SDK's TimeoutError (connection timeout, and request timeout with
 * throwOnRequestTimeout), DynamoDB's 5xx errors (InternalServerError, ServiceUnavailable; "Error
 * handling with DynamoDB", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html)
 * and the DAX client's I/O codes (ConnectionException covers its timeouts, NoRouteException "No
 * endpoints available", EndOfStreamException; DaxErrorCode.isIOError in @amazon-dax-sdk/client-dax).
 */
const UNAVAILABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "InternalServerError",
  "InternalFailure",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "InternalServerErrorException",
  "ConnectionException",
  "NoRouteException",
  "EndOfStreamException",
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

/**
 * The store is unreachable or failing on its side (see {@link UNAVAILABLE}), or answered with a 5xx
 * status: retrying later is right and the caller's request was not at fault. Errors whose `cause`
 * is such an error count too. An abort (the caller's own deadline) is not: it is reported as such.
 */
export function isStoreUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 5) return false;
  const record = error as Record<string, unknown>;
  if (record.name === "AbortError") return false;
  if (errorCodes(error).some((code) => UNAVAILABLE.has(code))) return true;
  const metadata = record.$metadata as { httpStatusCode?: unknown } | undefined;
  const status = metadata?.httpStatusCode ?? record.statusCode;
  if (typeof status === "number" && status >= 500 && status <= 599) return true;
  return isStoreUnavailable(record.cause, depth + 1);
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
