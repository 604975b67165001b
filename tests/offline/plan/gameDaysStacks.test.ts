// The plan's "Game days" section on the committed stack files: the prod stacks' templates with the
// numbers the README's game-day runbook states, and no template where gameDays is off (dev).
import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { formatUsd } from "../../../offline/plan/format";
import type { GameDay } from "../../../offline/plan/gameDays";
import { describeSeconds } from "../../../policy/lib/resilience/fisDurations";
import { plannedStack } from "./support";

const README = readFileSync(path.join(__dirname, "../../../README.md"), "utf8");
const byScenario = (days: GameDay[]) => Object.fromEntries(days.map((d) => [d.scenario, d]));

describe("plan: game days of the committed stacks", () => {
  it("prod-us-east-1: the AZ loss, Aurora failover and cache AZ power templates, stopped by trading degraded", async () => {
    const days = byScenario((await plannedStack("prod-us-east-1")).gameDays.templates);
    expect(Object.keys(days).sort()).to.deep.equal(["aurora-failover", "az-loss", "cache-az-power"]);
    for (const day of Object.values(days)) {
      expect(day.stopConditions, day.scenario).to.deep.equal([{ alarm: "trading-prod-us-east-1-trading-degraded", composite: true }]);
    }
    const az = days["az-loss"];
    expect([az.lengthSeconds, az.actionMinutes, az.costUsd]).to.deep.equal([600, 20, 2]);
    expect(az.outcome.lostAz).to.equal("use1-az1");
    expect(az.outcome.effects[0]).to.match(/^auto scaling group trading-api keeps 2 of its minimum 3 instances/);
    expect(az.outcome.modelFindings).to.deep.equal([]);
    // The target group checks every 5 s and needs 2 failures (10 s); the per-AZ alarm then needs 2 one-minute periods.
    expect(az.outcome.alarms.map((a) => [a.name, a.afterSeconds])).to.deep.equal([
      ["trading-prod-us-east-1-alb-healthy-hosts-use1-az1", 130],
      ["trading-prod-us-east-1-asg-in-service", 180],
    ]);
    expect(az.outcome.stop).to.deep.equal({ alarm: "trading-prod-us-east-1-trading-degraded", afterSeconds: 130 });
    expect(az.outcome.recoverySeconds).to.equal(260);
    expect([days["aurora-failover"].actionMinutes, days["aurora-failover"].costUsd, days["aurora-failover"].outcome.recoverySeconds]).to.deep.equal([1, 0.1, 60]);
    expect([days["cache-az-power"].lengthSeconds, days["cache-az-power"].actionMinutes, days["cache-az-power"].costUsd]).to.deep.equal([600, 10, 1]);
    expect(days["cache-az-power"].outcome.effects[0]).to.match(/keeps 2 of 3 nodes; its primary is in use1-az1/);
  });

  it("prod-eu-west-1 has no Aurora failover (its cluster is a global database's secondary, with no writer); dev has no template", async () => {
    expect((await plannedStack("prod-eu-west-1")).gameDays.templates.map((d) => d.scenario).sort()).to.deep.equal(["az-loss", "cache-az-power"]);
    expect((await plannedStack("dev")).gameDays.templates).to.deep.equal([]);
  });

  it("the README's runbook states prod-us-east-1's figures as the plan computes them", async () => {
    const days = byScenario((await plannedStack("prod-us-east-1")).gameDays.templates);
    const runbook = README.split("### Game days: rehearsing the failures")[1]?.split("\n## ")[0] ?? "";
    for (const day of Object.values(days)) {
      const row = runbook.split("\n").find((line) => line.startsWith(`| ${day.scenario} |`));
      expect(row, day.scenario).to.be.a("string");
      const [, lasts, cost, expected, passed] = (row as string).split(" | ");
      expect(lasts, day.scenario).to.match(new RegExp(`^${day.lengthSeconds > 0 ? describeSeconds(day.lengthSeconds) : "one API call"} .*${day.actionMinutes} action-minute`));
      expect(cost, day.scenario).to.equal(formatUsd(day.costUsd ?? NaN));
      if (day.outcome.stop) {
        expect(expected, day.scenario).to.include(`stops the experiment after about ${describeSeconds(day.outcome.stop.afterSeconds)}`);
      }
      for (const alarm of day.outcome.alarms) {
        expect(expected, day.scenario).to.include(`\`${alarm.name.replace("trading-prod-us-east-1-", "")}\``);
      }
      if (day.scenario === "az-loss") {
        expect(passed).to.include(`within ${describeSeconds(day.outcome.recoverySeconds)} of the start`);
      }
    }
  });
});
