// alb-spans-azs: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { resiliencePack } from "../../../policy/resilience/policies";
import { AZS } from "./fixtures";
import { loadBalancer, network } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("alb-spans-azs", () => {
  it("reports a load balancer over two AZs", async () => {
    const fx = new Fixture({ preview: true });
    const net = network(fx, AZS);
    loadBalancer(fx, net.subnets.public.slice(1));
    const result = await evaluate(resiliencePack, fx);
    expect(messagesOf(result, "alb-spans-azs")).to.deep.equal(["load balancer alb spans 2 AZ(s) (use1-az2, use1-az4); at least 3 are required"]);
  });
});
