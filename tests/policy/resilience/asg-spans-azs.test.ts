// asg-spans-azs: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { resiliencePack } from "../../../policy/resilience/policies";
import { AZS } from "./fixtures";
import { autoScalingGroup, launchTemplate, network, T } from "../support/builders";
import { evaluate, Fixture, messagesOf, UNKNOWN } from "../support/fixture";

describe("asg-spans-azs", () => {
  it("follows vpcZoneIdentifiers' property dependencies to the subnets when ids are unknown", async () => {
    const fx = new Fixture({ preview: true });
    const net = network(fx, AZS);
    autoScalingGroup(fx, net.subnets.app.slice(0, 2), launchTemplate(fx));
    const result = await evaluate(resiliencePack, fx);
    expect(messagesOf(result, "asg-spans-azs")).to.deep.equal(["auto scaling group asg spans 2 AZ(s) (use1-az1, use1-az2); at least 3 are required"]);
  });

  it("matches known subnet ids when there are no dependencies", async () => {
    const fx = new Fixture();
    const net = network(fx, AZS);
    fx.add(T.asg, "asg", { vpcZoneIdentifiers: net.subnets.app.map((s) => s.id), minSize: 3, maxSize: 3 });
    const result = await evaluate(resiliencePack, fx);
    expect(messagesOf(result, "asg-spans-azs")).to.deep.equal([]);
  });

  it("says why AZs could not be counted", async () => {
    const fx = new Fixture();
    fx.add(T.asg, "unknown-subnets", { vpcZoneIdentifiers: UNKNOWN, minSize: 3, maxSize: 3 });
    fx.add(T.asg, "foreign-subnets", { vpcZoneIdentifiers: ["subnet-0abc"], minSize: 3, maxSize: 3 });
    const result = await evaluate(resiliencePack, fx);
    expect(messagesOf(result, "asg-spans-azs")).to.deep.equal([
      "auto scaling group unknown-subnets spans 0 AZ(s) (no AZ); at least 3 are required " +
        "(not counted: vpcZoneIdentifiers is unknown until the update and depends on no subnet in this stack)",
      "auto scaling group foreign-subnets spans 0 AZ(s) (no AZ); at least 3 are required " +
        "(not counted: vpcZoneIdentifiers names subnets not in this stack (subnet-0abc))",
    ]);
  });
});
