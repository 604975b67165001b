// dynamodb-target-utilisation-band: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { costPack } from "../../../policy/cost/policies";
import { BUDGET } from "./fixtures";
import { dynamoTable, T } from "../support/builders";
import { evaluate, Fixture, messagesOf, UNKNOWN, violationsOf } from "../support/fixture";

describe("dynamodb-target-utilisation-band", () => {
  it("reports targets outside the configured band", async () => {
    const fx = new Fixture();
    dynamoTable(fx, { gsis: [], targetValue: 85 });
    const result = await evaluate(costPack, fx, BUDGET);
    expect(messagesOf(result, "dynamodb-target-utilisation-band")).to.deep.equal([
      "scaling policy orders-table-read-tracking targets 85% DynamoDBReadCapacityUtilization; the target must be between 50% and 80%",
      "scaling policy orders-table-write-tracking targets 85% DynamoDBWriteCapacityUtilization; the target must be between 50% and 80%",
    ]);
    const wide = await evaluate(costPack, fx, { ...BUDGET, "dynamodb-target-utilisation-band": { minTargetUtilisation: 30, maxTargetUtilisation: 90 } });
    expect(messagesOf(wide, "dynamodb-target-utilisation-band")).to.deep.equal([]);
  });

  it("does not apply to other scaling policies, and cannot judge an unknown target in a preview", async () => {
    const fx = new Fixture();
    fx.add(T.scalingPolicy, "ecs", {
      policyType: "TargetTrackingScaling",
      targetTrackingScalingPolicyConfiguration: { targetValue: 99, predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" } },
    });
    fx.add(T.scalingPolicy, "unknown", {
      policyType: "TargetTrackingScaling",
      targetTrackingScalingPolicyConfiguration: { targetValue: UNKNOWN, predefinedMetricSpecification: { predefinedMetricType: "DynamoDBReadCapacityUtilization" } },
    });
    const result = await evaluate(costPack, fx, BUDGET);
    expect(result.notApplicable.filter((n) => n.policyName === "dynamodb-target-utilisation-band" && n.urn?.endsWith("::ecs")).map((n) => n.reason)).to.deep.equal([
      "not a DynamoDB target-tracking policy",
    ]);
    expect(violationsOf(result, "dynamodb-target-utilisation-band")).to.deep.equal([
      {
        policyPack: "trading-cost",
        policyName: "dynamodb-target-utilisation-band",
        enforcementLevel: "advisory",
        urn: fx.resources[1].urn,
        message:
          `can't run policy 'dynamodb-target-utilisation-band' from policy pack 'trading-cost@v${costPack.version}' during preview: ` +
          "string value at .targetTrackingScalingPolicyConfiguration.targetValue can't be known during preview",
        description: costPack.policies[2].description,
        couldNotRunInPreview: true,
      },
    ]);
  });
});
