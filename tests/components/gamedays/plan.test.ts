/**
 * The pure parts of GameDays, without Pulumi: the FIS durations, which AZ is taken out, the
 * templates' targets and actions, and each role's statements against the FIS actions reference's
 * permission lists.
 */
import { expect } from "chai";
import { ACTIONS_ONLY_ON_ALL_RESOURCES } from "../../../policy/lib/security/iam";
import { z } from "zod";
import { ASG_NAME_TAG, azLossTemplate, AzLossInput } from "../../../components/gamedays/azLoss";
import { checkGameDaysConfig, gameDaysConfigShape } from "../../../components/gamedays/config";
import { auroraFailoverTemplate, cacheAzPowerTemplate } from "../../../components/gamedays/dataTierScenarios";
import { fisDurationSeconds } from "../../../components/gamedays/duration";
import { FIS_ACTIONS, FIS_PERMISSIONS_ON_ALL_RESOURCES, permissionsOf } from "../../../components/gamedays/fisActions";
import { chooseZone, Concat, TemplatePlan } from "../../../components/gamedays/plan";

const concat: Concat<string> = (...parts) => parts.join("");
const scope = { partition: "aws", region: "us-east-1", accountId: "123456789012" };
const SUBNETS = ["arn:aws:ec2:us-east-1:123456789012:subnet/subnet-app1", "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-data1"];
const VPC = "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1";
const CLUSTER = "arn:aws:rds:us-east-1:123456789012:cluster:trading-prod-us-east-1-db";
const CACHE_ARN = "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:trading-prod-us-east-1-cache-9f7d";
const CACHE = { replicationGroupArn: CACHE_ARN, nameTag: "trading-prod-us-east-1-cache", stackTag: { key: "Stack", value: "prod-us-east-1" } };
const CACHE_TARGET = {
  name: "CacheReplicationGroup",
  resourceType: "aws:elasticache:replicationgroup",
  selectionMode: "ALL",
  resourceTags: [
    { key: "Stack", value: "prod-us-east-1" },
    { key: "Name", value: "trading-prod-us-east-1-cache" },
  ],
  parameters: { availabilityZoneIdentifier: "use1-az1" },
};

function azLoss(overrides: Partial<AzLossInput<string>> = {}): TemplatePlan<string> {
  return azLossTemplate(
    {
      scope,
      vpcArn: VPC,
      zone: { azId: "use1-az1", azName: "us-east-1a", subnetArns: SUBNETS },
      fleet: { platform: "ec2", autoScalingGroupName: "trading-api-1a2b" },
      dataTier: { cache: CACHE, database: { clusterArn: CLUSTER } },
      duration: "PT10M",
      ...overrides,
    },
    concat,
  );
}

/** Every action the plan's role allows, scoped statements and reads on "*" together, sorted. */
const allowed = (plan: TemplatePlan<string>) => [...new Set([...plan.statements.flatMap((s) => s.actions), ...plan.readsOnAllResources])].sort();

describe("GameDays: FIS durations", () => {
  it("reads ISO 8601 time durations in seconds", () => {
    expect(fisDurationSeconds("PT10M", "x")).to.equal(600);
    expect(fisDurationSeconds("PT1H30M", "x")).to.equal(5400);
    expect(fisDurationSeconds("PT90S", "x")).to.equal(90);
    expect(fisDurationSeconds("PT12H", "x")).to.equal(43_200);
  });

  it("refuses what FIS refuses: under a minute, over 12 hours, not a duration", () => {
    expect(() => fisDurationSeconds("PT30S", "azLoss")).to.throw('azLoss: "PT30S" is 30 s; FIS allows one minute to 12 hours (PT1M to PT12H)');
    expect(() => fisDurationSeconds("PT12H1S", "x")).to.throw(/FIS allows one minute to 12 hours/);
    expect(() => fisDurationSeconds("10m", "x")).to.throw('x: "10m" is not an ISO 8601 duration such as PT10M or PT1H');
    expect(() => fisDurationSeconds("PT", "x")).to.throw(/not an ISO 8601 duration/);
    expect(() => azLoss({ duration: "P1D" })).to.throw(/GameDays azLoss duration: "P1D" is not an ISO 8601 duration/);
  });
});

