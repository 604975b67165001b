import type { FastifyReply, FastifyRequest } from "fastify";
import { DeadlineExceededError } from "./errors";
import type { RequestScope } from "./store";
import { settleWithin } from "./timeLimit";

/**
 * Wraps a route handler in the request's deadline. The store calls carry the deadline's abort
 * signal (the SDK stops its attempts and retries; the store stops its own loops), and the answer
 * goes out at the deadline even when a call ignores the signal (DaxDocument does): whichever comes
 * first, the handler's result or the deadline, decides. Time spent receiving and parsing the
 * request counts. (Fastify's own handlerTimeout is not used: its request.signal is also aborted
 * when Node emits 'close' on a request whose body has been read, i.e. on every POST.)
 */
export function withDeadline<R>(
  deadlineMs: number,
  handler: (request: FastifyRequest, reply: FastifyReply, scope: RequestScope) => Promise<R>,
) {
  return (request: FastifyRequest, reply: FastifyReply): Promise<R> => {
    const remainingMs = Math.max(0, deadlineMs - reply.elapsedTime);
    const controller = new AbortController();
    return settleWithin(handler(request, reply, { signal: controller.signal }), remainingMs, () => {
      controller.abort();
      return new DeadlineExceededError(deadlineMs);
    });
  };
}
