// asg-elb-health-check: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { resiliencePack } from "../../../policy/resilience/policies";
import { TG } from "../support/sharedRuleFixtures";
import { T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("asg-elb-health-check", () => {
  it("passes a group behind a target group with ELB health and a grace period; fails EC2 health and no grace; ignores groups without a load balancer", async () => {
    for (const preview of [false, true]) {
      const fx = new Fixture({ preview });
      const tg = fx.add(TG, "api", { port: 8080, protocol: "HTTP", healthCheck: { enabled: true, path: "/healthz" } });
      const behind = { minSize: 3, maxSize: 6, targetGroupArns: [fx.ref(tg, "arn")] };
      fx.add(T.asg, "elb", { ...behind, healthCheckType: "ELB", healthCheckGracePeriod: 120 });
      fx.add(T.asg, "ec2", { ...behind, healthCheckGracePeriod: 120 });
      fx.add(T.asg, "no-grace", { ...behind, healthCheckType: "ELB", healthCheckGracePeriod: 0 });
      fx.add(T.asg, "hooked", {
        ...behind,
        healthCheckType: "ELB",
        initialLifecycleHooks: [{ name: "ready", lifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING", defaultResult: "ABANDON", heartbeatTimeout: 300 }],
      });
      fx.add(T.asg, "workers", { minSize: 1, maxSize: 2 });
      expect(messagesOf(await evaluate(resiliencePack, fx), "asg-elb-health-check"), `preview ${preview}`).to.deep.equal([
        'auto scaling group ec2 serves a load balancer but uses EC2 (the default) health checks; set healthCheckType "ELB"',
        "auto scaling group no-grace has no health check grace period (healthCheckGracePeriod 0): instances can be replaced while they boot",
      ]);
    }
  });
});
