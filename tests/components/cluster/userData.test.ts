import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  BOOT_RESERVE_SECONDS,
  BootSettings,
  bootRetryBudgetSeconds,
  instanceIdentityScript,
  MIN_GRACE_SECONDS,
  renderUserData,
  serviceEnvironment,
} from "../../../components/cluster/userData";

const SETTINGS: BootSettings = {
  region: "us-east-1",
  artifactBucket: "trading-artifacts-a1b2c3d",
  artifactKey: "trading-api/0f1e2d/main.js",
  artifactSha256: "0f1e2d3c4b5a69780f1e2d3c4b5a69780f1e2d3c4b5a69780f1e2d3c4b5a6978",
  port: 8080,
  tableName: "trading-platform-prod-trading",
  daxEndpoint: "daxs://trading-prod.abc123.dax-clusters.us-east-1.amazonaws.com",
  cursorSecretParameter: "/trading/prod-us-east-1/trading-api/cursor-secret",
  cursorSecretRotation: 1,
  logGroupName: "/trading/prod-us-east-1/trading-api",
};

describe("instance user data", () => {
  const script = renderUserData(SETTINGS);

  it("is a bash script that stops at the first failing step", () => {
    expect(script.startsWith("#!/bin/bash\n")).to.equal(true);
    expect(script).to.contain("\nset -euo pipefail\n");
    expect(script).to.not.contain("set -x");
  });

  it("installs Node.js from AL2023's packages and runs the service under systemd as its own user", () => {
    expect(script).to.match(/\ndnf install -y nodejs24 amazon-cloudwatch-agent/);
    expect(script).to.contain("ExecStart=/usr/bin/node-24 /opt/trading-api/main.js");
    expect(script).to.contain("User=trading-api");
    expect(script).to.contain("systemctl enable --now trading-api.service");
    expect(script).to.contain("EnvironmentFile=/etc/trading-api/secret.env");
  });

  it("fetches the deployed artifact by its content-addressed key (no version id) and checks its hash before running it", () => {
    expect(script).to.contain(
      `aws s3api get-object --region "$REGION" --bucket ${SETTINGS.artifactBucket} --key ${SETTINGS.artifactKey} /opt/trading-api/main.js.download`,
    );
    expect(script).to.not.contain("--version-id");
    const check = script.indexOf("sha256sum --check");
    expect(check).to.be.greaterThan(0);
    expect(script.indexOf("mv /opt/trading-api/main.js.download /opt/trading-api/main.js")).to.be.greaterThan(check);
  });

  it("hands the service its settings (region, table, DAX endpoint, port)", () => {
    expect(serviceEnvironment(SETTINGS)).to.deep.equal({
      PORT: "8080",
      AWS_REGION: "us-east-1",
      TABLE_NAME: SETTINGS.tableName,
      DAX_ENDPOINT: SETTINGS.daxEndpoint,
    });
    expect(script).to.contain(`\nPORT=8080\nAWS_REGION=us-east-1\nTABLE_NAME=${SETTINGS.tableName}\nDAX_ENDPOINT=${SETTINGS.daxEndpoint}\n`);
    expect(serviceEnvironment({ ...SETTINGS, daxEndpoint: "" })).to.not.have.property("DAX_ENDPOINT");
  });

  it("reads the cursor key from SSM at boot into a root-only file, and contains no key itself", () => {
    expect(script).to.contain(`PARAMETER=${SETTINGS.cursorSecretParameter}`);
    expect(script).to.contain("--with-decryption");
    expect(script.indexOf("umask 077")).to.be.lessThan(script.indexOf("> /etc/trading-api/secret.env"));
    // Only the shell variable is written, never a literal value.
    expect(script.match(/CURSOR_SECRET(_PREVIOUS)?=[^%]/g)).to.equal(null);
  });

  it("ships the service's and the boot's logs to the configured log group", () => {
    expect(script).to.contain(`"log_group_name": "${SETTINGS.logGroupName}"`);
    expect(script).to.contain('"file_path": "/var/log/trading-api/service.log"');
    expect(script).to.contain('"file_path": "/var/log/cloud-init-output.log"');
    expect(script).to.contain("amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s");
  });

  it("changes when the artifact, a setting or the key rotation changes", () => {
    expect(renderUserData({ ...SETTINGS })).to.equal(script);
    expect(renderUserData({ ...SETTINGS, artifactSha256: "ab".repeat(32) })).to.not.equal(script);
    expect(renderUserData({ ...SETTINGS, artifactKey: "trading-api/ab/main.js" })).to.not.equal(script);
    expect(renderUserData({ ...SETTINGS, tableName: "other-table" })).to.not.equal(script);
    expect(renderUserData({ ...SETTINGS, cursorSecretRotation: 2 })).to.not.equal(script);
  });

  it("fits EC2's 16 KB user-data limit with room to spare", () => {
    expect(Buffer.byteLength(script, "utf8")).to.be.below(8 * 1024);
  });

  it("refuses values that would need shell quoting", () => {
    expect(() => renderUserData({ ...SETTINGS, tableName: "orders'; rm -rf /" })).to.throw(
      'boot setting tableName has characters that are unsafe in a shell script: "orders\'; rm -rf /"',
    );
    expect(() => renderUserData({ ...SETTINGS, artifactKey: "a b" })).to.throw("boot setting artifactKey");
    expect(() => renderUserData({ ...SETTINGS, daxEndpoint: "daxs://x\nEVIL=1" })).to.throw("boot setting daxEndpoint");
  });
});

