// dax-node-type-allowed: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { costPack } from "../../../policy/cost/policies";
import { BUDGET } from "./fixtures";
import { dax } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("dax-node-type-allowed", () => {
  it("reports a node type outside the allow-list", async () => {
    const fx = new Fixture();
    dax(fx, ["use1-az1"], { nodeType: "dax.t3.small" });
    const result = await evaluate(costPack, fx, BUDGET);
    expect(messagesOf(result, "dax-node-type-allowed")).to.deep.equal([
      "DAX cluster dax uses node type dax.t3.small, which is not allowed (allowed: dax.r5.large, dax.r5.xlarge, dax.r5.2xlarge)",
    ]);
    const dev = await evaluate(costPack, fx, { ...BUDGET, "dax-node-type-allowed": { allowedNodeTypes: ["dax.t3.small"] } });
    expect(messagesOf(dev, "dax-node-type-allowed")).to.deep.equal([]);
  });
});
