// ec2-instance-type-allowed: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { costPack } from "../../../policy/cost/policies";
import { BUDGET } from "./fixtures";
import { launchTemplate, T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("ec2-instance-type-allowed", () => {
  it("reports launch templates, instances and ASG overrides outside the allow-list", async () => {
    const fx = new Fixture();
    launchTemplate(fx, { instanceType: "m7i.4xlarge" });
    fx.add(T.instance, "bastion", { instanceType: "t3.micro", ami: "ami-1" });
    fx.add(T.asg, "mixed", {
      minSize: 1,
      maxSize: 2,
      mixedInstancesPolicy: { launchTemplate: { launchTemplateSpecification: { launchTemplateId: "lt-1" }, overrides: [{ instanceType: "m7g.large" }, { instanceType: "r7g.large" }] } },
    });
    const result = await evaluate(costPack, fx, BUDGET);
    const allowed = "allowed: m7g.large, m7g.xlarge, c7g.large, c7g.xlarge";
    expect(messagesOf(result, "ec2-instance-type-allowed")).to.deep.equal([
      `launch template lt uses instance type m7i.4xlarge, which is not allowed (${allowed})`,
      `instance bastion uses instance type t3.micro, which is not allowed (${allowed})`,
      `auto scaling group mixed overrides to instance type r7g.large, which is not allowed (${allowed})`,
    ]);
  });
});