describe("GameDays: the AZ taken out", () => {
  it("is the stack's first AZ by default, or the one asked for if it is the stack's", () => {
    const zones = ["use1-az1", "use1-az2", "use1-az4"].map((azId) => ({ azId }));
    expect(chooseZone(zones)).to.equal(zones[0]);
    expect(chooseZone(zones, "use1-az4")).to.equal(zones[2]);
    expect(() => chooseZone(zones, "use1-az3")).to.throw('azId "use1-az3" is not one of the stack\'s AZs (use1-az1, use1-az2, use1-az4)');
    expect(() => chooseZone([])).to.throw(/no AZs/);
  });
});

describe("GameDays: the AZ-loss template", () => {
  it("stops the group's running instances in the AZ and cuts off the AZ's subnets, both for the duration", () => {
    const plan = azLoss();
    expect(plan.scenario).to.equal("az-loss");
    expect(plan.targets).to.deep.equal([
      {
        name: "FleetInstances",
        resourceType: "aws:ec2:instance",
        selectionMode: "ALL",
        resourceTags: [{ key: ASG_NAME_TAG, value: "trading-api-1a2b" }],
        filters: [
          { path: "Placement.AvailabilityZone", values: ["us-east-1a"] },
          { path: "State.Name", values: ["running"] },
        ],
      },
      { name: "LostSubnets", resourceType: "aws:ec2:subnet", selectionMode: "ALL", resourceArns: SUBNETS },
      CACHE_TARGET,
      { name: "ReferenceCluster", resourceType: "aws:rds:cluster", selectionMode: "ALL", resourceArns: [CLUSTER], parameters: { writerAvailabilityZoneIdentifiers: "use1-az1" } },
    ]);
    expect(plan.actions.map((a) => [a.actionId, a.parameters, a.target])).to.deep.equal([
      [FIS_ACTIONS.stopInstances, { startInstancesAfterDuration: "PT10M", completeIfInstancesTerminated: "true" }, { key: "Instances", value: "FleetInstances" }],
      [FIS_ACTIONS.disruptConnectivity, { duration: "PT10M", scope: "all" }, { key: "Subnets", value: "LostSubnets" }],
      [FIS_ACTIONS.cacheInterruptAzPower, { duration: "PT10M" }, { key: "ReplicationGroups", value: "CacheReplicationGroup" }],
      [FIS_ACTIONS.failoverDbCluster, {}, { key: "Clusters", value: "ReferenceCluster" }],
    ]);
    expect(plan.description).to.equal(
      "AZ loss: use1-az1 for PT10M: the fleet's instances there stopped, its app and data subnets cut off, the cache's nodes there powered off and Aurora's writer failed over if it is there",
    );
  });

  it("fails over every data store whose primary sits in the data subnet it cuts off, as a real AZ loss does (AWS's AZ power interruption scenario)", () => {
    // Cutting the data subnet alone leaves the cache primary and the writer healthy but unreachable:
    // neither service fails over, so the other AZs' cache commands time out for the whole duration.
    const plan = azLoss();
    const cache = plan.actions.find((a) => a.actionId === FIS_ACTIONS.cacheInterruptAzPower);
    expect(cache?.parameters.duration).to.equal(plan.actions.find((a) => a.actionId === FIS_ACTIONS.disruptConnectivity)?.parameters.duration);
    expect(plan.targets.find((t) => t.name === cache?.target.value)?.parameters).to.deep.equal({ availabilityZoneIdentifier: "use1-az1" });
    const failover = plan.actions.find((a) => a.actionId === FIS_ACTIONS.failoverDbCluster);
    expect(plan.targets.find((t) => t.name === failover?.target.value)?.parameters).to.deep.equal({ writerAvailabilityZoneIdentifiers: "use1-az1" });
    // The replica stack's cluster holds no writer: no failover there, the cache's power still cut.
    const replica = azLoss({ dataTier: { cache: CACHE } });
    expect(replica.actions.map((a) => a.actionId)).to.deep.equal([FIS_ACTIONS.stopInstances, FIS_ACTIONS.disruptConnectivity, FIS_ACTIONS.cacheInterruptAzPower]);
    expect(allowed(replica)).to.deep.equal(permissionsOf([FIS_ACTIONS.stopInstances, FIS_ACTIONS.disruptConnectivity, FIS_ACTIONS.cacheInterruptAzPower]));
    expect(replica.statements.flatMap((s) => s.actions)).to.not.include("rds:FailoverDBCluster");
  });

  it("gives its role exactly the reference's permissions of its four actions, the * reads apart", () => {
    const plan = azLoss();
    expect(allowed(plan)).to.deep.equal(permissionsOf([FIS_ACTIONS.stopInstances, FIS_ACTIONS.disruptConnectivity, FIS_ACTIONS.cacheInterruptAzPower, FIS_ACTIONS.failoverDbCluster]));
    expect(plan.readsOnAllResources).to.deep.equal([
      "ec2:DescribeInstances",
      "ec2:DescribeManagedPrefixLists",
      "ec2:DescribeNetworkAcls",
      "ec2:DescribeSubnets",
      "ec2:DescribeVpcs",
      "tag:GetResources",
    ]);
    const bySid = Object.fromEntries(plan.statements.map((s) => [s.sid, s]));
    expect(bySid.InterruptCacheAzPower.resources).to.deep.equal([CACHE_ARN]);
    expect(bySid.FailoverReferenceCluster.resources).to.deep.equal([CLUSTER]);
    for (const statement of plan.statements) {
      expect(statement.resources, statement.sid).to.not.include("*");
      expect(statement.actions.filter((a) => plan.readsOnAllResources.includes(a)), statement.sid).to.deep.equal([]);
    }
  });

  it("lets the role stop and start only the group's instances, and swap only the AZ's subnets' network ACL", () => {
    const plan = azLoss();
    const bySid = Object.fromEntries(plan.statements.map((s) => [s.sid, s]));
    expect(bySid.StopStartFleetInstances).to.deep.equal({
      sid: "StopStartFleetInstances",
      actions: ["ec2:StartInstances", "ec2:StopInstances"],
      resources: ["arn:aws:ec2:us-east-1:123456789012:instance/*"],
      condition: { StringEquals: { "aws:ResourceTag/aws:autoscaling:groupName": "trading-api-1a2b" } },
    });
    expect(bySid.SwapSubnetNetworkAcl.resources).to.deep.equal(["arn:aws:ec2:us-east-1:123456789012:network-acl/*", ...SUBNETS]);
    expect(bySid.CreateFisNetworkAclInVpc.resources).to.deep.equal([VPC]);
    expect(bySid.EditFisNetworkAcl.condition).to.deep.equal({ StringEquals: { "ec2:ResourceTag/managedByFIS": "true" } });
    expect(bySid.RestartEncryptedVolumes.condition).to.deep.equal({
      Bool: { "kms:GrantIsForAWSResource": "true" },
      StringEquals: { "kms:ViaService": "ec2.us-east-1.amazonaws.com" },
    });
  });

  it("on Fargate stops the service's tasks in the AZ (by cluster and service), not instances", () => {
    const plan = azLoss({ fleet: { platform: "fargate", clusterName: "trading-ecs", serviceName: "trading-api" } });
    expect(plan.targets[0]).to.deep.equal({
      name: "ServiceTasks",
      resourceType: "aws:ecs:task",
      selectionMode: "ALL",
      parameters: { cluster: "trading-ecs", service: "trading-api" },
      filters: [{ path: "AvailabilityZone", values: ["us-east-1a"] }],
    });
    expect(plan.actions.map((a) => a.actionId)).to.deep.equal([FIS_ACTIONS.stopTask, FIS_ACTIONS.disruptConnectivity, FIS_ACTIONS.cacheInterruptAzPower, FIS_ACTIONS.failoverDbCluster]);
    expect(plan.actions[0].target).to.deep.equal({ key: "Tasks", value: "ServiceTasks" });
    expect(allowed(plan)).to.deep.equal(permissionsOf([FIS_ACTIONS.stopTask, FIS_ACTIONS.disruptConnectivity, FIS_ACTIONS.cacheInterruptAzPower, FIS_ACTIONS.failoverDbCluster]));
    expect(allowed(plan)).to.not.include("ec2:StopInstances");
    const stop = plan.statements.find((s) => s.sid === "StopServiceTasks");
    expect(stop?.resources).to.deep.equal(["arn:aws:ecs:us-east-1:123456789012:task/trading-ecs/*"]);
  });
});

