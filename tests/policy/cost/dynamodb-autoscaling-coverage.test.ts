// dynamodb-autoscaling-coverage: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { costPack } from "../../../policy/cost/policies";
import { BUDGET } from "./fixtures";
import { dynamoTable, T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("dynamodb-autoscaling-coverage", () => {
  it("reports a table or GSI dimension without a scalable target", async () => {
    const fx = new Fixture({ preview: true });
    dynamoTable(fx, { scaling: { tableRead: null, indexWrite: null } });
    const result = await evaluate(costPack, fx, BUDGET);
    expect(messagesOf(result, "dynamodb-autoscaling-coverage")).to.deep.equal([
      "table orders has no read auto scaling target (an aws.appautoscaling.Target for dynamodb:table:ReadCapacityUnits)",
      "index by-symbol of table orders has no write auto scaling target (an aws.appautoscaling.Target for dynamodb:index:WriteCapacityUnits)",
    ]);
  });

  it("reports a target without a target-tracking policy", async () => {
    const fx = new Fixture();
    const table = fx.add(T.table, "orders", { name: "orders", billingMode: "PROVISIONED", readCapacity: 5, writeCapacity: 5 });
    for (const dimension of ["Read", "Write"]) {
      fx.add(T.target, `orders-${dimension.toLowerCase()}`, {
        serviceNamespace: "dynamodb",
        scalableDimension: `dynamodb:table:${dimension}CapacityUnits`,
        resourceId: fx.ref(table, "name", "table/orders"),
        minCapacity: 5,
        maxCapacity: 50,
      });
    }
    fx.add(T.scalingPolicy, "orders-read-step", {
      policyType: "StepScaling",
      serviceNamespace: "dynamodb",
      scalableDimension: "dynamodb:table:ReadCapacityUnits",
      resourceId: "table/orders",
    });
    const result = await evaluate(costPack, fx, BUDGET);
    expect(messagesOf(result, "dynamodb-autoscaling-coverage")).to.deep.equal([
      "read auto scaling target orders-read of table orders has no target-tracking scaling policy",
      "write auto scaling target orders-write of table orders has no target-tracking scaling policy",
    ]);
  });

  it("needs read scaling on a global-table replica, found by the table name in its ARN", async () => {
    const fx = new Fixture({ region: "eu-west-1" });
    const arn = "arn:aws:dynamodb:us-east-1:123456789012:table/orders";
    fx.add(T.replica, "orders-replica", { globalTableArn: arn, kmsKeyArn: "k", pointInTimeRecovery: true, deletionProtectionEnabled: true });
    const bare = await evaluate(costPack, fx, BUDGET);
    expect(messagesOf(bare, "dynamodb-autoscaling-coverage")).to.deep.equal([
      "table replica orders-replica has no read auto scaling target (an aws.appautoscaling.Target for dynamodb:table:ReadCapacityUnits)",
    ]);
    const target = fx.add(T.target, "replica-read", {
      serviceNamespace: "dynamodb",
      scalableDimension: "dynamodb:table:ReadCapacityUnits",
      resourceId: "table/orders",
      minCapacity: 5,
      maxCapacity: 50,
    });
    fx.add(T.scalingPolicy, "replica-read-tracking", {
      policyType: "TargetTrackingScaling",
      resourceId: fx.ref(target, "resourceId", "table/orders"),
      scalableDimension: "dynamodb:table:ReadCapacityUnits",
      targetTrackingScalingPolicyConfiguration: { targetValue: 70, predefinedMetricSpecification: { predefinedMetricType: "DynamoDBReadCapacityUtilization" } },
    });
    const covered = await evaluate(costPack, fx, BUDGET);
    expect(messagesOf(covered, "dynamodb-autoscaling-coverage")).to.deep.equal([]);
  });
});
