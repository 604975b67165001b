// ecs-service-no-public-ip: a service whose tasks get public IPs is refused; private and unset pass.
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

const SERVICE = "aws:ecs/service:Service";

describe("ecs-service-no-public-ip", () => {
  it("reports a service that assigns public IPs and passes private ones", async () => {
    const fx = new Fixture();
    fx.add(SERVICE, "public-api", { launchType: "FARGATE", networkConfiguration: { subnets: ["subnet-a"], assignPublicIp: true } });
    fx.add(SERVICE, "private-api", { launchType: "FARGATE", networkConfiguration: { subnets: ["subnet-a"], assignPublicIp: false } });
    fx.add(SERVICE, "default-api", { launchType: "FARGATE", networkConfiguration: { subnets: ["subnet-a"] } });
    expect(messagesOf(await evaluate(securityPack, fx), "ecs-service-no-public-ip")).to.deep.equal([
      "ECS service public-api assigns its tasks public IPs (networkConfiguration.assignPublicIp: true); run them in private subnets without one",
    ]);
  });
});
