/**
 * The game days in the real stack files under the mock cloud: the prod stacks (gameDays on) create
 * their FIS templates, dev (off) none; each template's targets are this stack's resources in one of
 * its AZs, its role holds exactly its actions' permissions, it stops on the composite alarm, its
 * actions are bounded and it logs to a retained log group. On Fargate the AZ loss stops tasks.
 */
import { expect } from "chai";
import { FIS_ACTIONS, FisActionId, permissionsOf } from "../../components/gamedays/fisActions";
import { ASG_NAME_TAG } from "../../components/gamedays/azLoss";
import { SCENARIO_TAG } from "../../components/gamedays/plan";
import { azNameForId, readStackFile, RecordedResource, runStackFile, stackFileFailure, StackRun } from "../support/mockCloud";
import { deployedStackRun } from "../support/stackRuns";

const T = {
  template: "aws:fis/experimentTemplate:ExperimentTemplate",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  composite: "aws:cloudwatch/compositeAlarm:CompositeAlarm",
  subnet: "aws:ec2/subnet:Subnet",
  asg: "aws:autoscaling/group:Group",
  dbCluster: "aws:rds/cluster:Cluster",
  cache: "aws:elasticache/replicationGroup:ReplicationGroup",
  ecsCluster: "aws:ecs/cluster:Cluster",
  ecsService: "aws:ecs/service:Service",
} as const;

interface Statement {
  Action: string[];
  Resource: string | string[];
}
interface Target {
  name: string;
  resourceType: string;
  resourceArns?: string[];
  resourceTags?: { key: string; value: string }[];
  filters?: { path: string; values: string[] }[];
  parameters?: Record<string, string>;
}
interface Action {
  actionId: FisActionId;
  parameters?: { key: string; value: string }[];
  target: { key: string; value: string };
}

const templatesOf = (run: StackRun) => new Map(run.ofType(T.template).map((t) => [String((t.inputs.tags as Record<string, string>)[SCENARIO_TAG]), t]));
const targetsOf = (template: RecordedResource) => template.inputs.targets as Target[];
const actionsOf = (template: RecordedResource) => template.inputs.actions as Action[];
const azIdsOf = (stack: string) => readStackFile(stack)["trading-platform:azIds"] as string[];
const regionOf = (stack: string) => String(readStackFile(stack)["aws:region"]);

/** The template's role and every statement it is given (inline policies and role policies). */
function roleOf(run: StackRun, template: RecordedResource): { role: RecordedResource; scoped: Statement[]; onAll: Statement[] } {
  const role = run.single(T.role, (r) => r.outputs.arn === template.inputs.roleArn);
  const statements = (doc: unknown) => (JSON.parse(String(doc)) as { Statement: Statement[] }).Statement;
  const inline = (role.inputs.inlinePolicies as { policy: string }[] | undefined) ?? [];
  const policies = run.ofType(T.rolePolicy).filter((p) => p.inputs.role === role.id);
  return { role, scoped: policies.flatMap((p) => statements(p.inputs.policy)), onAll: inline.flatMap((p) => statements(p.policy)) };
}

