// dynamodb-provisioned-billing: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { costPack } from "../../../policy/cost/policies";
import { BUDGET } from "./fixtures";
import { T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("dynamodb-provisioned-billing", () => {
  it("reports an on-demand table unless allowOnDemand", async () => {
    const fx = new Fixture();
    fx.add(T.table, "orders", { billingMode: "PAY_PER_REQUEST", hashKey: "pk" });
    fx.add(T.table, "defaulted", { hashKey: "pk", readCapacity: 1, writeCapacity: 1 });
    const strict = await evaluate(costPack, fx, BUDGET);
    expect(messagesOf(strict, "dynamodb-provisioned-billing")).to.deep.equal([
      "table orders uses on-demand billing (PAY_PER_REQUEST); use PROVISIONED capacity with auto scaling",
    ]);
    const relaxed = await evaluate(costPack, fx, { ...BUDGET, "dynamodb-provisioned-billing": { allowOnDemand: true } });
    expect(messagesOf(relaxed, "dynamodb-provisioned-billing")).to.deep.equal([]);
  });
});