describe("GameDays: the data tier's templates", () => {
  it("fails over the stack's Aurora cluster, chosen by its ARN, with only that cluster's failover allowed", () => {
    const arn = CLUSTER;
    const plan = auroraFailoverTemplate({ clusterArn: arn }, concat);
    expect(plan.targets).to.deep.equal([{ name: "ReferenceCluster", resourceType: "aws:rds:cluster", selectionMode: "ALL", resourceArns: [arn] }]);
    expect(plan.actions.map((a) => [a.actionId, a.parameters])).to.deep.equal([[FIS_ACTIONS.failoverDbCluster, {}]]);
    expect(plan.statements).to.deep.equal([{ sid: "FailoverReferenceCluster", actions: ["rds:DescribeDBClusters", "rds:FailoverDBCluster"], resources: [arn] }]);
    expect(allowed(plan)).to.deep.equal(permissionsOf([FIS_ACTIONS.failoverDbCluster]));
  });

  it("powers off the cache's nodes in the AZ for the duration, selecting the group by the stack tag and its name", () => {
    const arn = "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:trading-prod-us-east-1-cache-9f7d";
    const plan = cacheAzPowerTemplate(
      { replicationGroupArn: arn, nameTag: "trading-prod-us-east-1-cache", stackTag: { key: "Stack", value: "prod-us-east-1" }, azId: "use1-az1", duration: "PT10M" },
      concat,
    );
    expect(plan.targets).to.deep.equal([CACHE_TARGET]);
    expect(plan.actions.map((a) => [a.actionId, a.parameters, a.target])).to.deep.equal([
      [FIS_ACTIONS.cacheInterruptAzPower, { duration: "PT10M" }, { key: "ReplicationGroups", value: "CacheReplicationGroup" }],
    ]);
    expect(plan.statements[0].resources).to.deep.equal([arn]);
    expect(allowed(plan)).to.deep.equal(permissionsOf([FIS_ACTIONS.cacheInterruptAzPower]));
  });
});

