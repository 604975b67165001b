import { expect } from "chai";
import { costPack } from "../../policy/cost/policies";
import { PolicyPackConfigError } from "../../offline/policy/packConfig";
import { dax, dynamoTable, launchTemplate, T } from "./support/builders";
import { evaluate, Fixture, messagesOf, UNKNOWN, violationsOf } from "./support/fixture";

const BUDGET = { "monthly-budget": { monthlyBudgetUsd: 100000 } };

describe("cost pack", () => {
  for (const preview of [false, true]) {
    it(`a provisioned table with auto scaling everywhere passes (${preview ? "preview" : "after update"})`, async () => {
      const fx = new Fixture({ preview });
      dynamoTable(fx);
      dax(fx, ["use1-az1", "use1-az2", "use1-az4"]);
      launchTemplate(fx);
      const result = await evaluate(costPack, fx, BUDGET);
      expect(result.violations).to.deep.equal([]);
    });
  }

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

  describe("dynamodb-capacity-caps", () => {
    it("reports a target whose maximum exceeds the cap", async () => {
      const fx = new Fixture();
      dynamoTable(fx, { gsis: [], scaling: { tableRead: { min: 5, max: 500 }, tableWrite: { min: 5, max: 500 } } });
      const result = await evaluate(costPack, fx, { ...BUDGET, "dynamodb-capacity-caps": { maxReadCapacity: 400, maxWriteCapacity: 500 } });
      expect(messagesOf(result, "dynamodb-capacity-caps")).to.deep.equal(["auto scaling target orders-table-read lets read capacity grow to 500 units; the cap is 400"]);
    });
  });

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

  describe("ec2-instance-type-allowed", () => {
    it("reports launch templates, instances and ASG overrides outside the allow-list", async () => {
      const fx = new Fixture();
      launchTemplate(fx, { instanceType: "m7i.4xlarge" });
      fx.add(T.instance, "bastion", { instanceType: "t3.micro", ami: "ami-1" });
      fx.add(T.asg, "mixed", {
        minSize: 1,
        maxSize: 2,
        mixedInstancesPolicy: { launchTemplate: { launchTemplateSpecification: { launchTemplateId: "lt-1" }, overrides: [{ instanceType: "m7g.large" }, { instanceType: "r7g.large" }] } },
      });
      const result = await evaluate(costPack, fx, BUDGET);
      const allowed = "allowed: m7g.large, m7g.xlarge, c7g.large, c7g.xlarge";
      expect(messagesOf(result, "ec2-instance-type-allowed")).to.deep.equal([
        `launch template lt uses instance type m7i.4xlarge, which is not allowed (${allowed})`,
        `instance bastion uses instance type t3.micro, which is not allowed (${allowed})`,
        `auto scaling group mixed overrides to instance type r7g.large, which is not allowed (${allowed})`,
      ]);
    });
  });

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
});
