/** A region that did not answer, told apart from an answer AWS gave: the failover goes on where that is safe. */

/**
 * A region that did not answer at all (connection refused, DNS failure, timeout): the command goes on
 * where it is safe to, best effort, and says so. An error AWS answered with is not this.
 */
export class UnreachableError extends Error {
  constructor(
    readonly target: string,
    cause: unknown,
  ) {
    super(`${target} unreachable: ${cause instanceof Error ? cause.message || cause.name : String(cause)}`, { cause });
    this.name = "UnreachableError";
  }
}

/** True for failures where no AWS response arrived. */
export function isNoResponse(error: unknown): boolean {
  if (error instanceof UnreachableError) return true;
  const e = error as { $metadata?: { httpStatusCode?: number }; code?: string; name?: string };
  if (e?.$metadata?.httpStatusCode !== undefined) return false;
  return ["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH"].includes(String(e?.code)) ||
    ["TimeoutError", "AbortError", "RequestTimeout"].includes(String(e?.name)) ||
    (error instanceof Error && /ECONNREFUSED|socket hang up|ETIMEDOUT|EHOSTUNREACH|getaddrinfo/.test(error.message));
}
