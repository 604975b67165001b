// suppression-tags-name-rules, with its fixtures: tags naming real rules pass (whichever pack owns them); a misspelt one fails.
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("suppression-tags-name-rules", () => {
  it("passes tags that name a rule of any pack, and ignores other tags", async () => {
    const fx = new Fixture();
    fx.add(T.bucket, "scratch", { bucket: "scratch", tags: { "policy-suppress:s3-no-force-destroy": "2099-12-31 scratch data", Name: "scratch" } });
    fx.add(T.table, "orders", { tags: { "policy-suppress:dynamodb-provisioned-billing": "2099-12-31 load test" } });
    expect(messagesOf(await evaluate(securityPack, fx), "suppression-tags-name-rules")).to.deep.equal([]);
  });

  it("reports a tag naming no rule", async () => {
    const fx = new Fixture();
    fx.add(T.sg, "app", { tags: { "policy-suppress:no-world-ingres": "2099-12-31 demo" } });
    expect(messagesOf(await evaluate(securityPack, fx), "suppression-tags-name-rules")).to.deep.equal([
      "tag policy-suppress:no-world-ingres on app names no rule of any pack: it suppresses nothing (check the rule's name in policy/README.md)",
    ]);
  });
});
