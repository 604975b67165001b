/**
 * The fleet on ECS Fargate (computePlatform fargate) in the three real stack files under the mock
 * cloud: no Auto Scaling group, the image built into the stack's repository, a service in the
 * three app subnets behind the same target group (type ip), the roles' exact actions, the cursor
 * key as an ECS secret, the drain inside the stop timeout.
 */
import { expect } from "chai";
import { FARGATE_MAX_STOP_TIMEOUT_SECONDS, SHUTDOWN } from "../../components/cluster/fargateService";
import { IMAGE_PULL_ACTIONS, REGISTRY_TOKEN_ACTIONS, TASK_STATEMENT_SIDS } from "../../components/cluster/taskIdentity";
import { DAX_ACTIONS, INDEX_ACTIONS, TABLE_ACTIONS, TABLE_KEY_ACTIONS } from "../../components/dynamo/perms";
import { HEALTH_PATH } from "../../services/trading-api/src/contract";
import { parseStackConfig } from "../../stacks/config";
import { STACK_OUTPUT_SCHEMAS, StackRole } from "../../stacks/outputs";
import { RecordedResource, runStackFile, stackConfig, STACKS, StackRun } from "../support/mockCloud";
import type { PolicyDocument } from "../../components/cluster/instancePolicy";
import { toPolicyResources } from "../../offline/policy/evaluator";
import { analysisInputFromRun } from "../../offline/policy/fromRun";
import { creationTime, DEFAULT_CREATION_TIME } from "../../offline/plan/creationTimes";
import { estimateMinimumMonthlyCost } from "../../policy/lib/cost/estimate";
import { loadPriceSnapshot } from "../../policy/lib/prices";
import { evaluateStack } from "../../offline/policy/evaluateStack";
import { mutateRun } from "../policy/support/mutate";

const FARGATE = { "trading-platform:computePlatform": "fargate" };

const T = {
  cluster: "trading:cluster:TradingCluster",
  asg: "aws:autoscaling/group:Group",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  artifactObject: "aws:s3/bucketObjectv2:BucketObjectv2",
  ecsCluster: "aws:ecs/cluster:Cluster",
  service: "aws:ecs/service:Service",
  taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
  repository: "aws:ecr/repository:Repository",
  lifecycle: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
  image: "docker-build:index:Image",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  listener: "aws:lb/listener:Listener",
  subnet: "aws:ec2/subnet:Subnet",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  scalableTarget: "aws:appautoscaling/target:Target",
  scalingPolicy: "aws:appautoscaling/policy:Policy",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  eventRule: "aws:cloudwatch/eventRule:EventRule",
  parameter: "aws:ssm/parameter:Parameter",
} as const;

interface ContainerDef {
  name: string;
  image: string;
  environment: { name: string; value: string }[];
  secrets: { name: string; valueFrom: string }[];
  readonlyRootFilesystem: boolean;
  privileged: boolean;
  user: string;
  stopTimeout: number;
  portMappings: { containerPort: number }[];
  logConfiguration: { logDriver: string; options: Record<string, string> };
}

const runs: Record<string, StackRun> = {};

function inCluster(run: StackRun, type: string, predicate: (r: RecordedResource) => boolean = () => true): RecordedResource[] {
  return run.childrenOf(run.single(T.cluster), true).filter((r) => r.type === type && predicate(r));
}
function one(run: StackRun, type: string, predicate?: (r: RecordedResource) => boolean): RecordedResource {
  const found = inCluster(run, type, predicate);
  expect(found, `${type} in ${run.stack}`).to.have.length(1);
  return found[0];
}
const containerOf = (run: StackRun): ContainerDef => {
  const defs = JSON.parse(String(one(run, T.taskDefinition).inputs.containerDefinitions)) as ContainerDef[];
  expect(defs).to.have.length(1);
  return defs[0];
};
const policyOf = (run: StackRun, roleName: string): PolicyDocument => {
  const role = one(run, T.role, (r) => r.name === roleName);
  const policy = one(run, T.rolePolicy, (p) => p.inputs.role === role.outputs.id || p.inputs.role === role.id);
  return JSON.parse(String(policy.inputs.policy)) as PolicyDocument;
};
const actionsBySid = (doc: PolicyDocument) => Object.fromEntries(doc.Statement.map((s) => [s.Sid, [...s.Action].sort()]));

