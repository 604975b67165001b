/**
 * `npm run local`'s prerequisite check (offline/local/prerequisites.ts): one line per missing tool
 * saying how to install it, judged on a PATH and a PostgreSQL root the test builds (fake `java`
 * scripts that print real version banners); and the runner itself, given a PATH without Java,
 * redis-server and openssl, says so in three lines and starts nothing. The runner's other refusals
 * before anything starts: a bad PORT, a port in use, a stack already running.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { javaMajorVersion, missingPrerequisites } from "../../../offline/local/prerequisites";
import { POSTGRES_ROOT } from "../../../offline/local/servers/postgres";
import { writeState } from "../../../offline/local/state";
import { freeLoopbackPort } from "../../support/dynamoLocal";

const REPOSITORY = path.resolve(__dirname, "../../..");
const run = promisify(execFile);

/** The runner as a process; resolves with its exit code and output. */
function runner(env: Record<string, string>): Promise<{ code: number | undefined; stdout: string; stderr: string }> {
  return run(process.execPath, ["--import", "tsx", "offline/local/main.ts"], { cwd: REPOSITORY, env }).then(
    () => ({ code: 0, stdout: "", stderr: "" }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code, stdout: error.stdout ?? "", stderr: error.stderr ?? "" }),
  );
}

describe("npm run local prerequisites", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "local-prereq-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A directory for PATH holding executables that print `banner` to stderr, as `java -version` does. */
  function bin(name: string, tools: Record<string, string>): string {
    const folder = path.join(dir, name);
    mkdirSync(folder, { recursive: true });
    for (const [tool, banner] of Object.entries(tools)) {
      const file = path.join(folder, tool);
      writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' '${banner}' >&2\n`);
      chmodSync(file, 0o755);
    }
    return folder;
  }

  function postgresRoot(name: string, tools: string[]): string {
    const root = path.join(dir, name);
    mkdirSync(path.join(root, "15", "bin"), { recursive: true });
    for (const tool of tools) writeFileSync(path.join(root, "15", "bin", tool), "");
    return root;
  }

  it("reads Java's major version from its banner, old and new numbering", () => {
    expect(javaMajorVersion('openjdk version "17.0.15" 2025-04-15')).to.equal(17);
    expect(javaMajorVersion('openjdk version "21" 2023-09-19')).to.equal(21);
    expect(javaMajorVersion('java version "1.8.0_392"')).to.equal(8);
    expect(javaMajorVersion('openjdk version "11.0.2" 2019-01-15')).to.equal(11);
    expect(javaMajorVersion("command not found")).to.equal(undefined);
  });

  it("passes when Java 17+, PostgreSQL's server binaries, redis-server and openssl are all there", () => {
    const tools = bin("complete", { java: 'openjdk version "17.0.15" 2025-04-15', "redis-server": "", openssl: "" });
    const root = postgresRoot("pg-complete", ["initdb", "pg_ctl", "postgres"]);
    expect(missingPrerequisites({ path: tools, postgresRoot: root, asRoot: false })).to.deep.equal([]);
  });

  it("says, one line each, what is missing and the apt-get install that brings it", () => {
    const empty = bin("empty", {});
    const problems = missingPrerequisites({ path: empty, postgresRoot: path.join(dir, "no-postgres"), asRoot: false });
    expect(problems).to.deep.equal([
      "Java 17+ (for DynamoDB Local) not found on PATH: apt-get install openjdk-17-jre-headless",
      `PostgreSQL server binaries (initdb, pg_ctl, postgres) not found under ${path.join(dir, "no-postgres")}: apt-get install postgresql`,
      "redis-server not found on PATH: apt-get install redis-server",
      "openssl (for the local PostgreSQL's TLS certificate) not found on PATH: apt-get install openssl",
    ]);
  });

  it("refuses a Java older than 17 and a PostgreSQL with the client tools only", () => {
    const tools = bin("old-java", { java: 'openjdk version "11.0.2" 2019-01-15', "redis-server": "", openssl: "" });
    // Debian's postgresql-client installs psql and friends, not initdb/pg_ctl/postgres.
    const clientOnly = postgresRoot("pg-client", ["psql", "pg_dump"]);
    expect(missingPrerequisites({ path: tools, postgresRoot: clientOnly, asRoot: false })).to.deep.equal([
      `Java 17+ (for DynamoDB Local) needed, ${path.join(tools, "java")} is Java 11: apt-get install openjdk-17-jre-headless`,
      `PostgreSQL server binaries (initdb, pg_ctl, postgres) not found under ${clientOnly}: apt-get install postgresql`,
    ]);
  });

  it("the runner checks before it starts anything: one line per missing tool, exit 1, no state file", async function () {
    this.timeout(30_000);
    // Node's own directory only: no java, redis-server or openssl; PostgreSQL is found where Debian puts it.
    const state = path.join(dir, "runner-state");
    const result = await runner({ PATH: path.dirname(process.execPath), LOCAL_STATE_DIR: state, PORT: "1" });
    expect(result.code).to.equal(1);
    expect(result.stdout).to.equal("");
    const lines = result.stderr.trimEnd().split("\n");
    const expected = [
      "local: Java 17+ (for DynamoDB Local) not found on PATH: apt-get install openjdk-17-jre-headless",
      "local: redis-server not found on PATH: apt-get install redis-server",
      "local: openssl (for the local PostgreSQL's TLS certificate) not found on PATH: apt-get install openssl",
    ];
    // Where this machine has no PostgreSQL server, that is a fourth line (the check runs on the real root).
    if (!existsSync(path.join(POSTGRES_ROOT))) expected.splice(1, 0, `local: PostgreSQL server binaries (initdb, pg_ctl, postgres) not found under ${POSTGRES_ROOT}: apt-get install postgresql`);
    expect(lines).to.deep.equal(expected);
    expect(existsSync(state), "nothing was started, not even the state directory").to.equal(false);
  });
});

