/**
 * Fixed-rate (open-loop) load for the latency figure: requests are due at evenly spaced times,
 * whether or not earlier ones have been answered, so a slow answer cannot slow the load down and
 * hide itself (autocannon's rate option does not do that: it sends each second's quota back to
 * back, then waits for the next second, so its latencies are those of bursts at full speed).
 *
 * Requests go out over a pool of keep-alive connections on raw sockets (one request in flight per
 * connection; a due request waits for a free connection, and that wait counts in its latency). The
 * event loop wakes about once a millisecond and sends every request due by then, so the latency is
 * measured from the moment a request is written (sub-millisecond, unlike autocannon's whole-ms
 * histogram) and, separately, from the moment it was due, which adds the generator's own lag.
 */
import { connect, type Socket } from "node:net";

export interface OpenLoopOptions {
  port: number;
  /** Requests per second. */
  rate: number;
  seconds: number;
  connections: number;
  /** The i-th request's bytes (a complete HTTP/1.1 request with keep-alive). */
  request: (i: number) => string;
  expectedStatus: number;
}

export interface OpenLoopResult {
  sent: number;
  answered: number;
  unexpected: number;
  /** Milliseconds from writing a request to its complete answer. */
  p50: number;
  p99: number;
  max: number;
  /** Milliseconds from the moment a request was due to its answer (the generator's lag included). */
  p99FromDue: number;
}

interface Connection {
  socket: Socket;
  buffer: Buffer;
  inFlight?: { due: number; sent: number };
}

const HEADER_END = Buffer.from("\r\n\r\n");
const LAST_CHUNK = Buffer.from("\r\n0\r\n\r\n");

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** One complete answer at the start of `buffer`: its status and length, or undefined if incomplete. */
function parseAnswer(buffer: Buffer): { status: number; length: number } | undefined {
  const end = buffer.indexOf(HEADER_END);
  if (end < 0) return undefined;
  const head = buffer.subarray(0, end).toString("latin1");
  const status = Number(head.slice(9, 12));
  const bodyStart = end + HEADER_END.length;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) {
    const total = bodyStart + Number(length[1]);
    return buffer.length >= total ? { status, length: total } : undefined;
  }
  if (!/\r\ntransfer-encoding:\s*chunked/i.test(head)) throw new Error(`answer with neither content-length nor chunked encoding: ${head.split("\r\n")[0]}`);
  // JSON bodies hold no raw CR/LF, so the last chunk's marker cannot occur inside one.
  if (buffer.subarray(bodyStart, bodyStart + LAST_CHUNK.length - 2).equals(LAST_CHUNK.subarray(2))) return { status, length: bodyStart + LAST_CHUNK.length - 2 };
  const last = buffer.indexOf(LAST_CHUNK, bodyStart);
  return last < 0 ? undefined : { status, length: last + LAST_CHUNK.length };
}

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const fromSend: number[] = [];
  const fromDue: number[] = [];
  let unexpected = 0;
  const idle: Connection[] = [];
  const waiting: number[] = [];
  const now = () => performance.now();

  const pool = await Promise.all(
    Array.from({ length: options.connections }, () => new Promise<Connection>((ready, fail) => {
      const socket = connect({ port: options.port, host: "127.0.0.1", noDelay: true }, () => ready(connection));
      const connection: Connection = { socket, buffer: Buffer.alloc(0) };
      socket.once("error", fail);
    })),
  );
  let sequence = 0;
  const send = (connection: Connection, due: number) => {
    connection.inFlight = { due, sent: now() };
    connection.socket.write(options.request(sequence++));
  };
  let socketErrors = 0;
  for (const connection of pool) {
    // A reset connection leaves its request unanswered (counted as unexpected below), not the bench crashed.
    connection.socket.on("error", () => (socketErrors += 1));
    connection.socket.on("data", (chunk: Buffer) => {
      connection.buffer = connection.buffer.length ? Buffer.concat([connection.buffer, chunk]) : chunk;
      const answer = parseAnswer(connection.buffer);
      if (!answer || !connection.inFlight) return;
      const at = now();
      fromSend.push(at - connection.inFlight.sent);
      fromDue.push(at - connection.inFlight.due);
      if (answer.status !== options.expectedStatus) unexpected += 1;
      connection.buffer = connection.buffer.subarray(answer.length);
      connection.inFlight = undefined;
      const next = waiting.shift();
      if (next !== undefined) send(connection, next);
      else idle.push(connection);
    });
    idle.push(connection);
  }

  const interval = 1000 / options.rate;
  const total = Math.round(options.rate * options.seconds);
  const start = now();
  let scheduled = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const elapsed = now() - start;
      while (scheduled < total && scheduled * interval <= elapsed) {
        const due = start + scheduled * interval;
        scheduled += 1;
        const connection = idle.pop();
        if (connection) send(connection, due);
        else waiting.push(due);
      }
      if (scheduled < total) setTimeout(tick, 1);
      else done();
    };
    tick();
  });
  // Let the last answers arrive (bounded: a lost answer must not hang the bench).
  const drainUntil = now() + 5000;
  while ((waiting.length > 0 || idle.length < pool.length) && now() < drainUntil) await new Promise((r) => setTimeout(r, 5));
  for (const connection of pool) connection.socket.destroy();

  fromSend.sort((a, b) => a - b);
  fromDue.sort((a, b) => a - b);
  return {
    sent: sequence,
    answered: fromSend.length,
    unexpected: unexpected + socketErrors + (total - fromSend.length),
    p50: percentile(fromSend, 0.5),
    p99: percentile(fromSend, 0.99),
    max: fromSend[fromSend.length - 1] ?? Number.NaN,
    p99FromDue: percentile(fromDue, 0.99),
  };
}
