import { expect } from "chai";
import { resiliencePack } from "../../policy/resilience/policies";
import { alarmOn, aurora, autoScalingGroup, cache, dax, dynamoTable, launchTemplate, loadBalancer, network, snsTopic, T } from "./support/builders";
import { evaluate, Fixture, messagesOf, UNKNOWN, violationsOf } from "./support/fixture";

const AZS = ["use1-az1", "use1-az2", "use1-az4"];
const TWO_AZS = ["use1-az1", "use1-az2"];

/** The HA-critical resources of a stack without their alarms: network with a NAT per AZ, ASG, ALB, Aurora, cache, DAX. */
function haResources(fx: Fixture, azs = AZS) {
  const net = network(fx, azs);
  const lt = launchTemplate(fx);
  const asg = autoScalingGroup(fx, net.subnets.app, lt);
  const alb = loadBalancer(fx, net.subnets.public);
  const db = aurora(fx, azs);
  const group = cache(fx, azs);
  const daxCluster = dax(fx, azs);
  return { net, lt, asg, alb, db, group, daxCluster };
}

/** A compliant three-AZ stack: the HA-critical resources, each watched by an alarm notifying an SNS topic. */
function fullStack(fx: Fixture, azs = AZS) {
  const stack = haResources(fx, azs);
  const topic = snsTopic(fx);
  alarmOn(fx, stack.asg, "AutoScalingGroupName", "name", { actions: topic });
  alarmOn(fx, stack.alb, "LoadBalancer", "arnSuffix", { actions: topic });
  alarmOn(fx, stack.db.cluster, "DBClusterIdentifier", "clusterIdentifier", { actions: topic });
  alarmOn(fx, stack.group, "CacheClusterId", "memberClusters", { actions: topic });
  alarmOn(fx, stack.daxCluster, "ClusterId", "clusterName", { actions: topic });
  return { ...stack, topic };
}

