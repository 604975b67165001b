/**
 * The three packs over the real stack files, run through the mock cloud: every real stack passes
 * every mandatory rule under its environment's config, and each mutated stack of the issue is
 * caught by the rule meant to catch it.
 */
import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { estimateMinimumMonthlyCost, formatUsd } from "../../policy/lib/cost/estimate";
import { evaluateStack, formatViolations, loadPackConfig, PolicyEnvironment, StackEvaluation } from "../../offline/policy/evaluateStack";
import { toPolicyResources } from "../../offline/policy/evaluator";
import { analysisInputFromRun } from "../../offline/policy/fromRun";
import { main } from "../../stacks/program";
import { runProgram, runStackFile, stackConfig, StackRun } from "../support/mockCloud";
import { deployedStackRun } from "../support/stackRuns";
import { mutateRun } from "./support/mutate";
import { policyReport, renderPolicyReport } from "../../offline/plan/policyReport";
import { PLAIN } from "../../offline/plan/format";

const STAGING_OF_PROD = { "trading-platform:environment": "staging" };

/** Messages of one policy's violations at one level. */
function messages(result: StackEvaluation, policyName: string, level: "mandatory" | "advisory" = "mandatory"): string[] {
  return result.violations.filter((v) => v.policyName === policyName && v.enforcementLevel === level).map((v) => v.message);
}

/** Resource types the rules judge; a passing stack must contain them, or passing would prove nothing. */
const JUDGED_TYPES = [
  "aws:ec2/subnet:Subnet",
  "aws:ec2/natGateway:NatGateway",
  "aws:autoscaling/group:Group",
  "aws:ec2/launchTemplate:LaunchTemplate",
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:lb/listener:Listener",
  "aws:rds/cluster:Cluster",
  "aws:rds/clusterInstance:ClusterInstance",
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "aws:dax/cluster:Cluster",
  "aws:appautoscaling/target:Target",
  "aws:appautoscaling/policy:Policy",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "aws:ec2/flowLog:FlowLog",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:s3/bucketObjectv2:BucketObjectv2",
  "aws:s3/bucketLogging:BucketLogging",
  "aws:lambda/eventSourceMapping:EventSourceMapping",
  "aws:kms/key:Key",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketPolicy:BucketPolicy",
  "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
  "aws:ssm/parameter:Parameter",
  "aws:ec2/vpcEndpoint:VpcEndpoint",
  "aws:elasticache/user:User",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:rds/subnetGroup:SubnetGroup",
];

