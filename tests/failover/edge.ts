/**
 * A local stand-in for a region's edge, for the failover command's tests (not a test file itself):
 * a throwaway CA and a server certificate for the API's name only (never for 127.0.0.1, so a client
 * that verifies against the address it connects to fails, as it does against a real ALB), and a
 * load balancer on 127.0.0.1 that terminates TLS with that certificate (or plain HTTP) and hands
 * each new connection to the next of its real trading-api apps, round robin, as the ALB spreads new
 * connections over its targets: in-process apps (Fastify's inject) or processes listening on a
 * loopback port (forwarded over HTTP, as the ALB forwards to its targets). Every request's SNI,
 * Host and User-Agent are recorded.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { TLSSocket } from "node:tls";
import { promisify } from "node:util";
import type { FastifyInstance } from "fastify";

const run = promisify(execFile);

export interface Certificates {
  /** PEM of the CA that signed the server's certificate (what a test hands the probe). */
  ca: string;
  cert: string;
  key: string;
}

/** A CA and a certificate for `names` (DNS names only), P-256, one day, made with openssl. */
export async function throwawayCertificates(names: string[]): Promise<Certificates> {
  const dir = mkdtempSync(path.join(tmpdir(), "failover-tls-"));
  const file = (name: string) => path.join(dir, name);
  const openssl = (args: string[]) =>
    run("openssl", args).catch((error: unknown) => {
      throw new Error("openssl failed making the test edge's certificate (apt-get install openssl)", { cause: error });
    });
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
    await openssl(["req", "-x509", ...ec, "-keyout", file("ca.key"), "-out", file("ca.crt"), "-days", "1", "-subj", "/CN=failover-test-ca"]);
    await openssl(["req", ...ec, "-keyout", file("server.key"), "-out", file("server.csr"), "-subj", `/CN=${names[0]}`]);
    writeFileSync(file("server.ext"), `subjectAltName=${names.map((n) => `DNS:${n}`).join(",")}\n`);
    await openssl([
      "x509", "-req", "-in", file("server.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial",
      "-out", file("server.crt"), "-days", "1", "-extfile", file("server.ext"),
    ]);
    return { ca: readFileSync(file("ca.crt"), "utf8"), cert: readFileSync(file("server.crt"), "utf8"), key: readFileSync(file("server.key"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface SeenRequest {
  servername?: string;
  host?: string;
  userAgent?: string;
  url?: string;
  /** Index of the app that answered. */
  target: number;
}

export interface LocalLoadBalancer {
  /** `https://127.0.0.1:<port>` (or http://): what the region-info parameter calls the API endpoint. */
  endpoint: string;
  port: number;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** A target: an app in this process, or a process's HTTP listener on 127.0.0.1. */
export type EdgeTarget = FastifyInstance | { port: number };

/** Forwards one request to a target process and its answer back (status, headers and body). */
function forwardTo(port: number, req: IncomingMessage, res: ServerResponse) {
  const out = httpRequest({ host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers, agent: false }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  out.on("error", (error) => {
    if (res.headersSent) return void res.destroy();
    res.writeHead(502, { "content-type": "text/plain" });
    res.end(`target 127.0.0.1:${port}: ${error.message}`);
  });
  req.pipe(out);
}

/**
 * Serves `targets` behind one listener: each new connection goes to the next target (round robin);
 * `certificates` absent means plain HTTP (dev without a certificate).
 */
export async function localLoadBalancer(targets: EdgeTarget[], certificates?: Certificates): Promise<LocalLoadBalancer> {
  const seen: SeenRequest[] = [];
  let next = 0;
  const targetOf = new WeakMap<object, number>();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    let target = targetOf.get(req.socket);
    if (target === undefined) {
      target = next++ % targets.length;
      targetOf.set(req.socket, target);
    }
    const chosen = target;
    const destination = targets[chosen];
    if ("port" in destination && typeof destination.port === "number") {
      seen.push({ servername: (req.socket as TLSSocket).servername || undefined, host: req.headers.host, userAgent: req.headers["user-agent"], url: req.url, target: chosen });
      return forwardTo(destination.port, req, res);
    }
    const app = destination as FastifyInstance;
    seen.push({
      servername: (req.socket as TLSSocket).servername || undefined,
      host: req.headers.host,
      userAgent: req.headers["user-agent"],
      url: req.url,
      target: chosen,
    });
    void app
      .inject({ method: req.method as "GET", url: req.url ?? "/", headers: req.headers as Record<string, string> })
      .then((answer) => {
        res.writeHead(answer.statusCode, { "content-type": String(answer.headers["content-type"] ?? "application/json") });
        res.end(answer.body);
      }, (error: unknown) => {
        res.writeHead(502);
        res.end(String(error));
      });
  };
  const server: Server = certificates ? createHttpsServer({ cert: certificates.cert, key: certificates.key }, handle) : createHttpServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `${certificates ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
