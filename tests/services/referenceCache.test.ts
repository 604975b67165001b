import { expect } from "chai";
import { CACHE_KEYS, entryKey } from "../../services/trading-api/src/risk/cacheKeys";
import { ReferenceCache, ReferenceDataUnknown } from "../../services/trading-api/src/risk/referenceCache";
import { PreTradeGate } from "../../services/trading-api/src/risk/preTrade";
import { RateLimiter } from "../../services/trading-api/src/risk/rateLimiter";
import { connectValkey, type Valkey } from "../../services/trading-api/src/risk/valkey";
import { sharedRedis, type RedisServer } from "../support/redis";

/** A logical database of its own, so no other suite's keys are seen. */
const DATABASE = 11;

describe("reference cache (redis-server): what is known while the copy is empty or being reloaded", () => {
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

  const entry = (clientId: string, accounts: Record<string, string[]> = { acct: ["orders.read"] }) => ({
    clientId,
    kind: "trading",
    status: "active",
    ordersPerSecond: 10,
    burst: 10,
    entitlements: accounts,
  });

  /** A copy as a syncer publishes it: entries, then the revision and "synced at". */
  async function publish(revision: string, clients: ReturnType<typeof entry>[]): Promise<void> {
    for (const client of clients) await admin.set(entryKey("client", client.clientId), JSON.stringify(client));
    await admin.set(CACHE_KEYS.revision, revision);
    await admin.set(CACHE_KEYS.syncedAt, String(Date.now()));
  }

  /** What a lookup settles to: the entry, null, or the error it was refused with. */
  async function settled(lookup: () => unknown): Promise<unknown> {
    try {
      return await lookup();
    } catch (error) {
      return error;
    }
  }

  beforeEach(() => admin.flushDb());

  it("an entry read from an empty copy (before this instance polls) is unknown, never absent, and is not remembered", async () => {
    const cache = new ReferenceCache({ client: valkey.client, pollMs: 10_000 });
    await publish("14", []);
    await cache.poll();
    // Valkey restarted with no data (no persistence): the copy is empty until a syncer reloads it,
    // under the same revision, before this instance polls again.
    await admin.flushDb();
    const during = await settled(() => cache.client("desk-1"));
    expect(during).to.be.instanceOf(ReferenceDataUnknown);
    expect((during as ReferenceDataUnknown).reason).to.equal("reference_data_missing");
    await publish("14", [entry("desk-1")]);
    await cache.poll();
    expect(await cache.client("desk-1"), "the reloaded entry, not a remembered absence").to.deep.include({ clientId: "desk-1" });
  });

  it("keeps what it last read while the copy is empty, reports the data missing, and drops it when a new revision arrives", async () => {
    const cache = new ReferenceCache({ client: valkey.client, pollMs: 10_000 });
    await publish("20", [entry("desk-1")]);
    await cache.poll();
    expect(await cache.client("desk-1")).to.deep.include({ clientId: "desk-1" });
    expect(await cache.client("nobody"), "absent from a loaded copy: no such client").to.equal(null);

    await admin.flushDb();
    await cache.poll();
    expect(cache.availability()).to.deep.equal({ ok: false, reason: "reference_data_missing" });
    // Remembered from revision 20, answered from the map (synchronously) without touching Valkey.
    expect(cache.client("desk-1")).to.deep.include({ clientId: "desk-1" });
    expect(cache.client("nobody"), "a refusal learnt from loaded data").to.equal(null);
    expect(await settled(() => cache.client("desk-2"))).to.be.instanceOf(ReferenceDataUnknown);

    // Reloaded at the same revision: the same data, so what was remembered still holds.
    await publish("20", [entry("desk-1"), entry("desk-2")]);
    await cache.poll();
    expect(cache.availability()).to.deep.equal({ ok: true });
    expect(cache.client("desk-1")).to.deep.include({ clientId: "desk-1" });
    expect(await cache.client("desk-2")).to.deep.include({ clientId: "desk-2" });

    // A new revision (changes made meanwhile) replaces everything remembered.
    await admin.flushDb();
    await publish("21", [entry("desk-1", {})]);
    await cache.poll();
    expect((await cache.client("desk-1"))?.entitlements).to.deep.equal({});
    expect(await cache.client("desk-2"), "deleted in revision 21").to.equal(null);
  });

  it("the pre-trade gate: an account read from an emptied copy before the poll noticed is 503 reference_data_missing, not 422 account_not_active", async () => {
    const cache = new ReferenceCache({ client: valkey.client, pollMs: 10_000 });
    const gate = new PreTradeGate({ cache, limiter: new RateLimiter(valkey.client) });
    await publish("30", []);
    await cache.poll();
    expect(cache.availability()).to.deep.equal({ ok: true });
    await admin.flushDb();
    const order = { account: "acct-9", clientOrderId: "cl-1", symbol: "ACME", side: "buy", quantity: 10, limitPrice: 100, timeInForce: "GTC" } as const;
    const admission = await gate.admit(order, "desk-1");
    expect(admission).to.deep.include({ ok: false, status: 503, retryAfterSeconds: 1 });
    expect(admission.ok ? undefined : admission.body).to.include({ error: "risk_unavailable", reason: "reference_data_missing" });
  });

  it("before the first poll, an empty Valkey is unknown too", async () => {
    const cache = new ReferenceCache({ client: valkey.client, pollMs: 10_000 });
    expect(await settled(() => cache.client("desk-1"))).to.be.instanceOf(ReferenceDataUnknown);
    await publish("3", []);
    expect(await cache.client("desk-1"), "a loaded copy without the client").to.equal(null);
  });
});
