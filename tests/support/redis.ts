/**
 * The Redis-protocol harness for the tests and the benchmark. The server itself (redis-server with
 * ElastiCache's ACL shape, loopback, no persistence) is started by offline/local/servers/redis.ts,
 * the one implementation, shared with `npm run local`; this file adds the run-wide server.
 *
 * {@link sharedRedis} serves each test process (the serial run, or each parallel worker) and is
 * stopped after the process's last file (./processEnd.ts); tests that stop the server mid-test
 * start their own with `startRedis`, which is cheap (a few milliseconds).
 */
import { startRedis, type RedisServer } from "../../offline/local/servers/redis";
import { stopAtProcessEnd } from "./processEnd";

export { ADMIN_USER, APP_USER, startRedis, type RedisAdmin, type RedisServer } from "../../offline/local/servers/redis";

let shared: Promise<RedisServer> | undefined;

/** The process-wide server, started on first use. */
export function sharedRedis(): Promise<RedisServer> {
  shared ??= startRedis();
  return shared;
}

stopAtProcessEnd("redis-server", 10_000, async () => {
  const instance = shared;
  shared = undefined;
  if (instance) await (await instance).stop();
});
