/**
 * `npm run preflight -- <stack>`: what a first deploy needs, offline (example values, quotas against
 * AWS's defaults, the region's other stacks counted in) and with credentials against moto_server
 * (an unvalidated certificate, the hosted zone, applied quotas, the current AMI), and the CLI's
 * exit codes and error lines.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ACMClient, RequestCertificateCommand } from "@aws-sdk/client-acm";
import { CreateHostedZoneCommand, Route53Client } from "@aws-sdk/client-route-53";
import { quotaLines } from "../../../offline/preflight/offlineChecks";
import { awsLines, certificateCovers } from "../../../offline/preflight/awsChecks";
import { preflight } from "../../../offline/preflight/preflight";
import { parseStackConfig } from "../../../stacks/config";
import { REPO_ROOT } from "../../../offline/cloud/stackFiles";
import { stackConfig } from "../../support/mockCloud";
import { MOTO_CREDENTIALS, sharedMoto } from "../../support/moto";
import type { RecordedResource } from "../../../offline/cloud/recorder";

const NO_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_CONFIG_FILE: "/dev/null",
  AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  AWS_EC2_METADATA_DISABLED: "true",
};

/** Runs `work` with process.env changed as given (undefined removes a variable), then restores it. */
async function withEnv<T>(changes: Record<string, string | undefined>, work: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(changes).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) Reflect.deleteProperty(process.env, k);
      else process.env[k] = v;
    }
  };
  apply(changes);
  try {
    return await work();
  } finally {
    apply(saved);
  }
}

const fakeResources = (type: string, n: number, region = "us-east-1") =>
  Array.from({ length: n }, (_, i) => ({ type, region, urn: `urn:${type}:${i}`, inputs: {}, propertyDependencies: {} }) as unknown as RecordedResource);