describe("resilience pack", () => {
  for (const preview of [false, true]) {
    it(`a compliant three-AZ stack passes every rule (${preview ? "preview: ids unknown" : "after update"})`, async () => {
      const fx = new Fixture({ preview });
      fullStack(fx);
      const result = await evaluate(resiliencePack, fx);
      expect(result.violations).to.deep.equal([]);
    });
  }

  describe("subnet-tiers-span-azs", () => {
    it("reports each tier of a two-AZ VPC", async () => {
      const fx = new Fixture();
      network(fx, TWO_AZS);
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, "subnet-tiers-span-azs")).to.deep.equal([
        'subnet tier "public" of VPC vpc spans 2 AZ(s) (use1-az1, use1-az2); at least 3 are required',
        'subnet tier "app" of VPC vpc spans 2 AZ(s) (use1-az1, use1-az2); at least 3 are required',
        'subnet tier "data" of VPC vpc spans 2 AZ(s) (use1-az1, use1-az2); at least 3 are required',
      ]);
      expect(violationsOf(result, "subnet-tiers-span-azs")[0].urn).to.equal(fx.resources[0].urn);
    });

    it("without tier tags, classifies subnets by routing (public, private through NAT, isolated)", async () => {
      const fx = new Fixture();
      network(fx, AZS, { tierTags: false, tierAzs: { data: TWO_AZS } });
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, "subnet-tiers-span-azs")).to.deep.equal([
        'subnet tier "isolated" of VPC vpc spans 2 AZ(s) (use1-az1, use1-az2); at least 3 are required',
      ]);
    });

    it("honours minAzs from config", async () => {
      const fx = new Fixture();
      network(fx, TWO_AZS);
      const result = await evaluate(resiliencePack, fx, { "subnet-tiers-span-azs": { minAzs: 2 } });
      expect(messagesOf(result, "subnet-tiers-span-azs")).to.deep.equal([]);
    });
  });

  describe("asg-spans-azs", () => {
    it("follows vpcZoneIdentifiers' property dependencies to the subnets when ids are unknown", async () => {
      const fx = new Fixture({ preview: true });
      const net = network(fx, AZS);
      autoScalingGroup(fx, net.subnets.app.slice(0, 2), launchTemplate(fx));
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, "asg-spans-azs")).to.deep.equal(["auto scaling group asg spans 2 AZ(s) (use1-az1, use1-az2); at least 3 are required"]);
    });

    it("matches known subnet ids when there are no dependencies", async () => {
      const fx = new Fixture();
      const net = network(fx, AZS);
      fx.add(T.asg, "asg", { vpcZoneIdentifiers: net.subnets.app.map((s) => s.id), minSize: 3, maxSize: 3 });
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, "asg-spans-azs")).to.deep.equal([]);
    });

    it("says why AZs could not be counted", async () => {
      const fx = new Fixture();
      fx.add(T.asg, "unknown-subnets", { vpcZoneIdentifiers: UNKNOWN, minSize: 3, maxSize: 3 });
      fx.add(T.asg, "foreign-subnets", { vpcZoneIdentifiers: ["subnet-0abc"], minSize: 3, maxSize: 3 });
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, "asg-spans-azs")).to.deep.equal([
        "auto scaling group unknown-subnets spans 0 AZ(s) (no AZ); at least 3 are required " +
          "(not counted: vpcZoneIdentifiers is unknown until the update and depends on no subnet in this stack)",
        "auto scaling group foreign-subnets spans 0 AZ(s) (no AZ); at least 3 are required " +
          "(not counted: vpcZoneIdentifiers names subnets not in this stack (subnet-0abc))",
      ]);
    });
  });

  describe("alb-spans-azs", () => {
    it("reports a load balancer over two AZs", async () => {
      const fx = new Fixture({ preview: true });
      const net = network(fx, AZS);
      loadBalancer(fx, net.subnets.public.slice(1));
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, "alb-spans-azs")).to.deep.equal(["load balancer alb spans 2 AZ(s) (use1-az2, use1-az4); at least 3 are required"]);
    });
  });

  describe("database-spans-azs", () => {
    it("reports an Aurora cluster whose instances are not pinned to three AZs", async () => {
      const fx = new Fixture();
      network(fx, AZS);
      aurora(fx, ["use1-az1", "use1-az2", undefined]);
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, "database-spans-azs")).to.deep.equal([
        "Aurora cluster db (3 instance(s)) spans 2 AZ(s) (use1-az1, use1-az2); at least 3 are required " +
          "(not counted: no known availabilityZone for db-2); pin one instance to each AZ with availabilityZone, or use a Multi-AZ DB cluster",
      ]);
    });

    it("in a preview, places instances through the subnets their availabilityZone came from", async () => {
      const fx = new Fixture({ preview: true });
      const net = network(fx, AZS);
      const cluster = fx.add(T.rdsCluster, "db", { engine: "aurora-postgresql", storageEncrypted: true });
      net.subnets.data.forEach((subnet, i) => {
        fx.add(T.rdsInstance, `db-${i}`, { clusterIdentifier: fx.ref(cluster), instanceClass: "db.r7g.large", availabilityZone: fx.ref(subnet, "availabilityZone") });
      });
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, "database-spans-azs")).to.deep.equal([]);
    });

    it("accepts a Multi-AZ DB cluster over a three-AZ subnet group and reports one over two", async () => {
      for (const [subnetCount, expected] of [
        [3, []],
        [2, ["the DB subnet group of Multi-AZ DB cluster db spans 2 AZ(s) (use1-az1, use1-az2); at least 3 are required"]],
      ] as const) {
        const fx = new Fixture();
        const net = network(fx, AZS);
        const group = fx.add(T.rdsSubnetGroup, "db-subnets", { subnetIds: net.subnets.data.slice(0, subnetCount).map((s) => fx.ref(s)) }, { computed: { name: "db-subnets" } });
        fx.add(T.rdsCluster, "db", { engine: "postgres", dbClusterInstanceClass: "db.m6gd.large", dbSubnetGroupName: fx.ref(group, "name", "db-subnets") });
        const result = await evaluate(resiliencePack, fx);
        expect(messagesOf(result, "database-spans-azs")).to.deep.equal(expected);
      }
    });

    it("reports a standalone DB instance, Multi-AZ or not", async () => {
      const fx = new Fixture();
      fx.add(T.rdsStandalone, "legacy", { engine: "postgres", instanceClass: "db.m6g.large", multiAz: true });
      fx.add(T.rdsStandalone, "scratch", { engine: "postgres", instanceClass: "db.m6g.large" });
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, "database-spans-azs")).to.deep.equal([
        "DB instance legacy is a single instance with a Multi-AZ standby, which covers at most 2 AZs; use an Aurora cluster with instances in 3 AZs or a Multi-AZ DB cluster",
        "DB instance scratch is a single instance, which covers at most 2 AZs; use an Aurora cluster with instances in 3 AZs or a Multi-AZ DB cluster",
      ]);
    });
  });

  describe("cache-spans-azs", () => {
    it("reports failover off, Multi-AZ off and nodes in two AZs", async () => {
      const fx = new Fixture();
      network(fx, AZS);
      cache(fx, TWO_AZS, { automaticFailoverEnabled: false, multiAzEnabled: false });
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, "cache-spans-azs")).to.deep.equal([
        "replication group cache has automatic failover off; set automaticFailoverEnabled: true",
        "replication group cache is not Multi-AZ; set multiAzEnabled: true",
        "replication group cache (2 node(s)) spans 2 AZ(s) (use1-az1, use1-az2); at least 3 are required",
      ]);
    });

    it("does not count nodes whose AZs are left to ElastiCache", async () => {
      const fx = new Fixture();
      cache(fx, AZS, { preferredCacheClusterAzs: undefined });
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, "cache-spans-azs")).to.deep.equal([
        "replication group cache (3 node(s)) spans 0 AZ(s) (no AZ); at least 3 are required (not counted: preferredCacheClusterAzs is not set, so AWS chooses the AZs)",
      ]);
    });
  });

  describe("dax-spans-azs", () => {
    it("reports a one-node cluster", async () => {
      const fx = new Fixture();
      network(fx, AZS);
      dax(fx, ["use1-az1"]);
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, "dax-spans-azs")).to.deep.equal([
        "DAX cluster dax has replicationFactor 1; at least 3 nodes are required",
        "DAX cluster dax (1 node(s)) spans 1 AZ(s) (use1-az1); at least 3 are required",
      ]);
    });

    it("reports an AZ list that does not name one AZ per node", async () => {
      const fx = new Fixture();
      network(fx, AZS);
      dax(fx, TWO_AZS, { replicationFactor: 3 });
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, "dax-spans-azs")).to.deep.equal([
        "DAX cluster dax (3 node(s)) spans 0 AZ(s) (no AZ); at least 3 are required (not counted: availabilityZones names 2 AZ(s) for 3 node(s))",
      ]);
    });
  });

  describe("node AZ lists computed from subnets (a preview)", () => {
    it("bounds the spread by the subnets the list is built from", async () => {
      const fx = new Fixture({ preview: true });
      const net = network(fx, AZS);
      const names = (subnets: typeof net.subnets.data) => subnets.map((s) => fx.ref(s, "availabilityZone"));
      dax(fx, [], { replicationFactor: 1, availabilityZones: names(net.subnets.data) });
      fx.add(T.dax, "dax3", { replicationFactor: 3, availabilityZones: names(net.subnets.data), nodeType: "dax.r5.large" });
      cache(fx, [], { numCacheClusters: 3, preferredCacheClusterAzs: names(net.subnets.data.slice(0, 2)) });
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, "dax-spans-azs")).to.deep.equal([
        "DAX cluster dax has replicationFactor 1; at least 3 nodes are required",
        "DAX cluster dax (1 node(s)) can span at most 1 AZ(s); at least 3 are required " +
          "(availabilityZones is unknown until the update and comes from subnets in 3 AZ(s) (use1-az1, use1-az2, use1-az4) for 1 node(s))",
      ]);
      expect(messagesOf(result, "cache-spans-azs")).to.deep.equal([
        "replication group cache (3 node(s)) can span at most 2 AZ(s); at least 3 are required " +
          "(preferredCacheClusterAzs is unknown until the update and comes from subnets in 2 AZ(s) (use1-az1, use1-az2) for 3 node(s))",
      ]);
      // The AZ-loss model puts the one DAX node in any of its three candidate AZs, and the cache's
      // three nodes in its two: every loss of those AZs takes the node or the majority.
      expect(messagesOf(result, "az-loss-survivability").filter((m) => /dax|cache/.test(m))).to.deep.equal([
        "losing use1-az1: replication group cache loses all 3 node(s) (node AZs not known: preferredCacheClusterAzs is unknown until the update and comes from subnets in 2 AZ(s) (use1-az1, use1-az2) for 3 node(s))",
        "losing use1-az1: DAX cluster dax loses all 1 node(s) (node AZs not known: availabilityZones is unknown until the update and comes from subnets in 3 AZ(s) (use1-az1, use1-az2, use1-az4) for 1 node(s))",
        "losing use1-az2: replication group cache loses all 3 node(s) (node AZs not known: preferredCacheClusterAzs is unknown until the update and comes from subnets in 2 AZ(s) (use1-az1, use1-az2) for 3 node(s))",
        "losing use1-az2: DAX cluster dax loses all 1 node(s) (node AZs not known: availabilityZones is unknown until the update and comes from subnets in 3 AZ(s) (use1-az1, use1-az2, use1-az4) for 1 node(s))",
        "losing use1-az4: DAX cluster dax loses all 1 node(s) (node AZs not known: availabilityZones is unknown until the update and comes from subnets in 3 AZ(s) (use1-az1, use1-az2, use1-az4) for 1 node(s))",
      ]);
    });
  });

  describe("nat-gateway-per-az", () => {
    it("reports a single NAT gateway serving three AZs", async () => {
      const fx = new Fixture({ preview: true });
      network(fx, AZS, { nat: "single" });
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, "nat-gateway-per-az")).to.deep.equal([
        "AZ use1-az2 has subnets that reach the internet through NAT gateway nat-public-use1-az1 in use1-az1 but no NAT gateway of its own",
        "route table app-rt-app-use1-az2 sends 0.0.0.0/0 through NAT gateway nat-public-use1-az1 in use1-az1 but serves subnet(s) in use1-az2 (app-use1-az2)",
        "AZ use1-az4 has subnets that reach the internet through NAT gateway nat-public-use1-az1 in use1-az1 but no NAT gateway of its own",
        "route table app-rt-app-use1-az4 sends 0.0.0.0/0 through NAT gateway nat-public-use1-az1 in use1-az1 but serves subnet(s) in use1-az4 (app-use1-az4)",
      ]);
    });

    it("reports a route table that crosses AZs although every AZ has a NAT", async () => {
      const fx = new Fixture();
      const net = network(fx, AZS, { nat: "none" });
      const nats = net.subnets.public.map((subnet) => fx.add(T.nat, `nat-${subnet.name}`, { subnetId: fx.ref(subnet) }));
      net.appRouteTables.forEach((rt, i) => {
        fx.add(T.route, `default-${i}`, { routeTableId: fx.ref(rt), destinationCidrBlock: "0.0.0.0/0", natGatewayId: fx.ref(nats[i === 2 ? 0 : i]) });
      });
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, "nat-gateway-per-az")).to.deep.equal([
        "route table app-rt-app-use1-az4 sends 0.0.0.0/0 through NAT gateway nat-public-use1-az1 in use1-az1 but serves subnet(s) in use1-az4 (app-use1-az4)",
      ]);
    });

    it("reads default routes declared inline on the route table", async () => {
      const fx = new Fixture();
      const net = network(fx, ["use1-az1"], { nat: "none" });
      const nat = fx.add(T.nat, "nat", { subnetId: fx.ref(net.subnets.public[0]) });
      const other = fx.add(T.subnet, "app-other", { vpcId: fx.ref(net.vpc), availabilityZoneId: "use1-az2" });
      const rt = fx.add(T.routeTable, "inline-rt", { vpcId: fx.ref(net.vpc), routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: fx.ref(nat) }] });
      fx.add(T.rta, "inline-rta", { subnetId: fx.ref(other), routeTableId: fx.ref(rt) });
      const result = await evaluate(resiliencePack, fx, { all: "advisory", "subnet-tiers-span-azs": "disabled" });
      expect(messagesOf(result, "nat-gateway-per-az")).to.deep.equal([
        "AZ use1-az2 has subnets that reach the internet through NAT gateway nat in use1-az1 but no NAT gateway of its own",
        "route table inline-rt sends 0.0.0.0/0 through NAT gateway nat in use1-az1 but serves subnet(s) in use1-az2 (app-other)",
      ]);
    });
  });

  describe("az-loss-survivability", () => {
    it("reports, per lost AZ, every tier that loses service or too much capacity", async () => {
      const fx = new Fixture();
      const net = network(fx, AZS, { nat: "single" });
      autoScalingGroup(fx, net.subnets.app, launchTemplate(fx), { minSize: 2 });
      aurora(fx, ["use1-az1"]);
      cache(fx, AZS, { automaticFailoverEnabled: false });
      dax(fx, ["use1-az2"]);
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, "az-loss-survivability")).to.deep.equal([
        "losing use1-az1: subnet(s) app-use1-az2 in use1-az2 lose internet egress: route table app-rt-app-use1-az2 sends 0.0.0.0/0 through NAT gateway nat-public-use1-az1 in use1-az1",
        "losing use1-az1: subnet(s) app-use1-az4 in use1-az4 lose internet egress: route table app-rt-app-use1-az4 sends 0.0.0.0/0 through NAT gateway nat-public-use1-az1 in use1-az1",
        "losing use1-az1: auto scaling group asg keeps 1 of its minimum 2 instances (loses 50%; at most 34% may be lost)",
        "losing use1-az1: Aurora cluster db has no instance known to be outside use1-az1: the writer has no standby elsewhere",
        "losing use1-az1: replication group cache loses its primary in use1-az1 and automatic failover is off: writes stop",
        "losing use1-az2: auto scaling group asg keeps 1 of its minimum 2 instances (loses 50%; at most 34% may be lost)",
        "losing use1-az2: DAX cluster dax loses all 1 node(s)",
        "losing use1-az4: auto scaling group asg keeps 1 of its minimum 2 instances (loses 50%; at most 34% may be lost)",
      ]);
    });

    it("reports tiers left without a majority, single-AZ databases, and load balancers in one AZ", async () => {
      const fx = new Fixture();
      const net = network(fx, AZS);
      cache(fx, TWO_AZS);
      fx.add(T.rdsStandalone, "legacy", { engine: "postgres", availabilityZone: "us-east-1c" });
      loadBalancer(fx, net.subnets.public.slice(2));
      fx.add(T.asg, "lonely", { vpcZoneIdentifiers: [fx.ref(net.subnets.app[0])], minSize: 1, maxSize: 1 });
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, "az-loss-survivability")).to.deep.equal([
        "losing use1-az1: auto scaling group lonely keeps none of its minimum 1 instance(s): the tier loses service until instances launch elsewhere",
        "losing use1-az1: DB instance legacy is single-AZ (multiAz off): the writer has no standby elsewhere",
        "losing use1-az1: replication group cache keeps 1 of 2 nodes: no majority (quorum) remains",
        "losing use1-az2: replication group cache keeps 1 of 2 nodes: no majority (quorum) remains",
        "losing use1-az4: load balancer alb has no subnet outside use1-az4: it loses service",
      ]);
    });

    it("takes the capacity share it may lose from config", async () => {
      const fx = new Fixture();
      const net = network(fx, AZS);
      autoScalingGroup(fx, net.subnets.app, launchTemplate(fx), { minSize: 2 });
      const result = await evaluate(resiliencePack, fx, { "az-loss-survivability": { maxCapacityLossShare: 0.5 } });
      expect(messagesOf(result, "az-loss-survivability")).to.deep.equal([]);
    });
  });

  describe("ha-resources-alarmed", () => {
    const RULE = "ha-resources-alarmed";

    it("reports every HA-critical resource of a stack without alarms, by name", async () => {
      const fx = new Fixture();
      haResources(fx);
      const tg = fx.add(T.targetGroup, "api-tg", { port: 8080, protocol: "HTTP" });
      const { table } = dynamoTable(fx);
      const result = await evaluate(resiliencePack, fx);
      const reason = "has no alarm whose actions reach an SNS topic: no CloudWatch metric alarm watches it";
      expect(messagesOf(result, RULE)).to.deep.equal([
        `auto scaling group asg ${reason}`,
        `load balancer alb ${reason}`,
        `Aurora cluster db ${reason}`,
        `cache replication group cache ${reason}`,
        `DAX cluster dax ${reason}`,
        `target group api-tg ${reason}`,
        `DynamoDB table orders ${reason}`,
      ]);
      expect(violationsOf(result, RULE).map((v) => v.urn)).to.include(tg.urn).and.include(table.urn);
    });

    for (const preview of [false, true]) {
      it(`follows the alarms' dimensions to the resources they watch (${preview ? "preview: through property dependencies" : "after update"})`, async () => {
        const fx = new Fixture({ preview });
        fullStack(fx);
        expect(messagesOf(await evaluate(resiliencePack, fx), RULE)).to.deep.equal([]);
      });
    }

    it("does not count an alarm that notifies no SNS topic, or whose actions are disabled", async () => {
      const fx = new Fixture();
      const { asg, alb } = haResources(fx, AZS);
      const topic = snsTopic(fx);
      alarmOn(fx, asg, "AutoScalingGroupName", "name", { actions: null }, "asg-silent");
      alarmOn(fx, alb, "LoadBalancer", "arnSuffix", { actions: topic, props: { actionsEnabled: false } }, "alb-disabled");
      const messages = messagesOf(await evaluate(resiliencePack, fx), RULE);
      expect(messages).to.include("auto scaling group asg has no alarm whose actions reach an SNS topic: its alarm(s) asg-silent notify no SNS topic (alarmActions)");
      expect(messages).to.include("load balancer alb has no alarm whose actions reach an SNS topic: its alarm(s) alb-disabled notify no SNS topic (alarmActions)");
    });

    it("accepts an existing topic's ARN and dimensions given as literal identifiers (no property dependencies)", async () => {
      const fx = new Fixture();
      fx.add(T.asg, "asg", { name: "trading-api", vpcZoneIdentifiers: [], minSize: 3, maxSize: 3 });
      fx.add(T.alarm, "asg-alarm", {
        namespace: "AWS/AutoScaling",
        metricName: "GroupInServiceInstances",
        dimensions: { AutoScalingGroupName: "trading-api" },
        alarmActions: ["arn:aws:sns:us-east-1:123456789012:pager"],
      });
      expect(messagesOf(await evaluate(resiliencePack, fx), RULE)).to.deep.equal([]);
    });

    it("counts an alarm on an Aurora instance (or inside metric math) for the resource it reads", async () => {
      const fx = new Fixture({ preview: true });
      const { cluster, instances } = aurora(fx, AZS);
      const topic = snsTopic(fx);
      alarmOn(fx, instances[1], "DBInstanceIdentifier", "identifier", { actions: topic });
      const dax1 = dax(fx, AZS);
      fx.add(T.alarm, "dax-math", {
        metricQueries: [
          { id: "e", expression: "a + b", returnData: true },
          { id: "a", metric: { namespace: "AWS/DAX", metricName: "ErrorRequestCount", dimensions: { ClusterId: fx.ref(dax1, "clusterName") }, period: 60, stat: "Sum" } },
        ],
        alarmActions: [fx.ref(topic, "arn")],
      });
      const messages = messagesOf(await evaluate(resiliencePack, fx), RULE);
      expect(messages.filter((m) => m.includes(cluster.name) || m.includes(dax1.name))).to.deep.equal([]);
    });

    it("finds the stream processor and its on-failure queue through the event source mapping", async () => {
      const fx = new Fixture();
      const queue = fx.add(T.queue, "failures", { messageRetentionSeconds: 1209600 }, { computed: { arn: "arn:aws:sqs:us-east-1:123456789012:failures" } });
      const fn = fx.add(T.fn, "processor", { runtime: "nodejs24.x" }, { computed: { arn: "arn:aws:lambda:us-east-1:123456789012:function:processor" } });
      fx.add(T.mapping, "mapping", {
        functionName: fx.ref(fn, "arn"),
        eventSourceArn: "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x",
        destinationConfig: { onFailure: { destinationArn: fx.ref(queue, "arn") } },
      });
      fx.add(T.fn, "unrelated", { runtime: "nodejs24.x" });
      expect(messagesOf(await evaluate(resiliencePack, fx), RULE)).to.deep.equal([
        "stream processor function processor has no alarm whose actions reach an SNS topic: no CloudWatch metric alarm watches it",
        "on-failure queue failures has no alarm whose actions reach an SNS topic: no CloudWatch metric alarm watches it",
      ]);
      const topic = snsTopic(fx);
      alarmOn(fx, fn, "FunctionName", "name", { actions: topic });
      alarmOn(fx, queue, "QueueName", "name", { actions: topic });
      expect(messagesOf(await evaluate(resiliencePack, fx), RULE)).to.deep.equal([]);
    });

    it("checks only the types its config lists (plus stream processors)", async () => {
      const fx = new Fixture();
      haResources(fx);
      const result = await evaluate(resiliencePack, fx, { [RULE]: { resourceTypes: ["aws:dax/cluster:Cluster"] } });
      expect(messagesOf(result, RULE)).to.deep.equal(["DAX cluster dax has no alarm whose actions reach an SNS topic: no CloudWatch metric alarm watches it"]);
    });
  });
});
