// target-group-shallow-health-check: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { resiliencePack } from "../../../policy/resilience/policies";
import { TG } from "../support/sharedRuleFixtures";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

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
