import { expect } from "chai";
import { readFileSync } from "node:fs";
import { costByComponent, CostEstimate, estimateMinimumMonthlyCost, formatUsd } from "../../policy/lib/cost/estimate";
import { loadPackConfig, POLICY_ENVIRONMENTS } from "../../offline/policy/evaluateStack";
import { toPolicyResources } from "../../offline/policy/evaluator";
import { loadPriceSnapshot, parsePriceSnapshot, PRICE_SNAPSHOT_FILE } from "../../policy/lib/prices";
import { DAX_NODE_TYPES } from "../../components/dynamo/daxPlan";
import { INSTANCE_TYPES } from "../../components/cluster/config";
import { autoScalingGroup, cache, dynamoTable, launchTemplate, loadBalancer, network, T } from "./support/builders";
import { analysisInputFromRun } from "../../offline/policy/fromRun";
import { deployedStackRun } from "../support/stackRuns";
import { Fixture } from "./support/fixture";

function estimateOf(fx: Fixture): CostEstimate {
  return estimateMinimumMonthlyCost(toPolicyResources(fx.resources));
}

function item(estimate: CostEstimate, name: string, descriptionStart: string) {
  const found = estimate.items.filter((i) => i.resourceName === name && i.description.startsWith(descriptionStart));
  expect(found, `${name}: ${descriptionStart}`).to.have.length(1);
  return found[0];
}