describe("policy packs over the real stack files", function () {
  this.timeout(300_000);

  const runs: Record<string, StackRun> = {};
  const results: Record<string, StackEvaluation> = {};
  const cases: [key: string, stack: string, environment: PolicyEnvironment, preview: boolean][] = [
    ["dev", "dev", "dev", false],
    ["dev preview", "dev", "dev", true],
    ["prod-us-east-1", "prod-us-east-1", "prod", false],
    ["prod-us-east-1 preview", "prod-us-east-1", "prod", true],
    ["prod-eu-west-1", "prod-eu-west-1", "prod", false],
    ["prod-eu-west-1 preview", "prod-eu-west-1", "prod", true],
  ];

  before(async () => {
    for (const [key, stack, environment, preview] of cases) {
      runs[key] = await (preview ? runStackFile(stack, { preview }) : deployedStackRun(stack));
      results[key] = await evaluateStack(runs[key], environment);
    }
  });

  for (const [key, , environment] of cases) {
    it(`${key} passes every mandatory rule under ${environment}'s config`, () => {
      const types = new Set(runs[key].resources.map((r) => r.type));
      expect(JUDGED_TYPES.filter((t) => !types.has(t)), "resource types the packs judge, missing from the run").to.deep.equal([]);
      expect(types.has("aws:dynamodb/table:Table") || types.has("aws:dynamodb/tableReplica:TableReplica")).to.be.true;
      expect(formatViolations(results[key].mandatory)).to.equal("");
    });
  }

  it("prod after an update has no advisory either; in a preview only IAM documents built from unknown ARNs cannot be judged", () => {
    for (const key of ["prod-us-east-1", "prod-eu-west-1"]) {
      expect(formatViolations(results[key].advisory), key).to.equal("");
      const preview = results[`${key} preview`].advisory;
      expect(preview.length, key).to.be.greaterThan(0);
      expect(preview.filter((v) => !(v.couldNotRunInPreview && ["iam-no-wildcard-admin", "iam-least-privilege"].includes(v.policyName))), key).to.deep.equal([]);
    }
  });

  it("dev's cost savings are advisories under dev's config: one NAT gateway, one DAX node, two cache nodes, HTTP only", () => {
    const dev = results.dev;
    expect(messages(dev, "nat-gateway-per-az", "advisory")).to.have.length(4);
    expect(messages(dev, "dax-spans-azs", "advisory")).to.include("DAX cluster trading-dax-cluster has replicationFactor 1; at least 3 nodes are required");
    expect(messages(dev, "cache-spans-azs", "advisory")).to.have.length(1);
    expect(messages(dev, "alb-https-only", "advisory")).to.deep.equal([
      "load balancer trading-alb has no HTTPS listener",
      "HTTP listener trading-http of load balancer trading-alb serves traffic instead of redirecting to HTTPS",
    ]);
    // Without HTTPS the ALB cannot verify tokens: dev relies on the service's own check.
    expect(messages(dev, "alb-waf-and-jwt", "advisory")).to.deep.equal([
      "listener trading-http of load balancer trading-alb forwards to targets without verifying a JWT (no jwt-validation before its forward) (jwt-validation needs an HTTPS listener: redirect HTTP to HTTPS)",
    ]);
  });

  it("the replica stack's table replica is judged: its own key, PITR, read auto scaling", async () => {
    const base = runs["prod-eu-west-1 preview"];
    const replica = base.single("aws:dynamodb/tableReplica:TableReplica");
    const readTarget = base.single("aws:appautoscaling/target:Target", (r) => r.inputs.scalableDimension === "dynamodb:table:ReadCapacityUnits");
    const run = mutateRun(
      base,
      { match: (r) => r.urn === replica.urn, set: { kmsKeyArn: undefined, pointInTimeRecovery: false } },
      { match: (r) => r.urn === readTarget.urn, set: { resourceId: "table/another-table" }, propertyDependencies: { resourceId: [] } },
    );
    const result = await evaluateStack(run, "prod");
    expect(messages(result, "encryption-at-rest")).to.deep.equal([
      `table replica ${replica.name} sets no kmsKeyArn, so it is encrypted with the AWS managed key; use a customer managed key of its region`,
    ]);
    expect(messages(result, "dynamodb-pitr")).to.deep.equal([`table replica ${replica.name} has point-in-time recovery off (pointInTimeRecovery)`]);
    expect(messages(result, "dynamodb-autoscaling-coverage")).to.deep.equal([
      `table replica ${replica.name} has no read auto scaling target (an aws.appautoscaling.Target for dynamodb:table:ReadCapacityUnits)`,
    ]);
  });

  describe("mutated stacks are caught by the rule meant to catch them", () => {
    /** A prod stack as "staging" so its config accepts the mutation; judged with prod's policy config. */
    async function prodShaped(overrides: Record<string, unknown>): Promise<StackEvaluation> {
      const run = await runStackFile("prod-us-east-1", { preview: true, overrides: { ...STAGING_OF_PROD, ...overrides } });
      return evaluateStack(run, "prod");
    }

    it("two AZs: subnet-tiers-span-azs reports every tier (and the ASG, ALB and data tiers follow)", async () => {
      const result = await prodShaped({ "trading-platform:azIds": ["use1-az1", "use1-az2"], "trading-platform:daxReplicationFactor": 2 });
      expect(messages(result, "subnet-tiers-span-azs")).to.deep.equal(
        ["public", "app", "data"].map((tier) => `subnet tier "${tier}" of VPC trading-vpc spans 2 AZ(s) (use1-az1, use1-az2); at least 3 are required`),
      );
      expect(messages(result, "asg-spans-azs")).to.deep.equal(["auto scaling group trading-api spans 2 AZ(s) (use1-az1, use1-az2); at least 3 are required"]);
      expect(messages(result, "alb-spans-azs")).to.deep.equal(["load balancer trading-alb spans 2 AZ(s) (use1-az1, use1-az2); at least 3 are required"]);
    });

    it("a single NAT gateway in prod: nat-gateway-per-az, and the AZ-loss model shows the egress it cuts", async () => {
      const result = await prodShaped({ "trading-platform:natGatewayMode": "single" });
      expect(messages(result, "nat-gateway-per-az")).to.deep.equal([
        "AZ use1-az2 has subnets that reach the internet through NAT gateway trading-nat-use1-az1 in use1-az1 but no NAT gateway of its own",
        "route table trading-app-rt-use1-az2 sends 0.0.0.0/0 through NAT gateway trading-nat-use1-az1 in use1-az1 but serves subnet(s) in use1-az2 (trading-app-use1-az2)",
        "AZ use1-az4 has subnets that reach the internet through NAT gateway trading-nat-use1-az1 in use1-az1 but no NAT gateway of its own",
        "route table trading-app-rt-use1-az4 sends 0.0.0.0/0 through NAT gateway trading-nat-use1-az1 in use1-az1 but serves subnet(s) in use1-az4 (trading-app-use1-az4)",
      ]);
      expect(messages(result, "az-loss-survivability")).to.deep.equal([
        "losing use1-az1: subnet(s) trading-app-use1-az2 in use1-az2 lose internet egress: route table trading-app-rt-use1-az2 sends 0.0.0.0/0 through NAT gateway trading-nat-use1-az1 in use1-az1",
        "losing use1-az1: subnet(s) trading-app-use1-az4 in use1-az4 lose internet egress: route table trading-app-rt-use1-az4 sends 0.0.0.0/0 through NAT gateway trading-nat-use1-az1 in use1-az1",
      ]);
    });

    it("DAX with one node: dax-spans-azs", async () => {
      const result = await prodShaped({ "trading-platform:daxReplicationFactor": 1 });
      expect(messages(result, "dax-spans-azs")).to.deep.equal([
        "DAX cluster trading-dax-cluster has replicationFactor 1; at least 3 nodes are required",
        "DAX cluster trading-dax-cluster (1 node(s)) can span at most 1 AZ(s); at least 3 are required " +
          "(availabilityZones is unknown until the update and comes from subnets in 3 AZ(s) (use1-az1, use1-az2, use1-az4) for 1 node(s))",
      ]);
    });

    // The program offers no knob for the next mutations (or refuses them): edit the real recording.
    const table = (r: { type: string }) => r.type === "aws:dynamodb/table:Table";

    it("on-demand billing in prod: dynamodb-provisioned-billing", async () => {
      const run = mutateRun(runs["prod-us-east-1 preview"], { match: table, set: { billingMode: "PAY_PER_REQUEST" } });
      const result = await evaluateStack(run, "prod");
      expect(messages(result, "dynamodb-provisioned-billing")).to.deep.equal([
        "table trading-table uses on-demand billing (PAY_PER_REQUEST); use PROVISIONED capacity with auto scaling",
      ]);
    });

    it("a GSI whose write capacity is below the table's: gsi-write-capacity-floor", async () => {
      const run = mutateRun(runs["prod-us-east-1 preview"], {
        match: (r) => r.type === "aws:appautoscaling/target:Target" && r.inputs.scalableDimension === "dynamodb:index:WriteCapacityUnits",
        set: { minCapacity: 10 },
      });
      const result = await evaluateStack(run, "prod");
      expect(messages(result, "gsi-write-capacity-floor")).to.deep.equal([
        "index open-orders-by-symbol of table trading-table has a write capacity minimum of 10, below the table's 50; a GSI that cannot absorb the table's writes throttles the table",
      ]);
    });

    it("an ASG over subnets in two AZs: asg-spans-azs", async () => {
      const base = runs["prod-us-east-1 preview"];
      const asg = base.single("aws:autoscaling/group:Group");
      const run = mutateRun(base, {
        match: (r) => r.urn === asg.urn,
        set: { vpcZoneIdentifiers: (asg.inputs.vpcZoneIdentifiers as unknown[]).slice(0, 2) },
        propertyDependencies: { vpcZoneIdentifiers: asg.propertyDependencies.vpcZoneIdentifiers.slice(0, 2) },
      });
      const result = await evaluateStack(run, "prod");
      expect(messages(result, "asg-spans-azs")).to.deep.equal(["auto scaling group trading-api spans 2 AZ(s) (use1-az1, use1-az2); at least 3 are required"]);
      expect(messages(result, "az-loss-survivability")).to.deep.equal([
        "losing use1-az1: auto scaling group trading-api keeps 1 of its minimum 3 instances (loses 67%; at most 34% may be lost)",
        "losing use1-az2: auto scaling group trading-api keeps 1 of its minimum 3 instances (loses 67%; at most 34% may be lost)",
      ]);
    });

    it("no alarms: ha-resources-alarmed reports every HA-critical resource of both prod stacks", async () => {
      const expected: Record<string, string[]> = {
        "prod-us-east-1": ["auto scaling group trading-api", "load balancer trading-alb", "target group trading-api", "Aurora cluster trading-db", "cache replication group trading-cache", "DAX cluster trading-dax-cluster", "DynamoDB table trading-table", "stream processor function trading-stream-function", "on-failure queue trading-stream-failures"],
        "prod-eu-west-1": ["auto scaling group trading-api", "load balancer trading-alb", "target group trading-api", "Aurora cluster trading-db", "cache replication group trading-cache", "DAX cluster trading-dax-cluster", "DynamoDB table replica trading-replica", "stream processor function trading-stream-function", "on-failure queue trading-stream-failures"],
      };
      for (const [stack, resources] of Object.entries(expected)) {
        const base = runs[`${stack} preview`];
        const withoutAlarms = new StackRun(base.stack, base.preview, base.resources.filter((r) => r.type !== "aws:cloudwatch/metricAlarm:MetricAlarm"), base.invokes, base.outputs);
        const result = await evaluateStack(withoutAlarms, "prod");
        expect(messages(result, "ha-resources-alarmed").sort(), stack).to.deep.equal(
          resources.map((r) => `${r} has no alarm whose actions reach an SNS topic: no CloudWatch metric alarm watches it`).sort(),
        );
        expect(messages(results[`${stack} preview`], "ha-resources-alarmed"), `${stack} as committed`).to.deep.equal([]);
      }
    });

    it("alarms without actions: ha-resources-alarmed names the silent alarms", async () => {
      const base = runs["prod-us-east-1"];
      const dax = base.single("aws:dax/cluster:Cluster");
      const daxAlarms = base.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => (a.propertyDependencies.dimensions ?? []).includes(dax.urn));
      expect(daxAlarms).to.have.length(3);
      const run = mutateRun(base, ...daxAlarms.map((a) => ({ match: (r: { urn: string }) => r.urn === a.urn, set: { alarmActions: [] }, propertyDependencies: { alarmActions: [] } })));
      const result = await evaluateStack(run, "prod");
      expect(messages(result, "ha-resources-alarmed")).to.deep.equal([
        `DAX cluster trading-dax-cluster has no alarm whose actions reach an SNS topic: its alarm(s) ${daxAlarms.map((a) => a.name).join(", ")} notify no SNS topic (alarmActions)`,
      ]);
    });

    it("no WAF, or a listener or rule that forwards without verifying the JWT: alb-waf-and-jwt", async () => {
      const withoutWaf = await prodShaped({ "trading-platform:edgeWafEnabled": false });
      expect(messages(withoutWaf, "alb-waf-and-jwt")).to.deep.equal([
        "internet-facing load balancer trading-alb has no AWS WAF web ACL (no aws.wafv2.WebAclAssociation names it)",
      ]);
      const base = runs["prod-us-east-1 preview"];
      const https = base.single("aws:lb/listener:Listener", (r) => r.inputs.protocol === "HTTPS");
      const fills = base.single("aws:lb/listenerRule:ListenerRule", (r) => JSON.stringify(r.inputs.conditions).includes("/fills"));
      const forwardOnly = (r: { inputs: Record<string, unknown> }, key: string) => (r.inputs[key] as { type: string }[]).filter((a) => a.type === "forward");
      const run = mutateRun(
        base,
        { match: (r) => r.urn === https.urn, set: { defaultActions: forwardOnly(https, "defaultActions") } },
        { match: (r) => r.urn === fills.urn, set: { actions: forwardOnly(fills, "actions") } },
      );
      const result = await evaluateStack(run, "prod");
      expect(messages(result, "alb-waf-and-jwt")).to.deep.equal([
        "listener trading-https of load balancer trading-alb forwards to targets without verifying a JWT (no jwt-validation before its forward)",
        `rule ${fills.name} of listener trading-https (load balancer trading-alb) forwards to targets without verifying a JWT, and not only GET/HEAD of /livez, /healthz`,
      ]);
    });

    it("an unencrypted table: encryption-at-rest", async () => {
      const run = mutateRun(runs["prod-us-east-1 preview"], { match: table, set: { serverSideEncryption: undefined } });
      const result = await evaluateStack(run, "prod");
      expect(messages(result, "encryption-at-rest")).to.deep.equal([
        "table trading-table does not enable serverSideEncryption with a KMS key (it would use the AWS owned key)",
      ]);
    });

    it("a budget set below the estimate: monthly-budget, with the estimate and its largest items", async () => {
      const run = runs["prod-us-east-1 preview"];
      const budget = 1000;
      const result = await evaluateStack(run, "prod", {
        configs: { cost: { ...loadPackConfig("prod", "cost"), "monthly-budget": { monthlyBudgetUsd: budget, largestItems: 2 } } },
      });
      const estimate = estimateMinimumMonthlyCost(toPolicyResources(analysisInputFromRun(run).resources));
      expect(estimate.totalMonthlyUsd).to.be.greaterThan(budget);
      const [first, second] = estimate.items;
      expect(first.description).to.match(/DAX nodes$/);
      expect(messages(result, "monthly-budget")).to.deep.equal([
        `estimated minimum monthly cost ${formatUsd(estimate.totalMonthlyUsd)} exceeds monthlyBudgetUsd $1,000.00 (prices of ${estimate.snapshotDate}); ` +
          `largest items: ${first.resourceName} (${first.description}) ${formatUsd(first.monthlyUsd)}; ${second.resourceName} (${second.description}) ${formatUsd(second.monthlyUsd)}` +
          // In a preview the dashboard's body is unknown, so the custom metrics only it shows are not counted.
          "; not priced (so not included): trading-dashboard (its body is unknown until the update, so the custom metrics only it shows are not counted)",
      ]);
      // The committed prod budget leaves headroom over the same estimate.
      const budgets = loadPackConfig("prod", "cost")["monthly-budget"] as { monthlyBudgetUsd: number };
      expect(budgets.monthlyBudgetUsd).to.be.greaterThan(estimate.totalMonthlyUsd);
    });

    it("the ASG on EC2 health without a grace period: asg-elb-health-check", async () => {
      const run = mutateRun(runs["prod-us-east-1 preview"], {
        match: (r) => r.type === "aws:autoscaling/group:Group",
        set: { healthCheckType: "EC2", healthCheckGracePeriod: undefined },
      });
      expect(messages(await evaluateStack(run, "prod"), "asg-elb-health-check")).to.deep.equal([
        'auto scaling group trading-api serves a load balancer but uses EC2 health checks; set healthCheckType "ELB"',
        "auto scaling group trading-api has no health check grace period (healthCheckGracePeriod not set): instances can be replaced while they boot",
      ]);
    });

    it("no access logging of the artifact bucket, no flow log, a log group kept forever: s3-access-logging, vpc-flow-logs, log-group-retention", async () => {
      const base = runs["prod-us-east-1 preview"];
      const kept = base.resources.filter((r) => r.type !== "aws:s3/bucketLogging:BucketLogging" && r.type !== "aws:ec2/flowLog:FlowLog");
      const run = mutateRun(new StackRun(base.stack, base.preview, kept, base.invokes, base.outputs), {
        match: (r) => r.type === "aws:cloudwatch/logGroup:LogGroup" && r.name === "trading-service-logs",
        set: { retentionInDays: undefined },
      });
      const result = await evaluateStack(run, "prod");
      expect(messages(result, "s3-access-logging")).to.deep.equal([
        "bucket trading-artifacts holds objects the stack uploads but has no server access logging (add a BucketLogging into a log bucket)",
      ]);
      expect(messages(result, "vpc-flow-logs")).to.deep.equal(["VPC trading-vpc has no flow log (an aws.ec2.FlowLog with its vpcId)"]);
      expect(messages(result, "log-group-retention")).to.deep.equal(["log group trading-service-logs keeps its events forever (retentionInDays (not set)); set a retention"]);
    });

    it("prod's DAX unprotected for a deliberate replacement, and a staging Aurora without deletion protection: stateful-resources-protected", async () => {
      const replacing = await evaluateStack(await runStackFile("prod-us-east-1", { preview: true, overrides: { "trading-platform:daxAllowReplacement": true } }), "prod");
      const unprotected = (label: string) =>
        `${label} is not protected (resource option protect): a deployment that replaces or deletes it would go ahead; a deliberate replacement unprotects it and sets this rule to advisory for that one deploy`;
      expect(messages(replacing, "stateful-resources-protected")).to.deep.equal([unprotected("DAX cluster trading-dax-cluster")]);
      const result = await prodShaped({ "trading-platform:dataDbDeletionProtection": false });
      // Order follows registration order, which is the components' business: compare as a set.
      expect(messages(result, "stateful-resources-protected")).to.have.members([unprotected("Aurora cluster trading-db"), unprotected("DAX cluster trading-dax-cluster")]);
      // Outside prod the table is unprotected too; the Aurora flag drives both the RDS setting and protect.
      expect(messages(result, "deletion-protection")).to.include("RDS cluster trading-db can be deleted (deletionProtection is off)");
    });

    it("the replica's stream consumer (its source ARN unknown in a preview) retrying forever with no on-failure destination: stream-failure-handling", async () => {
      const run = mutateRun(runs["prod-eu-west-1 preview"], {
        match: (r) => r.type === "aws:lambda/eventSourceMapping:EventSourceMapping",
        set: { maximumRetryAttempts: -1, destinationConfig: undefined },
      });
      const result = await evaluateStack(run, "prod");
      expect(messages(result, "stream-failure-handling")).to.deep.equal([
        "stream event source mapping trading-stream-mapping: no on-failure destination (destinationConfig.onFailure.destinationArn), so discarded records are lost unseen; " +
          "unbounded retries (maximumRetryAttempts unset or -1): a failing record blocks its shard until it expires",
      ]);
    });

    it("a security group open to the world on the app port: no-world-ingress", async () => {
      const stack = "prod-us-east-1";
      const config = stackConfig(stack);
      const appPort = Number(config["trading-platform:clusterAppPort"] ?? 8080);
      const run = await runProgram(
        async () => {
          const outputs = await main();
          const cluster = outputs.cluster;
          if (typeof cluster !== "object" || !("appSecurityGroupId" in cluster)) {
            throw new Error("the stack outputs name no app security group");
          }
          new aws.vpc.SecurityGroupIngressRule("app-open-to-world", {
            securityGroupId: cluster.appSecurityGroupId,
            ipProtocol: "tcp",
            fromPort: appPort,
            toPort: appPort,
            cidrIpv4: "0.0.0.0/0",
          });
          return outputs;
        },
        { stack, config, preview: true },
      );
      const result = await evaluateStack(run, "prod");
      expect(messages(result, "no-world-ingress")).to.deep.equal([
        `app-open-to-world opens port ${appPort}/tcp of security group trading-app to 0.0.0.0/0; it is not a load balancer's group`,
      ]);
    });
  });

  it("no suppression is in force in any real stack, and nothing is silenced", () => {
    for (const [key] of cases) {
      expect(results[key].suppressions, key).to.deep.equal([]);
      expect(results[key].suppressed, key).to.deep.equal([]);
    }
  });

  describe("issue 27's rules on mutated real stacks", function () {
    this.timeout(300_000);

    it("each new rule catches its break in prod-us-east-1: routes, exposure, IAM, identity, operational state, rollouts", async () => {
      const run = await deployedStackRun("prod-us-east-1");
      const urnOf = (name: string) => {
        const found = run.resources.find((r) => r.name === name && r.custom);
        if (!found) throw new Error(`no resource ${name}`);
        return found.urn;
      };
      const instancePolicy = run.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "trading-instance");
      const document = JSON.parse(String(instancePolicy?.inputs.policy)) as { Statement: Record<string, unknown>[] };
      document.Statement[0] = { ...document.Statement[0], Action: "dynamodb:*" };
      const mutated = mutateRun(
        run,
        // A data subnet moved onto an app route table (its default route is a NAT gateway).
        {
          match: (r) => r.name === "trading-data-rta-use1-az1",
          set: { routeTableId: "routetable-trading-app-rt-use1-az1" },
          propertyDependencies: { routeTableId: [urnOf("trading-app-rt-use1-az1")] },
        },
        { match: (r) => r.name === "trading-db-0", set: { publiclyAccessible: true } },
        { match: (r) => r.name === "trading-alb-logs" && r.type === "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", set: { restrictPublicBuckets: false } },
        { match: (r) => r.name === "trading-db-in-fn", set: { referencedSecurityGroupId: undefined, cidrIpv4: "10.0.0.0/16" } },
        { match: (r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "trading-instance", set: { policy: JSON.stringify(document) } },
        { match: (r) => r.type === "aws:rds/cluster:Cluster", set: { iamDatabaseAuthenticationEnabled: false } },
        { match: (r) => r.type === "aws:ssm/parameter:Parameter" && r.name === "trading-write-region", ignoreChanges: [] },
        { match: (r) => r.type === "aws:route53/healthCheck:HealthCheck", ignoreChanges: ["disabled", "invertHealthcheck", "resourcePath"] },
        { match: (r) => r.type === "aws:rds/cluster:Cluster", ignoreChanges: ["engineVersion"] },
        { match: (r) => r.type === "aws:autoscaling/group:Group", set: { launchTemplate: { id: "launchtemplate-trading-api", version: "$Latest" } } },
        { match: (r) => r.name === "trading-dynamodb-endpoint", set: { routeTableIds: [] }, propertyDependencies: { routeTableIds: [] } },
      );
      const result = await evaluateStack(mutated, "prod");
      const rule = (name: string) => messages(result, name);
      expect(rule("data-tier-isolated")).to.deep.equal([
        "data subnet trading-data-use1-az1 (in subnet group trading-dax-subnets) uses route table trading-app-rt-use1-az1, which has route trading-app-default-use1-az1 (0.0.0.0/0) via a NAT gateway: the data tier must not reach the internet",
      ]);
      expect(rule("database-not-public")).to.deep.equal(["Aurora instance trading-db-0 is publicly accessible (publiclyAccessible: true): its endpoint resolves to a public IP"]);
      expect(rule("s3-public-access-blocked")).to.deep.equal(["bucket trading-alb-logs's public access block trading-alb-logs leaves restrictPublicBuckets off: all four must be true"]);
      expect(rule("data-stores-admit-only-security-groups")).to.deep.equal([
        "ingress rule trading-db-in-fn of trading-db (the group of trading-db) admits 10.0.0.0/16: a data store admits security groups only",
      ]);
      expect(rule("iam-least-privilege")).to.deep.equal(['role policy trading-instance: statement "TableItems" allows every action of a service (dynamodb:*); list the actions it needs']);
      expect(rule("database-accepts-fleet-identity")).to.have.length(1);
      expect(rule("database-accepts-fleet-identity")[0]).to.match(/^Aurora\/RDS cluster trading-db does not enable IAM database authentication .* trading-instance grants rds-db:connect \(statement "ReferenceDatabase"\)/);
      const operational = rule("operational-state-survives-deploy");
      expect(operational.slice(0, 2)).to.deep.equal([
        "trading-write-region (Parameter) does not ignore changes to insecureValue, which the failover command (ssm:PutParameter) writes: the next pulumi up would put the old value back (add them to the resource's ignoreChanges option)",
        "trading-health (HealthCheck) ignores changes to resourcePath, which nothing outside pulumi up writes: a code change to them would never deploy (ignore exactly the operational properties)",
      ]);
      // The Aurora global database member (named by its cluster, or the source of its global cluster).
      expect(operational.slice(2)).to.have.length(1);
      expect(operational[2]).to.match(/^trading-db \(Cluster\) does not ignore changes to replicationSourceIdentifier/);
      expect(rule("asg-launch-template-version-pinned")).to.have.length(1);
      expect(rule("dynamodb-gateway-endpoint")).to.have.length(3);
    });

    it("a suppression with a reason and an expiry silences its violation and the plan lists it; expired, unexplained or absent, the violation is mandatory", async () => {
      // The WAF logging stripped back to the Authorization header only: a cookie would reach the logs.
      const run = mutateRun(await runStackFile("prod-us-east-1", { preview: true }), {
        match: (r) => r.type === "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
        set: { redactedFields: [{ singleHeader: { name: "authorization" } }] },
      });
      const violation = 'WAF logging trading-waf-logging does not redact cookie (redactedFields: [{ singleHeader: { name: "cookie" } }]): its log records would hold the credential';
      const security = loadPackConfig("prod", "security");
      const suppression = { resource: "trading-waf-logging", reason: "a client library sends a session cookie until its next release", expires: "2027-01-31" };
      const withSuppression = (overrides: Record<string, unknown> | undefined) => ({
        ...security,
        "waf-logs-redact-credentials": { suppressions: overrides ? [{ ...suppression, ...overrides }] : [] },
      });
      const silenced = await evaluateStack(run, "prod", { configs: { security: withSuppression({}) } });
      expect(messages(silenced, "waf-logs-redact-credentials")).to.deep.equal([]);
      expect(silenced.suppressed.map((v) => [v.policyName, v.suppressed?.message])).to.deep.equal([["waf-logs-redact-credentials", violation]]);
      const report = policyReport(silenced);
      expect(report.suppressions).to.deep.equal([
        {
          pack: "trading-security",
          rule: "waf-logs-redact-credentials",
          source: "config",
          resource: "trading-waf-logging",
          reason: suppression.reason,
          expires: "2027-01-31",
          matches: ["trading-waf-logging"],
          silenced: [violation],
        },
      ]);
      expect(report.packs.map((p) => [p.pack, p.suppressed])).to.deep.equal([
        ["trading-resilience", 0],
        ["trading-cost", 0],
        ["trading-security", 1],
      ]);
      const text = renderPolicyReport(report, PLAIN);
      expect(text).to.include("suppressions in force (1):");
      expect(text).to.include("  - trading-security/waf-logs-redact-credentials on trading-waf-logging, until 2027-01-31 (config)");
      expect(text).to.match(/silences: WAF logging trading-waf-logging does not redact cookie/);

      const expired = await evaluateStack(run, "prod", { configs: { security: withSuppression({ expires: "2026-01-31" }) } });
      expect(messages(expired, "waf-logs-redact-credentials")).to.deep.equal([
        violation,
        'suppression of waf-logs-redact-credentials by config suppressions[0] (resource "trading-waf-logging") cannot be honoured: it expired on 2026-01-31',
      ]);
      const noReason = await evaluateStack(run, "prod", { configs: { security: withSuppression({ reason: "" }) } });
      expect(messages(noReason, "waf-logs-redact-credentials")[1]).to.match(/cannot be honoured: it gives no reason$/);
      const none = await evaluateStack(run, "prod", { configs: { security: withSuppression(undefined) } });
      expect(messages(none, "waf-logs-redact-credentials")).to.deep.equal([violation]);
      expect(none.suppressions).to.deep.equal([]);
    });
  });
});
