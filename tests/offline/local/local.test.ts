/**
 * `npm run local` as a developer runs it: started as a child process (npm and all) on a free port,
 * with its state file in a directory of the test's own. It must come up, say where everything is,
 * accept the root README's order with a token from `npm run -s local:token` (and refuse it without
 * one), and on SIGTERM stop every server it started: ports closed, processes gone, temporary
 * directories and the state file removed.
 */
import { expect } from "chai";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { decodeJwt } from "jose";
import { EXAMPLE_ORDER } from "../../../offline/local/seed";
import { portOpen } from "../../../offline/local/servers/ports";
import { isAlive, readState, statePath, type LocalState } from "../../../offline/local/state";
import { freeLoopbackPort } from "../../support/dynamoLocal";

const REPOSITORY = path.resolve(__dirname, "../../..");
// npm from PATH, as a developer types it (its `node` is the PATH's too: .ci/node.sh puts Node 24 first).
const NPM = "npm";
const run = promisify(execFile);

/** Pids of the processes (other than zombies) whose environment holds `entry` exactly, from /proc. */
function processesWithEnvironment(entry: string): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(entry) && isAlive(pid);
      } catch {
        return false;
      }
    });
}

describe("npm run local (the whole stack on loopback, authentication and risk checks on)", function () {
  this.timeout(120_000);
  let dir: string;
  let port: number;
  let local: ChildProcess;
  let stdout = "";
  let stderr = "";
  let exited: Promise<number | null>;
  let state: LocalState;
  const env = () => ({ ...process.env, PORT: String(port), LOCAL_STATE_DIR: dir });

  /** `npm run -s local:token -- ARGS` as a shell would run it. */
  const token = (...args: string[]) =>
    run(NPM, ["run", "-s", "local:token", ...(args.length ? ["--", ...args] : [])], { cwd: REPOSITORY, env: env() }).then(
      ({ stdout: out, stderr: err }) => ({ code: 0, out, err }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? -1, out: error.stdout ?? "", err: error.stderr ?? "" }),
    );

  before(async function () {
    this.timeout(180_000);
    dir = mkdtempSync(path.join(tmpdir(), "local-test-"));
    port = await freeLoopbackPort();
    local = spawn(NPM, ["run", "local"], { cwd: REPOSITORY, env: env(), stdio: ["ignore", "pipe", "pipe"] });
    local.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    local.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    exited = new Promise((resolve) => local.once("exit", (code) => resolve(code)));
    local.once("error", (error) => (stderr += `could not run npm: ${error.message}`));
    const deadline = Date.now() + 120_000;
    while (!/^local: ready in /m.test(stdout)) {
      if (local.exitCode !== null || Date.now() > deadline) throw new Error(`npm run local did not become ready:\n${stdout}\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const read = readState({ LOCAL_STATE_DIR: dir });
    if (!read) throw new Error(`no state file in ${dir}`);
    state = read;
  });

  after(async () => {
    // Only if a test failed before the stop: end what this run started (by the pids it recorded), then tidy up.
    if (local?.exitCode === null) {
      local.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    }
    for (const server of state?.servers ?? []) if (server.pid && server.pid !== state.pid && isAlive(server.pid)) process.kill(server.pid, "SIGKILL");
    for (const temp of state?.tempDirs ?? []) rmSync(temp, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("says what it started, each server and its port, and the curl that places the README's order", () => {
    const seconds = Number(/^local: ready in ([\d.]+) s/m.exec(stdout)?.[1]);
    expect(seconds).to.be.greaterThan(0).and.below(60);
    expect(stdout).to.include("authentication and risk checks on");
    for (const server of state.servers) {
      expect(server.url.startsWith("http://127.0.0.1:") || server.url.includes("://127.0.0.1:"), server.name).to.equal(true);
      expect(stdout, server.name).to.match(new RegExp(`^  ${server.name}\\s+\\S*127\\.0\\.0\\.1:${server.port}`, "m"));
    }
    expect(state.servers.map((s) => s.name)).to.deep.equal(["DynamoDB Local", "PostgreSQL", "redis-server", "token issuer", "trading-api"]);
    expect(stdout).to.include(`curl -sS -H "Authorization: Bearer $(npm run -s local:token)"`);
    expect(stdout).to.include(`-d '${EXAMPLE_ORDER}'`);
    expect(stdout).to.include(`http://127.0.0.1:${port}/v1/orders`);
    expect(stderr).to.equal("");
  });

  it("accepts the README's order with a token from local:token (201), refuses it without one (401); the printed curl works as pasted", async () => {
    const issued = await token();
    expect(issued.code, issued.err).to.equal(0);
    expect(issued.err).to.equal("");
    expect(issued.out).to.match(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const claims = decodeJwt(issued.out.trim());
    expect(claims).to.deep.include({ iss: state.tokenEndpoint.replace(/\/oauth2\/token$/, ""), client_id: "local-trader", token_use: "access", scope: "trading-api/orders.read trading-api/orders.write" });

    const url = `http://127.0.0.1:${port}/v1/orders`;
    const anonymous = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: EXAMPLE_ORDER });
    expect(anonymous.status).to.equal(401);
    const placed = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${issued.out.trim()}`, "content-type": "application/json" }, body: EXAMPLE_ORDER });
    const order = (await placed.json()) as { orderId: string; status: string; account: string };
    expect(placed.status, JSON.stringify(order)).to.equal(201);
    expect(order).to.deep.include({ status: "open", account: "ACC-1" });

    // The banner's curl, run by a shell as a developer would paste it: the same order back (a retry of desk-0001).
    const curl = stdout.slice(stdout.indexOf("  curl "), stdout.indexOf("/v1/orders") + "/v1/orders".length);
    const { stdout: pasted } = await run("bash", ["-c", curl], { cwd: REPOSITORY, env: env() });
    expect((JSON.parse(pasted) as { orderId: string }).orderId).to.equal(order.orderId);
  });

  it("local:token: other local clients and scopes on request; a refusal is one line on stderr and a non-zero exit", async () => {
    const gateway = await token("--client", "local-gateway", "--scope", "fills.write");
    expect(gateway.code, gateway.err).to.equal(0);
    expect(decodeJwt(gateway.out.trim())).to.deep.include({ client_id: "local-gateway", scope: "trading-api/fills.write" });

    for (const [args, message] of [
      [["--scope", "fills.write"], /^local:token: the issuer refused: invalid_scope: local-trader may not have trading-api\/fills\.write/],
      [["--client", "nobody"], /^local:token: no local client nobody \(local clients: local-trader, local-gateway\)\n$/],
      [["--bogus"], /^local:token: Unknown option '--bogus'/],
    ] as const) {
      const refused = await token(...args);
      expect(refused.code, args.join(" ")).to.not.equal(0);
      expect(refused.out).to.equal("");
      expect(refused.err.trimEnd().split("\n"), refused.err).to.have.length(1);
      expect(refused.err).to.match(message);
    }
  });

  it("SIGTERM stops everything it started: ports closed, processes gone, temporary directories and the state file removed", async function () {
    this.timeout(60_000);
    expect(state.tempDirs.length).to.be.greaterThan(0);
    for (const temp of state.tempDirs) expect(existsSync(temp), temp).to.equal(true);
    local.kill("SIGTERM");
    expect(await exited).to.equal(0);
    expect(stdout).to.include("local: stopped: every server ended, temporary files removed");
    for (const server of state.servers) {
      expect(await portOpen(server.port), `${server.name} port ${server.port}`).to.equal(false);
      if (server.pid) expect(isAlive(server.pid), `${server.name} pid ${server.pid}`).to.equal(false);
    }
    for (const temp of state.tempDirs) expect(existsSync(temp), temp).to.equal(false);
    // The JVM's performance-data file (hsperfdata), which it deletes only when it exits cleanly.
    const java = state.servers.find((s) => s.name === "DynamoDB Local")?.pid;
    expect(existsSync(path.join(tmpdir(), `hsperfdata_${userInfo().username}`, String(java))), "DynamoDB Local's hsperfdata file").to.equal(false);
    expect(existsSync(statePath({ LOCAL_STATE_DIR: dir }))).to.equal(false);

    const after = await token();
    expect(after.code).to.equal(1);
    expect(after.out).to.equal("");
    expect(after.err).to.match(/^local:token: npm run local is not running, or not ready yet \(no .*state\.json; it is written at the ready line\): start it in another terminal with npm run local\n$/);
  });
});

describe("npm run local stopped with Ctrl-C (SIGINT to the terminal's whole process group)", function () {
  this.timeout(120_000);

  it("stops everything it started, though every child got the SIGINT too, and says nothing failed", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "local-ctrlc-"));
    const port = await freeLoopbackPort();
    const env = { ...process.env, PORT: String(port), LOCAL_STATE_DIR: dir };
    // detached: a process group of its own, as a shell gives a foreground job; a terminal's Ctrl-C signals that group.
    const local = spawn(NPM, ["run", "local"], { cwd: REPOSITORY, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    local.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    local.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise((resolve) => local.once("exit", resolve));
    let state: LocalState | undefined;
    try {
      const deadline = Date.now() + 100_000;
      while (!/^local: ready in /m.test(stdout)) {
        if (local.exitCode !== null || Date.now() > deadline) throw new Error(`npm run local did not become ready:\n${stdout}\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      state = readState({ LOCAL_STATE_DIR: dir });
      if (!state || !local.pid) throw new Error("no state file or no pid");
      process.kill(-local.pid, "SIGINT");
      await exited;
      expect(stdout).to.include("local: stopped: every server ended, temporary files removed");
      expect(stderr, "no step failed, the API's exit was not taken for a crash").to.equal("");
      for (const server of state.servers) {
        expect(await portOpen(server.port), `${server.name} port ${server.port}`).to.equal(false);
        if (server.pid) expect(isAlive(server.pid), `${server.name} pid ${server.pid}`).to.equal(false);
      }
      for (const temp of state.tempDirs) expect(existsSync(temp), temp).to.equal(false);
      expect(existsSync(statePath({ LOCAL_STATE_DIR: dir }))).to.equal(false);
    } finally {
      if (local.exitCode === null && local.pid) process.kill(-local.pid, "SIGKILL");
      for (const server of state?.servers ?? []) if (server.pid && server.pid !== state?.pid && isAlive(server.pid)) process.kill(server.pid, "SIGKILL");
      for (const temp of state?.tempDirs ?? []) rmSync(temp, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("Ctrl-C while the servers are still starting: it waits for them, stops them, and leaves no process or temporary directory", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "local-ctrlc-early-"));
    const port = await freeLoopbackPort();
    // Its own temporary folder (TMPDIR, which os.tmpdir() reads): another test process may be
    // starting a PostgreSQL of its own meanwhile, whose directory must not count as this run's.
    // Readable by all, as /tmp is: the cluster's directory inside it belongs to the postgres user.
    const temp = mkdtempSync(path.join(tmpdir(), "local-ctrlc-tmp-"));
    chmodSync(temp, 0o755);
    const pgDirs = () => new Set(readdirSync(temp).filter((name) => name.startsWith("trading-pg-")));
    const before = pgDirs();
    const local = spawn(NPM, ["run", "local"], { cwd: REPOSITORY, env: { ...process.env, PORT: String(port), LOCAL_STATE_DIR: dir, TMPDIR: temp }, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    local.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise((resolve) => local.once("exit", resolve));
    try {
      const deadline = Date.now() + 60_000;
      while (!stdout.includes("local: starting")) {
        if (local.exitCode !== null || Date.now() > deadline) throw new Error(`npm run local did not start:\n${stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Java, initdb and openssl are running now; none of the servers can be up yet.
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (local.pid) process.kill(-local.pid, "SIGINT");
      await exited;
      expect(stdout).to.include("local: stopped: every server ended, temporary files removed");
      expect(stdout).to.not.include("local: ready");
      expect([...pgDirs()].filter((name) => !before.has(name)), "PostgreSQL directories it made").to.deep.equal([]);
      // Every process it started inherited LOCAL_STATE_DIR (the API gets its own environment, but starts only after the servers).
      expect(processesWithEnvironment(`LOCAL_STATE_DIR=${dir}`), "processes left").to.deep.equal([]);
      expect(existsSync(statePath({ LOCAL_STATE_DIR: dir }))).to.equal(false);
    } finally {
      if (local.exitCode === null && local.pid) process.kill(-local.pid, "SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      rmSync(temp, { recursive: true, force: true });
    }
  });
});
