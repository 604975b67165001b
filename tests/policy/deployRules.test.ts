/**
 * The rules added for issue 14, each with a passing and a failing fixture: shallow target-group
 * health checks (resilience), no forceDestroy on buckets (security), no write scaling owned by a
 * replica stack (cost).
 */
import { expect } from "chai";
import { costPack } from "../../policy/cost/policies";
import { resiliencePack } from "../../policy/resilience/policies";
import { securityPack } from "../../policy/security/policies";
import { T } from "./support/builders";
import { evaluate, Fixture, messagesOf } from "./support/fixture";

const TG = "aws:lb/targetGroup:TargetGroup";
/** The cost pack needs a budget; this one is far above the fixtures' cost. */
const COST_CONFIG = { "monthly-budget": { monthlyBudgetUsd: 1_000_000 } };

describe("issue 14 rules", () => {
  describe("target-group-shallow-health-check", () => {
    it("passes a liveness path and fails readiness, a missing path and no check", async () => {
      const fx = new Fixture();
      fx.add(TG, "live", { port: 8080, protocol: "HTTP", healthCheck: { enabled: true, path: "/healthz" } });
      fx.add(TG, "deep", { port: 8080, protocol: "HTTP", healthCheck: { enabled: true, path: "/readyz" } });
      fx.add(TG, "default-path", { port: 8080, protocol: "HTTP", healthCheck: { enabled: true } });
      fx.add(TG, "unchecked", { port: 8080, protocol: "HTTP", healthCheck: { enabled: false } });
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, "target-group-shallow-health-check")).to.deep.equal([
        "target group deep health-checks /readyz, a dependency check: a dependency failure would fail every target at once",
        'target group default-path sets no health check path (the default "/" is whatever the service serves there)',
        "target group unchecked has no health check; instances that stop answering keep receiving traffic",
      ]);
    });
  });

  describe("s3-no-force-destroy", () => {
    it("passes a bucket without forceDestroy and fails one with it", async () => {
      const fx = new Fixture();
      fx.add(T.bucket, "kept", { bucket: "kept" });
      fx.add(T.bucket, "disposable", { bucket: "disposable", forceDestroy: true });
      const result = await evaluate(securityPack, fx);
      expect(messagesOf(result, "s3-no-force-destroy")).to.deep.equal([
        "bucket disposable sets forceDestroy: a destroy or replacement deletes every object and version in it",
      ]);
      expect((await evaluate(securityPack, fx, { "s3-no-force-destroy": "disabled" })).violations.filter((v) => v.policyName === "s3-no-force-destroy")).to.deep.equal([]);
    });
  });

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
});
