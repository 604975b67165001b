/**
 * Loopback ports for the local servers (npm run local and the test harnesses): a free one, and
 * whether something is listening on one.
 */
import { once } from "node:events";
import { createConnection, createServer } from "node:net";

/** A port nothing listens on now on 127.0.0.1 (another process may still take it before the caller binds). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  server.close();
  await once(server, "close");
  return port;
}

/** True when a TCP connection to 127.0.0.1:`port` is accepted. */
export function portOpen(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
