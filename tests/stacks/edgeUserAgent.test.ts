/**
 * The web ACL of every stack that has one lets authenticated machine clients through without a
 * User-Agent: the core rule set's NoUserAgent_HEADER (action Block in the managed group) is set to
 * count, and nothing else in the managed groups is loosened (components/edge/edgeProtection.ts).
 */
import { expect } from "chai";
import { CRS_COUNTED_RULES, MANAGED_RULE_GROUPS } from "../../components/edge/edgeProtection";
import { STACKS } from "../support/mockCloud";
import { deployedStackRun } from "../support/stackRuns";

const ACL = "aws:wafv2/webAcl:WebAcl";

interface ManagedRule {
  name: string;
  statement: { managedRuleGroupStatement?: { name: string; ruleActionOverrides?: { name: string; actionToUse: unknown }[] } };
}

describe("WAF and clients without a User-Agent", function () {
  this.timeout(120_000);

  it("counts, rather than blocks, requests without a User-Agent in every stack's web ACL; every other managed rule keeps its action", async () => {
    let acls = 0;
    for (const stack of STACKS) {
      const run = await deployedStackRun(stack);
      for (const acl of run.ofType(ACL)) {
        acls += 1;
        const rules = acl.inputs.rules as ManagedRule[];
        for (const group of MANAGED_RULE_GROUPS) {
          const statement = rules.find((r) => r.statement.managedRuleGroupStatement?.name === group)?.statement.managedRuleGroupStatement;
          expect(statement, `${stack}: ${group}`).to.not.equal(undefined);
          const overrides = statement?.ruleActionOverrides ?? [];
          if (group !== "AWSManagedRulesCommonRuleSet") {
            expect(overrides, `${stack}: ${group} keeps every rule's action`).to.deep.equal([]);
            continue;
          }
          expect(overrides, `${stack}: the core rule set`).to.deep.include({ name: "NoUserAgent_HEADER", actionToUse: { count: {} } });
          // Only the two deliberate exceptions, both to count (never to allow, which would end the evaluation).
          expect(overrides.map((o) => o.name).sort()).to.deep.equal(["NoUserAgent_HEADER", "SizeRestrictions_BODY"]);
          expect(overrides.every((o) => JSON.stringify(o.actionToUse) === JSON.stringify({ count: {} }))).to.equal(true);
        }
      }
    }
    expect(acls, "the prod stacks have a web ACL").to.be.at.least(2);
    expect([...CRS_COUNTED_RULES].sort()).to.deep.equal(["NoUserAgent_HEADER", "SizeRestrictions_BODY"]);
  });
});
