/**
 * A pull request that switches the prod primary to ECS Fargate, as policy sees it: the real
 * prod-us-east-1 program with `computePlatform: fargate` under the mock cloud, in the preview a pull
 * request runs and as deployed. As written it passes every mandatory rule of prod; the same program
 * with its service given a public IP, or its subnets cut to one AZ, or its alarms or its minimum
 * taken away, is refused by exactly the rules meant to refuse it. The program has no config key for
 * these mistakes (the component always sets assignPublicIp false and passes every app subnet), so
 * the recorded service is edited as a changed component would register it.
 */
import { expect } from "chai";
import { evaluateStack, StackEvaluation } from "../../offline/policy/evaluateStack";
import { RecordedResource, runStackFile, StackRun } from "../support/mockCloud";
import { mutateRun } from "./support/mutate";

const STACK = "prod-us-east-1";
const FARGATE = { "trading-platform:computePlatform": "fargate" };
const SERVICE = "aws:ecs/service:Service";
const SUBNET = "aws:ec2/subnet:Subnet";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

interface NetworkConfiguration {
  subnets: unknown[];
  securityGroups: unknown[];
  assignPublicIp: boolean;
}

/** The mandatory rules a run fails, each once, sorted. */
const refusedBy = (result: StackEvaluation) => [...new Set(result.mandatory.map((v) => v.policyName))].sort();
const messagesOf = (result: StackEvaluation, rule: string) => result.mandatory.filter((v) => v.policyName === rule).map((v) => v.message);

for (const preview of [true, false]) {
  describe(`policy refuses a prod pull request to Fargate with a public IP or one AZ (${STACK} on fargate, ${preview ? "pulumi preview" : "as deployed"})`, function () {
    this.timeout(120_000);
    let run: StackRun;
    let service: RecordedResource;
    let network: NetworkConfiguration;
    let appSubnets: RecordedResource[];

    before(async () => {
      run = await runStackFile(STACK, { overrides: FARGATE, preview });
      service = run.single(SERVICE);
      network = service.inputs.networkConfiguration as NetworkConfiguration;
      const deps = new Set(service.propertyDependencies.networkConfiguration ?? []);
      appSubnets = run.ofType(SUBNET).filter((s) => deps.has(s.urn));
    });

    /** The service registered with another networkConfiguration; its dependencies follow the subnets it keeps. */
    const withNetwork = (change: Partial<NetworkConfiguration>, subnets: RecordedResource[] = appSubnets) => {
      const others = (service.propertyDependencies.networkConfiguration ?? []).filter((urn) => !appSubnets.some((s) => s.urn === urn));
      return mutateRun(run, {
        match: (r) => r.urn === service.urn,
        set: { networkConfiguration: { ...network, ...change } },
        propertyDependencies: { networkConfiguration: [...subnets.map((s) => s.urn), ...others] },
      });
    };

    it("as written: no Auto Scaling group, the service in the three app subnets, every mandatory rule of prod passes", async () => {
      expect(run.ofType("aws:autoscaling/group:Group")).to.have.length(0);
      expect(appSubnets).to.have.length(3);
      expect(network.assignPublicIp).to.equal(false);
      expect(refusedBy(await evaluateStack(run, "prod"))).to.deep.equal([]);
    });

    it("assignPublicIp true: refused by ecs-service-no-public-ip, and by no other rule", async () => {
      const result = await evaluateStack(withNetwork({ assignPublicIp: true }), "prod");
      expect(refusedBy(result)).to.deep.equal(["ecs-service-no-public-ip"]);
      expect(messagesOf(result, "ecs-service-no-public-ip")).to.have.length(1);
      expect(result.mandatory[0].urn).to.equal(service.urn);
    });

    it("one AZ: refused by ecs-service-spans-azs and az-loss-survivability (the AZ holds all 3 tasks of the minimum)", async () => {
      const [first] = appSubnets;
      const result = await evaluateStack(withNetwork({ subnets: [network.subnets[0]] }, [first]), "prod");
      expect(refusedBy(result)).to.deep.equal(["az-loss-survivability", "ecs-service-spans-azs"]);
      const az = String(first.inputs.availabilityZoneId);
      expect(messagesOf(result, "ecs-service-spans-azs")).to.deep.equal([`ECS service ${service.name} spans 1 AZ(s) (${az}); at least 3 are required`]);
      expect(messagesOf(result, "az-loss-survivability")).to.deep.equal([
        `losing ${az}: ECS service ${service.name} keeps none of its minimum 3 task(s): the tier loses service until tasks start elsewhere`,
      ]);
    });

    it("a public IP in one AZ: refused by all three", async () => {
      const result = await evaluateStack(withNetwork({ subnets: [network.subnets[0]], assignPublicIp: true }, appSubnets.slice(0, 1)), "prod");
      expect(refusedBy(result)).to.deep.equal(["az-loss-survivability", "ecs-service-no-public-ip", "ecs-service-spans-azs"]);
    });

    it("the service's alarms removed: refused by ha-resources-alarmed for the ECS service", async () => {
      const watching = run.ofType(ALARM).filter((a) => (a.propertyDependencies.dimensions ?? []).includes(service.urn));
      expect(watching.map((a) => a.name).sort()).to.deep.equal(["trading-ecs-cpu", "trading-ecs-memory", "trading-ecs-running-tasks"]);
      const without = new StackRun(run.stack, run.preview, run.resources.filter((r) => !watching.includes(r)), run.invokes, run.outputs);
      const result = await evaluateStack(without, "prod");
      expect(refusedBy(result)).to.deep.equal(["ha-resources-alarmed"]);
      expect(messagesOf(result, "ha-resources-alarmed")).to.deep.equal([
        `ECS service ${service.name} has no alarm whose actions reach an SNS topic: no CloudWatch metric alarm watches it ` +
          "(running or desired task count, CPU or memory, with its ClusterName and ServiceName)",
      ]);
    });

    it("a scaling minimum of 2 over the three AZs: refused by az-loss-survivability (one AZ holds half of it)", async () => {
      const target = run.single("aws:appautoscaling/target:Target", (t) => t.inputs.serviceNamespace === "ecs");
      const result = await evaluateStack(mutateRun(run, { match: (r) => r.urn === target.urn, set: { minCapacity: 2 } }), "prod");
      expect(refusedBy(result)).to.deep.equal(["az-loss-survivability"]);
      expect(messagesOf(result, "az-loss-survivability")).to.have.length(3);
      expect(messagesOf(result, "az-loss-survivability")[0]).to.match(/ECS service .+ keeps 1 of its minimum 2 tasks \(loses 50%; at most 34% may be lost\)$/);
    });
  });
}
