// The plan's "Game days" section: the templates read back from the resources, their cost at FIS's
// price per action-minute, and the expected outcome from the AZ-loss model, on hand-made stacks whose
// answers are worked out by hand below.
import { expect } from "chai";
import { gameDaysOf, renderGameDays } from "../../../offline/plan/gameDays";
import { PLAIN } from "../../../offline/plan/format";
import { toPolicyResources } from "../../../offline/policy/evaluator";
import { loadPriceSnapshot } from "../../../policy/lib/prices";
import { cache, T } from "../../policy/support/builders";
import { GameDayStack, gameDayStack } from "../../policy/support/fisBuilders";
import { Fixture } from "../../policy/support/fixture";

const report = (fx: Fixture) => gameDaysOf(toPolicyResources(fx.input().resources), "prod");

/**
 * The alarms components/observability creates for one AZ and the group, as plain resources: their
 * dimensions computed from the subnet's AZ name and the group's name (unknown in a preview).
 */
function fleetAlarms(fx: Fixture, stack: GameDayStack): void {
  fx.add(T.alarm, "healthy-az1", {
    name: "alb-healthy-hosts-use1-az1",
    metricName: "HealthyHostCount",
    namespace: "AWS/ApplicationELB",
    dimensions: { LoadBalancer: "app/trading/1", AvailabilityZone: fx.ref(stack.subnets[0], "availabilityZone", "us-east-1c") },
    comparisonOperator: "LessThanThreshold",
    threshold: 1,
    period: 60,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
  });
  fx.add(T.alarm, "in-service", {
    name: "asg-in-service",
    metricName: "GroupInServiceInstances",
    namespace: "AWS/AutoScaling",
    dimensions: { AutoScalingGroupName: fx.ref(stack.asg, "name", "trading-fixture-fleet") },
    comparisonOperator: "LessThanThreshold",
    threshold: 3,
    period: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
  });
}