describe("price snapshot", () => {
  const snapshot = loadPriceSnapshot();

  it("is dated, sourced, and covers us-east-1 and eu-west-1", () => {
    expect(snapshot.snapshotDate).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(Object.keys(snapshot.regions)).to.have.members(["us-east-1", "eu-west-1"]);
    for (const section of ["dynamodb", "dax", "natGateway", "alb", "ec2", "aurora", "elasticache", "cloudwatch", "sns"]) {
      expect(snapshot.sources[section], section).to.be.an("array").that.is.not.empty;
      for (const source of snapshot.sources[section]) {
        expect(source).to.match(/^https:\/\/aws\.amazon\.com\//);
      }
    }
  });

  it("carries the Nov-2024 DynamoDB prices: replicated writes at the single-Region price, on-demand ~3.5x fully used provisioned", () => {
    for (const [region, prices] of Object.entries(snapshot.regions)) {
      const d = prices.dynamodb;
      expect(d.replicatedWcuHour, region).to.equal(d.provisionedWcuHour);
      expect(d.onDemandReplicatedWritePerMillion, region).to.equal(d.onDemandWritePerMillion);
      // One WCU fully used writes 3,600 times an hour.
      const writeRatio = d.onDemandWritePerMillion / 1e6 / (d.provisionedWcuHour / 3600);
      const readRatio = d.onDemandReadPerMillion / 1e6 / (d.provisionedRcuHour / 3600);
      expect(writeRatio, `${region} writes`).to.be.within(3.3, 3.6);
      expect(readRatio, `${region} reads`).to.be.within(3.3, 3.6);
    }
  });

  it("prices every type the components offer and every type the cost configs allow, in both regions", () => {
    const allowedDax = POLICY_ENVIRONMENTS.flatMap((env) => (loadPackConfig(env, "cost")["dax-node-type-allowed"] as { allowedNodeTypes: string[] }).allowedNodeTypes);
    const allowedEc2 = POLICY_ENVIRONMENTS.flatMap((env) => (loadPackConfig(env, "cost")["ec2-instance-type-allowed"] as { allowedInstanceTypes: string[] }).allowedInstanceTypes);
    for (const [region, prices] of Object.entries(snapshot.regions)) {
      for (const type of [...allowedDax, ...DAX_NODE_TYPES.filter((t) => /\.(t3|r5\.(x|2x|4x)?large)$/.test(t) || t === "dax.r5.large")]) {
        expect(prices.daxNodeHour[type], `${region} ${type}`).to.be.a("number");
      }
      for (const type of [...allowedEc2, ...INSTANCE_TYPES]) {
        expect(prices.ec2InstanceHour[type], `${region} ${type}`).to.be.a("number");
      }
      for (const engine of ["redis", "valkey"] as const) {
        for (const [type, price] of Object.entries(prices.elasticacheNodeHour.redis)) {
          expect(prices.elasticacheNodeHour[engine][type], `${region} ${engine} ${type}`).to.be.a("number");
          if (engine === "valkey") {
            expect(prices.elasticacheNodeHour.valkey[type] / price, `${region} valkey ${type}`).to.be.closeTo(0.8, 0.01);
          }
        }
      }
    }
  });

  it("refuses a snapshot with a missing or non-positive figure", () => {
    const document = JSON.parse(readFileSync(PRICE_SNAPSHOT_FILE, "utf8")) as { regions: Record<string, { natGatewayHour?: number; albHour: number }> };
    delete document.regions["us-east-1"].natGatewayHour;
    document.regions["eu-west-1"].albHour = 0;
    expect(() => parsePriceSnapshot(document)).to.throw(/regions\.us-east-1\.natGatewayHour: .*regions\.eu-west-1\.albHour/);
  });
});

describe("cost estimate of the minimum footprint", () => {
  it("prices DynamoDB capacity at its auto scaling minimum, and replicas' writes as replicated WCUs in their own region", () => {
    const fx = new Fixture();
    dynamoTable(fx, { scaling: { tableRead: { min: 100, max: 1000 }, tableWrite: { min: 50, max: 500 }, indexRead: { min: 25, max: 100 }, indexWrite: { min: 50, max: 500 } } });
    fx.add(T.replica, "replica", { globalTableArn: "arn:aws:dynamodb:us-east-1:1:table/orders", region: "eu-west-1" });
    for (const [dimension, min] of [["Read", 25], ["Write", 50]] as const) {
      fx.add(T.target, `replica-${dimension}`, {
        serviceNamespace: "dynamodb",
        scalableDimension: `dynamodb:table:${dimension}CapacityUnits`,
        resourceId: "table/orders",
        minCapacity: min,
        maxCapacity: 1000,
        region: "eu-west-1",
      });
    }
    const estimate = estimateOf(fx);
    expect(item(estimate, "orders", "table orders: 100 read").monthlyUsd).to.be.closeTo(100 * 730 * 0.00013, 1e-9);
    expect(item(estimate, "orders", "table orders: 50 write").monthlyUsd).to.be.closeTo(50 * 730 * 0.00065, 1e-9);
    expect(item(estimate, "orders", "index by-symbol of orders: 25 read").monthlyUsd).to.be.closeTo(25 * 730 * 0.00013, 1e-9);
    expect(item(estimate, "orders", "index by-symbol of orders: 50 write").unit).to.equal("WCU-hour");
    const replicaWrites = item(estimate, "replica", "replica orders: 50 write");
    expect([replicaWrites.region, replicaWrites.unit, replicaWrites.unitPriceUsd]).to.deep.equal(["eu-west-1", "rWCU-hour", 0.000735]);
    expect(item(estimate, "replica", "replica orders: 25 read").unitPriceUsd).to.equal(0.000147);
    expect(estimate.unpriced).to.deep.equal([]);
  });

  it("prices instances at the ASG minimum with their volumes, the ALB with its IPv4 addresses, NAT, Aurora and cache nodes", () => {
    const fx = new Fixture();
    const net = network(fx, ["use1-az1", "use1-az2", "use1-az4"], { nat: "single" });
    autoScalingGroup(fx, net.subnets.app, launchTemplate(fx, { instanceType: "m7g.xlarge" }), { minSize: 3 });
    loadBalancer(fx, net.subnets.public);
    const cluster = fx.add(T.rdsCluster, "db", { engine: "aurora-postgresql" });
    fx.add(T.rdsInstance, "db-0", { clusterIdentifier: fx.ref(cluster), instanceClass: "db.r7g.large" });
    cache(fx, ["use1-az1", "use1-az2", "use1-az4"]);
    const estimate = estimateOf(fx);
    expect(estimate.items.map((i) => [i.resourceName, i.description, formatUsd(i.monthlyUsd)])).to.deep.equal([
      ["cache", "3 x cache.r7g.large valkey nodes", "$383.69"],
      ["asg", "3 x m7g.xlarge instances (auto scaling minimum)", "$357.41"],
      ["db-0", "1 x db.r7g.large Aurora instance (storage and I/O are usage-based)", "$201.48"],
      ["nat-public-use1-az1", "NAT gateway (hours; data processing is usage-based)", "$32.85"],
      ["alb", "application load balancer (hours)", "$16.43"],
      ["alb", "3 public IPv4 address(es), one per AZ", "$10.95"],
      ["alb", "1 load balancer capacity unit(s) baseline", "$5.84"],
      ["asg", "3 x 20 GB gp3 volumes", "$4.80"],
      ["nat-eip-public-use1-az1", "public IPv4 address (Elastic IP)", "$3.65"],
    ]);
    expect(estimate.totalMonthlyUsd).to.be.closeTo(estimate.items.reduce((s, i) => s + i.monthlyUsd, 0), 1e-9);
  });

  it("lists usage-billed resources apart and says why something could not be priced", () => {
    const fx = new Fixture({ preview: true });
    fx.add(T.table, "on-demand", { billingMode: "PAY_PER_REQUEST" });
    fx.add("aws:lambda/function:Function", "consumer", { runtime: "nodejs20.x" });
    const lt = launchTemplate(fx, { instanceType: fx.computed("m7g.large") });
    fx.add(T.asg, "fleet", { minSize: 2, maxSize: 4, launchTemplate: { id: fx.ref(lt) } });
    fx.add(T.cache, "memcached", { engine: "memcached", nodeType: "cache.r7g.large" });
    fx.add(T.dax, "old-dax", { nodeType: "dax.r4.large", replicationFactor: 3 });
    fx.add(T.nat, "far-nat", { subnetId: "s", region: "ap-south-1" });
    const estimate = estimateOf(fx);
    expect(estimate.usageBased.map((n) => [n.resourceName, n.reason])).to.deep.equal([
      ["on-demand", "on-demand table: billed per request, no minimum"],
      ["consumer", "Lambda: billed per request and GB-second"],
    ]);
    expect(estimate.unpriced.map((n) => [n.resourceName, n.reason])).to.deep.equal([
      ["fleet", "its instance type is unknown until the update"],
      ["far-nat", "the price snapshot has no prices for ap-south-1"],
      ["old-dax", "node type dax.r4.large is not in the price snapshot"],
      ["memcached", "cache engine memcached is not in the price snapshot"],
    ]);
  });

  it("lists an Aurora global database's replicated writes as usage-based, for the global cluster and each secondary", () => {
    const fx = new Fixture();
    const primary = fx.add(T.rdsCluster, "db", { engine: "aurora-postgresql" });
    fx.add("aws:rds/globalCluster:GlobalCluster", "refdata", { globalClusterIdentifier: "refdata", sourceDbClusterIdentifier: fx.ref(primary) });
    fx.add(T.rdsCluster, "secondary", { engine: "aurora-postgresql", globalClusterIdentifier: "refdata", region: "eu-west-1" });
    fx.add(T.rdsCluster, "regional", { engine: "aurora-postgresql" });
    const estimate = estimateOf(fx);
    expect(estimate.usageBased.map((n) => [n.resourceName, n.reason])).to.deep.equal([
      ["refdata", "Aurora Global Database: each write I/O replicated to a secondary region is billed per million, plus the cross-region data transfer"],
      ["secondary", "Aurora Global Database secondary: its replicated write I/Os and storage are billed by use in its region"],
    ]);
  });

  it("prices observability: alarm metrics (each metric of metric math, high resolution apart), composite alarms, dashboards and the custom metrics they read", () => {
    const fx = new Fixture();
    const parent = fx.component("trading:observability:Observability", "obs");
    const alarm = (name: string, props: Record<string, unknown>) => fx.add(T.alarm, name, { alarmActions: [], ...props }, { parent });
    alarm("single", { namespace: "AWS/DAX", metricName: "CPUUtilization", dimensions: { ClusterId: "dax" }, period: 60 });
    alarm("fast", { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: "q" }, period: 10 });
    alarm("custom", { namespace: "Trading/Api", metricName: "Latency", dimensions: { Table: "t" }, period: 60, extendedStatistic: "p99" });
    alarm("math", {
      metricQueries: [
        { id: "result", expression: "100 * r / (a + r)", returnData: true },
        { id: "a", metric: { namespace: "Trading/Api", metricName: "OrdersAccepted", dimensions: { Table: "t" }, period: 60, stat: "Sum" } },
        { id: "r", metric: { namespace: "Trading/Api", metricName: "OrdersRejected", dimensions: { Table: "t" }, period: 60, stat: "Sum" } },
      ],
    });
    fx.add("aws:cloudwatch/compositeAlarm:CompositeAlarm", "degraded", { alarmRule: 'ALARM("single")' }, { parent });
    const body = { widgets: [{ type: "metric", properties: { metrics: [["Trading/Api", "Latency", "Table", "t", { stat: "p50" }], ["Trading/Api", "Requests", "Table", "t"], ["AWS/DAX", "CPUUtilization", "ClusterId", "dax"]] } }] };
    fx.add("aws:cloudwatch/dashboard:Dashboard", "board", { dashboardName: "board", dashboardBody: JSON.stringify(body) }, { parent });
    fx.add("aws:sns/topic:Topic", "alarms", { name: "alarms" }, { parent });
    const estimate = estimateOf(fx);
    expect(estimate.items.map((i) => [i.resourceName, i.description, formatUsd(i.monthlyUsd)])).to.deep.equal([
      ["board", "CloudWatch dashboard", "$3.00"],
      ["custom metrics", "4 custom metrics the alarms and dashboards read", "$1.20"],
      ["degraded", "composite alarm", "$0.50"],
      ["4 metric alarms", "4 alarm metrics (standard resolution)", "$0.40"],
      ["4 metric alarms", "1 alarm metrics (high resolution)", "$0.30"],
    ]);
    expect(estimate.items.every((i) => i.component?.name === "obs")).to.be.true;
    expect(estimate.usageBased.map((n) => n.reason)).to.deep.equal([
      "SNS: $0.50 per million publishes, email $2.00 per 100,000, HTTPS $0.60 per million notifications, after the free tiers",
    ]);
  });

  it("says a dashboard's custom metrics cannot be counted while its body is unknown (a preview)", () => {
    const fx = new Fixture({ preview: true });
    fx.add("aws:cloudwatch/dashboard:Dashboard", "board", { dashboardName: "board", dashboardBody: fx.computed("{}") });
    const estimate = estimateOf(fx);
    expect(estimate.items.map((i) => i.description)).to.deep.equal(["CloudWatch dashboard"]);
    expect(estimate.unpriced.map((n) => n.reason)).to.deep.equal(["its body is unknown until the update, so the custom metrics only it shows are not counted"]);
  });

  it("groups line items by the component that created them", () => {
    const fx = new Fixture();
    const netComponent = fx.component("trading:network:HaNetwork", "trading");
    const dataComponent = fx.component("trading:data:DataTier", "trading");
    network(fx, ["use1-az1", "use1-az2"], { parent: netComponent });
    const cluster = fx.add(T.rdsCluster, "db", { engine: "aurora-postgresql" }, { parent: dataComponent });
    fx.add(T.rdsInstance, "db-0", { clusterIdentifier: fx.ref(cluster), instanceClass: "db.t4g.medium" }, { parent: dataComponent });
    fx.add(T.eip, "loose", { domain: "vpc" });
    const groups = costByComponent(estimateOf(fx));
    expect(groups.map((g) => [g.component, g.componentType, formatUsd(g.monthlyUsd), g.items.length])).to.deep.equal([
      ["trading", "trading:network:HaNetwork", formatUsd(2 * 730 * (0.045 + 0.005)), 4],
      ["trading", "trading:data:DataTier", formatUsd(730 * 0.073), 1],
      ["(no component)", undefined, formatUsd(730 * 0.005), 1],
    ]);
  });

  it("formats dollars with cents and thousands", () => {
    expect(formatUsd(2141.4712)).to.equal("$2,141.47");
    expect(formatUsd(0.5)).to.equal("$0.50");
  });
});

