/**
 * The migration Lambda as deployed: the archive ReferenceDataMigrations builds (the handler bundled
 * by esbuild exactly as `pulumi up` bundles it, and the migration files beside it), unpacked to a
 * directory and run by plain Node (no tsx) in a process of its own, the way the Lambda runtime loads
 * `index.handler`: against the real PostgreSQL harness, with the master secret read from Secrets
 * Manager on moto_server. A rejected handler is a failed invocation, which fails `pulumi up`
 * (aws.lambda.Invocation); here it is a non-zero exit.
 *
 * TLS: the handler verifies the server against the RDS CAs. The local server's certificate comes
 * from the harness's throwaway CA, so a first check shows the RDS CAs refuse it; the other runs set
 * the local-test CA override (migrationTls.ts), which still verifies fully and cannot apply in
 * Lambda or to a non-loopback host.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { migrationArchiveFiles } from "../../components/data/migrations";
import { APP_DB_ROLE, migrationFiles, migrationSetHash, REFDATA_DB_ROLE } from "../../services/reference-data/contract";
import { LOCAL_TEST_CA_ENV, migrationTlsOptions } from "../../services/reference-data/src/migrationTls";
import { MOTO_CREDENTIALS, sharedMoto, type Moto } from "../support/moto";
import { MASTER_USER, sharedPostgres, type Postgres } from "../support/postgres";
import { unique } from "./fixtures";

const run = promisify(execFile);
const REGION = "us-east-1";

// What the Lambda runtime does with index.handler, in a few lines: load the module, call the
// handler with the event, report the result (to a file: stdout is the function's log) or the error.
const RUNTIME = `
const { handler } = require(process.argv[1]);
handler(JSON.parse(process.argv[2]), {}).then(
  (result) => require("node:fs").writeFileSync(process.argv[3], JSON.stringify(result)),
  (error) => { process.stderr.write(String(error && error.stack || error)); process.exitCode = 1; },
);
`;
let invocations = 0;

interface Invocation {
  ok: boolean;
  result?: { applied: string[]; total: number; migrationSetSha256: string };
  error: string;
}

describe("migration Lambda handler, bundled and run as deployed (PostgreSQL + Secrets Manager on moto)", function () {
  this.timeout(60_000);
  let dir: string;
  let pg: Postgres;
  let moto: Moto;
  let database: string;
  let secretArn: string;
  let wrongPasswordArn: string;
  const expectedHash = migrationSetHash(migrationFiles());

  before(async function () {
    this.timeout(120_000);
    let files: Record<string, string>;
    [pg, moto, files] = await Promise.all([sharedPostgres(), sharedMoto(), migrationArchiveFiles()]);
    dir = mkdtempSync(path.join(tmpdir(), "refdata-migrations-fn-"));
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), content);
    }
    database = await pg.createDatabase("migfn");
    const secrets = new SecretsManagerClient({ region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    // The shape of an RDS-managed master secret: JSON with username and password.
    const create = async (password: string) =>
      (await secrets.send(new CreateSecretCommand({ Name: unique("rds!cluster"), SecretString: JSON.stringify({ username: MASTER_USER, password }) }))).ARN as string;
    [secretArn, wrongPasswordArn] = await Promise.all([create(pg.password), create("not-the-password")]);
    secrets.destroy();
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** One invocation in a fresh process; only the environment the function gets in AWS, plus the SDK's endpoint and the test CA. */
  async function invoke(overrides: Record<string, string | undefined> = {}, event: object = { migrationSetSha256: expectedHash }): Promise<Invocation> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      // The SDK's service-specific endpoint variable: configuration, not code, points it at moto.
      AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint,
      DB_HOST: pg.host,
      DB_PORT: String(pg.port),
      DB_NAME: database,
      DB_MASTER_SECRET_ARN: secretArn,
      NODE_OPTIONS: "--enable-source-maps",
      [LOCAL_TEST_CA_ENV]: pg.caFile,
    };
    for (const [k, v] of Object.entries(overrides)) {
      if (v === undefined) Reflect.deleteProperty(env, k);
      else env[k] = v;
    }
    const resultFile = path.join(dir, `result-${++invocations}.json`);
    try {
      await run(process.execPath, ["-e", RUNTIME, path.join(dir, "index.js"), JSON.stringify(event), resultFile], { env, timeout: 30_000 });
      return { ok: true, result: JSON.parse(readFileSync(resultFile, "utf8")) as Invocation["result"], error: "" };
    } catch (error) {
      const e = error as { stderr?: string; code?: number };
      return { ok: false, error: String(e.stderr ?? error) };
    }
  }

  it("applies every migration on the first invocation, and creates the application roles", async () => {
    const first = await invoke();
    expect(first.ok, first.error).to.equal(true);
    expect(first.result).to.deep.equal({ applied: migrationFiles().map((f) => f.name.replace(/\.sql$/, "")), total: migrationFiles().length, migrationSetSha256: expectedHash });
    const client = await pg.connect(database);
    try {
      const applied = await client.query<{ name: string }>("SELECT name FROM refdata.pgmigrations ORDER BY id");
      expect(applied.rows.map((r) => r.name)).to.deep.equal(first.result?.applied);
      const roles = await client.query<{ rolname: string }>(
        "SELECT r.rolname FROM pg_roles r JOIN pg_auth_members m ON m.member = r.oid JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = 'rds_iam' AND r.rolname = ANY($1) ORDER BY 1",
        [[APP_DB_ROLE, REFDATA_DB_ROLE]],
      );
      expect(roles.rows.map((r) => r.rolname)).to.deep.equal([APP_DB_ROLE, REFDATA_DB_ROLE].sort());
    } finally {
      await client.end();
    }
  });

  it("is a no-op on a second invocation", async () => {
    const second = await invoke();
    expect(second.ok, second.error).to.equal(true);
    expect(second.result).to.deep.equal({ applied: [], total: migrationFiles().length, migrationSetSha256: expectedHash });
  });

  it("fails the invocation (so pulumi up fails) on a missing secret, a wrong password, a foreign migration set, and a server no RDS CA vouches for", async () => {
    const [missing, wrongPassword, foreignSet, notRds] = await Promise.all([
      invoke({ DB_MASTER_SECRET_ARN: `arn:aws:secretsmanager:${REGION}:123456789012:secret:no-such-secret-AbCdEf` }),
      invoke({ DB_MASTER_SECRET_ARN: wrongPasswordArn }),
      invoke({}, { migrationSetSha256: "0".repeat(64) }),
      invoke({ [LOCAL_TEST_CA_ENV]: undefined }),
    ]);
    expect(missing.ok).to.equal(false);
    expect(missing.error).to.match(/ResourceNotFoundException|can't find the specified secret/i);
    expect(wrongPassword.ok).to.equal(false);
    expect(wrongPassword.error).to.match(/password authentication failed/);
    expect(foreignSet.ok).to.equal(false);
    expect(foreignSet.error).to.include(`this function carries ${expectedHash}`);
    expect(notRds.ok).to.equal(false);
    expect(notRds.error).to.match(/self[- ]signed certificate|unable to (get local issuer|verify)/i);
  });

  it("refuses the local-test CA override inside Lambda and for a non-loopback host", async () => {
    const inLambda = await invoke({ AWS_LAMBDA_FUNCTION_NAME: "trading-refdata-migrations" });
    expect(inLambda.ok).to.equal(false);
    expect(inLambda.error).to.include(`${LOCAL_TEST_CA_ENV} is set inside Lambda`);
    expect(() => migrationTlsOptions("trading.cluster-abc.us-east-1.rds.amazonaws.com", { [LOCAL_TEST_CA_ENV]: pg.caFile })).to.throw(/loopback database only/);
    // Without the variable, the RDS CAs and the endpoint's name, as before.
    const rds = migrationTlsOptions("trading.cluster-abc.us-east-1.rds.amazonaws.com", {});
    expect(rds).to.include({ rejectUnauthorized: true, servername: "trading.cluster-abc.us-east-1.rds.amazonaws.com" });
  });
});