describe("plan: game days", () => {
  it("the price snapshot holds FIS's price per action-minute, with AWS's pricing page as its source", () => {
    const snapshot = loadPriceSnapshot();
    expect(snapshot.faultInjection?.actionMinute).to.equal(0.1);
    expect(snapshot.sources.faultInjection?.[0]).to.match(/^https:\/\/aws\.amazon\.com\/fis\/pricing\//);
  });

  it("lists a template's targets, actions, stop condition, length and cost (two 10-minute actions: 20 action-minutes, $2.00)", () => {
    const fx = new Fixture();
    gameDayStack(fx);
    const [day] = report(fx).templates;
    expect(day.template).to.equal("az-loss");
    expect(day.targets.map((t) => [t.name, t.selectedBy])).to.deep.equal([
      ["az-instances", ["tag aws:autoscaling:groupName=trading-fixture-fleet (fleet)"]],
      ["az-subnets", ["ARN of app-0"]],
    ]);
    expect(day.actions.map((a) => [a.name, a.duration, a.seconds])).to.deep.equal([
      ["stop-instances", "startInstancesAfterDuration PT10M (10 min)", 600],
      ["disrupt-subnets", "duration PT10M (10 min)", 600],
    ]);
    expect(day.stopConditions).to.deep.equal([{ alarm: "trading-fixture-trading-degraded", composite: true }]);
    expect([day.lengthSeconds, day.actionMinutes, day.costUsd]).to.deep.equal([600, 20, 2]);
  });

  it("the AZ loss: capacity left by the AZ-loss model, the alarms that fire and when, and the stop condition ending it early", () => {
    const fx = new Fixture();
    fleetAlarms(fx, gameDayStack(fx, { compositeRule: 'ALARM("alb-healthy-hosts-use1-az1") OR ALARM("asg-in-service")' }));
    const { outcome } = report(fx).templates[0];
    expect(outcome.lostAz).to.equal("use1-az1");
    // min 3 over 3 AZs: the fullest AZ holds ceil(3 / 3) = 1, so 2 are left (33 % lost, 34 % allowed).
    expect(outcome.effects[0]).to.match(/^auto scaling group trading-fixture-fleet keeps 2 of its minimum 3 instances in the other 2 AZ\(s\) \(loses 33 %; az-loss-survivability allows 34 %\)/);
    expect(outcome.modelFindings).to.deep.equal([]);
    // Unhealthy after 2 x 30 s (the target group defaults), then 2 one-minute periods: 180 s; in service 2 < 3 for 3 periods: 180 s.
    expect(outcome.alarms.map((a) => [a.name, a.afterSeconds, a.composites])).to.deep.equal([
      ["alb-healthy-hosts-use1-az1", 180, ["trading-fixture-trading-degraded"]],
      ["asg-in-service", 180, ["trading-fixture-trading-degraded"]],
    ]);
    expect(outcome.stop).to.deep.equal({ alarm: "trading-fixture-trading-degraded", afterSeconds: 180 });
    // The fault ends at the stop (180 s), then 5 healthy checks of 30 s and no grace period: 330 s.
    expect(outcome.recoverySeconds).to.equal(330);
    expect(outcome.service.join(" ")).to.include("503 and Retry-After: 1 s").and.to.include("never 500");
    const text = renderGameDays(report(fx), { ...PLAIN, width: 1000 });
    expect(text).to.include("the stop condition trading-fixture-trading-degraded should end the experiment after ~3 min, before its 10 min");
  });

  it("without a composite the metric alarms fire but nothing stops the experiment before its actions end", () => {
    const fx = new Fixture();
    fleetAlarms(fx, gameDayStack(fx));
    const { outcome } = report(fx).templates[0];
    expect(outcome.alarms.map((a) => a.name)).to.deep.equal(["alb-healthy-hosts-use1-az1", "asg-in-service"]);
    expect(outcome.stop).to.equal(undefined);
    expect(outcome.recoverySeconds).to.equal(600 + 150);
  });

  it("a first preview states the same outcome: the AZ, the group and the alarms followed through property dependencies", () => {
    const expected = (preview: boolean) => {
      const fx = new Fixture({ preview });
      fleetAlarms(fx, gameDayStack(fx, { compositeRule: 'ALARM("alb-healthy-hosts-use1-az1") OR ALARM("asg-in-service")' }));
      const [day] = report(fx).templates;
      return { stop: day.stopConditions, lostAz: day.outcome.lostAz, effects: day.outcome.effects, alarms: day.outcome.alarms, stopAt: day.outcome.stop, recovery: day.outcome.recoverySeconds };
    };
    const preview = expected(true);
    expect(preview.alarms.map((a) => a.name)).to.deep.equal(["alb-healthy-hosts-use1-az1", "asg-in-service"]);
    expect(preview).to.deep.equal(expected(false));
  });

  it("on Fargate: the ECS service the tasks target names, its minimum, its target group's checks and its grace period", () => {
    const fx = new Fixture();
    const stack = gameDayStack(fx, {
      actions: [
        { name: "stop-tasks", actionId: "aws:ecs:stop-task", target: { key: "Tasks", value: "tasks" } },
        { name: "cut", actionId: "aws:network:disrupt-connectivity", parameters: [{ key: "duration", value: "PT10M" }], target: { key: "Subnets", value: "subnets" } },
      ],
      targets: () => [{ name: "tasks", resourceType: "aws:ecs:task", selectionMode: "ALL", parameters: { cluster: "trading-fixture", service: "trading-fixture-api" }, filters: [{ path: "AvailabilityZone", values: ["us-east-1c"] }] }],
    });
    const tg = fx.add(T.targetGroup, "api-tg", { port: 8080, healthCheck: { interval: 10, unhealthyThreshold: 3, healthyThreshold: 2 } }, { computed: { arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/1" } });
    fx.add("aws:ecs/service:Service", "api", {
      name: "trading-fixture-api",
      desiredCount: 3,
      healthCheckGracePeriodSeconds: 60,
      networkConfiguration: { subnets: stack.subnets.map((s) => fx.ref(s)), assignPublicIp: false },
      loadBalancers: [{ targetGroupArn: fx.ref(tg, "arn"), containerName: "api", containerPort: 8080 }],
    });
    const { outcome, actionMinutes } = report(fx).templates[0];
    expect(outcome.effects).to.have.length(1);
    // 3 tasks over 3 AZs: 2 left; unhealthy after 3 x 10 s; back 60 s grace + 2 x 10 s after the 10-minute cut.
    expect(outcome.effects[0]).to.match(/^ECS service trading-fixture-api keeps 2 of its minimum 3 tasks in the other 2 AZ\(s\).* within 30 s \(health check every 10 s, 3 failures\)$/);
    expect(outcome.recoverySeconds).to.equal(600 + 60 + 20);
    expect(actionMinutes).to.equal(1 + 10);
  });

  it("a template that cuts off the data subnet holding the cache's primary without failing it over says new orders get 503 for the whole disruption", () => {
    const fx = new Fixture();
    const stack = gameDayStack(fx);
    const sg = fx.add("aws:elasticache/subnetGroup:SubnetGroup", "cache-subnets", { name: "trading-fixture-cache", subnetIds: stack.subnets.map((s) => fx.ref(s)) });
    cache(fx, ["use1-az1", "use1-az2", "use1-az4"], { subnetGroupName: fx.ref(sg, "name", "trading-fixture-cache") });
    const { outcome } = report(fx).templates[0];
    // The node is healthy, only unreachable: ElastiCache promotes nothing, so the other AZs' commands time out.
    expect(outcome.effects.join("\n")).to.match(/replication group \S+: its primary is in use1-az1's cut-off subnet and is not failed over/);
    expect(outcome.service.join(" ")).to.include("new orders get 503 with Retry-After for the whole 10 min of the disruption");
    expect(outcome.passed.join("; ")).to.include("new orders refused with 503 and Retry-After, never a 500, until the disruption ended");
  });

  it("prices an instant action at one action-minute, and says when the stack has no template", () => {
    const fx = new Fixture();
    gameDayStack(fx, { actions: [{ name: "failover", actionId: "aws:rds:failover-db-cluster", target: { key: "Clusters", value: "db" } }], targets: () => [] });
    const [day] = report(fx).templates;
    expect([day.lengthSeconds, day.actionMinutes, day.costUsd]).to.deep.equal([0, 1, 0.1]);
    expect(renderGameDays({ templates: [] }, PLAIN)).to.match(/No FIS experiment templates: set trading-platform:gameDays true/);
  });
});
