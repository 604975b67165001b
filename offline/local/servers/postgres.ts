/**
 * A throwaway PostgreSQL cluster from Debian's binaries (`postgresql` package: initdb and pg_ctl under
 * /usr/lib/postgresql/<major>/bin), on a free loopback port: the one implementation behind
 * `npm run local`, the benchmark and the tests' harness (tests/support/postgres.ts, which adds the
 * run-wide shared cluster).
 *
 * It is set up to look like Aurora where the code can tell: a role `rds_iam` exists (RDS creates it;
 * here it is a plain NOLOGIN role), and the "master user" `trading_admin` is not a superuser but has
 * CREATEROLE and the admin option on rds_iam, as RDS's master user does, so the migrations run with
 * the privileges they will have in AWS. TCP connections need a password (scram-sha-256): the
 * application's token provider is exercised the way an IAM token is used, as the password.
 *
 * PostgreSQL refuses to run as root. When the tests run as root (CI does), every server command runs
 * as the `postgres` system user (created by the Debian package) through `runuser`.
 *
 * TLS is on (as on Aurora) with a server certificate for 127.0.0.1/localhost from a throwaway CA
 * generated at start-up with openssl ({@link Postgres.caFile}); clients that do not ask for TLS
 * connect in plain text as before.
 *
 * Durability is off (fsync, synchronous_commit, full_page_writes): the data is thrown away.
 * Callers create their own database with {@link Postgres.createDatabase}; {@link Postgres.stop} removes
 * every file the cluster had (its temporary directory).
 */
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { Client, type ClientConfig } from "pg";
import { freeLoopbackPort } from "./ports";
import { waitGone } from "./processes";

const run = promisify(execFile);

export const SUPERUSER = "postgres";
export const MASTER_USER = "trading_admin";
const PASSWORD = "local-test-password";

export interface Postgres {
  host: string;
  port: number;
  /** Password of every role the harness creates (the superuser, the master user, test roles). */
  password: string;
  /** PEM file of the CA that signed the server's certificate (for clients verifying TLS). */
  caFile: string;
  /** The temporary directory holding the cluster's data, certificates, socket and log. */
  dir: string;
  /** The postmaster's process id while it runs. */
  pid(): number | undefined;
  /** Connection settings for `user` on `database`. */
  config(database: string, user?: string): ClientConfig;
  /** A connected client; the caller ends it. */
  connect(database: string, user?: string): Promise<Client>;
  /** A new, empty database owned by the master user, named `<prefix>_<pid>_<n>` (or exactly `name`). */
  createDatabase(prefix?: string, name?: string): Promise<string>;
  /** Gives a login role a password, so tests can log in as it (in AWS it uses IAM tokens). */
  setPassword(role: string): Promise<void>;
  /** Stops the server, keeping its data (a database outage). */
  pause(): Promise<void>;
  /** Starts it again on the same port after {@link pause}. */
  resume(): Promise<void>;
  /** Stops the server and deletes its files. */
  stop(): Promise<void>;
}

/** Where Debian's `postgresql` packages install each major version (`<root>/<major>/bin`). */
export const POSTGRES_ROOT = "/usr/lib/postgresql";

/** The newest installed PostgreSQL's bin directory under `root` (one with initdb, pg_ctl and postgres), if any. */
export function findPostgresBinDir(root: string = POSTGRES_ROOT): string | undefined {
  const complete = (name: string) => ["initdb", "pg_ctl", "postgres"].every((tool) => existsSync(path.join(root, name, "bin", tool)));
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+$/.test(name) && complete(name))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return majors.length === 0 ? undefined : path.join(root, majors[0], "bin");
}

/** The newest installed PostgreSQL's bin directory; throws saying how to install one. */
export function postgresBinDir(): string {
  const dir = findPostgresBinDir();
  if (!dir) throw new Error(`PostgreSQL server binaries not found under ${POSTGRES_ROOT} (apt-get install postgresql; .ci/run does)`);
  return dir;
}

function systemUser(name: string): { uid: number; gid: number } {
  const passwd = execFileSync("getent", ["passwd", name], { encoding: "utf8" }).split(":");
  return { uid: Number(passwd[2]), gid: Number(passwd[3]) };
}

