/**
 * The day-2 command-line tools as a newcomer without AWS credentials meets them: each real CLI runs
 * as a child process (node --import tsx <script>, as `npm run` starts it) with one user error at a
 * time — a bad flag, a missing required flag, an unknown subcommand, no credentials, no region, an
 * endpoint that does not answer — and must exit non-zero with a line that names the problem and no
 * stack frames.
 *
 * The environment is a clean room: no AWS_* credentials, region or profile, the shared config and
 * credentials files pointed at empty files, and the instance metadata service disabled (so the SDK's
 * chain ends at once instead of timing out on 169.254.169.254). The one real API needed, for a
 * failover against an environment that is not deployed, is moto_server (tests/support/moto.ts); a
 * second moto_server enforces IAM (moto's INITIAL_NO_AUTH_ACTION_COUNT), so unknown keys and an
 * identity without a policy get the answers AWS gives them.
 *
 * Not here: ami:latest without a region (every stack file names one); a command that succeeds would
 * rewrite files of the repository (the stack files, the price snapshot, README.md), so none does.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { freeLoopbackPort } from "../support/dynamoLocal";
import { MOTO_CREDENTIALS, sharedMoto, startMoto, type Moto } from "../support/moto";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const SCRIPTS = {
  failover: "services/failover/src/main.ts",
  "ami:latest": "offline/ops/amiLatestCli.ts",
  "refresh:wait": "offline/ops/waitForRefreshCli.ts",
  refdata: "services/reference-data/src/cli.ts",
  "prices:refresh": "offline/plan/prices/refreshCli.ts",
  "docs:config": "offline/configDocs.ts",
} as const;
type Cli = keyof typeof SCRIPTS;

interface Run {
  code: number | null;
  output: string;
}

/** A stack frame as Node prints one ("    at fn (file:line:col)"). */
const STACK_FRAME = /^\s+at \S/m;
const SINCE = "2026-01-01T00:00:00Z";
const CREDENTIALS = { AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey };

