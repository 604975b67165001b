/**
 * The service's Valkey (ElastiCache) client: node-redis with TLS, an async credentials provider (a
 * fresh ElastiCache IAM token for every connection, or a static password in tests), no offline
 * queue and a per-command timeout, so that while the cache is unreachable a command fails within
 * the timeout instead of waiting for a reconnect: the order path then fails closed at once.
 */
import { createClient } from "redis";

export interface ValkeyOptions {
  host: string;
  port: number;
  tls: boolean;
  username: string;
  /** The password for each new connection (the IAM token in AWS). */
  password: () => Promise<string>;
  /** Per-command timeout, ms. Default 250. */
  commandTimeoutMs?: number;
  /** Connect timeout, ms. Default 1000. */
  connectTimeoutMs?: number;
  /** Re-authenticate live connections this often (ElastiCache drops IAM connections after 12 h). Default 1 h. */
  reauthenticateEveryMs?: number;
  /** Logical database (tests isolate themselves with it; ElastiCache uses 0). Default 0. */
  database?: number;
}

function makeClient(options: ValkeyOptions) {
  return createClient({
    socket: {
      host: options.host,
      port: options.port,
      connectTimeout: options.connectTimeoutMs ?? 1000,
      // Reconnect with capped backoff for ever: the cache coming back must need no restart.
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000),
      ...(options.tls ? { tls: true as const, servername: options.host } : {}),
    },
    credentialsProvider: {
      type: "async-credentials-provider",
      credentials: async () => ({ username: options.username, password: await options.password() }),
    },
    ...(options.database ? { database: options.database } : {}),
    disableOfflineQueue: true,
    commandOptions: { timeout: options.commandTimeoutMs ?? 250 },
    pingInterval: 10_000,
  });
}

export type ValkeyClient = ReturnType<typeof makeClient>;

export interface Valkey {
  client: ValkeyClient;
  /** True while a connection is open and authenticated. */
  ready(): boolean;
  close(): Promise<void>;
}

/** Connects in the background: the service starts (and serves cancels) while the cache is down. */
export function connectValkey(options: ValkeyOptions, onError: (error: unknown) => void = () => undefined): Valkey {
  const client = makeClient(options);
  client.on("error", onError);
  client.connect().catch(onError);
  const reauth = setInterval(() => {
    if (!client.isReady) return;
    options
      .password()
      .then((password) => client.sendCommand(["AUTH", options.username, password]))
      .catch(onError);
  }, options.reauthenticateEveryMs ?? 3_600_000);
  reauth.unref();
  return {
    client,
    ready: () => client.isReady,
    async close() {
      clearInterval(reauth);
      if (client.isOpen) await client.close().catch(() => client.destroy());
      else client.destroy();
    },
  };
}
