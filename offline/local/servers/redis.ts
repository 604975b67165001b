/**
 * A Redis-protocol server: `redis-server` from Debian's packages (Redis 7.0; Valkey is not packaged
 * for Debian 12), on a free loopback port, no persistence (nothing is written to disk). The one
 * implementation behind `npm run local`, the benchmark and the tests' harness
 * (tests/support/redis.ts, which adds the run-wide shared server).
 *
 * It is configured the way the ElastiCache replication group is: the `default` user is off, and the
 * application user may run everything but @dangerous commands (plus INFO), so a command the
 * production ACL refuses fails here too. The application authenticates with `AUTH <user> <password>`
 * through the same credentials-provider path that sends the IAM token in AWS. An `admin` user lets
 * tests inspect and reset state.
 *
 * Differences from ElastiCache for Valkey 8 that matter here: no IAM authentication (a password
 * stands in for the token), no TLS, one node (no replica, no failover). The Lua scripts and commands
 * the service uses behave the same on Redis 7 and Valkey 7.2+ (Valkey forked from Redis 7.2).
 *
 * Starting one is cheap (a few milliseconds), so tests that stop the server mid-test start their own.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "redis";
// The production ACL, from the one module that holds it without loading Pulumi (seconds at start-up).
import { DEFAULT_CACHE_ACCESS_STRING } from "../../../components/data/cacheAccess";
import { freeLoopbackPort } from "./ports";

export const APP_USER = "trading-app";
export const ADMIN_USER = "admin";
const PASSWORD = "local-test-password";

function adminClient(port: number) {
  const client = createClient({ socket: { host: "127.0.0.1", port }, username: ADMIN_USER, password: PASSWORD });
  client.on("error", () => undefined);
  return client;
}
export type RedisAdmin = ReturnType<typeof adminClient>;

export interface RedisServer {
  host: string;
  port: number;
  username: string;
  password: string;
  /** The server's process id while it runs. */
  pid(): number | undefined;
  /** A connected client as the admin user (FLUSHALL, KEYS, ...); the caller closes it. */
  admin(): Promise<RedisAdmin>;
  /** Kills the server (an outage); {@link resume} starts it again, empty, on the same port. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freeLoopbackPort();
  let child: ChildProcess | undefined;
  const launch = async () => {
    const args = [
      "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
      "--daemonize", "no", "--loglevel", "warning",
      // redis-server takes each ACL rule of a --user directive as its own argument.
      "--user", "default", "off",
      "--user", APP_USER, ...DEFAULT_CACHE_ACCESS_STRING.split(" "), `>${PASSWORD}`,
      "--user", ADMIN_USER, "on", "~*", "+@all", `>${PASSWORD}`,
    ];
    const started = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    started.stdout?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    started.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    const failed = once(started, "error").then(([error]) => {
      throw new Error(`redis-server could not start (apt-get install redis-server; .ci/run does): ${String(error)}`);
    });
    child = started;
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (started.exitCode !== null) throw new Error(`redis-server exited during start-up:\n${output}`);
      const client = createClient({ socket: { host: "127.0.0.1", port, reconnectStrategy: false }, username: ADMIN_USER, password: PASSWORD });
      client.on("error", () => undefined);
      try {
        await Promise.race([client.connect(), failed]);
        await client.ping();
        await client.close();
        return;
      } catch (error) {
        client.destroy();
        if (Date.now() > deadline) throw new Error(`redis-server not ready:\n${output}`, { cause: error });
        await sleep(20);
      }
    }
  };
  const kill = async () => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null) return;
    const exited = once(current, "exit");
    current.kill("SIGKILL");
    await exited;
  };
  // A server that never answered must not outlive the failed start.
  await launch().catch(async (error: unknown) => {
    await kill();
    throw error;
  });
  return {
    host: "127.0.0.1",
    port,
    username: APP_USER,
    password: PASSWORD,
    pid: () => child?.pid,
    async admin() {
      const client = adminClient(port);
      await client.connect();
      return client;
    },
    pause: kill,
    async resume() {
      if (!child) await launch();
    },
    stop: kill,
  };
}
