/**
 * What `npm run local` needs from the machine, checked before anything starts: Java 17+ (DynamoDB
 * Local), PostgreSQL's server binaries (initdb, pg_ctl, postgres), redis-server and openssl (the
 * local PostgreSQL's TLS certificate). Each missing one is one line saying how to install it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import * as path from "node:path";
import { findPostgresBinDir, POSTGRES_ROOT } from "./servers/postgres";

export interface PrerequisiteOptions {
  /** The PATH to search, as in the environment. */
  path: string;
  /** Where PostgreSQL's versions are installed. Default /usr/lib/postgresql (Debian). */
  postgresRoot?: string;
  /** True when running as root (PostgreSQL then runs as the `postgres` user, which its package creates). */
  asRoot?: boolean;
}

/** The executable `name` on `searchPath`, if any. */
export function onPath(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The major version `java -version` reports ("1.8.0_392" is 8, "17.0.15" is 17), or undefined. */
export function javaMajorVersion(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

function javaProblem(searchPath: string): string | undefined {
  const install = "apt-get install openjdk-17-jre-headless";
  const java = onPath("java", searchPath);
  if (!java) return `Java 17+ (for DynamoDB Local) not found on PATH: ${install}`;
  // java -version writes to stderr (some builds to stdout): read both.
  const run = spawnSync(java, ["-version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 10_000 });
  const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
  const major = javaMajorVersion(output);
  if (major === undefined) return `Java 17+ (for DynamoDB Local) needed; ${java} did not say its version: ${install}`;
  if (major < 17) return `Java 17+ (for DynamoDB Local) needed, ${java} is Java ${major}: ${install}`;
  return undefined;
}

function postgresProblem(root: string, asRoot: boolean): string | undefined {
  if (!findPostgresBinDir(root)) return `PostgreSQL server binaries (initdb, pg_ctl, postgres) not found under ${root}: apt-get install postgresql`;
  if (asRoot) {
    try {
      // getent is a base system tool (libc-bin), looked up where Debian keeps it whatever the caller's PATH.
      execFileSync("getent", ["passwd", "postgres"], { stdio: "ignore", env: { PATH: "/usr/bin:/bin" } });
    } catch {
      return "PostgreSQL refuses to run as root and there is no postgres user to run it as: apt-get install postgresql";
    }
  }
  return undefined;
}

/** One line per missing prerequisite; empty when everything is there. */
export function missingPrerequisites(options: PrerequisiteOptions): string[] {
  const problems = [
    javaProblem(options.path),
    postgresProblem(options.postgresRoot ?? POSTGRES_ROOT, options.asRoot ?? process.getuid?.() === 0),
    onPath("redis-server", options.path) ? undefined : "redis-server not found on PATH: apt-get install redis-server",
    onPath("openssl", options.path) ? undefined : "openssl (for the local PostgreSQL's TLS certificate) not found on PATH: apt-get install openssl",
  ];
  return problems.filter((p): p is string => p !== undefined);
}
