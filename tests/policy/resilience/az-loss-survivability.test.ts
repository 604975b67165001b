// az-loss-survivability: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { resiliencePack } from "../../../policy/resilience/policies";
import { AZS, ecsService, TWO_AZS } from "./fixtures";
import { aurora, autoScalingGroup, cache, dax, launchTemplate, loadBalancer, network, T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("az-loss-survivability", () => {
  it("reports, per lost AZ, every tier that loses service or too much capacity", async () => {
    const fx = new Fixture();
    const net = network(fx, AZS, { nat: "single" });
    autoScalingGroup(fx, net.subnets.app, launchTemplate(fx), { minSize: 2 });
    aurora(fx, ["use1-az1"]);
    cache(fx, AZS, { automaticFailoverEnabled: false });
    dax(fx, ["use1-az2"]);
    const result = await evaluate(resiliencePack, fx);
    expect(messagesOf(result, "az-loss-survivability")).to.deep.equal([
      "losing use1-az1: subnet(s) app-use1-az2 in use1-az2 lose internet egress: route table app-rt-app-use1-az2 sends 0.0.0.0/0 through NAT gateway nat-public-use1-az1 in use1-az1",
      "losing use1-az1: subnet(s) app-use1-az4 in use1-az4 lose internet egress: route table app-rt-app-use1-az4 sends 0.0.0.0/0 through NAT gateway nat-public-use1-az1 in use1-az1",
      "losing use1-az1: auto scaling group asg keeps 1 of its minimum 2 instances (loses 50%; at most 34% may be lost)",
      "losing use1-az1: Aurora cluster db has no instance known to be outside use1-az1: the writer has no standby elsewhere",
      "losing use1-az1: replication group cache loses its primary in use1-az1 and automatic failover is off: writes stop",
      "losing use1-az2: auto scaling group asg keeps 1 of its minimum 2 instances (loses 50%; at most 34% may be lost)",
      "losing use1-az2: DAX cluster dax loses all 1 node(s)",
      "losing use1-az4: auto scaling group asg keeps 1 of its minimum 2 instances (loses 50%; at most 34% may be lost)",
    ]);
  });

  it("reports tiers left without a majority, single-AZ databases, and load balancers in one AZ", async () => {
    const fx = new Fixture();
    const net = network(fx, AZS);
    cache(fx, TWO_AZS);
    fx.add(T.rdsStandalone, "legacy", { engine: "postgres", availabilityZone: "us-east-1c" });
    loadBalancer(fx, net.subnets.public.slice(2));
    fx.add(T.asg, "lonely", { vpcZoneIdentifiers: [fx.ref(net.subnets.app[0])], minSize: 1, maxSize: 1 });
    const result = await evaluate(resiliencePack, fx);
    expect(messagesOf(result, "az-loss-survivability")).to.deep.equal([
      "losing use1-az1: auto scaling group lonely keeps none of its minimum 1 instance(s): the tier loses service until instances launch elsewhere",
      "losing use1-az1: DB instance legacy is single-AZ (multiAz off): the writer has no standby elsewhere",
      "losing use1-az1: replication group cache keeps 1 of 2 nodes: no majority (quorum) remains",
      "losing use1-az2: replication group cache keeps 1 of 2 nodes: no majority (quorum) remains",
      "losing use1-az4: load balancer alb has no subnet outside use1-az4: it loses service",
    ]);
  });

  it("takes the capacity share it may lose from config", async () => {
    const fx = new Fixture();
    const net = network(fx, AZS);
    autoScalingGroup(fx, net.subnets.app, launchTemplate(fx), { minSize: 2 });
    const result = await evaluate(resiliencePack, fx, { "az-loss-survivability": { maxCapacityLossShare: 0.5 } });
    expect(messagesOf(result, "az-loss-survivability")).to.deep.equal([]);
  });

  describe("ECS services: the service's minimum, spread over its subnets' AZs", () => {
    const RULE = "az-loss-survivability";
    const ecsFindings = async (fx: Fixture) => messagesOf(await evaluate(resiliencePack, fx), RULE).filter((m) => m.includes("ECS service"));

    for (const preview of [false, true]) {
      it(`a service in one AZ keeps none of its minimum when that AZ is lost (${preview ? "preview: subnets through property dependencies" : "after update"})`, async () => {
        const fx = new Fixture({ preview });
        const net = network(fx, AZS);
        ecsService(fx, net.subnets.app.slice(0, 1));
        expect(await ecsFindings(fx)).to.deep.equal([
          "losing use1-az1: ECS service api keeps none of its minimum 3 task(s): the tier loses service until tasks start elsewhere",
        ]);
      });
    }

    it("passes one task per AZ (a minimum of 3 over 3 AZs loses 33%)", async () => {
      const fx = new Fixture();
      ecsService(fx, network(fx, AZS).subnets.app);
      expect(await ecsFindings(fx)).to.deep.equal([]);
    });

    it("takes the minimum from the service's auto scaling target, not its desired count", async () => {
      const fx = new Fixture();
      ecsService(fx, network(fx, AZS).subnets.app, { desiredCount: 3, scaling: { min: 2, max: 6 } });
      expect(await ecsFindings(fx)).to.deep.equal(
        AZS.map((az) => `losing ${az}: ECS service api keeps 1 of its minimum 2 tasks (loses 50%; at most 34% may be lost)`),
      );
    });

    it("without an auto scaling target, the minimum is the desired count", async () => {
      const fx = new Fixture();
      const net = network(fx, AZS);
      ecsService(fx, net.subnets.app.slice(0, 2), { desiredCount: 4, scaling: null });
      expect(await ecsFindings(fx)).to.deep.equal([
        "losing use1-az1: ECS service api keeps 2 of its minimum 4 tasks (loses 50%; at most 34% may be lost)",
        "losing use1-az2: ECS service api keeps 2 of its minimum 4 tasks (loses 50%; at most 34% may be lost)",
      ]);
      ecsService(fx, net.subnets.app, { desiredCount: 3, scaling: null, name: "spread" });
      expect((await ecsFindings(fx)).filter((m) => m.includes("spread"))).to.deep.equal([]);
    });
  });
});