describe("GameDays: the FIS permission lists", () => {
  it("names a source for each read that may only be allowed on *, each one a permission an action needs", () => {
    const needed = permissionsOf(Object.values(FIS_ACTIONS));
    for (const entry of FIS_PERMISSIONS_ON_ALL_RESOURCES) {
      expect(needed, entry.action).to.include(entry.action);
      expect(entry.source).to.match(/^https:\/\/docs\.aws\.amazon\.com\/service-authorization\/latest\/reference\/list_[a-z0-9]+\.html$/);
      expect(entry.action).to.match(/^(ec2:Describe|tag:GetResources$)/);
    }
  });

  it("iam-least-privilege admits each of those reads on *, with the same source, so the roles need no suppression", () => {
    const admitted = new Map(ACTIONS_ONLY_ON_ALL_RESOURCES.map((entry) => [entry.action, entry.source]));
    for (const entry of FIS_PERMISSIONS_ON_ALL_RESOURCES) {
      expect(admitted.get(entry.action), entry.action).to.equal(entry.source);
    }
  });
});

describe("GameDays: config", () => {
  it("gameDays is a boolean, off by default", () => {
    const schema = z.object(gameDaysConfigShape);
    expect(schema.parse({})).to.deep.equal({ gameDays: false });
    expect(schema.safeParse({ gameDays: "yes" }).success).to.equal(false);
  });

  it("needs the stack tag among the default tags when on", () => {
    const problems: string[] = [];
    const report = (key: string, message: string) => problems.push(`${key}: ${message}`);
    checkGameDaysConfig({ gameDays: true, stack: "prod-us-east-1", defaultTags: { Stack: "prod-us-east-1" } }, report);
    checkGameDaysConfig({ gameDays: false, stack: "dev", defaultTags: {} }, report);
    expect(problems).to.deep.equal([]);
    checkGameDaysConfig({ gameDays: true, stack: "dev", defaultTags: { Stack: "prod-us-east-1" } }, report);
    checkGameDaysConfig({ gameDays: true, stack: "dev", defaultTags: {} }, report);
    expect(problems).to.deep.equal([
      "aws:defaultTags: gameDays needs the tag Stack: dev among the default tags (got Stack: prod-us-east-1): the game days' FIS targets select this stack's resources by it",
      "aws:defaultTags: gameDays needs the tag Stack: dev among the default tags (got none): the game days' FIS targets select this stack's resources by it",
    ]);
  });
});
