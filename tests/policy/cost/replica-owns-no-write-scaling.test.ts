// replica-owns-no-write-scaling: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { costPack } from "../../../policy/cost/policies";
import { COST_CONFIG } from "../support/sharedRuleFixtures";
import { T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("replica-owns-no-write-scaling", () => {
  const replicaStack = (dimensions: ("Read" | "Write")[]) => {
    const fx = new Fixture({ region: "eu-west-1" });
    const replica = fx.add(T.replica, "replica", { globalTableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/orders", kmsKeyArn: "k" });
    for (const d of dimensions) {
      fx.add(T.target, `orders-${d.toLowerCase()}`, {
        serviceNamespace: "dynamodb",
        scalableDimension: `dynamodb:table:${d}CapacityUnits`,
        resourceId: fx.ref(replica, "arn", "table/orders"),
        minCapacity: 5,
        maxCapacity: 50,
      });
    }
    return fx;
  };

  it("passes a replica with read scaling only and fails one that scales writes too", async () => {
    expect(messagesOf(await evaluate(costPack, replicaStack(["Read"]), COST_CONFIG), "replica-owns-no-write-scaling")).to.deep.equal([]);
    expect(messagesOf(await evaluate(costPack, replicaStack(["Read", "Write"]), COST_CONFIG), "replica-owns-no-write-scaling")).to.deep.equal([
      "scalable target orders-write scales the writes of replica replica; write auto scaling is the global table's, owned by the stack of the table",
    ]);
  });
});
