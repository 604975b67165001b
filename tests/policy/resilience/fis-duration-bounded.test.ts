// fis-duration-bounded: its tests, with the game-day fixture of ../support/fisBuilders.ts, and the ISO 8601 reader it uses.
import { expect } from "chai";
import { actionEndTimes, FIS_ACTION_DURATION, isoDurationSeconds } from "../../../policy/lib/resilience/fisDurations";
import { resiliencePack } from "../../../policy/resilience/policies";
import { gameDayStack } from "../support/fisBuilders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

const RULE = "fis-duration-bounded";
const action = (name: string, actionId: string, parameters: Record<string, string> = {}, startAfters?: string[]) => ({
  name,
  actionId,
  parameters: Object.entries(parameters).map(([key, value]) => ({ key, value })),
  ...(startAfters ? { startAfters } : {}),
});

describe("fis-duration-bounded", () => {
  it("reads ISO 8601 durations as FIS takes them, and refuses what is not one", () => {
    expect(isoDurationSeconds("PT30M")).to.equal(1800);
    expect(isoDurationSeconds("PT1H30M")).to.equal(5400);
    expect(isoDurationSeconds("PT90S")).to.equal(90);
    expect(isoDurationSeconds("P1D")).to.equal(86400);
    for (const bad of ["30m", "PT", "P", "PT1H30", "10", ""]) {
      expect(isoDurationSeconds(bad), bad).to.equal(undefined);
    }
  });

  it("adds startAfter chains up, parallel actions not", () => {
    const ends = actionEndTimes([
      { name: "a", startAfter: [], seconds: 600 },
      { name: "b", startAfter: [], seconds: 300 },
      { name: "c", startAfter: ["a", "b"], seconds: 60 },
    ]);
    expect(Object.fromEntries(ends)).to.deep.equal({ a: 600, b: 300, c: 660 });
    expect(actionEndTimes([{ name: "x", startAfter: ["y"], seconds: 1 }, { name: "y", startAfter: ["x"], seconds: 1 }]).get("x")).to.equal(Infinity);
  });

  it("knows the duration parameter of the actions the game days use (FIS actions reference)", () => {
    expect(FIS_ACTION_DURATION["aws:ec2:stop-instances"]).to.equal("startInstancesAfterDuration");
    expect(FIS_ACTION_DURATION["aws:network:disrupt-connectivity"]).to.equal("duration");
    expect(FIS_ACTION_DURATION["aws:elasticache:replicationgroup-interrupt-az-power"]).to.equal("duration");
    expect(FIS_ACTION_DURATION["aws:rds:failover-db-cluster"]).to.equal("instant");
  });

  it("passes bounded actions and an instant failover", async () => {
    const fx = new Fixture();
    gameDayStack(fx, {
      actions: [action("stop", "aws:ec2:stop-instances", { startInstancesAfterDuration: "PT30M" }), action("failover", "aws:rds:failover-db-cluster")],
    });
    expect(messagesOf(await evaluate(resiliencePack, fx), RULE)).to.deep.equal([]);
  });

  it("refuses an unbounded stop, a duration over the maximum, a malformed one and an action it does not know", async () => {
    const fx = new Fixture();
    gameDayStack(fx, {
      actions: [
        action("stop", "aws:ec2:stop-instances"),
        action("cut", "aws:network:disrupt-connectivity", { duration: "PT2H", scope: "all" }),
        action("power", "aws:elasticache:replicationgroup-interrupt-az-power", { duration: "10 minutes" }),
        action("mystery", "aws:made-up:action"),
      ],
    });
    expect(messagesOf(await evaluate(resiliencePack, fx), RULE)).to.deep.equal([
      "experiment template az-loss: action stop (aws:ec2:stop-instances) sets no startInstancesAfterDuration: its fault would last until someone ends it; set startInstancesAfterDuration to at most PT30M",
      "experiment template az-loss: action cut (aws:network:disrupt-connectivity): duration PT2H (2 h) exceeds maxActionDuration PT30M",
      'experiment template az-loss: action power (aws:elasticache:replicationgroup-interrupt-az-power): duration "10 minutes" is not an ISO 8601 duration (PT30M, PT1H); at most PT30M is allowed',
      "experiment template az-loss: action mystery (aws:made-up:action) is not an action of the FIS actions reference this rule knows; name one of fis-duration-bounded's actions (policy/lib/resilience/fisDurations.ts)",
    ]);
  });

  it("refuses a chain of bounded actions that ends after maxExperimentDuration", async () => {
    const fx = new Fixture();
    gameDayStack(fx, {
      actions: [
        action("one", "aws:fis:wait", { duration: "PT30M" }),
        action("two", "aws:fis:wait", { duration: "PT30M" }, ["one"]),
        action("three", "aws:fis:wait", { duration: "PT5M" }, ["two"]),
      ],
    });
    expect(messagesOf(await evaluate(resiliencePack, fx), RULE)).to.deep.equal([
      "experiment template az-loss: its actions end after 1 h 5 min (startAfter chains add up); maxExperimentDuration PT1H is allowed",
    ]);
    expect(messagesOf(await evaluate(resiliencePack, fx, { [RULE]: { maxExperimentDuration: "PT2H" } }), RULE)).to.deep.equal([]);
  });
});
