/**
 * The service with authentication, for the auth tests: DynamoDB Local for orders, a loopback token
 * issuer (tests/support/oidcIssuer.ts) for keys and tokens, and an in-memory entitlement source
 * holding reference-data client entries (the shape the Valkey copy serves; authEntitlements.test.ts
 * runs the same checks through the real reference-data cache).
 */
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import type { ClientEntry } from "../../services/reference-data/src/entries";
import type { EntitlementSource } from "../../services/trading-api/src/auth/authorize";
import { JwksCache } from "../../services/trading-api/src/auth/jwks";
import { TokenVerifier } from "../../services/trading-api/src/auth/tokens";
import { sharedDynamoLocal } from "../support/dynamoLocal";
import { TEST_SCOPE_PREFIX, TestIssuer } from "../support/oidcIssuer";
import { testApp } from "./fixtures";

/** Client entries by id; a missing id is an unknown client. */
export class StaticEntitlements implements EntitlementSource {
  readonly entries = new Map<string, ClientEntry>();
  failing = false;
  client(clientId: string): ClientEntry | null {
    if (this.failing) throw new Error("cache unreachable");
    return this.entries.get(clientId) ?? null;
  }
  add(entry: Partial<ClientEntry> & Pick<ClientEntry, "clientId">): void {
    this.entries.set(entry.clientId, { kind: "trading", status: "active", ordersPerSecond: 1000, burst: 1000, entitlements: {}, ...entry });
  }
}

/** Log lines the service wrote, parsed. */
export class LogCapture {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, callback) => {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
        this.raw.push(line);
        this.lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
}

export interface AuthHarness {
  issuer: TestIssuer;
  keys: JwksCache;
  entitlements: StaticEntitlements;
  app: FastifyInstance;
  logs: LogCapture;
  table: string;
  close(): Promise<void>;
}

export async function authHarness(options: { cooldownMs?: number; clockToleranceSeconds?: number } = {}): Promise<AuthHarness> {
  const [issuer, ddb] = await Promise.all([TestIssuer.start(), sharedDynamoLocal()]);
  const table = await ddb.createTable();
  const keys = new JwksCache({ url: issuer.jwksUrl, cooldownMs: options.cooldownMs ?? 60_000, refreshIntervalMs: 3_600_000 });
  await keys.start();
  const verifier = new TokenVerifier({
    keys,
    issuer: issuer.url,
    tokenUse: "access",
    scopePrefix: TEST_SCOPE_PREFIX,
    clockToleranceSeconds: options.clockToleranceSeconds ?? 30,
  });
  const entitlements = new StaticEntitlements();
  const logs = new LogCapture();
  const app = testApp(ddb.doc, table, {
    logger: { level: "info", stream: logs.stream },
    auth: { verifier, entitlements, scopePrefix: TEST_SCOPE_PREFIX, retryAfterSeconds: 2 },
  });
  await app.ready();
  return {
    issuer,
    keys,
    entitlements,
    app,
    logs,
    table,
    async close() {
      keys.stop();
      await app.close();
      await issuer.stop();
    },
  };
}
