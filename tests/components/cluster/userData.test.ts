import { expect } from "chai";
import { BootSettings, renderUserData, serviceEnvironment } from "../../../components/cluster/userData";

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
