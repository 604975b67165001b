// ecs-service-spans-azs: its tests, with the fixtures they build (shared builders in ../support).
import { expect } from "chai";
import { resiliencePack } from "../../../policy/resilience/policies";
import { AZS } from "./fixtures";
import { network } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

const SERVICE = "aws:ecs/service:Service";

describe("ecs-service-spans-azs", () => {
  it("follows networkConfiguration's property dependencies to the subnets when ids are unknown (a prod PR with one AZ is refused)", async () => {
    const fx = new Fixture({ preview: true });
    const net = network(fx, AZS);
    fx.add(SERVICE, "api", { launchType: "FARGATE", networkConfiguration: { subnets: [fx.ref(net.subnets.app[0])], assignPublicIp: false } });
    expect(messagesOf(await evaluate(resiliencePack, fx), "ecs-service-spans-azs")).to.deep.equal([
      "ECS service api spans 1 AZ(s) (use1-az1); at least 3 are required",
    ]);
  });

  it("passes a service over the three app subnets", async () => {
    const fx = new Fixture();
    const net = network(fx, AZS);
    fx.add(SERVICE, "api", { launchType: "FARGATE", networkConfiguration: { subnets: net.subnets.app.map((s) => fx.ref(s)), assignPublicIp: false } });
    expect(messagesOf(await evaluate(resiliencePack, fx), "ecs-service-spans-azs")).to.deep.equal([]);
  });
});
