/**
 * Runs the trading API's real entry point (services/trading-api/src/main.ts) as a child process,
 * the way systemd does on an instance: environment in, JSON log lines out, signals to stop it.
 * The one implementation behind `npm run local` and the tests' harness (tests/support/serviceProcess.ts).
 *
 * The environment is only what the caller gives plus PATH and fixed AWS credentials (DynamoDB Local
 * wants some; these reach nothing) with the instance metadata service off, so nothing from the
 * developer's AWS configuration (profiles, tokens) reaches the process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { get } from "node:http";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const MAIN = resolve(__dirname, "../../../services/trading-api/src/main.ts");

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far (the last `keepChars` of it, when set). */
  output(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  /** Polls readiness until 200 (and `accept(body)`, when given), or throws with the output so far. */
  waitReady(port: number, timeoutMs?: number, accept?: (body: string) => boolean): Promise<void>;
  /** Every output line parsed as JSON; throws naming the first line that is not a JSON object. */
  jsonLines(): Record<string, unknown>[];
  /** SIGKILL, at once. */
  kill(): void;
  /** SIGTERM (the service drains and exits), then SIGKILL if it is still running after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface ServiceOptions {
  /** A file the process's output is also written to (truncated first). */
  logFile?: string;
  /** Keep at most this many characters of output in memory; default all (tests read every line). */
  keepChars?: number;
}

/** GET /readyz on a connection of its own (no keep-alive left open to the service under test). */
function readiness(port: number): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = get({ host: "127.0.0.1", port, path: "/readyz", agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => done({ status: res.statusCode ?? 0, body }));
      res.on("error", fail);
    });
    req.setTimeout(2000, () => req.destroy(new Error("no answer from /readyz within 2 s")));
    req.on("error", fail);
  });
}

export function runService(env: Record<string, string>, options: ServiceOptions = {}): ServiceProcess {
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: {
      PATH: process.env.PATH ?? "",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_EC2_METADATA_DISABLED: "true",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = options.logFile ? createWriteStream(options.logFile) : undefined;
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (options.keepChars !== undefined && output.length > options.keepChars) output = output.slice(-options.keepChars);
    log?.write(chunk);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = once(child, "exit").then(async ([code, signal]) => {
    if (log) await new Promise<void>((done) => log.end(done));
    return (code ?? signal) as number | string;
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    output: () => output,
    exited,
    async waitReady(port, timeoutMs = 20_000, accept = () => true) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (!running()) break;
        const ready = await readiness(port).then(
          (r) => r.status === 200 && accept(r.body),
          () => false,
        );
        if (ready) return;
        await sleep(100);
      }
      throw new Error(`service not ready:\n${output}`);
    },
    jsonLines() {
      return output
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(line);
          } catch {
            throw new Error(`a log line is not JSON: ${line}`);
          }
          if (typeof parsed !== "object" || parsed === null) throw new Error(`a log line is not a JSON object: ${line}`);
          return parsed as Record<string, unknown>;
        });
    },
    kill() {
      if (running()) child.kill("SIGKILL");
    },
    async stop(graceMs = 10_000) {
      if (!running()) {
        await exited;
        return;
      }
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
