// fis-stop-on-alarm: its tests, with the game-day fixture of ../support/fisBuilders.ts.
import { expect } from "chai";
import { resiliencePack } from "../../../policy/resilience/policies";
import { gameDayStack } from "../support/fisBuilders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

const RULE = "fis-stop-on-alarm";

describe("fis-stop-on-alarm", () => {
  it("passes a template that stops on the stack's composite alarm, as deployed and in a first preview (through the property's dependencies)", async () => {
    for (const preview of [false, true]) {
      const fx = new Fixture({ preview });
      gameDayStack(fx);
      expect(messagesOf(await evaluate(resiliencePack, fx), RULE), `preview ${preview}`).to.deep.equal([]);
    }
  });

  it('refuses a stop condition "none", naming the template, the field and what is allowed', async () => {
    const fx = new Fixture();
    gameDayStack(fx, { stopConditions: () => [{ source: "none" }] });
    expect(messagesOf(await evaluate(resiliencePack, fx), RULE)).to.deep.equal([
      'experiment template az-loss: stopConditions has source "none", which never stops the experiment; only "aws:cloudwatch:alarm" on an alarm of this stack is allowed',
      'experiment template az-loss: stopConditions has no "aws:cloudwatch:alarm" condition on an alarm of this stack; add one (the stack\'s composite "trading degraded" alarm)',
    ]);
  });

  it("refuses an alarm of another stack, and metric alarms only when a composite is required", async () => {
    const foreign = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:someone-elses";
    const fx = new Fixture();
    gameDayStack(fx, { stopConditions: (s) => [{ source: "aws:cloudwatch:alarm", value: foreign }, { source: "aws:cloudwatch:alarm", value: fx.ref(s.metric, "arn") }] });
    expect(messagesOf(await evaluate(resiliencePack, fx), RULE)).to.deep.equal([
      `experiment template az-loss: stopConditions names ${foreign}, which is no CloudWatch alarm of this stack; name one of the stack's alarms' ARNs`,
      "experiment template az-loss: stopConditions names only metric alarms (fleet-in-service); add the stack's composite alarm, which any critical alarm sets off (requireCompositeAlarm)",
    ]);
    const relaxed = await evaluate(resiliencePack, fx, { [RULE]: { requireCompositeAlarm: false } });
    expect(messagesOf(relaxed, RULE)).to.have.length(1);
  });

  it("refuses a template with no stop condition at all", async () => {
    const fx = new Fixture();
    gameDayStack(fx, { stopConditions: () => [] });
    expect(messagesOf(await evaluate(resiliencePack, fx), RULE)).to.deep.equal([
      'experiment template az-loss: stopConditions has no "aws:cloudwatch:alarm" condition on an alarm of this stack; add one (the stack\'s composite "trading degraded" alarm)',
    ]);
  });
});
