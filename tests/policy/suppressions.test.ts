/**
 * Per-resource suppressions (policy/lib/suppressions.ts), honoured the same way by a resource rule
 * (s3-no-force-destroy) and a stack rule (no-world-ingress) of the real security pack: declared in
 * the rule's config entry or by a tag, each one silences only the resources it names, is reported
 * as an advisory that carries it, and is listed by the evaluation; an expired one, one without a
 * reason or an ISO expiry, and one that matches nothing fail the pack with a mandatory violation.
 */
import { expect } from "chai";
import { POLICY_PACKS } from "../../offline/policy/evaluateStack";
import type { PolicyPackConfigFile } from "../../policy/lib/packDefinition";
import { resiliencePack } from "../../policy/resilience/policies";
import { securityPack } from "../../policy/security/policies";
import { globToRegExp, parseSuppressedMessage, patternMatches, stackOfUrn, SUPPRESSION_TAG_PREFIX, todayUtc } from "../../policy/lib/suppressions";
import { ALL_RULE_NAMES } from "../../policy/lib/ruleNames";
import { T } from "./support/builders";
import { evaluate, Fixture, violationsOf } from "./support/fixture";

const FUTURE = "2099-12-31";
const PAST = "2020-01-01";

/** A bucket that sets forceDestroy (resource rule) and an app group open to the world (stack rule). */
function stack(tags: Record<string, string> = {}, ingressTags: Record<string, string> = {}): Fixture {
  const fx = new Fixture({ stack: "prod-us-east-1" });
  fx.add(T.bucket, "scratch", { bucket: "scratch", forceDestroy: true, tags });
  fx.add(T.bucket, "keep", { bucket: "keep", forceDestroy: true });
  const sg = fx.add(T.sg, "app-sg", {});
  fx.add(T.ingress, "app-open", { securityGroupId: fx.ref(sg), ipProtocol: "tcp", fromPort: 8080, toPort: 8080, cidrIpv4: "0.0.0.0/0", tags: ingressTags });
  return fx;
}

function config(rule: string, suppressions: unknown[]): PolicyPackConfigFile {
  return { [rule]: { suppressions } } as PolicyPackConfigFile;
}

