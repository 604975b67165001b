/**
 * The service's one log line per request ("request completed"), written by a Fastify LogController
 * (the hook Fastify 5.12 provides for its own per-request lines, and the replacement of the
 * deprecated disableRequestLogging / requestIdLogLabel options) once the response has gone out and
 * the onResponse hooks have run.
 *
 * What a request's handling decides along the way (the auth hooks: client, account, outcome) is
 * gathered on the request with {@link addRequestLogFields} and written on that line, rather than
 * bound to the request's child logger: rebinding re-serialises the child's bindings each time, on
 * every request, for a line that is written once.
 */
import { LogController, type FastifyReply, type FastifyRequest } from "fastify";

declare module "fastify" {
  interface FastifyRequest {
    /** Fields for this request's "request completed" line; null until something adds one. */
    logFields: Record<string, unknown> | null;
  }
}

export const REQUEST_ID_LOG_LABEL = "requestId";

/** Adds `fields` to the request's "request completed" line (later fields of one name win). */
export function addRequestLogFields(request: FastifyRequest, fields: Record<string, unknown>): void {
  if (request.logFields) Object.assign(request.logFields, fields);
  else request.logFields = { ...fields };
}

/** Writes the request's line. `route` is "(none)" when no route matched (404, framework errors). */
export function logRequestCompleted(request: FastifyRequest, reply: FastifyReply, error?: Error | null): void {
  const line = {
    ...request.logFields,
    method: request.method,
    route: request.routeOptions.url ?? "(none)",
    statusCode: reply.statusCode,
    durationMs: Math.round(reply.elapsedTime * 100) / 100,
  };
  if (error) request.log.error({ ...line, err: error }, "request completed");
  else request.log.info(line, "request completed");
}

export class RequestLogController extends LogController {
  constructor() {
    // Fastify's own request lines off; requestCompleted below writes the service's instead.
    super({ disableRequestLogging: true, requestIdLogLabel: REQUEST_ID_LOG_LABEL });
  }

  override incomingRequest(): void {
    // One line per request, at its end.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    logRequestCompleted(request, reply, error);
  }
}
