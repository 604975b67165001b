// monthly-budget: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { PolicyPackConfigError } from "../../../offline/policy/packConfig";
import { costPack } from "../../../policy/cost/policies";
import { dax, T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("monthly-budget", () => {
  function pricedStack(fx: Fixture): void {
    const eip = fx.add(T.eip, "eip", { domain: "vpc" });
    fx.add(T.nat, "nat", { allocationId: fx.ref(eip), subnetId: "subnet-1" });
    dax(fx, ["use1-az1", "use1-az2", "use1-az4"]);
  }

  it("passes under the budget and reports the estimate and its largest items over it", async () => {
    const fx = new Fixture();
    pricedStack(fx);
    const under = await evaluate(costPack, fx, { "monthly-budget": { monthlyBudgetUsd: 700 } });
    expect(messagesOf(under, "monthly-budget")).to.deep.equal([]);
    // 3 x 0.269 x 730 + 0.045 x 730 + 0.005 x 730 = 589.11 + 32.85 + 3.65
    const over = await evaluate(costPack, fx, { "monthly-budget": { monthlyBudgetUsd: 500, largestItems: 2 } });
    expect(messagesOf(over, "monthly-budget")).to.deep.equal([
      "estimated minimum monthly cost $625.61 exceeds monthlyBudgetUsd $500.00 (prices of 2026-11-25); largest items: " +
        "dax (3 x dax.r5.large DAX nodes) $589.11; nat (NAT gateway (hours; data processing is usage-based)) $32.85",
    ]);
  });

  it("names what it could not price", async () => {
    const fx = new Fixture();
    pricedStack(fx);
    dax(fx, ["use1-az1"], { nodeType: "dax.r4.large" });
    const result = await evaluate(costPack, fx, { "monthly-budget": { monthlyBudgetUsd: 10, largestItems: 1 } });
    expect(messagesOf(result, "monthly-budget")).to.deep.equal([
      "estimated minimum monthly cost $625.61 exceeds monthlyBudgetUsd $10.00 (prices of 2026-11-25); largest items: " +
        "dax (3 x dax.r5.large DAX nodes) $589.11; not priced (so not included): dax (node type dax.r4.large is not in the price snapshot)",
    ]);
  });

  it("requires a budget in the config", async () => {
    const fx = new Fixture();
    let error: unknown;
    try {
      await evaluate(costPack, fx, {});
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(PolicyPackConfigError);
    expect((error as PolicyPackConfigError).problems).to.deep.equal(["monthly-budget: monthlyBudgetUsd is required"]);
  });
});
