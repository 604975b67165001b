// dynamodb-capacity-caps: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { costPack } from "../../../policy/cost/policies";
import { BUDGET } from "./fixtures";
import { dynamoTable } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("dynamodb-capacity-caps", () => {
  it("reports a target whose maximum exceeds the cap", async () => {
    const fx = new Fixture();
    dynamoTable(fx, { gsis: [], scaling: { tableRead: { min: 5, max: 500 }, tableWrite: { min: 5, max: 500 } } });
    const result = await evaluate(costPack, fx, { ...BUDGET, "dynamodb-capacity-caps": { maxReadCapacity: 400, maxWriteCapacity: 500 } });
    expect(messagesOf(result, "dynamodb-capacity-caps")).to.deep.equal(["auto scaling target orders-table-read lets read capacity grow to 500 units; the cap is 400"]);
  });
});
