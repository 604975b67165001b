/**
 * A small HTTP client for tests that talk to a listening service over real sockets (drain,
 * timeouts, fault injection), where Fastify's inject() would skip the connection handling under test.
 */
import { request, type Agent } from "node:http";

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Milliseconds from sending to the end of the response. */
  tookMs: number;
}

export interface HttpRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** A keep-alive agent to reuse connections; by default each request has a connection of its own. */
  agent?: Agent;
  /** Give up (and reject) after this long. */
  timeoutMs?: number;
}

export function send(port: number, req: HttpRequest): Promise<HttpResponse> {
  const started = Date.now();
  return new Promise((done, fail) => {
    const headers = { ...(req.body !== undefined ? { "content-type": "application/json" } : {}), ...req.headers };
    const outgoing = request(
      { host: "127.0.0.1", port, path: req.path, method: req.method ?? "GET", headers, agent: req.agent ?? false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => done({ status: res.statusCode ?? 0, headers: res.headers, body, tookMs: Date.now() - started }));
        res.on("error", fail);
      },
    );
    if (req.timeoutMs) outgoing.setTimeout(req.timeoutMs, () => outgoing.destroy(new Error(`no answer within ${req.timeoutMs} ms`)));
    outgoing.on("error", fail);
    outgoing.end(req.body);
  });
}

export function get(port: number, path: string, agent?: Agent): Promise<HttpResponse> {
  return send(port, { path, ...(agent ? { agent } : {}) });
}
