/**
 * The committed stack files' example values: found where they are, refused outside the example
 * account with one line each, and accepted in it (the mock cloud), so every stack plans as committed.
 */
import { expect } from "chai";
import { parseStackConfig } from "../../stacks/config";
import { EXAMPLE_ACCOUNT_ID, findPlaceholders, PlaceholderError, refusePlaceholders } from "../../stacks/placeholders";
import { FakeAccount, stackConfig, stackFileFailure } from "../support/mockCloud";

const configOf = (stack: string, overrides: Record<string, unknown> = {}) => parseStackConfig(stack, stackConfig(stack, overrides));
const keysOf = (stack: string) => findPlaceholders(configOf(stack)).map((p) => p.key.replace("trading-platform:", ""));

describe("stack file placeholders", () => {
  it("finds every example value of the committed stack files, and only those", () => {
    expect(keysOf("prod-us-east-1")).to.deep.equal(["alarmEmailAddresses[0]", "clusterAmiId", "clusterCertificateArn", "dnsApiDomainName", "dnsHostedZoneId"]);
    expect(keysOf("prod-eu-west-1")).to.deep.equal(["alarmEmailAddresses[0]", "clusterAmiId", "clusterCertificateArn", "dnsApiDomainName", "dnsHostedZoneId", "primaryStack"]);
    expect(keysOf("dev")).to.deep.equal(["alarmEmailAddresses[0]", "clusterAmiId"]);
  });

  it("finds none once a deployer's own values replace them", () => {
    const own = configOf("prod-eu-west-1", {
      "trading-platform:alarmEmailAddresses": ["sre@trading.bank.com"],
      "trading-platform:clusterAmiId": "ami-0123456789abcdef0",
      "trading-platform:clusterCertificateArn": "arn:aws:acm:eu-west-1:210987654321:certificate/8a3e61d2-7c4b-4f09-b5e8-91c0d7a2f364",
      "trading-platform:dnsApiDomainName": "api.trading.bank.com",
      "trading-platform:dnsHostedZoneId": "Z04417923NQZ7ABCDEF1",
      "trading-platform:primaryStack": "bank/trading-platform/prod-us-east-1",
    });
    expect(findPlaceholders(own)).to.deep.equal([]);
    expect(() => refusePlaceholders(own, "210987654321")).to.not.throw();
  });

  it("the example account plans them; any other account is refused with one line per value and how to fill it", () => {
    const config = configOf("prod-us-east-1");
    expect(() => refusePlaceholders(config, EXAMPLE_ACCOUNT_ID)).to.not.throw();
    let refused: unknown;
    try {
      refusePlaceholders(config, "210987654321");
    } catch (error) {
      refused = error;
    }
    expect(refused).to.be.instanceOf(PlaceholderError);
    const lines = (refused as Error).message.split("\n");
    expect(lines[0]).to.contain('Stack "prod-us-east-1"').and.contain("account 210987654321").and.contain("nothing was deployed");
    const items = lines.filter((l) => l.startsWith("  - "));
    expect(items).to.have.length(5);
    expect(items.find((l) => l.includes("clusterAmiId"))).to.contain("npm run ami:latest -- prod-us-east-1");
    expect(lines.at(-1)).to.contain("npm run preflight -- prod-us-east-1");
  });
});

describe("a real deploy with example values left (the mock cloud as another account, pulumi up mode)", () => {
  it("stops before registering any resource, naming each example value", async function () {
    this.timeout(60_000);
    const failure = await stackFileFailure("prod-us-east-1", { quirks: { account: new FakeAccount({ accountId: "210987654321" }) } });
    expect(failure.error).to.be.instanceOf(PlaceholderError);
    expect((failure.error as PlaceholderError).placeholders.map((p) => p.key)).to.include("trading-platform:clusterAmiId");
    expect(failure.registered.filter((r) => r.type !== "pulumi:pulumi:Stack")).to.deep.equal([]);
  });

});