/** A CA and a server certificate (P-256, 2 days) for 127.0.0.1 and localhost, made with openssl. */
async function throwawayCertificates(dir: string): Promise<{ caFile: string; certFile: string; keyFile: string }> {
  const file = (name: string) => path.join(dir, name);
  const openssl = (args: string[]) =>
    run("openssl", args).catch((error: unknown) => {
      throw new Error("openssl failed making the test server's TLS certificate (apt-get install openssl; .ci/run does)", { cause: error });
    });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  await openssl(["req", "-x509", ...ec, "-keyout", file("ca.key"), "-out", file("ca.crt"), "-days", "2", "-subj", "/CN=trading-test-ca"]);
  await openssl(["req", ...ec, "-keyout", file("server.key"), "-out", file("server.csr"), "-subj", "/CN=localhost"]);
  writeFileSync(file("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  await openssl([
    "x509", "-req", "-in", file("server.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial",
    "-out", file("server.crt"), "-days", "2", "-extfile", file("server.ext"),
  ]);
  chmodSync(file("server.key"), 0o600);
  return { caFile: file("ca.crt"), certFile: file("server.crt"), keyFile: file("server.key") };
}

export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(tmpdir(), "trading-pg-"));
  const pg = (tool: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args]) : run(path.join(bin, tool), args);
  try {
    return await startIn(dir, pg, asRoot);
  } catch (error) {
    // A start that failed part-way (or was interrupted: a Ctrl-C reaches initdb too) leaves nothing behind.
    if (existsSync(path.join(dir, "data", "postmaster.pid"))) await pg("pg_ctl", ["-D", path.join(dir, "data"), "-m", "immediate", "-w", "stop"]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

type PgTool = (tool: string, args: string[]) => Promise<unknown>;

async function startIn(dir: string, pg: PgTool, asRoot: boolean): Promise<Postgres> {
  const data = path.join(dir, "data");
  const log = path.join(dir, "server.log");
  const pwfile = path.join(dir, "pwfile");
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  const tls = await throwawayCertificates(dir);
  if (asRoot) {
    const { uid, gid } = systemUser("postgres");
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
    chownSync(tls.certFile, uid, gid);
    chownSync(tls.keyFile, uid, gid);
  }
  await pg("initdb", [
    "-D", data, "-U", SUPERUSER, `--pwfile=${pwfile}`, "--auth-local=trust", "--auth-host=scram-sha-256",
    "--no-sync", "--encoding=UTF8", "--locale=C",
  ]);
  const port = await freeLoopbackPort();
  const options = [
    `-p ${port}`, "-c listen_addresses=127.0.0.1", `-c unix_socket_directories=${dir}`,
    "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_connections=200",
    "-c ssl=on", `-c ssl_cert_file=${tls.certFile}`, `-c ssl_key_file=${tls.keyFile}`,
  ].join(" ");
  const start = () => pg("pg_ctl", ["-D", data, "-l", log, "-o", options, "-w", "-t", "30", "start"]);
  await start();

  const config = (database: string, user: string = MASTER_USER): ClientConfig => ({
    host: "127.0.0.1",
    port,
    database,
    user,
    password: PASSWORD,
    connectionTimeoutMillis: 5000,
  });
  const connect = async (database: string, user?: string) => {
    const client = new Client(config(database, user));
    await client.connect();
    return client;
  };
  const asSuperuser = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = await connect("postgres", SUPERUSER);
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  await asSuperuser(async (client) => {
    await client.query("CREATE ROLE rds_iam NOLOGIN");
    await client.query(`CREATE ROLE ${MASTER_USER} LOGIN CREATEROLE PASSWORD '${PASSWORD}'`);
    await client.query(`GRANT rds_iam TO ${MASTER_USER} WITH ADMIN OPTION`);
  });

  let databases = 0;
  let running = true;
  const postmasterPid = (): number | undefined => {
    if (!running) return undefined;
    try {
      return Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
    } catch {
      return undefined;
    }
  };
  return {
    host: "127.0.0.1",
    port,
    password: PASSWORD,
    caFile: tls.caFile,
    config,
    connect,
    dir,
    pid: postmasterPid,
    async createDatabase(prefix = "trading", exact?: string) {
      databases += 1;
      const name = exact ?? `${prefix}_${process.pid}_${databases}`;
      await asSuperuser((client) => client.query(`CREATE DATABASE ${name} OWNER ${MASTER_USER}`));
      return name;
    },
    async setPassword(role) {
      await asSuperuser((client) => client.query(`ALTER ROLE ${role} PASSWORD '${PASSWORD}'`));
    },
    async pause() {
      if (!running) return;
      await pg("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      running = false;
    },
    async resume() {
      if (running) return;
      await start();
      running = true;
    },
    async stop() {
      const postmaster = postmasterPid();
      if (running) await pg("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
      running = false;
      // pg_ctl returns once the pid file is gone, a moment before the postmaster has exited.
      if (postmaster) await waitGone(postmaster);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
