/**
 * One error shape for every response the service sends: `{ error, message, requestId, ... }`, the
 * request id also in `x-request-id`. This module decides status, code and message from an error
 * (the routes' own, the store's, the framework's); messages never repeat what the client sent.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { isStoreUnavailable, isThrottling } from "../../table/dynamoErrors";
import { ContentionError, DeadlineExceededError, HttpError } from "./errors";

/** Which write a route performs, for the "outcome unknown" advice when the store did not confirm it. */
export type WriteKind = "order" | "fill" | "cancel";

declare module "fastify" {
  interface FastifyContextConfig {
    write?: WriteKind;
  }
}

const RETRY_ADVICE: Record<WriteKind, string> = {
  order: "The order may or may not have been placed: retry with the same clientOrderId, which never places a second order.",
  fill: "The fill may or may not have been applied: retry with the same fillId, which never applies it twice.",
  cancel:
    "The cancel may or may not have been applied: retry it; if it was, the retry answers 409 order_not_open with the cancelled order.",
};

export interface ErrorReplyOptions {
  bodyLimitBytes: number;
  retryAfterSeconds: number;
  requestDeadlineMs: number;
}

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  return reply.code(status).send({ error: code, message, requestId: request.id, ...extra });
}

/** Fastify's 4xx codes for malformed requests, with messages of our own (theirs can quote the input). */
const FRAMEWORK_4XX: Record<string, (options: ErrorReplyOptions) => [number, string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: (o) => [413, "payload_too_large", `The request body exceeds ${o.bodyLimitBytes} bytes.`],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => [415, "unsupported_media_type", "Send the request body as application/json."],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => [400, "invalid_request", "The Content-Length header does not match the body."],
  FST_ERR_CTP_EMPTY_JSON_BODY: () => [400, "invalid_request", "The request body is empty; send a JSON object."],
  FST_ERR_CTP_INVALID_TYPE: () => [400, "invalid_request", "The Content-Type header is not valid."],
  FST_ERR_BAD_URL: () => [400, "invalid_request", "The URL is not valid: it has a malformed percent-encoded sequence."],
  FST_ERR_MAX_PARAM_LENGTH: () => [414, "uri_too_long", "A segment of the URL path is too long."],
};

export function replyWithError(
  options: ErrorReplyOptions,
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error instanceof HttpError) return sendError(request, reply, error.statusCode, error.code, error.message, error.extra);

  const code = "code" in error && typeof error.code === "string" ? error.code : undefined;
  if (request.raw.aborted || request.raw.socket?.destroyed) {
    // The client's connection is gone (it went away, or its request timed out and got a 408):
    // whatever failed, there is nobody to answer, and a socket error here says nothing about the store.
    request.log.info({ reason: code ?? error.message }, "request abandoned: the client connection closed");
    return reply;
  }
  const write = request.routeOptions.config?.write;
  const unknownOutcome = write ? { outcome: "unknown" } : {};
  const advice = write ? ` ${RETRY_ADVICE[write]}` : "";
  const retryLater = () => reply.header("retry-after", String(options.retryAfterSeconds));

  if (isThrottling(error) || error instanceof ContentionError) {
    // Throttling and lost optimistic-concurrency races: nothing was written, a retry is safe.
    request.log.warn({ err: error }, "store busy; asking the client to retry");
    retryLater();
    return sendError(request, reply, 503, "busy", "The order store is busy; retry after the Retry-After interval.");
  }
  if (error instanceof DeadlineExceededError) {
    request.log.warn({ deadlineMs: options.requestDeadlineMs }, "request deadline exceeded");
    retryLater();
    return sendError(
      request,
      reply,
      503,
      "deadline_exceeded",
      `The request did not complete within ${options.requestDeadlineMs} ms; retry after the Retry-After interval.${advice}`,
      unknownOutcome,
    );
  }
  if (isStoreUnavailable(error)) {
    request.log.warn({ err: error }, "store unavailable");
    retryLater();
    return sendError(
      request,
      reply,
      503,
      "store_unavailable",
      `The order store is unavailable; retry after the Retry-After interval.${advice}`,
      unknownOutcome,
    );
  }
  const framework = code ? FRAMEWORK_4XX[code] : undefined;
  if (framework) {
    const [status, errorCode, message] = framework(options);
    return sendError(request, reply, status, errorCode, message);
  }
  const status = "statusCode" in error && typeof error.statusCode === "number" ? error.statusCode : 500;
  if (status >= 400 && status < 500 && code?.startsWith("FST_")) {
    // Another malformed-request error of the framework's: keep its status, not its message.
    return sendError(request, reply, status, "invalid_request", "The request is malformed.");
  }
  request.log.error({ err: error }, "unhandled error");
  return sendError(request, reply, 500, "internal_error", "Internal error; quote the requestId when reporting it.");
}
