/**
 * The README's "Choosing a compute platform" held to what it describes: its cost table to the
 * plan's cost section on each platform, and its account of a switch (what `pulumi up` creates,
 * replaces, updates and deletes, and why the API drops out in one run) to the program's resource
 * graph, prod-us-east-1 on ec2 against the same stack file on fargate.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../../offline/cloud/stackFiles";
import { creationTime } from "../../offline/plan/creationTimes";
import type { StackPlan } from "../../offline/plan/plan";
import { formatUsd } from "../../policy/lib/cost/estimate";
import { RecordedResource, runStackFile, STACKS, StackRun } from "../support/mockCloud";
import { plannedFargateStack, plannedStack } from "../offline/plan/support";

const README = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
const RAW_SECTION = (() => {
  const start = README.indexOf("### Choosing a compute platform\n");
  const end = README.indexOf("\n### ", start + 1);
  expect(start, "the section exists").to.be.greaterThan(-1);
  return README.slice(start, end);
})();
/** The section's prose with line breaks as spaces (a phrase may wrap). */
const SECTION = RAW_SECTION.replace(/\s+/g, " ");

/** The cells of the cost table's row for `stack`. */
function tableRow(stack: string): string[] {
  const line = RAW_SECTION.split("\n").find((l) => l.startsWith(`| \`${stack}\` |`));
  expect(line, `a table row for ${stack}`).to.not.equal(undefined);
  return String(line).split("|").slice(2, -1).map((cell) => cell.trim());
}

const FLEET_TYPES = ["aws:autoscaling/group:Group", "aws:ecs/service:Service"];

/** The fleet's lines of a plan's cost section: the sum of the amounts it prints (in cents) and the "N x size" they price. */
function fleetCost(p: StackPlan): { usd: number; descriptions: string[] } {
  const items = p.cost.minimum.items.filter((i) => FLEET_TYPES.includes(i.resourceType));
  expect(items.length, `${p.stack}: fleet lines`).to.be.greaterThan(0);
  const cents = items.reduce((sum, i) => sum + Math.round(i.monthlyUsd * 100), 0);
  return { usd: cents / 100, descriptions: items.map((i) => i.description) };
}

const dollars = (usd: number) => formatUsd(Math.round(usd)).replace(/\.00$/, "");

