import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ConfigError, ENVIRONMENT, isLoopbackHost, loadConfig } from "../../services/trading-api/src/config";
import { DEFAULT_PORT, HEALTH_PATH, READINESS_PATH } from "../../services/trading-api/src/contract";
import { depsFromEnvironment } from "../../services/stream-processor/src/handler";

const SECRET = "s".repeat(40);
const valid = { AWS_REGION: "us-east-1", TABLE_NAME: "trading-prod-trading", CURSOR_SECRET: SECRET };

function problemsFor(env: Record<string, string | undefined>): { variable: string; message: string }[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("trading-api configuration", () => {
  it("exports the contract the infrastructure imports", () => {
    expect(READINESS_PATH).to.equal("/readyz");
    expect(HEALTH_PATH).to.equal("/healthz");
    expect(DEFAULT_PORT).to.equal(8080);
  });

  it("applies the documented defaults", () => {
    const config = loadConfig(valid);
    expect(config).to.deep.include({
      port: DEFAULT_PORT,
      host: "0.0.0.0",
      region: "us-east-1",
      tableName: "trading-prod-trading",
      cursorSecrets: [SECRET],
      logLevel: "info",
      shutdownDrainMs: 10_000,
      shutdownGraceMs: 20_000,
      bodyLimitBytes: 16_384,
      idempotencyTtlSeconds: 604_800,
      dynamoDbMaxAttempts: 3,
      dynamoDbTimeoutMs: 1000,
      requestDeadlineMs: 5000,
      retryAfterSeconds: 1,
      httpHeadersTimeoutMs: 10_000,
      httpBodyTimeoutMs: 15_000,
      httpIdleTimeoutMs: 75_000,
    });
    expect(config.daxEndpoint).to.equal(undefined);
    expect(config.dynamoDbEndpoint).to.equal(undefined);
    for (const [name, spec] of Object.entries(ENVIRONMENT)) expect(spec.description, name).to.not.equal("");
  });

  it("reads every variable it documents", () => {
    const config = loadConfig({
      ...valid,
      PORT: "9000",
      HOST: "127.0.0.1",
      DAX_ENDPOINT: "daxs://cluster.abc.dax-clusters.us-east-1.amazonaws.com",
      DYNAMODB_ENDPOINT: "http://127.0.0.1:8000",
      CURSOR_SECRET_PREVIOUS: "p".repeat(32),
      LOG_LEVEL: "warn",
      SHUTDOWN_DRAIN_MS: "0",
      SHUTDOWN_GRACE_MS: "500",
      BODY_LIMIT_BYTES: "2048",
      IDEMPOTENCY_TTL_SECONDS: "3600",
      DYNAMODB_MAX_ATTEMPTS: "5",
      DYNAMODB_TIMEOUT_MS: "250",
      REQUEST_DEADLINE_MS: "900",
      RETRY_AFTER_SECONDS: "2",
      HTTP_HEADERS_TIMEOUT_MS: "2000",
      HTTP_BODY_TIMEOUT_MS: "3000",
      HTTP_IDLE_TIMEOUT_MS: "61000",
    });
    expect(config).to.deep.include({
      port: 9000,
      host: "127.0.0.1",
      daxEndpoint: "daxs://cluster.abc.dax-clusters.us-east-1.amazonaws.com",
      dynamoDbEndpoint: "http://127.0.0.1:8000",
      cursorSecrets: [SECRET, "p".repeat(32)],
      logLevel: "warn",
      shutdownDrainMs: 0,
      shutdownGraceMs: 500,
      bodyLimitBytes: 2048,
      idempotencyTtlSeconds: 3600,
      dynamoDbMaxAttempts: 5,
      dynamoDbTimeoutMs: 250,
      requestDeadlineMs: 900,
      retryAfterSeconds: 2,
      httpHeadersTimeoutMs: 2000,
      httpBodyTimeoutMs: 3000,
      httpIdleTimeoutMs: 61_000,
    });
  });

  it("treats an empty value as unset (VAR= in an env file)", () => {
    expect(loadConfig({ ...valid, PORT: "", DAX_ENDPOINT: " " }).port).to.equal(DEFAULT_PORT);
    expect(loadConfig({ ...valid, DAX_ENDPOINT: "" }).daxEndpoint).to.equal(undefined);
  });

  const cases: [string, Record<string, string | undefined>, RegExp][] = [
    ["PORT", { PORT: "abc" }, /must be an integer between 1 and 65535 \(got "abc"\)/],
    ["PORT", { PORT: "70000" }, /must be at most 65535/],
    ["PORT", { PORT: "0" }, /must be at least 1/],
    ["AWS_REGION", { AWS_REGION: undefined }, /is required/],
    ["AWS_REGION", { AWS_REGION: "useast1" }, /AWS region/],
    ["TABLE_NAME", { TABLE_NAME: undefined }, /is required/],
    ["TABLE_NAME", { TABLE_NAME: "a b" }, /letters, digits/],
    ["DAX_ENDPOINT", { DAX_ENDPOINT: "http://dax.example" }, /dax:\/\/ or daxs:\/\//],
    ["DYNAMODB_ENDPOINT", { DYNAMODB_ENDPOINT: "localhost:8000" }, /http:\/\/ or https:\/\//],
    ["CURSOR_SECRET", { CURSOR_SECRET: undefined }, /is required/],
    ["CURSOR_SECRET", { CURSOR_SECRET: "short" }, /at least 32 characters/],
    ["CURSOR_SECRET_PREVIOUS", { CURSOR_SECRET_PREVIOUS: "short" }, /at least 32 characters/],
    ["LOG_LEVEL", { LOG_LEVEL: "loud" }, /must be one of fatal, error, warn, info/],
    ["SHUTDOWN_DRAIN_MS", { SHUTDOWN_DRAIN_MS: "-1" }, /must be an integer/],
    ["SHUTDOWN_GRACE_MS", { SHUTDOWN_GRACE_MS: "1.5" }, /must be an integer/],
    ["BODY_LIMIT_BYTES", { BODY_LIMIT_BYTES: "10" }, /must be at least 256/],
    ["IDEMPOTENCY_TTL_SECONDS", { IDEMPOTENCY_TTL_SECONDS: "60" }, /must be at least 3600/],
    ["DYNAMODB_MAX_ATTEMPTS", { DYNAMODB_MAX_ATTEMPTS: "11" }, /must be at most 10/],
    ["DYNAMODB_TIMEOUT_MS", { DYNAMODB_TIMEOUT_MS: "x" }, /must be an integer/],
    ["RETRY_AFTER_SECONDS", { RETRY_AFTER_SECONDS: "0" }, /must be at least 1/],
    ["REQUEST_DEADLINE_MS", { REQUEST_DEADLINE_MS: "100" }, /must be at least 200/],
    ["REQUEST_DEADLINE_MS", { REQUEST_DEADLINE_MS: "900" }, /must be greater than DYNAMODB_TIMEOUT_MS \(1000\) \(got "900"\)/],
    ["HTTP_HEADERS_TIMEOUT_MS", { HTTP_HEADERS_TIMEOUT_MS: "x" }, /must be an integer/],
    ["HTTP_BODY_TIMEOUT_MS", { HTTP_BODY_TIMEOUT_MS: "5000" }, /must be at least HTTP_HEADERS_TIMEOUT_MS \(10000\)/],
    ["HTTP_IDLE_TIMEOUT_MS", { HTTP_IDLE_TIMEOUT_MS: "500" }, /must be at least 1000/],
    ["HTTP_IDLE_TIMEOUT_MS", { HTTP_IDLE_TIMEOUT_MS: "4000" }, /must be greater than REQUEST_DEADLINE_MS \(5000\)/],
  ];
  for (const [variable, change, message] of cases) {
    it(`rejects ${variable}=${JSON.stringify(Object.values(change)[0] ?? null)} naming the variable`, () => {
      const problems = problemsFor({ ...valid, ...change });
      expect(problems.map((p) => p.variable)).to.deep.equal([variable]);
      expect(problems[0].message).to.match(message);
      expect(() => loadConfig({ ...valid, ...change })).to.throw(new RegExp(`^Invalid configuration: ${variable} `));
    });
  }

  it("names every bad variable at once", () => {
    const problems = problemsFor({ PORT: "x", LOG_LEVEL: "loud" });
    expect(problems.map((p) => p.variable)).to.have.members(["PORT", "AWS_REGION", "TABLE_NAME", "CURSOR_SECRET", "LOG_LEVEL"]);
  });

  it("never echoes a secret's value", () => {
    const secret = "not-long-enough-secret";
    expect(() => loadConfig({ ...valid, CURSOR_SECRET: secret })).to.throw(ConfigError).that.satisfies(
      (error: Error) => !error.message.includes(secret),
    );
  });
});

describe("trading-api dependencies: AWS IAM (the default) and the loopback-only local mode", () => {
  const risk = { REFDATA_DB_HOST: "db.cluster-ro-abc.us-east-1.rds.amazonaws.com", CACHE_HOST: "master.cache.abc.use1.cache.amazonaws.com", CACHE_USER: "trading-app", CACHE_REPLICATION_GROUP_ID: "trading-prod" };
  const loopback = { LOCAL_DEPENDENCIES: "loopback", REFDATA_DB_HOST: "127.0.0.1", CACHE_HOST: "127.0.0.1", CACHE_USER: "trading-app", REFDATA_DB_PASSWORD: "db-secret-value", CACHE_PASSWORD: "cache-secret-value", CACHE_TLS: "false" };
  let dir: string;
  let caFile: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "config-test-"));
    caFile = path.join(dir, "ca.crt");
    writeFileSync(caFile, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("signs IAM tokens for the replication group unless told otherwise (LOCAL_DEPENDENCIES defaults to aws)", () => {
    expect(ENVIRONMENT.LOCAL_DEPENDENCIES.default).to.equal("aws");
    const config = loadConfig({ ...valid, ...risk });
    expect(config.risk?.credentials).to.deep.equal({ kind: "aws", cacheReplicationGroupId: "trading-prod" });
    expect(config.risk?.cacheTls).to.equal(true);
  });

  it("takes static passwords and the local CA in loopback mode, without a replication group", () => {
    const config = loadConfig({ ...valid, ...loopback, REFDATA_DB_CA_FILE: caFile });
    expect(config.risk).to.deep.include({ dbHost: "127.0.0.1", cacheHost: "127.0.0.1", cacheUser: "trading-app", cacheTls: false });
    expect(config.risk?.credentials).to.deep.equal({
      kind: "loopback",
      dbPassword: "db-secret-value",
      cachePassword: "cache-secret-value",
      dbCa: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    });
    const plain = loadConfig({ ...valid, ...loopback }).risk?.credentials;
    expect(plain).to.deep.equal({ kind: "loopback", dbPassword: "db-secret-value", cachePassword: "cache-secret-value" });
  });

  for (const host of ["127.0.0.1", "127.8.9.10", "localhost", "LOCALHOST", "::1", "[::1]", "0:0:0:0:0:0:0:1"]) {
    it(`accepts loopback mode with REFDATA_DB_HOST and CACHE_HOST ${host}`, () => {
      expect(isLoopbackHost(host)).to.equal(true);
      expect(loadConfig({ ...valid, ...loopback, REFDATA_DB_HOST: host, CACHE_HOST: host }).risk?.credentials.kind).to.equal("loopback");
    });
  }

  const remote = [
    "db.cluster-ro-abc.us-east-1.rds.amazonaws.com", "10.0.1.5", "192.168.1.10", "0.0.0.0", "128.0.0.1", "::2", "::ffff:10.0.0.1",
    "127.0.0.1.nip.io", "localhost.example.com", "1.127.0.0",
  ];
  for (const host of remote) {
    for (const variable of ["REFDATA_DB_HOST", "CACHE_HOST"]) {
      it(`refuses loopback mode with ${variable}=${host}, naming LOCAL_DEPENDENCIES and the host`, () => {
        expect(isLoopbackHost(host)).to.equal(false);
        const problems = problemsFor({ ...valid, ...loopback, [variable]: host });
        expect(problems.map((p) => p.variable)).to.deep.equal(["LOCAL_DEPENDENCIES"]);
        expect(problems[0].message).to.include(`${variable} is "${host}"`).and.include("127.0.0.0/8, ::1 or localhost");
        expect(() => loadConfig({ ...valid, ...loopback, [variable]: host })).to.throw(/^Invalid configuration: LOCAL_DEPENDENCIES loopback is allowed only when/);
      });
    }
  }

  it("refuses the loopback-only variables in aws mode, naming each (a static password never replaces an IAM token in AWS)", () => {
    const problems = problemsFor({ ...valid, ...risk, REFDATA_DB_PASSWORD: "x", CACHE_PASSWORD: "y", REFDATA_DB_CA_FILE: caFile });
    expect(problems.map((p) => p.variable)).to.deep.equal(["REFDATA_DB_PASSWORD", "REFDATA_DB_CA_FILE", "CACHE_PASSWORD"]);
    for (const p of problems) expect(p.message).to.match(/is allowed only with LOCAL_DEPENDENCIES=loopback/);
    // Even without the rest of the risk variables: such a process is refused, not started without them.
    expect(problemsFor({ ...valid, CACHE_PASSWORD: "y" }).map((p) => p.variable)).to.deep.equal(["CACHE_PASSWORD"]);
  });

  it("needs both passwords, both hosts and the cache user in loopback mode", () => {
    const problems = problemsFor({ ...valid, LOCAL_DEPENDENCIES: "loopback" });
    expect(problems.map((p) => p.variable)).to.deep.equal(["REFDATA_DB_HOST", "CACHE_HOST", "CACHE_USER", "REFDATA_DB_PASSWORD", "CACHE_PASSWORD"]);
    for (const p of problems) expect(p.message).to.equal("is required with LOCAL_DEPENDENCIES=loopback");
  });

  it("names a CA file that cannot be read or is not PEM", () => {
    const missing = path.join(dir, "nope.crt");
    expect(problemsFor({ ...valid, ...loopback, REFDATA_DB_CA_FILE: missing })).to.deep.equal([
      { variable: "REFDATA_DB_CA_FILE", message: `must be a readable PEM file (got "${missing}")` },
    ]);
    const text = path.join(dir, "not-pem.txt");
    writeFileSync(text, "hello");
    expect(problemsFor({ ...valid, ...loopback, REFDATA_DB_CA_FILE: text })[0].message).to.match(/must be a PEM certificate file/);
  });

  it("refuses an unknown mode and never echoes either password", () => {
    expect(problemsFor({ ...valid, LOCAL_DEPENDENCIES: "local" })).to.deep.equal([{ variable: "LOCAL_DEPENDENCIES", message: 'must be aws or loopback (got "local")' }]);
    for (const env of [{ ...valid, ...risk, REFDATA_DB_PASSWORD: "db-secret-value", CACHE_PASSWORD: "cache-secret-value" }, { ...valid, ...loopback, REFDATA_DB_HOST: "db.example.com" }]) {
      expect(() => loadConfig(env)).to.throw(ConfigError).that.satisfies((error: Error) => !error.message.includes("secret-value"));
    }
  });
});

describe("stream-processor configuration", () => {
  it("names the missing variables", () => {
    expect(() => depsFromEnvironment({})).to.throw(/TABLE_NAME is required.*AWS_REGION is required/);
    expect(() => depsFromEnvironment({ TABLE_NAME: "t", AWS_REGION: "us-east-1", DYNAMODB_ENDPOINT: "nope" })).to.throw(
      /DYNAMODB_ENDPOINT must be an http\(s\) URL/,
    );
  });

  it("builds a client for a valid environment", () => {
    const deps = depsFromEnvironment({ TABLE_NAME: "t", AWS_REGION: "us-east-1", DYNAMODB_ENDPOINT: "http://127.0.0.1:1" });
    expect(deps.tableName).to.equal("t");
    expect(deps.doc.get).to.be.a("function");
    deps.doc.destroy();
  });
});
