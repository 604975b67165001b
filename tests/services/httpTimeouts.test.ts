/**
 * Slow and silent clients: a connection that does not deliver its headers or its body in time gets
 * 408 in the documented error shape and is closed (Node's headers timeout also runs from connect, so
 * a connection that never sends a byte gets 408 too); a keep-alive connection idle after a response
 * is closed without one. Raw sockets, so nothing buffers for us.
 */
import { expect } from "chai";
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { Writable } from "node:stream";
import { startServer, type RunningServer } from "../../services/trading-api/src/server";
import { CURSOR_SECRET, localClients } from "./fixtures";
import { sharedDynamoLocal } from "../support/dynamoLocal";

interface Outcome {
  /** Everything the server sent before closing. */
  received: string;
  /** Milliseconds from the last byte we sent until the server closed the connection. */
  closedAfterMs: number;
}

/** Sends `chunks` (then nothing more) and waits for the server to close the connection. */
async function stallWith(port: number, chunks: string[], giveUpMs = 5000): Promise<Outcome> {
  const socket: Socket = connect({ host: "127.0.0.1", port });
  await once(socket, "connect");
  let received = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => (received += chunk));
  socket.on("error", () => undefined);
  for (const chunk of chunks) socket.write(chunk);
  const sentAt = Date.now();
  const closed = once(socket, "close").then(() => Date.now() - sentAt);
  const timer = setTimeout(() => socket.destroy(), giveUpMs);
  const closedAfterMs = await closed;
  clearTimeout(timer);
  return { received, closedAfterMs };
}

function parseResponse(raw: string): { status: number; headers: Record<string, string>; body: Record<string, unknown> } {
  const [head, body] = raw.split("\r\n\r\n");
  const [statusLine, ...headerLines] = head.split("\r\n");
  const headers = Object.fromEntries(headerLines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
  return { status: Number(statusLine.split(" ")[1]), headers, body: JSON.parse(body) as Record<string, unknown> };
}

describe("trading-api against slow and silent clients", function () {
  this.timeout(20_000);
  let server: RunningServer;
  const logLines: Record<string, unknown>[] = [];

  before(async function () {
    this.timeout(90_000);
    const ddb = await sharedDynamoLocal();
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split("\n").filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    server = await startServer(
      {
        port: 0,
        host: "127.0.0.1",
        tableName: "unused",
        cursorSecrets: [CURSOR_SECRET],
        idempotencyTtlSeconds: 3600,
        bodyLimitBytes: 16_384,
        retryAfterSeconds: 1,
        requestDeadlineMs: 1000,
        httpHeadersTimeoutMs: 300,
        httpBodyTimeoutMs: 600,
        httpIdleTimeoutMs: 1500,
        shutdownDrainMs: 0,
        shutdownGraceMs: 1000,
        logLevel: "info",
      },
      localClients(ddb.doc),
      { logger: { level: "info", stream } },
    );
  });

  after(async () => {
    await server.shutdown("test");
  });

  it("answers 408 and closes when the headers do not arrive in time", async () => {
    const outcome = await stallWith(server.port, ["POST /v1/orders HTTP/1.1\r\nHost: x\r\nContent-Type: applica"]);
    expect(outcome.received, "a 408 response").to.match(/^HTTP\/1\.1 408 /);
    const res = parseResponse(outcome.received);
    expect(res.body).to.include({ error: "request_timeout" });
    expect(res.body.requestId).to.be.a("string").and.equal(res.headers["x-request-id"]);
    expect(outcome.closedAfterMs).to.be.below(1200);
    const logged = logLines.find((l) => l.requestId === res.body.requestId);
    expect(logged, "the rejection is logged with its request id").to.deep.include({ statusCode: 408, reason: "ERR_HTTP_REQUEST_TIMEOUT" });
  });

  it("answers 408 and closes when the body does not arrive in time (11 of 200 bytes)", async () => {
    const outcome = await stallWith(server.port, [
      "POST /v1/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n",
      '{"account":',
    ]);
    expect(outcome.received, "a 408 response").to.match(/^HTTP\/1\.1 408 /);
    expect(parseResponse(outcome.received).body).to.include({ error: "request_timeout" });
    expect(outcome.closedAfterMs).to.be.below(1500);
  });

  it("closes a keep-alive connection that stays idle, without sending anything", async () => {
    const outcome = await stallWith(server.port, ["GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"]);
    expect(outcome.received).to.match(/^HTTP\/1\.1 200 /);
    expect(outcome.received.match(/HTTP\/1\.1/g)).to.have.length(1);
    expect(outcome.closedAfterMs).to.be.within(1000, 3000);
  });

  it("answers 408 and closes a new connection that never sends a byte (the headers timeout runs from connect)", async () => {
    const outcome = await stallWith(server.port, []);
    expect(outcome.received).to.match(/^HTTP\/1\.1 408 /);
    expect(outcome.closedAfterMs).to.be.below(1200);
  });

  it("logs nothing but the one rejection line for each timed-out request", () => {
    const rejections = logLines.filter((l) => l.msg === "request rejected before routing");
    expect(rejections.map((l) => l.statusCode)).to.deep.equal([408, 408, 408]);
    expect(logLines.filter((l) => l.level !== 30), JSON.stringify(logLines)).to.deep.equal([]);
  });
});
