/**
 * The benchmark's service target (server.ts, BENCH_IMPL=service): the Fastify app of
 * services/trading-api wired as main.ts wires it, with everything a production request goes through:
 * - authentication: a bearer token verified against the issuer's keys (RS256, a loopback JWKS of
 *   this process, fetched once at start), the client's entitlements read from the reference cache;
 * - validation of the body's numbers as written (the lossless parser, validation.ts);
 * - the pre-trade risk checks and both rate limits (account and client) in a real redis-server,
 *   the open-order counter in the order's transaction (fullOrderPath.ts);
 * - the EMF request metrics, the write-region gate (in write mode, its flag read in-process every
 *   second instead of from SSM), and the one log line per request through the production log
 *   destination, pointed at /dev/null.
 *
 * BENCH_SERVICE_OFF=auth,risk,metrics,gate,log turns parts off, to see what one part costs (the
 * default run keeps everything on).
 */
import { buildApp, type AppDeps } from "../services/trading-api/src/app";
import type { TableClients } from "../services/trading-api/src/clients";
import { logDestination } from "../services/trading-api/src/logDestination";
import { JwksCache } from "../services/trading-api/src/auth/jwks";
import { TokenVerifier } from "../services/trading-api/src/auth/tokens";
import { WriteRegionGate } from "../services/trading-api/src/writeRegion";
import { TEST_SCOPE_PREFIX, TestIssuer } from "../tests/support/oidcIssuer";
import { startFullOrderPath } from "./fullOrderPath";

export const SERVICE_PARTS = ["auth", "risk", "metrics", "gate", "log"] as const;
export type ServicePart = (typeof SERVICE_PARTS)[number];

/** The parts BENCH_SERVICE_OFF turns off (none by default). */
export function partsOff(value: string | undefined): Set<ServicePart> {
  const off = new Set<ServicePart>();
  for (const raw of (value ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    if (!(SERVICE_PARTS as readonly string[]).includes(raw)) throw new Error(`BENCH_SERVICE_OFF: expected some of ${SERVICE_PARTS.join(",")}, got ${raw}`);
    off.add(raw as ServicePart);
  }
  return off;
}

const REGION = "us-east-1";

/** A write-region gate in write mode: its flag names this region and is read in-process. */
async function writeModeGate(): Promise<WriteRegionGate> {
  const gate = new WriteRegionGate({ region: REGION, source: { read: async () => JSON.stringify({ writeRegion: REGION, epoch: 1 }) }, pollIntervalMs: 1000, fenceAfterMs: 5000, instance: "bench" });
  await gate.start();
  if (gate.mode !== "write") throw new Error(`the bench's write-region gate is in ${gate.mode} mode`);
  return gate;
}

export interface ServiceTarget {
  port: number;
  /** The bearer header every request of the load carries (the other targets ignore it). */
  authorization: string;
}

export async function listenServiceTarget(clients: TableClients, tableName: string, off: Set<ServicePart>): Promise<ServiceTarget> {
  const deps: Partial<AppDeps> = {};
  const risk = off.has("risk") && off.has("auth") ? undefined : await startFullOrderPath();
  if (risk && !off.has("risk")) Object.assign(deps, { preTrade: risk.preTrade, riskReadiness: risk.riskReadiness });
  let authorization = "Bearer none";
  if (risk && !off.has("auth")) {
    const client = process.env.BENCH_CLIENT ?? "";
    const issuer = await TestIssuer.start();
    const keys = new JwksCache({ url: issuer.jwksUrl });
    await keys.start();
    const verifier = new TokenVerifier({ keys, issuer: issuer.url, tokenUse: "access", scopePrefix: TEST_SCOPE_PREFIX });
    deps.auth = { verifier, entitlements: risk.cache, scopePrefix: TEST_SCOPE_PREFIX };
    authorization = `Bearer ${await issuer.token(client, ["orders.read", "orders.write"])}`;
  }
  if (!off.has("gate")) deps.writeGate = await writeModeGate();
  if (off.has("metrics")) deps.metrics = false;
  const app = buildApp({
    clients,
    tableName,
    cursorSecrets: ["bench-secret-0123456789abcdef0123"],
    // Info level, one line per request, through the destination the service uses in production.
    logger: off.has("log") ? false : { level: "info", stream: logDestination("/dev/null") },
    ...deps,
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  return { port: typeof address === "object" && address ? address.port : 0, authorization };
}
