import { expect } from "chai";
import { CACHE_KEYS, entryKey } from "../../services/trading-api/src/risk/cacheKeys";
import { ReferenceCache } from "../../services/trading-api/src/risk/referenceCache";
import { connectValkey, type Valkey } from "../../services/trading-api/src/risk/valkey";
import { sharedRedis, type RedisServer } from "../support/redis";

/** A logical database of its own, so no other suite's keys are seen. */
const DATABASE = 11;

describe("reference cache (redis-server): entries read while the copy is being reloaded", () => {
  let redis: RedisServer;
  let valkey: Valkey;
  let admin: Awaited<ReturnType<RedisServer["admin"]>>;

  before(async function () {
    this.timeout(30_000);
    redis = await sharedRedis();
    admin = await redis.admin();
    await admin.select(DATABASE);
    await admin.flushDb();
    valkey = connectValkey({ host: redis.host, port: redis.port, username: redis.username, password: async () => redis.password, tls: false, database: DATABASE });
    for (let i = 0; !valkey.ready() && i < 100; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  });

  after(async () => {
    await valkey.close();
    await admin.flushDb();
    await admin.quit();
  });

  it("does not remember a client as absent when it was read from an empty copy under the old revision", async () => {
    const client = { clientId: "desk-1", kind: "trading", status: "active", ordersPerSecond: 10, burst: 10, entitlements: { acct: ["orders.read"] } };
    const cache = new ReferenceCache({ client: valkey.client, pollMs: 10_000 });
    await admin.set(CACHE_KEYS.revision, "14");
    await admin.set(CACHE_KEYS.syncedAt, String(Date.now()));
    await cache.poll();
    // Valkey restarted with no data (no persistence): the copy is empty until a syncer reloads it,
    // under the same revision, before this instance polls again.
    await admin.flushDb();
    expect(await cache.client("desk-1")).to.equal(null);
    await admin.set(entryKey("client", "desk-1"), JSON.stringify(client));
    await admin.set(CACHE_KEYS.revision, "14");
    await cache.poll();
    expect(await cache.client("desk-1"), "the reloaded entry, not a remembered absence").to.deep.include({ clientId: "desk-1" });
  });
});