describe("npm run local refuses before starting anything", function () {
  this.timeout(30_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "local-refusals-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env = (extra: Record<string, string>) => ({ PATH: process.env.PATH ?? "", LOCAL_STATE_DIR: path.join(dir, "state"), ...extra });

  it("a PORT that is not a port (exit 2)", async () => {
    const result = await runner(env({ PORT: "http" }));
    expect([result.code, result.stderr]).to.deep.equal([2, 'local: PORT must be an integer between 1 and 65535 (got "http")\n']);
  });

  it("a port something already listens on, naming it and PORT", async () => {
    const port = await freeLoopbackPort();
    const taken = createServer().listen(port, "127.0.0.1");
    await once(taken, "listening");
    try {
      const result = await runner(env({ PORT: String(port) }));
      expect(result.code).to.equal(1);
      expect(result.stderr).to.equal(`local: port ${port} on 127.0.0.1 is in use: stop what listens there or choose another with PORT=<port> npm run local\n`);
      expect(existsSync(path.join(dir, "state")), "nothing was started").to.equal(false);
    } finally {
      taken.close();
    }
  });

  it("a second stack while one runs (its state file names a live runner)", async () => {
    const stateEnv = { LOCAL_STATE_DIR: path.join(dir, "running") };
    writeState(
      { version: 1, pid: process.pid, startedAt: new Date().toISOString(), apiUrl: "http://127.0.0.1:8080", tokenEndpoint: "http://127.0.0.1:1/issuer/oauth2/token", defaultClient: "local-trader", clients: {}, servers: [], tempDirs: [], apiLog: "x" },
      stateEnv,
    );
    const result = await runner(env({ ...stateEnv, PORT: String(await freeLoopbackPort()) }));
    expect(result.code).to.equal(1);
    expect(result.stderr).to.equal(`local: npm run local is already running (pid ${process.pid}, API http://127.0.0.1:8080): stop it first (Ctrl-C in its terminal, or kill ${process.pid})\n`);
  });
});
