/**
 * Responses the framework would otherwise write itself, in the documented error shape: unknown
 * routes (404), known paths with the wrong method (405 with Allow), URLs the router refuses
 * (malformed escapes 400, over-long segments 414), and requests Node's HTTP parser gives up on
 * before Fastify sees them (header/body timeouts 408, oversized headers 431, unparseable 400).
 * None repeats the request's URL or bytes.
 */
import { randomUUID } from "node:crypto";
import type { Socket } from "node:net";
import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import { sendError } from "./errorReplies";
import { logRequestCompleted } from "./requestLog";

/** The registered routes as path patterns, to tell "no such path" (404) from "not this method" (405). */
export class RouteTable {
  private readonly routes: { pattern: RegExp; methods: Set<string> }[] = [];

  add(route: RouteOptions): void {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const source = `^${route.url.split("/").map((part) => (part.startsWith(":") ? "[^/]+" : escapeRegExp(part))).join("/")}$`;
    let entry = this.routes.find((r) => r.pattern.source === source);
    if (!entry) {
      entry = { pattern: new RegExp(source), methods: new Set() };
      this.routes.push(entry);
    }
    for (const method of methods) entry.methods.add(method.toUpperCase());
  }

  /** Methods the path accepts; empty when no route has this path. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routes) if (route.pattern.test(path)) for (const m of route.methods) methods.add(m);
    return [...methods].sort();
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function replyNotFound(routes: RouteTable, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split("?")[0];
  const allowed = routes.allowed(path);
  if (allowed.length > 0) {
    reply.header("allow", allowed.join(", "));
    return sendError(request, reply, 405, "method_not_allowed", `This path does not accept ${request.method}; see the Allow header.`);
  }
  return sendError(request, reply, 404, "not_found", "No such route.");
}

/** Fastify's `frameworkErrors` hook: router errors raised before any route (and its hooks) runs. */
export function replyFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const [status, code, message] =
    error.code === "FST_ERR_MAX_PARAM_LENGTH"
      ? [414, "uri_too_long", "A segment of the URL path is too long."]
      : error.code === "FST_ERR_BAD_URL"
        ? [400, "invalid_request", "The URL is not valid: it has a malformed percent-encoded sequence."]
        : [400, "invalid_request", "The request is malformed."];
  // These replies run none of the route hooks: the request id header and the log line are added here.
  reply.header("x-request-id", request.id);
  sendError(request, reply, status, code, message);
  logRequestCompleted(request, reply);
}

const STATUS_TEXT: Record<number, string> = { 400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large" };

/**
 * Fastify's `clientErrorHandler`: the request never became a Fastify request (Node's parser failed,
 * or the headers or body did not arrive in time), so the answer is written to the socket directly,
 * as Node and Fastify do, then the connection is closed. Only when nothing of a response has been
 * written on this connection yet: otherwise writing would corrupt it, and closing is all HTTP allows.
 */
export function replyClientError(log: FastifyBaseLogger, error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const status = error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : error.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
  const requestId = randomUUID();
  const [code, message] =
    status === 408
      ? ["request_timeout", "The request did not arrive in time; the connection is closed."]
      : status === 431
        ? ["headers_too_large", "The request headers are too large."]
        : ["invalid_request", "The request is not valid HTTP."];
  // Node's own check before it writes an error response (lib/_http_server.js socketOnError).
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  const canAnswer = socket.writable && !inFlight?.headersSent;
  if (canAnswer) {
    const body = JSON.stringify({ error: code, message, requestId });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  log.info({ requestId, statusCode: canAnswer ? status : undefined, reason: error.code, answered: canAnswer }, "request rejected before routing");
  socket.destroy();
}
