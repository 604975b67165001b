import { expect } from "chai";
import { main } from "../../examples/single-region/main";
import { evaluateStack } from "../../offline/policy/evaluateStack";
import type { StackRun } from "../support/mockCloud";
import { exampleCost, exampleReadme, formatUsd, runExample } from "./support";

describe("examples/single-region", function () {
  this.timeout(180_000);
  let run: StackRun;

  before(async () => {
    run = await runExample("single-region", "sandbox", main);
  });

  it("composes the five tiers' components directly, without the stack layer", () => {
    const types = new Set(run.resources.map((r) => r.type));
    for (const type of [
      "trading:network:HaNetwork",
      "trading:cluster:TradingCluster",
      "trading:data:DataTier",
      "trading:dynamo:DynamoHotPath",
      "trading:observability:Observability",
    ]) {
      expect(types, type).to.include(type);
    }
    // The stack layer would have read stacks/config.ts and published the contract's sections.
    expect(run.outputs).to.not.have.property("contractVersion");
    // A StackReference is read, not registered: it would show as a dependency.
    const dependencies = run.resources.flatMap((r) => [...r.dependencies, ...Object.values(r.propertyDependencies).flat()]);
    expect(dependencies.filter((urn) => urn.includes("pulumi:pulumi:StackReference::"))).to.deep.equal([]);
  });

  it("is one region, two AZs and one of everything", () => {
    expect(new Set(run.resources.filter((r) => r.custom).map((r) => r.region))).to.deep.equal(new Set(["us-east-1"]));
    expect(run.ofType("aws:ec2/subnet:Subnet")).to.have.length(6);
    expect(run.ofType("aws:ec2/natGateway:NatGateway")).to.have.length(1);
    expect(run.ofType("aws:rds/clusterInstance:ClusterInstance")).to.have.length(1);
    expect(run.single("aws:elasticache/replicationGroup:ReplicationGroup").inputs.numCacheClusters).to.equal(1);
    expect(run.single("aws:dax/cluster:Cluster").inputs.replicationFactor).to.equal(1);
    const group = run.single("aws:autoscaling/group:Group");
    expect([group.inputs.minSize, group.inputs.desiredCapacity]).to.deep.equal([1, 1]);
  });

  it("passes the dev policy packs: no mandatory violation, and advisories for what its README says it gives up", async () => {
    const evaluation = await evaluateStack(run, "dev");
    expect(evaluation.mandatory.map((v) => `${v.policyName}: ${v.message}`)).to.deep.equal([]);
    // Two AZs, one NAT gateway, one node of each store, and a plain-HTTP listener without JWT checks.
    expect(new Set(evaluation.advisory.map((v) => v.policyName))).to.include.keys(
      "subnet-tiers-span-azs",
      "asg-spans-azs",
      "database-spans-azs",
      "cache-spans-azs",
      "dax-spans-azs",
      "nat-gateway-per-az",
      "alb-https-only",
      "alb-waf-and-jwt",
    );
  });

  it("alarms reach the topic the example subscribes its address to", () => {
    const topic = run.single("aws:sns/topic:Topic");
    const subscription = run.single("aws:sns/topicSubscription:TopicSubscription");
    expect(subscription.inputs).to.include({ protocol: "email", endpoint: "platform-engineering@acme-markets.example", topic: topic.outputs.arn });
    const alarms = run.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
    expect(alarms.length).to.be.greaterThan(10);
    for (const alarm of alarms) {
      expect(alarm.inputs.alarmActions, alarm.name).to.deep.equal([topic.outputs.arn]);
    }
  });

  it("states in its README the monthly cost the offline plan computes", () => {
    const cost = exampleCost(run, "us-east-1");
    const readme = exampleReadme("single-region");
    expect(readme).to.contain(`**${formatUsd(cost.minimum.totalMonthlyUsd)} a month**`);
    for (const group of cost.byComponent) {
      const label = group.componentType ? `${group.componentType.split(":").pop()} ${group.component}` : group.component;
      expect(readme, label).to.contain(`| ${label} | ${formatUsd(group.monthlyUsd)} |`);
    }
    const extra = Math.round(cost.totalWithDynamoAtMaxUsd - cost.minimum.totalMonthlyUsd);
    expect(readme).to.contain(`adds about $${extra}`);
  });
});
