/** Errors the routes raise on purpose; anything else is a 500 with no detail sent to the client. */

export interface FieldError {
  /** Where the field came from: the JSON body, the path or the query string. */
  in: "body" | "path" | "query";
  field: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export class ValidationError extends HttpError {
  constructor(readonly fields: FieldError[]) {
    super(400, "validation_failed", "The request is invalid; see fields.", { fields });
    this.name = "ValidationError";
  }
}

/**
 * Raised when optimistic concurrency keeps losing (many writers on one order or one client order
 * id). Mapped to 503 with Retry-After like throttling: the request did nothing and is safe to retry.
 */
export class ContentionError extends Error {
  constructor(what: string) {
    super(`gave up after repeated write conflicts on ${what}`);
    this.name = "ContentionError";
  }
}

/**
 * The request ran out of its total time (REQUEST_DEADLINE_MS), store retries included. Mapped to 503
 * with Retry-After; for a write the outcome is unknown, and the reply says how to retry safely.
 */
export class DeadlineExceededError extends Error {
  constructor(readonly deadlineMs: number) {
    super(`request deadline of ${deadlineMs} ms exceeded`);
    this.name = "DeadlineExceededError";
  }
}
