// dynamodb-pitr: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { dynamoTable, T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("dynamodb-pitr", () => {
  it("reports tables and replicas without point-in-time recovery", async () => {
    const fx = new Fixture();
    dynamoTable(fx, { props: { pointInTimeRecovery: { enabled: false } } });
    fx.add(T.replica, "replica", { globalTableArn: "arn:aws:dynamodb:us-east-1:1:table/orders", kmsKeyArn: "k", deletionProtectionEnabled: true });
    const result = await evaluate(securityPack, fx);
    expect(messagesOf(result, "dynamodb-pitr")).to.deep.equal([
      "table orders has point-in-time recovery off (pointInTimeRecovery.enabled)",
      "table replica replica has point-in-time recovery off (pointInTimeRecovery)",
    ]);
  });
});