describe("TradingCluster on Fargate (computePlatform fargate) in the real stack files", function () {
  this.timeout(120_000);

  before(async () => {
    for (const stack of STACKS) {
      runs[stack] = await runStackFile(stack, { overrides: FARGATE });
    }
  });

  for (const stack of STACKS) {
    describe(stack, () => {
      it("runs no Auto Scaling group, launch template or S3 artifact: the image carries the bundle", () => {
        const run = runs[stack];
        expect(run.ofType(T.asg)).to.have.length(0);
        expect(run.ofType(T.launchTemplate)).to.have.length(0);
        expect(inCluster(run, T.artifactObject)).to.have.length(0);
      });

      it("builds the image into the stack's own repository: immutable content tags, scan on push, a lifecycle policy", () => {
        const run = runs[stack];
        const repository = one(run, T.repository);
        expect(repository.inputs.imageTagMutability).to.equal("IMMUTABLE");
        expect(repository.inputs.imageScanningConfiguration).to.deep.equal({ scanOnPush: true });
        const lifecycle = JSON.parse(String(one(run, T.lifecycle).inputs.policy)) as { rules: { selection: { tagStatus: string } }[] };
        expect(lifecycle.rules.map((r) => r.selection.tagStatus)).to.deep.equal(["untagged", "any"]);
        const image = one(run, T.image);
        expect(image.inputs.push).to.equal(true);
        expect(image.inputs.buildOnPreview).to.equal(false);
        const tags = image.inputs.tags as string[];
        expect(tags).to.have.length(1);
        expect(tags[0]).to.match(new RegExp(`^${String(repository.outputs.repositoryUrl).replace(/\./g, "\\.")}:[0-9a-f]{64}$`));
        // The task runs exactly the pushed image, by digest.
        expect(containerOf(run).image).to.equal(`${String(repository.outputs.repositoryUrl)}@${String(image.outputs.digest)}`);
      });

      it("spreads the service over the stack's app subnets (every AZ), with no public IP and AZ rebalancing", () => {
        const run = runs[stack];
        const service = one(run, T.service);
        const network = service.inputs.networkConfiguration as { subnets: string[]; assignPublicIp: boolean; securityGroups: string[] };
        const appSubnets = run.ofType(T.subnet).filter((s) => s.name.includes("-app-"));
        expect(appSubnets.length).to.be.at.least(2);
        expect([...network.subnets].sort()).to.deep.equal(appSubnets.map((s) => s.id).sort());
        const azIds = new Set(appSubnets.map((s) => String(s.inputs.availabilityZoneId ?? s.outputs.availabilityZoneId)));
        expect(azIds.size).to.equal(appSubnets.length);
        if (stack.startsWith("prod")) expect(azIds.size).to.equal(3);
        expect(network.assignPublicIp).to.equal(false);
        expect(service.inputs.availabilityZoneRebalancing).to.equal("ENABLED");
        expect(service.inputs.launchType).to.equal("FARGATE");
      });

      it("deploys with the circuit breaker rolling back, never below 100 % of the running tasks", () => {
        const service = one(runs[stack], T.service);
        expect(service.inputs.deploymentCircuitBreaker).to.deep.equal({ enable: true, rollback: true });
        expect(service.inputs.deploymentMinimumHealthyPercent).to.equal(100);
        expect(service.ignoreChanges).to.include("desiredCount");
      });

      it("sits behind the same ALB through a target group of type ip with the shallow health check", () => {
        const run = runs[stack];
        const targetGroup = one(run, T.targetGroup);
        expect(targetGroup.inputs.targetType).to.equal("ip");
        expect((targetGroup.inputs.healthCheck as { path: string }).path).to.equal(HEALTH_PATH);
        const service = one(run, T.service);
        const lbs = service.inputs.loadBalancers as { targetGroupArn: string; containerName: string; containerPort: number }[];
        expect(lbs).to.deep.equal([{ targetGroupArn: targetGroup.outputs.arn, containerName: "trading-api", containerPort: containerOf(run).portMappings[0].containerPort }]);
        // ECS refuses a target group that no listener uses: the service waits for the listeners.
        const listenerUrns = inCluster(run, T.listener).map((l) => l.urn);
        expect(listenerUrns.length).to.be.at.least(1);
        expect(service.dependencies).to.include.members(listenerUrns);
      });

      it("scales by target tracking within the stack's clusterMinSize..clusterMaxSize", () => {
        const run = runs[stack];
        const target = one(run, T.scalableTarget);
        const config = parseStackConfig(stack, stackConfig(stack, FARGATE));
        expect(target.inputs.scalableDimension).to.equal("ecs:service:DesiredCount");
        expect([target.inputs.minCapacity, target.inputs.maxCapacity]).to.deep.equal([config.clusterMinSize, config.clusterMaxSize]);
        expect(one(run, T.service).inputs.desiredCount).to.equal(config.clusterDesiredCapacity);
        if (config.isProduction) expect(config.clusterMinSize, "one task per AZ at least").to.be.at.least(config.azIds.length);
        expect(one(run, T.scalingPolicy).inputs.policyType).to.equal("TargetTrackingScaling");
      });

      it("passes the cursor key as ECS secrets from the SSM parameter, never as an environment value", () => {
        const run = runs[stack];
        const container = containerOf(run);
        const parameter = one(run, T.parameter, (p) => String(p.inputs.name).endsWith("/cursor-secret"));
        expect(container.secrets.map((s) => s.name)).to.deep.equal(["CURSOR_SECRET"]);
        expect(container.secrets[0].valueFrom).to.equal(`${String(parameter.outputs.arn)}:${String(parameter.outputs.version)}`);
        const names = container.environment.map((e) => e.name);
        expect(names).to.not.include.members(["CURSOR_SECRET", "CURSOR_SECRET_PREVIOUS"]);
        expect(JSON.stringify(container.environment)).to.not.match(/secret/i);
      });

      it("runs the container non-root on a read-only root filesystem, unprivileged, logging through awslogs", () => {
        const container = containerOf(runs[stack]);
        expect(container.user).to.equal("65532:65532");
        expect(container.readonlyRootFilesystem).to.equal(true);
        expect(container.privileged).to.equal(false);
        expect(container.logConfiguration.logDriver).to.equal("awslogs");
      });

      it("fits the service's drain and grace inside the task's stopTimeout (<= 120 s) and the deregistration delay", () => {
        const run = runs[stack];
        const container = containerOf(run);
        const env = Object.fromEntries(container.environment.map((e) => [e.name, e.value]));
        const drainSeconds = (Number(env.SHUTDOWN_DRAIN_MS) + Number(env.SHUTDOWN_GRACE_MS)) / 1000;
        expect(drainSeconds).to.equal((SHUTDOWN.drainMs + SHUTDOWN.graceMs) / 1000);
        expect(container.stopTimeout).to.be.greaterThan(drainSeconds);
        expect(container.stopTimeout).to.be.at.most(FARGATE_MAX_STOP_TIMEOUT_SECONDS);
        expect(Number(one(run, T.targetGroup).inputs.deregistrationDelay)).to.be.at.least(drainSeconds);
      });

      it("gives the task role exactly the instance role's data permissions and the execution role only pull, logs and the secret", () => {
        const run = runs[stack];
        const task = actionsBySid(policyOf(run, "trading-task"));
        expect(Object.keys(task).sort()).to.deep.equal([...TASK_STATEMENT_SIDS].sort());
        expect(task.TableItems).to.deep.equal([...TABLE_ACTIONS].sort());
        expect(task.IndexQueries).to.deep.equal([...INDEX_ACTIONS].sort());
        expect(task.TableKeyViaDynamoDB).to.deep.equal([...TABLE_KEY_ACTIONS].sort());
        expect(task.DaxItems).to.deep.equal([...DAX_ACTIONS].sort());
        expect(task.ReferenceDatabase).to.deep.equal(["rds-db:connect"]);
        expect(task.ReferenceCache).to.deep.equal(["elasticache:Connect"]);
        const execution = policyOf(run, "trading-task-execution");
        expect(actionsBySid(execution)).to.deep.equal({
          RegistryToken: [...REGISTRY_TOKEN_ACTIONS],
          ImagePull: [...IMAGE_PULL_ACTIONS].sort(),
          TaskLogs: ["logs:CreateLogStream", "logs:PutLogEvents"],
          CursorKeySecret: ["ssm:GetParameters"],
          DecryptCursorKey: ["kms:Decrypt"],
        });
        const onAnyResource = execution.Statement.filter((s) => s.Resource === "*").map((s) => s.Sid);
        expect(onAnyResource, "only the registry token, which has no resource-level permission").to.deep.equal(["RegistryToken"]);
        const repository = one(run, T.repository);
        expect(execution.Statement.find((s) => s.Sid === "ImagePull")?.Resource).to.equal(repository.outputs.arn);
        // The task definition names both roles, and the write-region flag is granted to the task role.
        const taskDefinition = one(run, T.taskDefinition);
        expect(taskDefinition.inputs.taskRoleArn).to.equal(one(run, T.role, (r) => r.name === "trading-task").outputs.arn);
        expect(taskDefinition.inputs.executionRoleArn).to.equal(one(run, T.role, (r) => r.name === "trading-task-execution").outputs.arn);
        expect(taskDefinition.inputs.networkMode).to.equal("awsvpc");
      });

      it("watches the service instead of the group: running tasks, CPU, memory, and failed deployments through EventBridge", () => {
        const run = runs[stack];
        const alarms = run.ofType(T.alarm);
        const running = alarms.filter((a) => a.inputs.metricName === "RunningTaskCount");
        expect(running).to.have.length(1);
        expect(running[0].inputs.namespace).to.equal("ECS/ContainerInsights");
        expect(alarms.filter((a) => a.inputs.namespace === "AWS/AutoScaling")).to.have.length(0);
        expect(alarms.filter((a) => a.inputs.namespace === "AWS/ECS").map((a) => a.inputs.metricName).sort()).to.deep.equal(["CPUUtilization", "MemoryUtilization"]);
        const rule = run.single(T.eventRule, (r) => String(r.inputs.name).endsWith("-ecs-deployment-failed"));
        const pattern = JSON.parse(String(rule.inputs.eventPattern)) as { source: string[]; resources: string[]; detail: { eventName: string[] } };
        expect(pattern.source).to.deep.equal(["aws.ecs"]);
        expect(pattern.resources).to.deep.equal([one(run, T.service).outputs.arn]);
        expect(pattern.detail.eventName).to.deep.equal(["SERVICE_DEPLOYMENT_FAILED"]);
        expect(one(run, T.ecsCluster).inputs.settings).to.deep.equal([{ name: "containerInsights", value: "enabled" }]);
      });

      it("publishes a compute section naming the ECS cluster, service and image, and no group or artifact bucket", () => {
        const run = runs[stack];
        const outputs = run.outputs as { role: StackRole; compute: Record<string, unknown>; cluster: Record<string, unknown> };
        const parsed = STACK_OUTPUT_SCHEMAS[outputs.role].safeParse(outputs);
        expect(parsed.success, parsed.success ? "" : JSON.stringify(parsed.error.issues)).to.equal(true);
        expect(outputs.compute.platform).to.equal("fargate");
        expect(outputs.compute.ecsServiceName).to.equal(one(run, T.service).outputs.name);
        expect(outputs.cluster).to.not.have.any.keys("asgName", "artifactBucketName");
      });

      it("prices the tasks at the service's minimum: vCPU-hours and GB-hours of ARM64 Fargate, nothing left unpriced", () => {
        const run = runs[stack];
        const config = parseStackConfig(stack, stackConfig(stack, FARGATE));
        const estimate = estimateMinimumMonthlyCost(toPolicyResources(analysisInputFromRun(run).resources));
        const service = one(run, T.service);
        const items = estimate.items.filter((i) => i.resourceUrn === service.urn);
        const hours = loadPriceSnapshot().hoursPerMonth;
        const prices = loadPriceSnapshot().regions[config.region].fargateArm;
        expect(prices, "the snapshot prices Fargate in the stack's region").to.not.equal(undefined);
        expect(items.map((i) => [i.unit, i.quantity, i.unitPriceUsd])).to.deep.equal([
          ["vCPU-hour", config.clusterMinSize * (config.clusterTaskCpu / 1024) * hours, prices?.vcpuHour],
          ["GB-hour", config.clusterMinSize * (config.clusterTaskMemoryMiB / 1024) * hours, prices?.gbHour],
        ]);
        expect(estimate.unpriced.filter((n) => n.resourceType.startsWith("aws:ecs") || n.resourceType.startsWith("docker-build"))).to.deep.equal([]);
        // ECS's slow resources have creation times of their own in the critical path.
        expect(creationTime(T.service).seconds).to.be.greaterThan(DEFAULT_CREATION_TIME.seconds);
        expect(creationTime(T.image)).to.not.equal(DEFAULT_CREATION_TIME);
      });

      it("names the ECS cluster and service in the region-info parameter (no Auto Scaling group), whose running tasks the failover command hears from", () => {
        const run = runs[stack];
        const info = JSON.parse(String(run.single(T.parameter, (p) => String(p.inputs.name).endsWith("/region-info") || p.name.endsWith("-region-info")).inputs.insecureValue)) as Record<string, unknown>;
        expect(info).to.include.keys("apiEndpoint", "tableName");
        expect(info).to.not.have.property("autoScalingGroupName");
        expect(info.ecsService).to.deep.equal({ clusterName: one(run, T.ecsCluster).outputs.name, serviceName: one(run, T.service).outputs.name });
        // Each task names itself by its ARN, read from the task metadata endpoint v4, which Fargate
        // injects from platform 1.4.0 on: no identity in the task definition, no secret, no route out.
        expect(one(run, T.service).inputs.platformVersion).to.equal("1.4.0");
        expect(containerOf(run).environment.map((e) => e.name)).to.not.include("WRITE_REGION_INSTANCE");
      });
    });
  }

  describe("policy", () => {
    for (const stack of STACKS) {
      it(`${stack}: passes every mandatory rule of its environment on fargate, the ECS rules included`, async () => {
        const environment = stack.startsWith("prod") ? "prod" : "dev";
        const result = await evaluateStack(runs[stack], environment);
        expect(result.mandatory.map((v) => `${v.policyName}: ${v.message}`)).to.deep.equal([]);
      });
    }

    it("refuses a prod pull request whose Fargate service gets public IPs or runs in one AZ", async () => {
      const run = runs["prod-us-east-1"];
      const service = run.single(T.service);
      const network = service.inputs.networkConfiguration as { subnets: string[] };
      const oneAz = run.ofType(T.subnet).find((s) => s.id === network.subnets[0]);
      expect(oneAz).to.not.equal(undefined);
      const mutated = mutateRun(run, {
        match: (r) => r.urn === service.urn,
        set: { networkConfiguration: { ...network, subnets: [network.subnets[0]], assignPublicIp: true } },
        propertyDependencies: { networkConfiguration: [oneAz?.urn ?? ""] },
      });
      const result = await evaluateStack(mutated, "prod");
      const refused = result.mandatory.map((v) => v.policyName).sort();
      expect(refused).to.include.members(["ecs-service-no-public-ip", "ecs-service-spans-azs"]);
    });
  });
});
