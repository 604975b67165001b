/**
 * Runs the trading API's real entry point (services/trading-api/src/main.ts) as a child process,
 * the way systemd does on an instance: environment in, JSON log lines out, signals to stop it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { get } from "./http";

const MAIN = resolve(__dirname, "../../services/trading-api/src/main.ts");

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  /** Polls readiness until 200, or throws with the output so far. */
  waitReady(port: number, timeoutMs?: number): Promise<void>;
  /** Every output line parsed as JSON; throws naming the first line that is not a JSON object. */
  jsonLines(): Record<string, unknown>[];
  kill(): void;
}

export function runService(env: Record<string, string>): ServiceProcess {
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
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, "exit").then(([code, signal]) => (code ?? signal) as number | string);
  return {
    child,
    output: () => output,
    exited,
    async waitReady(port, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) break;
        const ready = await get(port, "/readyz").then((r) => r.status === 200, () => false);
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
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}
