// no-public-ip-on-instances: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { AZS } from "./fixtures";
import { autoScalingGroup, launchTemplate, network, T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("no-public-ip-on-instances", () => {
  it("reports templates and instances with public IPs and groups in subnets that map them", async () => {
    const fx = new Fixture({ preview: true });
    const net = network(fx, AZS);
    launchTemplate(fx, { networkInterfaces: [{ associatePublicIpAddress: "true" }] }, "public-lt");
    fx.add(T.instance, "bastion", { instanceType: "c7g.large", associatePublicIpAddress: true });
    const mapping = fx.add(T.subnet, "mapping", { vpcId: fx.ref(net.vpc), availabilityZoneId: "use1-az1", mapPublicIpOnLaunch: true });
    autoScalingGroup(fx, [mapping], launchTemplate(fx, {}, "plain-lt"), {}, "exposed");
    autoScalingGroup(fx, [mapping], launchTemplate(fx, { networkInterfaces: [{ associatePublicIpAddress: "false" }] }, "private-lt"), {}, "covered");
    const result = await evaluate(securityPack, fx);
    expect(messagesOf(result, "no-public-ip-on-instances")).to.deep.equal([
      "launch template public-lt gives instances a public IP (networkInterfaces[].associatePublicIpAddress)",
      "instance bastion has a public IP (associatePublicIpAddress)",
      "auto scaling group exposed launches into subnet(s) mapping, which give instances public IPs (mapPublicIpOnLaunch), and its launch template does not turn that off",
    ]);
  });
});
