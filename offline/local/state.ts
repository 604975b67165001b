/**
 * The small file through which `npm run local:token` (and the test) finds the running local stack:
 * the runner's pid, where each server listens, what it must clean up, and the local clients'
 * secrets. It lives in a git-ignored directory (.tools/local/ by default, LOCAL_STATE_DIR to move
 * it), is readable by its owner only (it holds client secrets, though they open nothing but
 * loopback servers), is written whole (rename) so a reader never sees half of it, and is removed
 * when the stack stops.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";

const REPOSITORY = path.resolve(__dirname, "../..");

export interface LocalServer {
  name: string;
  url: string;
  port: number;
  pid?: number;
}

export interface LocalState {
  version: 1;
  /** The `npm run local` runner's process id. */
  pid: number;
  startedAt: string;
  apiUrl: string;
  tokenEndpoint: string;
  defaultClient: string;
  /** Clients of the local issuer's token endpoint. */
  clients: Record<string, { secret: string; scopes: string[] }>;
  servers: LocalServer[];
  /** Directories the runner made and removes when it stops. */
  tempDirs: string[];
  /** The API's log (JSON lines). */
  apiLog: string;
}

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.LOCAL_STATE_DIR?.trim();
  return configured ? path.resolve(configured) : path.join(REPOSITORY, ".tools", "local");
}

export function statePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stateDir(env), "state.json");
}

export function writeState(state: LocalState, env: NodeJS.ProcessEnv = process.env): void {
  const file = statePath(env);
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(partial, file);
}

/** The state file's content, or undefined when there is none; throws when it is not one of ours. */
export function readState(env: NodeJS.ProcessEnv = process.env): LocalState | undefined {
  let text: string;
  try {
    text = readFileSync(statePath(env), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const state = JSON.parse(text) as Partial<LocalState>;
  if (state.version !== 1 || typeof state.pid !== "number" || typeof state.tokenEndpoint !== "string" || typeof state.clients !== "object") {
    throw new Error(`${statePath(env)} is not a state file of this version of npm run local: delete it`);
  }
  return state as LocalState;
}

export function removeState(env: NodeJS.ProcessEnv = process.env): void {
  rmSync(statePath(env), { force: true });
}

export { isAlive } from "./servers/processes";