describe("cost estimate of the edge", () => {
  const prices = loadPriceSnapshot();

  it("prices a web ACL and each of its rules, and each client-credentials app client; requests are usage-based", () => {
    const fx = new Fixture();
    fx.add("aws:wafv2/webAcl:WebAcl", "acl", { scope: "REGIONAL", rules: [{ name: "a" }, { name: "b" }, { name: "c" }] });
    fx.add("aws:cognito/userPoolClient:UserPoolClient", "gateway", { allowedOauthFlows: ["client_credentials"] });
    fx.add("aws:cognito/userPoolClient:UserPoolClient", "web-login", { allowedOauthFlows: ["code"] });
    const estimate = estimateOf(fx);
    const edge = prices.edge;
    if (!edge) throw new Error("the committed snapshot has edge prices");
    expect(item(estimate, "acl", "WAF web ACL").monthlyUsd).to.equal(edge.wafWebAclMonth);
    expect(item(estimate, "acl", "3 WAF rule(s)").monthlyUsd).to.equal(3 * edge.wafRuleMonth);
    expect(item(estimate, "gateway", "Cognito machine-to-machine app client").monthlyUsd).to.equal(edge.cognitoM2mAppClientMonth);
    expect(estimate.items.filter((i) => i.resourceName === "web-login")).to.deep.equal([]);
    expect(estimate.usageBased.map((n) => n.resourceName)).to.include.members(["acl", "gateway"]);
    expect([edge.wafWebAclMonth, edge.wafRuleMonth, edge.wafRequestsPerMillion, edge.cognitoM2mAppClientMonth]).to.deep.equal([5, 1, 0.6, 6]);
    expect(prices.sources.waf[0]).to.match(/^https:\/\/aws\.amazon\.com\/waf\/pricing\//);
    expect(prices.sources.cognito[0]).to.match(/^https:\/\/aws\.amazon\.com\/cognito\/pricing\//);
  });

  it("lists the edge as unpriced (never at zero) with a snapshot that has no edge prices", () => {
    const fx = new Fixture();
    fx.add("aws:wafv2/webAcl:WebAcl", "acl", { scope: "REGIONAL", rules: [] });
    const { edge: _edge, ...older } = prices;
    const estimate = estimateMinimumMonthlyCost(toPolicyResources(fx.resources), { prices: parsePriceSnapshot(older) });
    expect(estimate.unpriced.map((n) => n.reason)).to.deep.equal(["the price snapshot has no AWS WAF prices"]);
  });

  it("the real prod stack's estimate includes its WAF and its Cognito app clients", async () => {
    const run = await deployedStackRun("prod-us-east-1");
    const estimate = estimateMinimumMonthlyCost(toPolicyResources(analysisInputFromRun(run).resources));
    const edge = estimate.items.filter((i) => /WAF|Cognito/.test(i.description));
    expect(edge.map((i) => i.description).sort()).to.deep.equal([
      "5 WAF rule(s) and managed rule group(s)",
      "Cognito machine-to-machine app client",
      "Cognito machine-to-machine app client",
      "WAF web ACL",
    ]);
    expect(edge.reduce((sum, i) => sum + i.monthlyUsd, 0)).to.equal(2 * 6 + 5 + 5);
  });
});

describe("cost estimate of KMS keys", () => {
  const prices = loadPriceSnapshot();

  it("prices every customer managed key per month; requests and rotation are usage-based", () => {
    const fx = new Fixture();
    fx.add("aws:kms/key:Key", "table-key", { enableKeyRotation: true });
    fx.add("aws:kms/key:Key", "topic-key", { enableKeyRotation: true });
    const estimate = estimateOf(fx);
    const keys = prices.keys;
    if (!keys) throw new Error("the committed snapshot has KMS prices");
    expect(keys).to.deep.equal({ kmsKeyMonth: 1, kmsRequestsPerTenThousand: 0.03 });
    expect(estimate.items.filter((i) => i.description === "KMS customer managed key").map((i) => [i.resourceName, i.monthlyUsd])).to.have.deep.members([
      ["table-key", 1],
      ["topic-key", 1],
    ]);
    expect(estimate.usageBased.filter((n) => n.reason.startsWith("KMS:")).map((n) => n.resourceName)).to.have.members(["table-key", "topic-key"]);
    expect(prices.sources.kms[0]).to.match(/^https:\/\/aws\.amazon\.com\/kms\/pricing\//);
  });

  it("lists keys as unpriced (never at zero) with a snapshot that has no KMS prices", () => {
    const fx = new Fixture();
    fx.add("aws:kms/key:Key", "table-key", {});
    const { keys: _keys, ...older } = prices;
    const estimate = estimateMinimumMonthlyCost(toPolicyResources(fx.resources), { prices: parsePriceSnapshot(older) });
    expect(estimate.items).to.deep.equal([]);
    expect(estimate.unpriced.map((n) => n.reason)).to.deep.equal(["the price snapshot has no AWS KMS prices"]);
  });

  it("the real prod stack's estimate includes each of its keys", async () => {
    const run = await deployedStackRun("prod-us-east-1");
    const estimate = estimateMinimumMonthlyCost(toPolicyResources(analysisInputFromRun(run).resources));
    const keys = estimate.items.filter((i) => i.description === "KMS customer managed key");
    expect(keys.map((i) => i.resourceName).sort()).to.deep.equal(run.ofType("aws:kms/key:Key").map((k) => k.name).sort());
    expect(keys.length).to.be.greaterThan(0);
  });
});