describe("npm run preflight", function () {
  this.timeout(120_000);

  it("offline: lists each example value with how to fill it, counts quotas with the region's other stacks, and says what it could not check", async () => {
    const result = await withEnv(NO_CREDENTIALS, () => preflight("prod-us-east-1", { offline: true }));
    const todo = result.lines.filter((l) => l.status === "TO DO").map((l) => l.what);
    expect(todo).to.deep.equal([
      "example value alarmEmailAddresses[0]",
      "example value clusterAmiId",
      "example value clusterCertificateArn",
      "example value dnsApiDomainName",
      "example value dnsHostedZoneId",
      "AWS checks",
    ]);
    const eips = result.lines.find((l) => l.what === "quota Elastic IPs per Region");
    expect(eips?.status).to.equal("OK");
    expect(eips?.detail).to.match(/^3 of AWS's default 5 in us-east-1; with dev \(1\) in the same account 4/);
    expect(result.lines.find((l) => l.what === "quota DAX nodes per Region")?.detail).to.match(/^3 of AWS's default 50/);
    expect(result.text.split("\n").at(-1)).to.equal("6 things to do before the first `pulumi up`.");
  });

  it("a quota the stacks of one region exceed together is a TO DO even when each alone fits", () => {
    const config = parseStackConfig("prod-us-east-1", stackConfig("prod-us-east-1"));
    const lines = quotaLines({
      config,
      resources: fakeResources("aws:ec2/eip:Eip", 3),
      neighbours: [{ stack: "dev", resources: fakeResources("aws:ec2/eip:Eip", 3) }, { stack: "eu", resources: fakeResources("aws:ec2/eip:Eip", 3, "eu-west-1") }],
    });
    expect(lines).to.have.length(1);
    expect(lines[0].status).to.equal("TO DO");
    expect(lines[0].detail).to.contain("3 of AWS's default 5 in us-east-1; with dev (3) in the same account 6").and.contain("above the default if they share an account");
    const alone = quotaLines({ config, resources: fakeResources("aws:ec2/eip:Eip", 6), neighbours: [] });
    expect(alone[0].status).to.equal("TO DO");
    expect(alone[0].detail).to.contain("request an increase in Service Quotas");
  });

  it("without credentials: one line naming the call and what to set, and the AWS checks listed as not run", async () => {
    const result = await withEnv(NO_CREDENTIALS, () => preflight("dev"));
    const line = result.lines.find((l) => l.what === "AWS credentials");
    expect(line?.status).to.equal("TO DO");
    expect(line?.detail).to.contain("sts:GetCallerIdentity in us-east-1 failed").and.contain("AWS_PROFILE").and.contain("not run without them: certificate status");
    expect(line?.detail).to.not.contain("\n");
  });

  it("a certificate covers its own name and one level under a wildcard", () => {
    expect(certificateCovers(["api.trading.bank.com"], "api.trading.bank.com")).to.equal(true);
    expect(certificateCovers(["*.trading.bank.com"], "api.trading.bank.com")).to.equal(true);
    expect(certificateCovers(["*.bank.com"], "api.trading.bank.com")).to.equal(false);
    expect(certificateCovers(["trading.bank.com"], "api.trading.bank.com")).to.equal(false);
  });

  describe("with credentials (moto_server)", () => {
    const stack = `preflight-${process.pid}`;
    const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
    after(() => rmSync(file, { force: true }));

    it("asks AWS: the certificate still pending validation, the public zone, applied quotas, the current AMI", async () => {
      const moto = await sharedMoto();
      const env = { ...NO_CREDENTIALS, AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey, AWS_ENDPOINT_URL: moto.endpoint };
      const [certificateArn, zoneId] = await withEnv(env, async () => {
        const acm = new ACMClient({ region: "us-east-1" });
        const cert = await acm.send(new RequestCertificateCommand({ DomainName: "api.trading.bank.com", ValidationMethod: "DNS" }));
        const route53 = new Route53Client({ region: "us-east-1" });
        const zone = await route53.send(new CreateHostedZoneCommand({ Name: "trading.bank.com", CallerReference: `preflight-${Date.now()}` }));
        return [String(cert.CertificateArn), String(zone.HostedZone?.Id).replace("/hostedzone/", "")];
      });
      copyFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), file);
      writeFileSync(
        file,
        readFileSync(file, "utf8") +
          `  trading-platform:clusterCertificateArn: ${certificateArn}\n`,
      );
      const result = await withEnv(env, () => preflight(stack));
      if (!result.lines.some((l) => l.what === "account")) throw new Error(result.text);
      const line = (what: string) => result.lines.find((l) => l.what === what);
      // moto_server's account is AWS's documentation account, which the check calls out.
      expect(line("account")?.status).to.equal("TO DO");
      expect(line("certificate (AWS)")?.status).to.equal("TO DO");
      expect(line("certificate (AWS)")?.detail).to.contain("is PENDING_VALIDATION");
      // moto's zone ids do not start with Z as Route 53's do, so the stack file could not name it: the check is given it directly.
      const config = { ...parseStackConfig(stack, stackConfig(stack)), dnsHostedZoneId: zoneId, dnsApiDomainName: "api.trading.bank.com" };
      const zoneLines = await withEnv(env, () => awsLines({ config, account: "123456789012", resources: [], neighbours: [] }));
      expect(zoneLines.find((l) => l.what === "hosted zone (AWS)")).to.deep.include({ status: "OK", detail: `${zoneId} is the public zone trading.bank.com` });
      const elsewhere = { ...config, dnsApiDomainName: "api.trading.other.com" };
      const wrongZone = await withEnv(env, () => awsLines({ config: elsewhere, account: "123456789012", resources: [], neighbours: [] }));
      expect(wrongZone.find((l) => l.what === "hosted zone (AWS)")?.detail).to.equal(`${zoneId} is trading.bank.com, which cannot hold api.trading.other.com`);
      expect(line("AMI (AWS)")?.detail).to.match(/AWS's current is ami-[0-9a-f]+/);
      expect(line("applied quota VPCs per Region")?.detail).to.match(/^5 in account 123456789012 \(vpc L-F678F1CE\); this stack needs 1, 3 with the region's other stacks/);
      // moto implements Service Quotas for the vpc service only: the Elastic IP quota's failed call is named.
      expect(line("applied quota Elastic IPs per Region")?.detail).to.contain("servicequotas:GetServiceQuota in us-east-1 failed");
    });
  });

  it("the CLI refuses a stack with no file in one line, exit 2, no stack trace", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "offline/preflight/main.ts", "prod-nowhere"], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(run.status).to.equal(2);
    expect(run.stderr).to.match(/^preflight: no stack file Pulumi\.prod-nowhere\.yaml; the stacks are .*dev.*\n/);
    expect(run.stderr + run.stdout).to.not.match(/^\s+at /m);
  });
});
