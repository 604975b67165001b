/**
 * The service's Valkey (ElastiCache) client: node-redis with TLS, an async credentials provider (a
 * fresh ElastiCache IAM token for every connection, or a static password in tests), no offline
 * queue and a per-command timeout, so that while the cache is unreachable a command fails within
 * the timeout instead of waiting for a reconnect: the order path then fails closed at once.
 *
 * node-redis's own command `timeout` only bounds the wait to be *written* (it removes the timer when
 * the command goes onto the socket: `commandsToWrite` in @redis/client's commands-queue.js), so a
 * server that accepts the command and never answers (hung, or the network path black-holed while the
 * connection looks open) would hold the caller indefinitely. Every call the service makes therefore
 * goes through {@link bounded}, which rejects at the command timeout whatever the command's state; a
 * reply arriving later is dropped. tests/services/rateLimiter.test.ts pauses redis-server
 * (CLIENT PAUSE) to show it. node-redis's timeout is not set as well: it adds nothing bounded()
 * does not (with the offline queue off, a command waits to be written only behind a full socket
 * buffer, and bounded() answers the caller then too), and it costs every command an
 * AbortSignal.timeout, whose timer fires for every command and creates a DOMException when it does,
 * a few microseconds per order on the hot path (the root README's benchmark).
 */
import { createClient } from "redis";
import { settleWithin } from "../timeLimit";

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
    pingInterval: 10_000,
  });
}

export type ValkeyClient = ReturnType<typeof makeClient>;

const DEFAULT_COMMAND_TIMEOUT_MS = 250;

/** Live connections send AUTH with a fresh token this often: well inside ElastiCache's 12-hour limit for IAM connections. */
export const REAUTHENTICATE_EVERY_MS = 3_600_000;
const commandTimeouts = new WeakMap<object, number>();

/** A Valkey command that has had no answer within the command timeout (it may still run on the server). */
export class CacheCommandTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer from the cache within ${ms} ms`);
    this.name = "CacheCommandTimeoutError";
  }
}

/**
 * `call` (a command on `client`), or a rejection with {@link CacheCommandTimeoutError} once the
 * client's command timeout has passed without an answer, whichever comes first.
 */
export function bounded<T>(client: ValkeyClient, call: Promise<T>): Promise<T> {
  const ms = commandTimeouts.get(client) ?? DEFAULT_COMMAND_TIMEOUT_MS;
  return settleWithin(call, ms, () => new CacheCommandTimeoutError(ms));
}

export interface Valkey {
  client: ValkeyClient;
  /** True while a connection is open and authenticated. */
  ready(): boolean;
  close(): Promise<void>;
}

/** Connects in the background: the service starts (and serves cancels) while the cache is down. */
export function connectValkey(options: ValkeyOptions, onError: (error: unknown) => void = () => undefined): Valkey {
  const client = makeClient(options);
  commandTimeouts.set(client, options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS);
  client.on("error", onError);
  client.connect().catch(onError);
  const reauth = setInterval(() => {
    if (!client.isReady) return;
    options
      .password()
      .then((password) => bounded(client, client.sendCommand(["AUTH", options.username, password])))
      .catch(onError);
  }, options.reauthenticateEveryMs ?? REAUTHENTICATE_EVERY_MS);
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
