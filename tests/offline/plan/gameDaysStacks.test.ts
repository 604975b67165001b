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
    // Four actions: instances stopped, subnets cut and the cache's power off for 10 min each, and the writer's failover (one).
    expect([az.lengthSeconds, az.actionMinutes, az.costUsd]).to.deep.equal([600, 31, 3.1]);
    expect(az.outcome.lostAz).to.equal("use1-az1");
    expect(az.outcome.effects[0]).to.match(/^auto scaling group trading-api keeps 2 of its minimum 3 instances/);
    // The data subnet of use1-az1 holds the cache's primary, Aurora's writer and a DAX node: the outcome
    // states each one's failover from the same models as the cache-az-power and aurora-failover templates.
    expect(az.outcome.effects.slice(1).join("\n")).to.match(/keeps 2 of 3 nodes; its primary is in use1-az1, so the replica with the least replication lag is promoted/);
    expect(az.outcome.effects.slice(1).join("\n")).to.match(/Aurora cluster trading-prod-us-east-1-db: its writer is in use1-az1, so one of its 2 reader\(s\) becomes the writer/);
    expect(az.outcome.effects.slice(1).join("\n")).to.match(/DAX cluster \S+ keeps 2 of 3 nodes; the client uses the other nodes/);
    expect(az.outcome.service.join(" ")).to.include("While the cache's primary moves").and.to.include("new orders get 503 with Retry-After");
    expect(az.outcome.service.join(" ")).to.include("Reference-data writes (npm run refdata) fail until the new writer answers, within about 60 s");
    expect(az.outcome.passed.join("; ")).to.not.include("no order rejected with 503");
    // The cache's primary is failed over, not left cut off.
    expect(az.outcome.effects.join("\n")).to.not.match(/not failed over/);
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
    const replica = byScenario((await plannedStack("prod-eu-west-1")).gameDays.templates);
    expect(Object.keys(replica).sort()).to.deep.equal(["az-loss", "cache-az-power"]);
    // Its az-loss powers off the cache's nodes but fails no writer over: 3 actions of 10 min.
    expect(replica["az-loss"].actionMinutes).to.equal(30);
    expect(replica["az-loss"].actions.map((a) => a.actionId)).to.not.include("aws:rds:failover-db-cluster");
    expect(replica["az-loss"].outcome.effects.join("\n")).to.not.match(/Aurora cluster/);
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
