/**
 * `npm run bench:log`: CPU per request line, pino's serialisation included, for the service's log
 * destination (logDestination.ts: lines gathered in an array, one 4 KiB chunk per write) against
 * sonic-boom's own batching with the same batch size and flush interval (what the service used
 * before; it flattens its growing pending string on every line), in the same run, writing to a
 * temporary file. Figures are medians of five rounds of 200,000 lines; not a test.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { LOG_BATCH_BYTES, LOG_FLUSH_INTERVAL_MS, logDestination } from "../services/trading-api/src/logDestination";

const LINES = 200_000;
const ROUNDS = 5;

type Destination = { write(line: string): unknown; ready(): Promise<void>; flushSync(): void; end(): void };

function sonicBoomBatching(file: string): Destination {
  const boom = pino.destination({ dest: file, sync: false, minLength: LOG_BATCH_BYTES, periodicFlush: LOG_FLUSH_INTERVAL_MS });
  return {
    write: (line) => boom.write(line),
    ready: () => new Promise((resolve) => boom.once("ready", () => resolve())),
    flushSync: () => boom.flushSync(),
    end: () => boom.end(),
  };
}

/** Median CPU microseconds per line: a child logger per request and one "request completed" line, as the service writes. */
async function measure(make: (file: string) => Destination, dir: string, name: string): Promise<number> {
  const perLine: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const destination = make(join(dir, `${name}-${round}.log`));
    await destination.ready();
    const log = pino({ level: "info" }, destination as never);
    const before = process.cpuUsage();
    for (let i = 0; i < LINES; i++) {
      log.child({ requestId: `req-${i}` }).info(
        { clientId: "bench-desk", account: `bench-${i % 1000}`, authorization: "allowed", method: "GET", route: "/v1/accounts/:account/orders/:orderId", statusCode: 200, durationMs: 0.42 },
        "request completed",
      );
    }
    destination.flushSync();
    const used = process.cpuUsage(before);
    perLine.push((used.user + used.system) / LINES);
    destination.end();
  }
  perLine.sort((a, b) => a - b);
  return perLine[Math.floor(ROUNDS / 2)];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-log-"));
  try {
    const before = await measure(sonicBoomBatching, dir, "sonic-boom");
    const service = await measure(logDestination, dir, "service");
    console.log(`log line (pino + destination), CPU per line, median of ${ROUNDS} x ${LINES.toLocaleString("en")} lines:`);
    console.log(`  sonic-boom minLength batching: ${before.toFixed(2)} us`);
    console.log(`  service destination:           ${service.toFixed(2)} us  (${(service / before).toFixed(2)} of sonic-boom's batching)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
