// asg-launch-template-version-pinned, with its fixtures: groups on the template's latestVersion pass; $Latest, $Default and none fail.
import { expect } from "chai";
import { resiliencePack } from "../../../policy/resilience/policies";
import { autoScalingGroup, launchTemplate, network } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

const AZS = ["use1-az1", "use1-az2", "use1-az4"];

describe("asg-launch-template-version-pinned", () => {
  for (const preview of [false, true]) {
    it(`passes a group on the template's latestVersion (${preview ? "preview: unknown until the update" : "after update"})`, async () => {
      const fx = new Fixture({ preview });
      const net = network(fx, AZS);
      autoScalingGroup(fx, net.subnets.app, launchTemplate(fx));
      expect(messagesOf(await evaluate(resiliencePack, fx), "asg-launch-template-version-pinned")).to.deep.equal([]);
    });
  }

  it("reports $Latest, $Default and a missing version, in the group and in a mixed instances policy", async () => {
    const fx = new Fixture();
    const net = network(fx, AZS);
    const lt = launchTemplate(fx);
    autoScalingGroup(fx, net.subnets.app, lt, { launchTemplate: { id: fx.ref(lt), version: "$Latest" } }, "latest");
    autoScalingGroup(fx, net.subnets.app, lt, { launchTemplate: { id: fx.ref(lt) } }, "unset");
    autoScalingGroup(fx, net.subnets.app, lt, { launchTemplate: undefined, mixedInstancesPolicy: { launchTemplate: { launchTemplateSpecification: { launchTemplateId: fx.ref(lt), version: "$Default" } } } }, "mixed");
    const messages = messagesOf(await evaluate(resiliencePack, fx), "asg-launch-template-version-pinned");
    expect(messages.map((m) => m.split(":")[0])).to.deep.equal([
      "auto scaling group latest uses $Latest in launchTemplate",
      "auto scaling group unset uses no version (the template's default) in launchTemplate",
      "auto scaling group mixed uses $Default in mixedInstancesPolicy.launchTemplate.launchTemplateSpecification",
    ]);
  });
});