describe("game days in the real stacks (gameDays on in prod)", function () {
  this.timeout(240_000);
  const runs: Record<string, StackRun> = {};

  before(async () => {
    for (const stack of ["prod-us-east-1", "prod-eu-west-1", "dev"]) {
      runs[stack] = await deployedStackRun(stack);
    }
  });

  it("creates the AZ loss, Aurora failover and cache templates in the primary, leaves the failover out of the replica, and nothing in dev", () => {
    expect([...templatesOf(runs["prod-us-east-1"]).keys()].sort()).to.deep.equal(["aurora-failover", "az-loss", "cache-az-power"]);
    // The replica's cluster is a global database's secondary: no writer for FailoverDBCluster to move.
    expect([...templatesOf(runs["prod-eu-west-1"]).keys()].sort()).to.deep.equal(["az-loss", "cache-az-power"]);
    expect(runs.dev.ofType(T.template)).to.deep.equal([]);
    expect(runs.dev.ofType("trading:gamedays:GameDays")).to.deep.equal([]);
  });

  for (const stack of ["prod-us-east-1", "prod-eu-west-1"]) {
    describe(stack, () => {
      it("stops every template on the stack's composite trading-degraded alarm, tags it with the stack's tags and its scenario, and logs schema 2 to a retained group", () => {
        const run = runs[stack];
        const composite = run.single(T.composite);
        const logGroup = run.single(T.logGroup, (g) => g.inputs.name === `/aws/fis/trading-${stack}`);
        expect(logGroup.inputs.retentionInDays).to.equal(90);
        const stackTags = (readStackFile(stack)["aws:defaultTags"] as { tags: Record<string, string> }).tags;
        for (const [scenario, template] of templatesOf(run)) {
          expect(template.inputs.stopConditions, scenario).to.deep.equal([{ source: "aws:cloudwatch:alarm", value: composite.outputs.arn }]);
          expect(template.propertyDependencies.stopConditions, scenario).to.include(composite.urn);
          expect(template.inputs.tags, scenario).to.deep.equal({ ...stackTags, [SCENARIO_TAG]: scenario });
          expect(template.inputs.logConfiguration, scenario).to.deep.equal({ logSchemaVersion: 2, cloudwatchLogsConfiguration: { logGroupArn: `${String(logGroup.outputs.arn)}:*` } });
          expect(template.inputs.experimentOptions, scenario).to.deep.equal({ accountTargeting: "single-account", emptyTargetResolutionMode: "fail" });
          expect(String(template.inputs.description), scenario).to.match(new RegExp(`^trading-${stack}: `));
        }
      });

      it("takes out the stack's first AZ: the group's instances there, that AZ's app and data subnets, the cache's nodes there and a writer there, for ten minutes", () => {
        const run = runs[stack];
        const template = templatesOf(run).get("az-loss") as RecordedResource;
        const [lost, ...kept] = azIdsOf(stack);
        const lostName = azNameForId(regionOf(stack), lost);
        const [instances, subnets] = targetsOf(template);
        const asg = run.single(T.asg);
        expect(instances.resourceType).to.equal("aws:ec2:instance");
        expect(instances.resourceTags).to.deep.equal([{ key: ASG_NAME_TAG, value: asg.outputs.name }]);
        expect(instances.filters).to.deep.equal([
          { path: "Placement.AvailabilityZone", values: [lostName] },
          { path: "State.Name", values: ["running"] },
        ]);
        expect(kept.map((id) => azNameForId(regionOf(stack), id))).to.not.include(lostName);
        const lostSubnets = run.ofType(T.subnet).filter((s) => s.inputs.availabilityZoneId === lost && /-(app|data)-/.test(s.name));
        expect(lostSubnets).to.have.length(2);
        expect(subnets.resourceType).to.equal("aws:ec2:subnet");
        expect([...(subnets.resourceArns ?? [])].sort()).to.deep.equal(lostSubnets.map((s) => String(s.outputs.arn)).sort());
        // The data tier fails over as in a real AZ loss: the cache's nodes there powered off for as
        // long, and the writer failed over only where the stack's cluster holds one (not the replica's).
        expect(actionsOf(template).map((a) => [a.actionId, a.parameters])).to.deep.equal([
          [FIS_ACTIONS.stopInstances, [{ key: "startInstancesAfterDuration", value: "PT10M" }, { key: "completeIfInstancesTerminated", value: "true" }]],
          [FIS_ACTIONS.disruptConnectivity, [{ key: "duration", value: "PT10M" }, { key: "scope", value: "all" }]],
          [FIS_ACTIONS.cacheInterruptAzPower, [{ key: "duration", value: "PT10M" }]],
          ...(stack === "prod-us-east-1" ? [[FIS_ACTIONS.failoverDbCluster, undefined]] : []),
        ]);
        expect(targetsOf(template).slice(2).map((t) => [t.resourceType, t.parameters])).to.deep.equal([
          ["aws:elasticache:replicationgroup", { availabilityZoneIdentifier: lost }],
          ...(stack === "prod-us-east-1" ? [["aws:rds:cluster", { writerAvailabilityZoneIdentifiers: lost }]] : []),
        ]);
      });

      it("powers off the cache's nodes in that AZ for ten minutes, selecting the group by the stack tag and its name", () => {
        const run = runs[stack];
        const template = templatesOf(run).get("cache-az-power") as RecordedResource;
        const cache = run.single(T.cache);
        expect(targetsOf(template)).to.deep.equal([
          {
            name: "CacheReplicationGroup",
            resourceType: "aws:elasticache:replicationgroup",
            selectionMode: "ALL",
            resourceTags: [
              { key: "Stack", value: stack },
              { key: "Name", value: (cache.outputs.tags as Record<string, string>).Name },
            ],
            parameters: { availabilityZoneIdentifier: azIdsOf(stack)[0] },
          },
        ]);
        expect(actionsOf(template)[0].parameters).to.deep.equal([{ key: "duration", value: "PT10M" }]);
      });

      it("gives each template its own FIS role with exactly its actions' permissions, scoped to this stack's ARNs but for the reads IAM only allows on *", () => {
        const run = runs[stack];
        const roles = new Set<string>();
        for (const [scenario, template] of templatesOf(run)) {
          const { role, scoped, onAll } = roleOf(run, template);
          roles.add(role.urn);
          const trust = JSON.parse(String(role.inputs.assumeRolePolicy)) as { Statement: { Principal: unknown; Condition: Record<string, Record<string, string>> }[] };
          expect(trust.Statement[0].Principal, scenario).to.deep.equal({ Service: "fis.amazonaws.com" });
          expect(trust.Statement[0].Condition.StringEquals["aws:SourceAccount"], scenario).to.equal("123456789012");
          const granted = [...new Set([...scoped, ...onAll].flatMap((s) => s.Action))].sort();
          expect(granted, scenario).to.deep.equal(permissionsOf(actionsOf(template).map((a) => a.actionId)));
          for (const statement of scoped) {
            expect([statement.Resource].flat(), scenario).to.not.include("*");
          }
          for (const statement of onAll) {
            expect(statement.Action.every((a) => /^(ec2:Describe[A-Za-z]+|tag:GetResources)$/.test(a)), `${scenario}: ${statement.Action.join(", ")}`).to.equal(true);
          }
        }
        expect(roles.size).to.equal(templatesOf(run).size);
      });
    });
  }

  it("fails the primary's Aurora writer over on its own cluster, by ARN", () => {
    const run = runs["prod-us-east-1"];
    const template = templatesOf(run).get("aurora-failover") as RecordedResource;
    expect(targetsOf(template)).to.deep.equal([
      { name: "ReferenceCluster", resourceType: "aws:rds:cluster", selectionMode: "ALL", resourceArns: [run.single(T.dbCluster).outputs.arn] },
    ]);
    expect(actionsOf(template).map((a) => a.actionId)).to.deep.equal([FIS_ACTIONS.failoverDbCluster]);
  });
});