/**
 * The boot's IAM-dependent reads (S3 artifact, SSM cursor key) run through the script's own retry
 * function, executed here in bash with a fake `aws` (and, where time matters, a fake clock: `date`
 * and `sleep` that read and advance a file) on PATH.
 */
describe("instance user data: retries while IAM propagates", function () {
  this.timeout(30_000);
  const script = renderUserData(SETTINGS);

  /** The retry functions exactly as the rendered script defines them. */
  function retryFragment(text: string): string {
    const match = /\n(# --- boot retry: begin\n[\s\S]*?\n# --- boot retry: end)\n/.exec(text);
    expect(match, "the script defines its retry functions between markers").to.not.equal(null);
    return (match as RegExpExecArray)[1];
  }

  interface Run {
    status: number | null;
    stdout: string;
    stderr: string;
    calls: number;
    clock: number;
    wallMs: number;
  }

  /** Runs `command` after the fragment under `set -euo pipefail`, with fakes from `fakes` on PATH. */
  function runWithFakes(fragment: string, command: string, fakes: Record<string, string>): Run {
    const dir = mkdtempSync(path.join(tmpdir(), "boot-retry-"));
    const bin = path.join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(path.join(dir, "clock"), "1000000");
    writeFileSync(path.join(dir, "calls"), "0");
    for (const [name, body] of Object.entries(fakes)) {
      writeFileSync(path.join(bin, name), `#!/bin/bash\nSTATE=${dir}\n${body}\n`, { mode: 0o755 });
    }
    const started = Date.now();
    const result = spawnSync("bash", ["-c", `set -euo pipefail\n${fragment}\n${command}`], {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` },
      encoding: "utf8",
      timeout: 20_000,
    });
    const wallMs = Date.now() - started;
    const run = {
      status: result.status,
      stdout: result.stdout,
      stderr: result.stderr,
      calls: Number(readFileSync(path.join(dir, "calls"), "utf8")),
      clock: Number(readFileSync(path.join(dir, "clock"), "utf8")) - 1_000_000,
      wallMs,
    };
    rmSync(dir, { recursive: true, force: true });
    return run;
  }

  const COUNT = 'n=$(( $(cat "$STATE/calls") + 1 )); echo "$n" > "$STATE/calls"';
  const FAKE_CLOCK = {
    date: '[ "${1:-}" = "+%s" ] || exit 2\ncat "$STATE/clock"',
    sleep: 'echo $(( $(cat "$STATE/clock") + $1 )) > "$STATE/clock"',
  };
  /** Fails `n` times (as an instance whose role's policy has not propagated yet does), then prints 3. */
  const failingThenOk = (n: number) =>
    `${COUNT}\nif [ "$n" -le ${n} ]; then echo "An error occurred (AccessDeniedException) when calling the GetParameter operation" >&2; exit 254; fi\necho 3`;

  it("runs every S3 and SSM read of the boot through the retry function", () => {
    const reads = script.split("\n").filter((line) => /\baws (s3api|ssm) /.test(line));
    expect(reads.length, "the artifact and the cursor key reads").to.be.at.least(4);
    for (const line of reads) expect(line, line).to.match(/(^|\$\()retry_aws aws (s3api|ssm) /);
    expect(script.indexOf("# --- boot retry: begin"), "defined before the first read").to.be.lessThan(script.indexOf("aws s3api"));
  });

  it("succeeds on the attempt after the failures, passing the command's output through and logging each attempt", () => {
    const run = runWithFakes(retryFragment(script), 'V=$(retry_aws aws ssm get-parameter --name /p)\necho "value=$V"', {
      aws: failingThenOk(3),
      ...FAKE_CLOCK,
    });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.equal("value=3\n");
    expect(run.calls).to.equal(4);
    for (const attempt of [1, 2, 3]) expect(run.stderr).to.match(new RegExp(`attempt ${attempt} of aws ssm get-parameter --name /p failed \\(exit 254\\); retrying in \\d+ s`));
    expect(run.stderr).to.contain("attempt 4 of aws ssm get-parameter --name /p succeeded");
    // Backoff: 1 + 2 + 4 seconds of (fake) sleep before the fourth attempt.
    expect(run.clock).to.equal(7);
  });

  it("gives up with a non-zero exit once the total budget is spent, never sleeping past it", () => {
    const budget = bootRetryBudgetSeconds(120);
    const run = runWithFakes(retryFragment(script), "retry_aws aws s3api get-object --bucket b --key k out >/dev/null\necho unreachable", {
      aws: failingThenOk(1_000),
      ...FAKE_CLOCK,
    });
    expect(run.status).to.not.equal(0);
    expect(run.stdout).to.not.contain("unreachable");
    expect(run.clock, "time spent waiting stays within the budget").to.be.at.most(budget);
    expect(run.calls).to.be.within(4, 20);
    expect(run.stderr).to.match(new RegExp(`giving up on aws s3api get-object --bucket b --key k out after ${run.calls} attempts within ${budget} s`));
  });

  it("cuts an attempt that hangs at the deadline (real time)", () => {
    const fragment = retryFragment(renderUserData({ ...SETTINGS, retryBudgetSeconds: 2 }));
    const run = runWithFakes(fragment, "retry_aws aws ssm get-parameter --name /p", { aws: `${COUNT}\nexec sleep 30` });
    expect(run.status).to.not.equal(0);
    expect(run.wallMs, "bounded by the budget, not by the hung call").to.be.below(8_000);
    expect(run.stderr).to.contain("giving up on aws ssm get-parameter --name /p");
  });

  it("fits the retries inside the health check grace period, leaving the rest of the boot its reserve", () => {
    expect(bootRetryBudgetSeconds(120)).to.equal(120 - BOOT_RESERVE_SECONDS);
    expect(bootRetryBudgetSeconds(900)).to.equal(900 - BOOT_RESERVE_SECONDS);
    expect(bootRetryBudgetSeconds(MIN_GRACE_SECONDS)).to.be.at.least(15);
    expect(() => bootRetryBudgetSeconds(MIN_GRACE_SECONDS - 1)).to.throw(/grace period of \d+ s leaves/);
    // The default script is rendered with the default grace period's budget.
    expect(retryFragment(script)).to.contain(`BOOT_RETRY_BUDGET=${bootRetryBudgetSeconds(120)}\n`);
  });
});

describe("instance user data: one retry budget for all the reads", function () {
  this.timeout(30_000);

  it("shares the budget between reads, including those in command substitutions", () => {
    const script = renderUserData(SETTINGS);
    const fragment = (/\n(# --- boot retry: begin\n[\s\S]*?\n# --- boot retry: end)\n/.exec(script) as RegExpExecArray)[1];
    const dir = mkdtempSync(path.join(tmpdir(), "boot-budget-"));
    mkdirSync(path.join(dir, "bin"));
    writeFileSync(path.join(dir, "clock"), "1000000");
    const fake = (name: string, body: string) => writeFileSync(path.join(dir, "bin", name), `#!/bin/bash\nSTATE=${dir}\n${body}\n`, { mode: 0o755 });
    fake("date", 'cat "$STATE/clock"');
    fake("sleep", 'echo $(( $(cat "$STATE/clock") + $1 )) > "$STATE/clock"');
    // Every call fails: the first read spends nearly all the budget, the second only what is left.
    fake("aws", "exit 254");
    const result = spawnSync(
      "bash",
      ["-c", `set -uo pipefail\n${fragment}\nretry_aws aws s3api get-object x\nV=$(retry_aws aws ssm get-parameter --name /p)\necho "second=$?"`],
      { env: { ...process.env, PATH: `${path.join(dir, "bin")}:${process.env.PATH ?? ""}` }, encoding: "utf8" },
    );
    const spent = Number(readFileSync(path.join(dir, "clock"), "utf8")) - 1_000_000;
    rmSync(dir, { recursive: true, force: true });
    expect(result.stdout).to.match(/^second=[1-9]\d*\n$/);
    expect(spent, "both reads together stay within one budget").to.be.at.most(bootRetryBudgetSeconds(120));
    expect(result.stderr).to.match(/giving up on aws ssm get-parameter --name \/p after \d+ attempts within \d+ s/);
  });
});

describe("instance user data: the instance's name in /healthz", () => {
  it("writes the EC2 instance id, read from IMDSv2, as WRITE_REGION_INSTANCE into the service's settings", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "imds-"));
    try {
      // A fake curl: the token PUT answers a token, the instance-id GET (with that token) the id.
      writeFileSync(
        path.join(dir, "curl"),
        `#!/bin/bash\nargs="$*"\nif [[ "$args" == *"-X PUT"*"/latest/api/token"* ]]; then echo -n tok123; exit 0; fi\n` +
          `if [[ "$args" == *"X-aws-ec2-metadata-token: tok123"*"/latest/meta-data/instance-id"* ]]; then echo -n i-0abc123def4567890; exit 0; fi\nexit 22\n`,
        { mode: 0o755 },
      );
      const settings = path.join(dir, "settings.env");
      const run = spawnSync("bash", ["-euo", "pipefail", "-c", instanceIdentityScript(settings)], { env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: "utf8" });
      expect(run.status, run.stderr).to.equal(0);
      expect(readFileSync(settings, "utf8")).to.equal("WRITE_REGION_INSTANCE=i-0abc123def4567890\n");
      expect(renderUserData(SETTINGS)).to.contain(instanceIdentityScript("/etc/trading-api/settings.env"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
