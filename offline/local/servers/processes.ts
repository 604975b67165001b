/**
 * Whether a process still runs, for the local servers' stops and `npm run local`'s checks. A zombie
 * (exited, not yet reaped by its parent: PostgreSQL's postmaster is re-parented to init, which may
 * reap it late) counts as gone: it holds no port, no file and does no work.
 */
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; the state follows the last ')' (comm may hold one).
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    // No /proc (not Linux), or it ended between the two looks.
    return process.platform !== "linux";
  }
}

/** Resolves once `pid` has gone, or after `timeoutMs` (true when it has gone). */
export async function waitGone(pid: number, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}
