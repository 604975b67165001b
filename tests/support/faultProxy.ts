/**
 * A loopback TCP proxy that puts a fault between a client and a server, for fault-injection tests:
 * in front of DynamoDB Local it makes the store stall, refuse, reset or answer slowly on command,
 * for the connections already open and for new ones, without touching the store process itself.
 *
 * - `pass`: bytes flow both ways (after `delayMs`, if set, on the way back).
 * - `stall`: connections stay open and accepted, but no byte moves in either direction (a frozen
 *   store or a black-holed network path); what was held is delivered when the mode changes back.
 * - `reset`: every open connection is reset and new ones are accepted and reset at once (ECONNRESET).
 * - `refuse`: the listener closes, so new connections are refused (ECONNREFUSED) and open ones are
 *   reset; leaving the mode listens again on the same port.
 */
import { once } from "node:events";
import { createConnection, createServer, type Server, type Socket } from "node:net";

export type FaultMode = "pass" | "stall" | "reset" | "refuse";

interface Link {
  client: Socket;
  upstream: Socket;
  /** Bytes held while stalled, per direction. */
  held: { toUpstream: Buffer[]; toClient: Buffer[] };
}

export class FaultProxy {
  private mode: FaultMode = "pass";
  private readonly links = new Set<Link>();
  private server: Server;
  /** Extra latency on every chunk the server sends back, in `pass` mode. */
  delayMs = 0;

  private constructor(
    private readonly target: { host: string; port: number },
    readonly port: number,
    server: Server,
  ) {
    this.server = server;
    this.server.on("connection", (socket) => this.accept(socket));
  }

  static async start(target: { host: string; port: number }): Promise<FaultProxy> {
    const server = createServer();
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    return new FaultProxy(target, port, server);
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get currentMode(): FaultMode {
    return this.mode;
  }

  async setMode(mode: FaultMode): Promise<void> {
    const previous = this.mode;
    if (mode === previous) return;
    this.mode = mode;
    if (mode === "reset" || mode === "refuse") {
      for (const link of this.links) this.drop(link);
    }
    if (mode === "refuse") {
      const closed = once(this.server, "close");
      this.server.close();
      await closed;
    }
    if (previous === "refuse") {
      this.server = createServer();
      this.server.on("connection", (socket) => this.accept(socket));
      this.server.listen(this.port, "127.0.0.1");
      await once(this.server, "listening");
    }
    if (mode === "pass") {
      for (const link of this.links) this.flush(link);
    }
  }

  async close(): Promise<void> {
    for (const link of this.links) this.drop(link);
    if (this.mode === "refuse") return;
    const closed = once(this.server, "close");
    this.server.close();
    await closed;
  }

  private accept(client: Socket): void {
    if (this.mode === "reset") {
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection(this.target);
    const link: Link = { client, upstream, held: { toUpstream: [], toClient: [] } };
    this.links.add(link);
    client.on("data", (chunk: Buffer) => this.forward(link, "toUpstream", chunk));
    upstream.on("data", (chunk: Buffer) => this.forward(link, "toClient", chunk));
    const end = () => this.drop(link);
    for (const socket of [client, upstream]) {
      socket.on("error", end);
      socket.on("close", end);
    }
  }

  private forward(link: Link, direction: "toUpstream" | "toClient", chunk: Buffer): void {
    if (this.mode !== "pass") {
      link.held[direction].push(chunk);
      return;
    }
    const to = direction === "toUpstream" ? link.upstream : link.client;
    if (direction === "toClient" && this.delayMs > 0) {
      setTimeout(() => to.destroyed || to.write(chunk), this.delayMs);
    } else if (!to.destroyed) {
      to.write(chunk);
    }
  }

  private flush(link: Link): void {
    for (const direction of ["toUpstream", "toClient"] as const) {
      const chunks = link.held[direction].splice(0);
      for (const chunk of chunks) this.forward(link, direction, chunk);
    }
  }

  private drop(link: Link): void {
    if (!this.links.delete(link)) return;
    // A reset, not a FIN: the peer sees the connection fail the way a crashed or unplugged store does.
    if (!link.client.destroyed) link.client.resetAndDestroy();
    if (!link.upstream.destroyed) link.upstream.resetAndDestroy();
  }
}