describe("README: choosing a compute platform", function () {
  this.timeout(300_000);

  describe("the cost table is the plan's", () => {
    for (const stack of STACKS) {
      it(`${stack}: the fleet on each platform and the stack's minimum, as the plan prices them`, async () => {
        const [ec2, fargate] = [await plannedStack(stack), await plannedFargateStack(stack)];
        const [onEc2, onFargate, totals] = tableRow(stack);

        const instances = fleetCost(ec2);
        const [count, type] = /^(\d+) x (\S+) instances/.exec(instances.descriptions.find((d) => d.includes("instances")) ?? "")?.slice(1) ?? [];
        expect(onEc2).to.equal(`${count} × ${type}: ${formatUsd(instances.usd)}`);

        const tasks = fleetCost(fargate);
        const vcpu = /^(\d+) x (\d+(?:\.\d+)?) vCPU Fargate tasks/.exec(tasks.descriptions.find((d) => d.includes("vCPU")) ?? "");
        const memory = /^(\d+) x (\d+(?:\.\d+)?) GB Fargate task memory/.exec(tasks.descriptions.find((d) => d.includes("memory")) ?? "");
        expect(vcpu && memory, `${stack}: the plan prices vCPU and memory of the tasks`).to.not.equal(null);
        expect(onFargate).to.equal(`${vcpu?.[1]} × ${vcpu?.[2]} vCPU / ${memory?.[2]} GB: ${formatUsd(tasks.usd)}`);

        expect(totals).to.equal(`${dollars(ec2.cost.minimum.totalMonthlyUsd)} → ${dollars(fargate.cost.minimum.totalMonthlyUsd)}`);
      });
    }

    it("the tasks per AZ it quotes are the plan's AZ matrix at the minimum", async () => {
      const cells = async (stack: string) => [...new Set(Object.values((await plannedFargateStack(stack)).azMatrix.rows.find((r) => r.key === "ecs")?.cells ?? {}))];
      expect(await cells("prod-us-east-1")).to.deep.equal(["1 task"]);
      expect(await cells("dev")).to.deep.equal(["0-1 task"]);
      expect(SECTION).to.include("one task per AZ in prod and 0-1 in dev");
    });
  });

  describe("what a switch does, from the program's resource graph", () => {
    let ec2: StackRun;
    let fargate: StackRun;
    before(async () => {
      ec2 = await runStackFile("prod-us-east-1");
      fargate = await runStackFile("prod-us-east-1", { overrides: { "trading-platform:computePlatform": "fargate" } });
    });

    const only = (a: StackRun, b: StackRun) => a.resources.filter((r) => r.custom && !b.resources.some((o) => o.urn === r.urn));
    const bullet = (verb: string) => {
      const match = new RegExp(`\\*\\*${verb}\\*\\*([^;]+(?:;(?! - \\*\\*)[^;]+)*)`).exec(SECTION);
      expect(match, `the "${verb}" bullet`).to.not.equal(null);
      return (match as RegExpExecArray)[1];
    };
    /** Every type a switch creates or deletes, and the words the README uses for it. */
    const expectNamed = (resources: RecordedResource[], words: Record<string, string>, text: string) => {
      expect([...new Set(resources.map((r) => r.type))].sort(), "types (a new one needs its words here and in the README)").to.deep.equal(Object.keys(words).sort());
      for (const [type, phrase] of Object.entries(words)) {
        expect(text, type).to.include(phrase);
      }
    };

    it("creates: every resource only the fargate program has is in the README's list", () => {
      expectNamed(
        only(fargate, ec2),
        {
          "aws:ecr/repository:Repository": "ECR repository",
          "aws:ecr/lifecyclePolicy:LifecyclePolicy": "lifecycle policy",
          "docker-build:index:Image": "the image (built and pushed)",
          "aws:ecs/cluster:Cluster": "ECS cluster",
          "aws:iam/role:Role": "task and execution roles",
          "aws:iam/rolePolicy:RolePolicy": "with their policies",
          "aws:ecs/taskDefinition:TaskDefinition": "task definition",
          "aws:ecs/service:Service": "the service",
          "aws:appautoscaling/target:Target": "scalable target",
          "aws:appautoscaling/policy:Policy": "tracking policy",
          "aws:cloudwatch/metricAlarm:MetricAlarm": "three ECS alarms",
          "aws:cloudwatch/eventRule:EventRule": "deployment-failure EventBridge rule",
          "aws:cloudwatch/eventTarget:EventTarget": "EventBridge rule",
        },
        bullet("creates"),
      );
      expect(only(fargate, ec2).filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm")).to.have.length(3);
    });

    it("deletes: every resource only the ec2 program has is in the README's list", () => {
      expectNamed(
        only(ec2, fargate),
        {
          "aws:autoscaling/group:Group": "Auto Scaling group",
          "aws:autoscaling/policy:Policy": "its scaling policy",
          "aws:ec2/launchTemplate:LaunchTemplate": "launch template",
          "aws:iam/role:Role": "instance role",
          "aws:iam/instanceProfile:InstanceProfile": "profile",
          "aws:iam/rolePolicy:RolePolicy": "instance role",
          "aws:s3/bucket:Bucket": "artifact bucket",
          "aws:s3/bucketObjectv2:BucketObjectv2": "with its object",
          "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "artifact bucket",
          "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "artifact bucket",
          "aws:s3/bucketVersioning:BucketVersioning": "artifact bucket",
          "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "artifact bucket",
          "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "artifact bucket",
          "aws:s3/bucketPolicy:BucketPolicy": "artifact bucket",
          "aws:s3/bucketLogging:BucketLogging": "access-log bucket",
          "aws:cloudwatch/eventRule:EventRule": "instance-refresh rule",
          "aws:cloudwatch/eventTarget:EventTarget": "instance-refresh rule",
          "aws:cloudwatch/metricAlarm:MetricAlarm": "in-service alarm",
        },
        bullet("deletes"),
      );
    });

    it("replaces the target group: same URN, auto-named, only its target type differs", () => {
      const [before, after] = [ec2, fargate].map((run) => run.single("aws:lb/targetGroup:TargetGroup"));
      expect(after.urn).to.equal(before.urn);
      expect([before.inputs.targetType, after.inputs.targetType]).to.deep.equal(["instance", "ip"]);
      // No explicit name: Pulumi auto-names it, so the replacement is created before the old group is deleted.
      expect(after.inputs).to.not.have.property("name");
      expect(bullet("replaces")).to.include("target type (`instance` → `ip`)").and.include("created before the old one is deleted");
    });

    it("updates in place what reads the group or the fleet: listeners and rules, alarms, the read grant, the region description", () => {
      const group = fargate.single("aws:lb/targetGroup:TargetGroup");
      const readers = (type: string) => fargate.ofType(type).filter((r) => Object.values(r.propertyDependencies).some((deps) => deps.includes(group.urn)));
      expect(readers("aws:lb/listener:Listener").length + readers("aws:lb/listenerRule:ListenerRule").length).to.be.greaterThan(1);
      expect(readers("aws:cloudwatch/metricAlarm:MetricAlarm").length).to.be.greaterThan(0);
      const grant = (run: StackRun) => run.single("aws:iam/rolePolicy:RolePolicy", (p) => p.name.endsWith("-read-write-region"));
      const roleName = (run: StackRun, grantOf: RecordedResource) => run.resources.find((r) => (grantOf.propertyDependencies.role ?? []).includes(r.urn))?.name;
      expect([roleName(ec2, grant(ec2)), roleName(fargate, grant(fargate))]).to.deep.equal(["trading-instance", "trading-task"]);
      const text = bullet("updates in place");
      for (const phrase of ["listeners and listener rules", "alarms and dashboard that read the group", "from the instance role to the task role", "region description"]) {
        expect(text).to.include(phrase);
      }
    });

    it("in one run the listeners move first: they wait for the group only, the service for them and for the image", () => {
      const group = fargate.single("aws:lb/targetGroup:TargetGroup");
      const service = fargate.single("aws:ecs/service:Service");
      const listeners = fargate.ofType("aws:lb/listener:Listener").filter((l) => Object.values(l.propertyDependencies).some((deps) => deps.includes(group.urn)));
      expect(listeners.length).to.be.greaterThan(0);
      const ecsSide = new Set(fargate.resources.filter((r) => r.type.startsWith("aws:ecs/") || r.type.startsWith("aws:ecr/") || r.type === "docker-build:index:Image").map((r) => r.urn));
      for (const listener of listeners) {
        expect(listener.dependencies.filter((urn) => ecsSide.has(urn)), listener.name).to.deep.equal([]);
      }
      expect(service.dependencies).to.include.members(listeners.map((l) => l.urn));
      const taskDefinition = fargate.single("aws:ecs/taskDefinition:TaskDefinition");
      expect(service.dependencies).to.include(taskDefinition.urn);
      expect(taskDefinition.dependencies).to.include(fargate.single("docker-build:index:Image").urn);
      expect(fargate.single("aws:ecs/service:Service").inputs.waitForSteadyState).to.equal(true);

      const minutes = (type: string) => creationTime(type).seconds / 60;
      expect(SECTION).to.include(`estimates the image at ${minutes("docker-build:index:Image")} min and the service's steady state at ${minutes("aws:ecs/service:Service")} min`);
    });

    it("in prod the artifact buckets are not force-destroyed and one is versioned, so their deletes need them emptied", () => {
      const buckets = only(ec2, fargate).filter((r) => r.type === "aws:s3/bucket:Bucket");
      expect(buckets).to.have.length(2);
      expect(buckets.map((b) => b.inputs.forceDestroy === true)).to.deep.equal([false, false]);
      const versioning = only(ec2, fargate).filter((r) => r.type === "aws:s3/bucketVersioning:BucketVersioning");
      expect(versioning.map((v) => (v.inputs.versioningConfiguration as { status?: string } | undefined)?.status)).to.deep.equal(["Enabled"]);
      expect(SECTION).to.include("`BucketNotEmpty`").and.include("every object version: the artifact bucket is versioned");
    });

    it("switching back, prod's ECR repository is not force-deleted either, so its images must go first", () => {
      expect(fargate.single("aws:ecr/repository:Repository").inputs.forceDelete).to.equal(false);
      expect(SECTION).to.include("ECR repository is not force-deleted either").and.include("delete its images before the final `pulumi up`");
    });
  });
});
