/**
 * moto_server (Python moto, an AWS API emulator) on a loopback port, for the tests of the failover
 * command (SSM, Lambda event source mappings, CloudWatch, Route 53, DynamoDB and IAM) and of the
 * migration function (Secrets Manager), every region served by the one process (the region is read
 * from each request's signature).
 *
 * One serves each test process (the serial run, or each parallel worker): started on first use,
 * stopped after the process's last file (./processEnd.ts). When moto_server is not installed the
 * tests that need it FAIL with the install command: they never skip.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { freeLoopbackPort } from "./dynamoLocal";
import { stopAtProcessEnd } from "./processEnd";

export const MOTO_INSTALL = "pip install 'moto[server]'";
/** moto accepts any credentials; fixed ones keep the SDK from looking for real ones. */
export const MOTO_CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };
const READY_TIMEOUT_MS = 30_000;

export interface Moto {
  endpoint: string;
  port: number;
  /** Forgets every resource of every region (moto's reset API). */
  reset(): Promise<void>;
  /** Creates an IAM role (the failover tests need one for Lambda functions; no IAM client is a dependency). */
  createRole(name: string): Promise<string>;
  stop(): Promise<void>;
}

export class MotoMissingError extends Error {
  constructor(cause: unknown) {
    super(`moto_server is not installed (needed by the failover command's and the migration function's tests). Install it with: ${MOTO_INSTALL}`, { cause });
    this.name = "MotoMissingError";
  }
}

export async function startMoto(): Promise<Moto> {
  const port = await freeLoopbackPort();
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  let exited = false;
  let spawnError: NodeJS.ErrnoException | undefined;
  child.once("error", (error: NodeJS.ErrnoException) => (spawnError = error));
  child.once("exit", () => (exited = true));

  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (spawnError?.code === "ENOENT") throw new MotoMissingError(spawnError);
    if (spawnError) throw spawnError;
    if (exited) throw new Error(`moto_server exited during start-up:\n${output}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`moto_server not ready after ${READY_TIMEOUT_MS} ms:\n${output}`);
    }
    await sleep(100);
  }
  return motoAt(endpoint, port, child, () => exited);
}

function motoAt(endpoint: string, port: number, child: ChildProcess, hasExited: () => boolean): Moto {
  return {
    endpoint,
    port,
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      if (!res.ok) throw new Error(`moto reset failed: ${res.status}`);
    },
    async createRole(name) {
      // IAM's query protocol; moto routes by the service named in the Authorization header.
      const body = new URLSearchParams({
        Action: "CreateRole",
        Version: "2010-05-08",
        RoleName: name,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      });
      const res = await fetch(`${endpoint}/`, {
        method: "POST",
        body,
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0",
        },
      });
      const text = await res.text();
      const arn = /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1];
      if (!res.ok || !arn) throw new Error(`moto CreateRole failed: ${res.status} ${text.slice(0, 300)}`);
      return arn;
    },
    async stop() {
      if (hasExited()) return;
      const gone = once(child, "exit");
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

let shared: Promise<Moto> | undefined;

/** The process-wide instance, started on first use. */
export function sharedMoto(): Promise<Moto> {
  shared ??= startMoto();
  return shared;
}

stopAtProcessEnd("moto_server", 15_000, async () => {
  const instance = shared;
  shared = undefined;
  if (instance) await (await instance.catch(() => undefined))?.stop();
});
