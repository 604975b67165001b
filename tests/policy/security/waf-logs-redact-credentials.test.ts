// waf-logs-redact-credentials, with its fixtures: a logging configuration that redacts both headers into a log group with retention, then what fails.
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { T } from "../support/builders";
import { evaluate, Fixture, FixtureResource, messagesOf } from "../support/fixture";

const WAF_LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration";

function wafLogging(fx: Fixture, redacted: string[], logGroupProps: Record<string, unknown> = { name: "aws-waf-logs-trading", retentionInDays: 90 }): FixtureResource {
  const acl = fx.add(T.webAcl, "acl", { scope: "REGIONAL", defaultAction: { allow: {} } });
  const group = fx.add(T.logGroup, "waf-logs", logGroupProps);
  return fx.add(WAF_LOGGING, "waf-logging", {
    resourceArn: fx.ref(acl, "arn"),
    logDestinationConfigs: [fx.ref(group, "arn", "arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-trading")],
    redactedFields: redacted.map((name) => ({ singleHeader: { name } })),
  });
}

describe("waf-logs-redact-credentials", () => {
  for (const preview of [false, true]) {
    it(`passes a configuration redacting authorization and cookie (any case) into a log group with retention (${preview ? "preview" : "after update"})`, async () => {
      const fx = new Fixture({ preview });
      wafLogging(fx, ["Authorization", "cookie"]);
      expect(messagesOf(await evaluate(securityPack, fx), "waf-logs-redact-credentials")).to.deep.equal([]);
    });
  }

  it("reports a header left in the logs, a destination kept forever, and one it cannot check", async () => {
    const fx = new Fixture();
    wafLogging(fx, ["authorization"], { name: "aws-waf-logs-trading" });
    fx.add(WAF_LOGGING, "to-firehose", {
      resourceArn: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/other/1",
      logDestinationConfigs: ["arn:aws:firehose:us-east-1:123456789012:deliverystream/aws-waf-logs-x"],
      redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
    });
    expect(messagesOf(await evaluate(securityPack, fx), "waf-logs-redact-credentials")).to.deep.equal([
      'WAF logging waf-logging does not redact cookie (redactedFields: [{ singleHeader: { name: "cookie" } }]): its log records would hold the credential',
      "WAF logging waf-logging writes to log group waf-logs, which keeps its events forever (no retentionInDays)",
      "WAF logging to-firehose writes to arn:aws:firehose:us-east-1:123456789012:deliverystream/aws-waf-logs-x, not a log group of this stack: its retention cannot be checked",
    ]);
  });

  it("takes the headers from config", async () => {
    const fx = new Fixture();
    wafLogging(fx, ["authorization"]);
    const result = await evaluate(securityPack, fx, { "waf-logs-redact-credentials": { redactedHeaders: ["authorization", "x-api-key"] } });
    expect(messagesOf(result, "waf-logs-redact-credentials")).to.have.length(1);
    expect(messagesOf(result, "waf-logs-redact-credentials")[0]).to.match(/does not redact x-api-key/);
  });
});
