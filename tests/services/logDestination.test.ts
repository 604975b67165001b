import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "chai";
import pino from "pino";
import { LOG_BATCH_BYTES, LOG_FLUSH_INTERVAL_MS, logDestination } from "../../services/trading-api/src/logDestination";

const lines = (file: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as { msg: string });

describe("service log destination (batched stdout)", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "log-destination-"));
  });
  let stream: ReturnType<typeof logDestination> | undefined;
  afterEach(() => {
    stream?.end();
    stream = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /** A logger on a fresh destination file, once the file is open. */
  async function openLog(file: string) {
    const opened = logDestination(file);
    stream = opened;
    await opened.ready();
    return pino({ base: null }, opened);
  }

  it("holds a few lines back, then writes them within the flush interval", async () => {
    const file = join(dir, "out.log");
    const log = await openLog(file);
    log.info("first");
    log.info("second");
    // Long enough for an unbatched asynchronous write to land, well short of the flush interval.
    await sleep(LOG_FLUSH_INTERVAL_MS / 4);
    expect(readFileSync(file, "utf8")).to.equal("", "fewer than LOG_BATCH_BYTES waiting: nothing written yet");
    await sleep(LOG_FLUSH_INTERVAL_MS * 2);
    expect(lines(file).map((l) => l.msg)).to.deep.equal(["first", "second"]);
  });

  it("writes a batch as soon as LOG_BATCH_BYTES are waiting", async () => {
    const file = join(dir, "out.log");
    const log = await openLog(file);
    const filler = "x".repeat(200);
    const count = Math.ceil(LOG_BATCH_BYTES / 200) + 1;
    for (let i = 0; i < count; i++) log.info(`${i} ${filler}`);
    // Well before the periodic flush: the batch went out because it was full.
    await sleep(LOG_FLUSH_INTERVAL_MS / 4);
    expect(lines(file).length).to.be.greaterThan(0);
  });

  it("writes every line whole and in order across many batches", async () => {
    const file = join(dir, "out.log");
    const log = await openLog(file);
    const count = 5000;
    for (let i = 0; i < count; i++) log.info({ i }, `line ${i} ${"y".repeat(i % 97)}`);
    await sleep(LOG_FLUSH_INTERVAL_MS * 2);
    const written = lines(file) as unknown as { i: number }[];
    expect(written.map((l) => l.i)).to.deep.equal(Array.from({ length: count }, (_, i) => i));
  });

  it("writes everything waiting before pino's flush callback runs", async () => {
    const file = join(dir, "out.log");
    const log = await openLog(file);
    log.info("before the flush");
    await new Promise<void>((resolve, reject) => log.flush((error) => (error ? reject(error) : resolve())));
    expect(lines(file).map((l) => l.msg)).to.deep.equal(["before the flush"]);
  });

  it("loses nothing when the process exits before the interval", () => {
    const file = join(dir, "out.log");
    const script = [
      `const pino = require("pino");`,
      `const { logDestination } = require(${JSON.stringify(resolve(__dirname, "../../services/trading-api/src/logDestination.ts"))});`,
      `const stream = logDestination(${JSON.stringify(file)});`,
      `stream.ready().then(() => { const log = pino({ base: null }, stream); log.info("last words"); process.exit(3); });`,
    ].join("\n");
    const run = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { encoding: "utf8", timeout: 30_000 });
    expect(run.status, run.stderr).to.equal(3);
    expect(lines(file).map((l) => l.msg)).to.deep.equal(["last words"]);
  });
});
