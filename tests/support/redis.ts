/**
 * The Redis-protocol harness for the tests and the benchmark. The server itself (redis-server with
 * ElastiCache's ACL shape, loopback, no persistence) is started by offline/local/servers/redis.ts,
 * the one implementation, shared with `npm run local`; this file adds the run-wide server.
 *
 * {@link sharedRedis} serves the whole mocha run; tests that stop the server mid-test start their own
 * with `startRedis`, which is cheap (a few milliseconds).
 */
import { startRedis, type RedisServer } from "../../offline/local/servers/redis";

export { ADMIN_USER, APP_USER, startRedis, type RedisAdmin, type RedisServer } from "../../offline/local/servers/redis";

let shared: Promise<RedisServer> | undefined;

/** The run-wide server, started on first use. */
export function sharedRedis(): Promise<RedisServer> {
  shared ??= startRedis();
  return shared;
}

if (typeof after === "function") {
  after(async function () {
    this.timeout(10_000);
    const instance = shared;
    shared = undefined;
    if (instance) await (await instance).stop();
  });
}
