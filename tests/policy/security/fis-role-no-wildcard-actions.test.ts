// fis-role-no-wildcard-actions: its tests, with the game-day fixture of ../support/fisBuilders.ts.
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { T } from "../support/builders";
import { doc, gameDayStack } from "../support/fisBuilders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

const RULE = "fis-role-no-wildcard-actions";

describe("fis-role-no-wildcard-actions", () => {
  it("passes a role of the stack whose policy names each action, as deployed and in a first preview", async () => {
    for (const preview of [false, true]) {
      const fx = new Fixture({ preview });
      gameDayStack(fx);
      expect(messagesOf(await evaluate(securityPack, fx), RULE), `preview ${preview}`).to.deep.equal([]);
    }
  });

  it('refuses "*", "service:*", a partial wildcard and NotAction, naming the template, the policy and the statement', async () => {
    const fx = new Fixture();
    gameDayStack(fx, {
      rolePolicy: doc(
        { Sid: "All", Effect: "Allow", Action: "*", Resource: "*" },
        { Sid: "Ec2", Effect: "Allow", Action: ["ec2:*", "ec2:Stop*"], Resource: "*" },
        { Effect: "Allow", NotAction: "iam:*", Resource: "*" },
        { Sid: "DenyIsFine", Effect: "Deny", Action: "*", Resource: "*" },
      ),
    });
    const tail = "; list each action the template's actions need (FIS actions reference, Permissions)";
    expect(messagesOf(await evaluate(securityPack, fx), RULE)).to.deep.equal([
      `experiment template az-loss: role fis-role: role policy fis-role-actions statement "All" allows *${tail}`,
      `experiment template az-loss: role fis-role: role policy fis-role-actions statement "Ec2" allows ec2:*, ec2:Stop*${tail}`,
      `experiment template az-loss: role fis-role: role policy fis-role-actions statement #3 allows NotAction (every action but iam:*)${tail}`,
    ]);
  });

  it("refuses an AWS managed policy it cannot read, and a role that is not the stack's", async () => {
    const fx = new Fixture();
    const { role } = gameDayStack(fx);
    const managed = "arn:aws:iam::aws:policy/service-role/AWSFaultInjectionSimulatorEC2Access";
    fx.add(T.rolePolicyAttachment, "fis-managed", { role: fx.ref(role, "name", "trading-fixture-fis"), policyArn: managed });
    const foreign = new Fixture();
    gameDayStack(foreign, { roleArn: () => "arn:aws:iam::123456789012:role/borrowed" });
    expect(messagesOf(await evaluate(securityPack, fx), RULE)).to.deep.equal([
      `experiment template az-loss: role fis-role has managed policy ${managed} attached, which is not a policy of this stack, so its actions cannot be checked; grant the actions in a policy of the stack`,
    ]);
    expect(messagesOf(await evaluate(securityPack, foreign), RULE)).to.deep.equal([
      "experiment template az-loss: roleArn arn:aws:iam::123456789012:role/borrowed is no IAM role of this stack, so its actions cannot be checked; create the experiment role in the stack",
    ]);
  });
});
