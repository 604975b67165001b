// gsi-write-capacity-floor: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { costPack } from "../../../policy/cost/policies";
import { BUDGET } from "./fixtures";
import { dynamoTable, T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("gsi-write-capacity-floor", () => {
  it("reports a GSI whose write minimum or maximum is below the table's", async () => {
    const fx = new Fixture({ preview: true });
    dynamoTable(fx, { scaling: { tableWrite: { min: 10, max: 100 }, indexWrite: { min: 5, max: 50 } } });
    const result = await evaluate(costPack, fx, BUDGET);
    expect(messagesOf(result, "gsi-write-capacity-floor")).to.deep.equal([
      "index by-symbol of table orders has a write capacity minimum of 5, below the table's 10; a GSI that cannot absorb the table's writes throttles the table",
      "index by-symbol of table orders can scale writes only to 50, below the table's 100",
    ]);
  });

  it("compares provisioned capacities when there is no auto scaling", async () => {
    const fx = new Fixture();
    for (const [name, gsiWrites] of [["equal", 20], ["short", 5]] as const) {
      fx.add(T.table, name, {
        name,
        readCapacity: 5,
        writeCapacity: 20,
        globalSecondaryIndexes: [{ name: "g", hashKey: "g", projectionType: "KEYS_ONLY", readCapacity: 5, writeCapacity: gsiWrites }],
      });
    }
    const result = await evaluate(costPack, fx, { ...BUDGET, "dynamodb-autoscaling-coverage": "disabled" });
    expect(messagesOf(result, "gsi-write-capacity-floor")).to.deep.equal([
      "index g of table short has a write capacity minimum of 5, below the table's 20; a GSI that cannot absorb the table's writes throttles the table",
      "index g of table short can scale writes only to 5, below the table's 20",
    ]);
  });
});
