// alb-hardening: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("alb-hardening", () => {
  it("reports a load balancer that keeps invalid headers and writes no access logs", async () => {
    const fx = new Fixture();
    fx.add(T.lb, "alb", { subnets: ["a", "b"] });
    fx.add(T.lb, "nlb", { loadBalancerType: "network", subnets: ["a", "b"] });
    const result = await evaluate(securityPack, fx);
    expect(messagesOf(result, "alb-hardening")).to.deep.equal([
      "load balancer alb does not drop invalid header fields (dropInvalidHeaderFields)",
      "load balancer alb does not write access logs (accessLogs with a bucket and enabled: true)",
    ]);
  });
});