describe("policy suppressions", () => {
  describe("matching", () => {
    it("matches a logical name, a name glob, and a URN pattern against the URN only", () => {
      const resource = { urn: "urn:pulumi:prod-us-east-1::trading-platform::aws:s3/bucket:Bucket::scratch", name: "scratch" };
      expect(patternMatches("scratch", resource)).to.equal(true);
      expect(patternMatches("scr*", resource)).to.equal(true);
      expect(patternMatches("keep", resource)).to.equal(false);
      expect(patternMatches("urn:pulumi:prod-*::*::aws:s3/bucket:Bucket::*", resource)).to.equal(true);
      expect(patternMatches("urn:pulumi:dev::*", resource)).to.equal(false);
      expect(globToRegExp("a.b*").test("aXb")).to.equal(false);
      expect(stackOfUrn(resource.urn)).to.equal("prod-us-east-1");
    });

    it("reads back what a suppressed message carries", () => {
      expect(parseSuppressedMessage("suppressed until 2099-12-31 by config suppressions[0] (resource \"x\"): why | the message")).to.deep.equal({
        expires: "2099-12-31",
        label: 'config suppressions[0] (resource "x")',
        reason: "why",
        message: "the message",
      });
      expect(parseSuppressedMessage("bucket x sets forceDestroy")).to.equal(undefined);
    });
  });

  describe("in force", () => {
    it("a config suppression silences a resource rule on the resource it names only, as an advisory that carries it", async () => {
      const reason = "scratch data rebuilt nightly (DATA-12)";
      const result = await evaluate(securityPack, stack(), config("s3-no-force-destroy", [{ resource: "scratch", reason, expires: FUTURE }]));
      const violations = violationsOf(result, "s3-no-force-destroy");
      expect(violations.map((v) => [v.enforcementLevel, v.urn?.split("::").pop()])).to.deep.equal([
        ["advisory", "scratch"],
        ["mandatory", "keep"],
      ]);
      expect(violations[0].suppressed).to.deep.include({ expires: FUTURE, reason, label: 'config suppressions[0] (resource "scratch")' });
      expect(violations[0].suppressed?.message).to.match(/^bucket scratch sets forceDestroy/);
      expect(result.suppressions).to.have.length(1);
      expect(result.suppressions[0]).to.deep.include({ rule: "s3-no-force-destroy", source: "config", resource: "scratch", reason, expires: FUTURE });
      expect(result.suppressions[0].matches).to.deep.equal([stack().resources[0].urn]);
    });

    it("a URN pattern silences a stack rule's violation on the matching resource", async () => {
      const result = await evaluate(
        securityPack,
        stack(),
        config("no-world-ingress", [{ resource: "urn:pulumi:prod-us-east-1::*SecurityGroupIngressRule::app-*", reason: "load test from the vendor", expires: FUTURE }]),
      );
      const [violation] = violationsOf(result, "no-world-ingress");
      expect(violation.enforcementLevel).to.equal("advisory");
      expect(violation.suppressed?.reason).to.equal("load test from the vendor");
    });

    it("a tag on the resource (policy-suppress:<rule> = <date> <reason>) works for both kinds of rule", async () => {
      const result = await evaluate(
        securityPack,
        stack({ [`${SUPPRESSION_TAG_PREFIX}s3-no-force-destroy`]: `${FUTURE} scratch data` }, { [`${SUPPRESSION_TAG_PREFIX}no-world-ingress`]: `${FUTURE} public demo port` }),
      );
      expect(violationsOf(result, "s3-no-force-destroy").map((v) => v.enforcementLevel)).to.deep.equal(["advisory", "mandatory"]);
      expect(violationsOf(result, "no-world-ingress").map((v) => [v.enforcementLevel, v.suppressed?.reason])).to.deep.equal([["advisory", "public demo port"]]);
      expect(result.suppressions.map((s) => [s.rule, s.source, s.label])).to.deep.equal([
        ["no-world-ingress", "tag", "tag policy-suppress:no-world-ingress on app-open"],
        ["s3-no-force-destroy", "tag", "tag policy-suppress:s3-no-force-destroy on scratch"],
      ]);
    });

    it("reads an auto scaling group's list-form tags", async () => {
      const fx = new Fixture({ stack: "prod-us-east-1" });
      fx.add(T.asg, "asg", {
        targetGroupArns: ["arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/tg/1"],
        healthCheckType: "EC2",
        tags: [{ key: `${SUPPRESSION_TAG_PREFIX}asg-elb-health-check`, value: `${FUTURE} load test on EC2 health`, propagateAtLaunch: false }],
      });
      const result = await evaluate(resiliencePack, fx);
      const violations = result.violations.filter((v) => v.policyName === "asg-elb-health-check");
      expect(violations.length).to.be.greaterThan(0);
      expect(violations.every((v) => v.enforcementLevel === "advisory" && v.suppressed?.reason === "load test on EC2 health")).to.equal(true);
    });

    it("the expiry day itself is still in force", async () => {
      const result = await evaluate(securityPack, stack(), config("s3-no-force-destroy", [{ resource: "scratch", reason: "last day", expires: todayUtc() }]));
      expect(violationsOf(result, "s3-no-force-destroy").map((v) => v.enforcementLevel)).to.deep.equal(["advisory", "mandatory"]);
    });

    it("a suppression limited to other stacks is neither honoured nor audited here", async () => {
      const result = await evaluate(securityPack, stack(), config("s3-no-force-destroy", [{ resource: "nothing-here", reason: "eu only", expires: FUTURE, stacks: ["prod-eu-west-1"] }]));
      expect(violationsOf(result, "s3-no-force-destroy").map((v) => v.enforcementLevel)).to.deep.equal(["mandatory", "mandatory"]);
      expect(result.suppressions).to.deep.equal([]);
    });
  });

  describe("refused: a mandatory violation naming the suppression", () => {
    async function problems(entry: Record<string, unknown>, rule = "s3-no-force-destroy"): Promise<string[]> {
      const result = await evaluate(securityPack, stack(), config(rule, [entry]));
      expect(result.suppressions, "a refused suppression is not in force").to.deep.equal([]);
      return violationsOf(result, rule)
        .filter((v) => v.enforcementLevel === "mandatory" && v.message.startsWith("suppression of"))
        .map((v) => v.message);
    }

    it("an expired suppression, and the violation it no longer silences", async () => {
      const result = await evaluate(securityPack, stack(), config("s3-no-force-destroy", [{ resource: "scratch", reason: "was temporary", expires: PAST }]));
      expect(violationsOf(result, "s3-no-force-destroy").map((v) => [v.enforcementLevel, v.message])).to.deep.equal([
        ["mandatory", "bucket scratch sets forceDestroy: a destroy or replacement deletes every object and version in it"],
        ["mandatory", "bucket keep sets forceDestroy: a destroy or replacement deletes every object and version in it"],
        ["mandatory", `suppression of s3-no-force-destroy by config suppressions[0] (resource "scratch") cannot be honoured: it expired on ${PAST}`],
      ]);
    });

    it("one without a reason, or with a blank one", async () => {
      expect(await problems({ resource: "scratch", expires: FUTURE })).to.deep.equal([
        'suppression of s3-no-force-destroy by config suppressions[0] (resource "scratch") cannot be honoured: it gives no reason',
      ]);
      expect(await problems({ resource: "scratch", reason: "  ", expires: FUTURE })).to.have.length(1);
    });

    it("one without an ISO expiry date", async () => {
      expect(await problems({ resource: "scratch", reason: "r" })).to.deep.equal([
        'suppression of s3-no-force-destroy by config suppressions[0] (resource "scratch") cannot be honoured: it has no expiry date (expires: YYYY-MM-DD)',
      ]);
      expect(await problems({ resource: "scratch", reason: "r", expires: "2027-02-30" })).to.deep.equal([
        'suppression of s3-no-force-destroy by config suppressions[0] (resource "scratch") cannot be honoured: its expiry "2027-02-30" is not an ISO date (YYYY-MM-DD)',
      ]);
    });

    it("one that matches no resource of the stack, for a stack rule as for a resource rule", async () => {
      expect(await problems({ resource: "scartch", reason: "typo", expires: FUTURE })).to.deep.equal([
        'suppression of s3-no-force-destroy by config suppressions[0] (resource "scartch") cannot be honoured: it matches no resource of stack prod-us-east-1: remove it, or fix the name or pattern',
      ]);
      expect(await problems({ resource: "urn:pulumi:dev::*", reason: "wrong stack", expires: FUTURE }, "no-world-ingress")).to.have.length(1);
    });

    it("a tag without a reason or with a bad date, attributed to the tagged resource", async () => {
      const result = await evaluate(securityPack, stack({ [`${SUPPRESSION_TAG_PREFIX}s3-no-force-destroy`]: "someday" }));
      const refused = violationsOf(result, "s3-no-force-destroy").filter((v) => v.message.startsWith("suppression of"));
      expect(refused.map((v) => [v.enforcementLevel, v.message, v.urn?.split("::").pop()])).to.deep.equal([
        [
          "mandatory",
          'suppression of s3-no-force-destroy by tag policy-suppress:s3-no-force-destroy on scratch cannot be honoured: it gives no reason (value: <YYYY-MM-DD> <reason>); its expiry "someday" is not an ISO date (YYYY-MM-DD)',
          "scratch",
        ],
      ]);
    });

    it("a bad suppression fails the pack even where the rule itself is advisory", async () => {
      const result = await evaluate(securityPack, stack(), {
        "s3-no-force-destroy": { enforcementLevel: "advisory", suppressions: [{ resource: "scratch", reason: "old", expires: PAST }] },
      } as PolicyPackConfigFile);
      expect(violationsOf(result, "s3-no-force-destroy").map((v) => v.enforcementLevel)).to.deep.equal(["advisory", "advisory", "mandatory"]);
    });

    it("the config schema refuses an entry with an unknown field, as the CLI would", async () => {
      let error: unknown;
      try {
        await evaluate(securityPack, stack(), config("s3-no-force-destroy", [{ resource: "scratch", reason: "r", expires: FUTURE, until: FUTURE }]));
      } catch (e) {
        error = e;
      }
      expect(String(error)).to.match(/s3-no-force-destroy.*suppressions/);
    });
  });

  it("policy/lib/ruleNames.ts lists exactly the packs' rules", () => {
    expect([...ALL_RULE_NAMES].sort()).to.deep.equal(Object.values(POLICY_PACKS).flatMap((p) => p.policies.map((x) => x.name)).sort());
  });

  it("every rule of every pack accepts suppressions", () => {
    for (const pack of Object.values(POLICY_PACKS)) {
      for (const policy of pack.policies) {
        expect(Object.keys(policy.configSchema?.properties ?? {}), policy.name).to.include("suppressions");
        expect(typeof (policy as { validateStack?: unknown }).validateStack, policy.name).to.equal("function");
      }
    }
  });
});