describe("game days on Fargate and in a stack without the stack tag", function () {
  this.timeout(240_000);

  it("on computePlatform fargate, the AZ loss stops the service's tasks in the AZ, and its role cannot stop instances", async () => {
    const run = await runStackFile("prod-us-east-1", { overrides: { "trading-platform:computePlatform": "fargate" } });
    const template = templatesOf(run).get("az-loss") as RecordedResource;
    const [tasks] = targetsOf(template);
    expect(tasks).to.deep.equal({
      name: "ServiceTasks",
      resourceType: "aws:ecs:task",
      selectionMode: "ALL",
      parameters: { cluster: run.single(T.ecsCluster).outputs.name, service: run.single(T.ecsService).outputs.name },
      filters: [{ path: "AvailabilityZone", values: [azNameForId("us-east-1", azIdsOf("prod-us-east-1")[0])] }],
    });
    const data = [FIS_ACTIONS.cacheInterruptAzPower, FIS_ACTIONS.failoverDbCluster];
    expect(actionsOf(template).map((a) => a.actionId)).to.deep.equal([FIS_ACTIONS.stopTask, FIS_ACTIONS.disruptConnectivity, ...data]);
    const { scoped, onAll } = roleOf(run, template);
    const granted = [...scoped, ...onAll].flatMap((s) => s.Action);
    expect(granted).to.not.include("ec2:StopInstances");
    expect([...new Set(granted)].sort()).to.deep.equal(permissionsOf([FIS_ACTIONS.stopTask, FIS_ACTIONS.disruptConnectivity, ...data]));
  });

  it("refuses gameDays in a stack whose default tags lack Stack: <stack>, before anything is created", async () => {
    const failure = await stackFileFailure("dev", { overrides: { "trading-platform:gameDays": true } });
    expect(failure.message).to.include("aws:defaultTags: gameDays needs the tag Stack: dev among the default tags (got none)");
    expect(failure.registered.filter((r) => r.custom)).to.deep.equal([]);
  });
});