describe("day-2 CLIs without AWS credentials: user errors named, no stack traces", function () {
  this.timeout(30_000);
  let home: string;
  let cleanEnv: NodeJS.ProcessEnv;
  /** A loopback port nothing listens on: an endpoint that does not answer. */
  let closed: string;

  before(async () => {
    home = mkdtempSync(path.join(tmpdir(), "cli-errors-"));
    writeFileSync(path.join(home, "config"), "");
    writeFileSync(path.join(home, "credentials"), "");
    const kept = Object.entries(process.env).filter(([key]) => !key.startsWith("AWS_") && key !== "REFDATA_DATABASE_URL");
    cleanEnv = {
      ...Object.fromEntries(kept),
      AWS_CONFIG_FILE: path.join(home, "config"),
      AWS_SHARED_CREDENTIALS_FILE: path.join(home, "credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
    };
    closed = `http://127.0.0.1:${await freeLoopbackPort()}`;
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  function run(cli: Cli, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
    const child = spawn(process.execPath, ["--import", "tsx", SCRIPTS[cli], ...args], { cwd: REPO_ROOT, env: { ...cleanEnv, ...env } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    return new Promise((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code) => resolve({ code, output }));
    });
  }

  /** Non-zero exit, every pattern in the output, no stack frame. */
  function expectRefused(result: Run, ...patterns: RegExp[]): void {
    expect(result.code, result.output).to.be.a("number").and.not.equal(0);
    for (const pattern of patterns) expect(result.output).to.match(pattern);
    expect(result.output, "a stack frame").to.not.match(STACK_FRAME);
  }

  const PROFILE_HINT = /AWS_PROFILE=<name> after `aws configure`/;

  describe("failover", () => {
    it("names an unknown flag and a missing required one", async () => {
      expectRefused(await run("failover", ["--env", "prod", "--to", "eu-west-1", "--dry-rn"]), /unknown option --dry-rn; the options are --env, --to, --dry-run/);
      expectRefused(await run("failover", ["--env", "prod"]), /--to is required/);
    });

    it("without credentials (dry run): names the SSM call and region, how to sign in, and never says re-run", async () => {
      const result = await run("failover", ["--env", "prod", "--to", "eu-west-1", "--dry-run"]);
      expectRefused(result, /Dry run stopped \(it changes nothing\): ssm:GetParameter in us-east-1 failed: no AWS credentials/, PROFILE_HINT);
      expect(result.output).to.not.match(/re-run/i);
    });

    it("an endpoint that does not answer: refused, naming the call that got no answer", async () => {
      const result = await run("failover", ["--env", "prod", "--to", "eu-west-1", "--dry-run", "--endpoint-url", closed], CREDENTIALS);
      expectRefused(result, /Refused: the target region eu-west-1 is unreachable \(ssm:GetParameter in eu-west-1 unreachable: connect ECONNREFUSED/);
      expect(result.output).to.not.match(/re-run/i);
    });

    it("an environment not deployed (moto_server, a real run): names the missing parameter and says nothing was changed", async () => {
      const moto = await sharedMoto();
      // A project name no other suite writes parameters for, so the account is empty for it.
      const result = await run("failover", ["--env", "prod", "--to", "eu-west-1", "--project", "newcomer", "--regions", "us-east-1,eu-west-1", "--endpoint-url", moto.endpoint], CREDENTIALS);
      expectRefused(result, /Stopped before changing anything: ssm:GetParameter in us-east-1: parameter \/newcomer\/prod\/\S+ does not exist/);
      expect(result.output).to.not.match(/re-run/i);
    });
  });

  describe("ami:latest", () => {
    it("names a bad flag and an unknown stack", async () => {
      expectRefused(await run("ami:latest", ["dev", "--regoin", "us-east-1"]), /unknown option --regoin; the options are --region/);
      expectRefused(await run("ami:latest", ["prod"]), /unknown stack "prod": the stacks are dev, prod-eu-west-1, prod-us-east-1/);
    });

    it("without credentials: names ssm:GetParameter in the stack's region", async () => {
      expectRefused(await run("ami:latest", ["prod-eu-west-1"]), /ssm:GetParameter in eu-west-1 failed: no AWS credentials/, PROFILE_HINT);
    });
  });

  describe("refresh:wait", () => {
    it("names missing required flags and a bad value", async () => {
      expectRefused(await run("refresh:wait", ["--region", "us-east-1"]), /--asg and --since are required/);
      expectRefused(await run("refresh:wait", ["--asg", "trading", "--since", "yesterday"]), /--since must be an ISO time .*got "yesterday"/);
    });

    it("without a region, then without credentials: names the call and what to give", async () => {
      expectRefused(await run("refresh:wait", ["--asg", "trading", "--since", SINCE]), /autoscaling:DescribeInstanceRefreshes failed: no AWS region: pass --region <region> or set AWS_REGION/);
      expectRefused(await run("refresh:wait", ["--asg", "trading", "--since", SINCE, "--region", "us-east-1"]), /autoscaling:DescribeInstanceRefreshes in us-east-1 failed: no AWS credentials/, PROFILE_HINT);
    });

    it("an SSO profile never logged in: names the profile and `aws sso login`; the region is the profile's", async () => {
      const config = path.join(home, "sso-config");
      writeFileSync(
        config,
        [
          "[profile operator]",
          "sso_session = corp",
          "sso_account_id = 123456789012",
          "sso_role_name = Operator",
          "region = eu-west-1",
          "[sso-session corp]",
          "sso_start_url = https://corp.awsapps.example/start",
          "sso_region = us-east-1",
        ].join("\n"),
      );
      // HOME is the empty directory too, so there is no SSO token cache (~/.aws/sso/cache) to find.
      const result = await run("refresh:wait", ["--asg", "trading", "--since", SINCE], { AWS_PROFILE: "operator", AWS_CONFIG_FILE: config, HOME: home });
      expectRefused(result, /autoscaling:DescribeInstanceRefreshes in eu-west-1 failed: AWS credentials could not be loaded \(.*profile=operator/, /aws sso login --profile operator/);
    });

    it("an endpoint that does not answer (AWS_ENDPOINT_URL): says no answer came", async () => {
      const result = await run("refresh:wait", ["--asg", "trading", "--since", SINCE, "--region", "us-east-1"], { ...CREDENTIALS, AWS_ENDPOINT_URL: closed });
      expectRefused(result, /autoscaling:DescribeInstanceRefreshes in us-east-1 failed: no answer \(connect ECONNREFUSED/);
    });
  });

  describe("refdata", () => {
    it("refuses an unknown command by name and lists the commands", async () => {
      expectRefused(await run("refdata", ["instrument", "add", "--symbol", "ACME"]), /refdata: unknown command "instrument add"; commands are instruments add, instruments update, .*, audit/);
    });

    it("names an unknown option with the command's own options, and a missing required one before connecting", async () => {
      expectRefused(await run("refdata", ["instruments", "halt", "--symbol", "ACME", "--sybmol", "X"]), /unknown option --sybmol; the options of "instruments halt" are --symbol/);
      expectRefused(await run("refdata", ["instruments", "add", "--symbol", "ACME", "--tick-size", "1"]), /--lot-size is required/);
    });

    it("in AWS without credentials, then without a region: names sts:GetCallerIdentity and what to give", async () => {
      const aurora = ["instruments", "halt", "--symbol", "ACME", "--endpoint", "trading.cluster-abc.us-east-1.rds.amazonaws.com"];
      expectRefused(await run("refdata", [...aurora, "--region", "us-east-1"]), /sts:GetCallerIdentity in us-east-1 failed: no AWS credentials/, PROFILE_HINT);
      expectRefused(await run("refdata", aurora), /sts:GetCallerIdentity failed: no AWS region: pass --region <region> or set AWS_REGION/);
    });

    it("a database that does not answer: names where it tried", async () => {
      const port = new URL(closed).port;
      const result = await run("refdata", ["instruments", "halt", "--symbol", "ACME", "--database-url", `postgres://refdata:secret@127.0.0.1:${port}/trading`]);
      expectRefused(result, new RegExp(`cannot reach the database at 127\\.0\\.0\\.1:${port}: connect ECONNREFUSED`));
      expect(result.output, "the password").to.not.contain("secret");
    });
  });

  describe("credentials AWS refuses (moto_server enforcing IAM)", () => {
    let strict: Moto;
    let newcomer: { AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string };
    before(async function () {
      this.timeout(60_000);
      // moto enforces IAM after this many requests: the two below create a user with keys and no policy.
      // startMoto's child inherits process.env, so the variable is set around the start only.
      process.env.INITIAL_NO_AUTH_ACTION_COUNT = "2";
      try {
        strict = await startMoto();
      } finally {
        delete process.env.INITIAL_NO_AUTH_ACTION_COUNT;
      }
      await iam(strict, { Action: "CreateUser", UserName: "newcomer" });
      const keys = await iam(strict, { Action: "CreateAccessKey", UserName: "newcomer" });
      newcomer = { AWS_ACCESS_KEY_ID: tag(keys, "AccessKeyId"), AWS_SECRET_ACCESS_KEY: tag(keys, "SecretAccessKey") };
    });
    after(async () => strict?.stop());

    const refreshWait = ["--asg", "trading", "--since", SINCE, "--region", "us-east-1"];

    it("keys AWS does not know: says the credentials were refused and how to refresh them", async () => {
      const unknown = { AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
      const result = await run("refresh:wait", refreshWait, { ...unknown, AWS_ENDPOINT_URL: strict.endpoint });
      expectRefused(result, /autoscaling:DescribeInstanceRefreshes in us-east-1 failed: AWS refused the credentials \(InvalidClientTokenId/, /aws sso login/);
    });

    it("an identity without the permission: names the IAM action it needs", async () => {
      const result = await run("refresh:wait", refreshWait, { ...newcomer, AWS_ENDPOINT_URL: strict.endpoint });
      expectRefused(result, /failed: access denied \(AccessDenied: .*newcomer/, /The identity needs autoscaling:DescribeInstanceRefreshes in us-east-1/);
    });
  });

  describe("prices:refresh and docs:config", () => {
    it("prices:refresh: names a bad flag, and without credentials pricing:GetProducts, leaving the snapshot", async () => {
      expectRefused(await run("prices:refresh", ["--dryrun"]), /unknown option --dryrun; the options are --dry-run and --out/);
      expectRefused(await run("prices:refresh", ["--dry-run"]), /the snapshot was not changed/, /pricing:GetProducts in us-east-1 failed: no AWS credentials/, PROFILE_HINT);
    });

    it("docs:config refuses a flag it does not have (it would otherwise rewrite README.md)", async () => {
      expectRefused(await run("docs:config", ["--check"]), /docs:config: unknown option --check; this command takes no options/);
    });
  });
});

/** One IAM query-protocol call to moto (no IAM client is a dependency); moto routes by the service in the signature. */
async function iam(moto: Moto, params: Record<string, string>): Promise<string> {
  const res = await fetch(`${moto.endpoint}/`, {
    method: "POST",
    body: new URLSearchParams({ Version: "2010-05-08", ...params }),
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0",
    },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`moto ${params.Action} failed: ${res.status} ${text.slice(0, 300)}`);
  return text;
}

function tag(xml: string, name: string): string {
  const value = new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1];
  if (!value) throw new Error(`no <${name}> in ${xml.slice(0, 300)}`);
  return value;
}
