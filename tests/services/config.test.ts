import { expect } from "chai";
import { ConfigError, ENVIRONMENT, loadConfig } from "../../services/trading-api/src/config";
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
