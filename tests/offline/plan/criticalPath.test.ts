import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { creationTime, creationTimeOf, CREATION_TIME_VARIANTS, CREATION_TIMES, DEFAULT_CREATION_TIME } from "../../../offline/plan/creationTimes";
import { criticalPathOf, GraphNode, longestPath, renderCriticalPath, sourcesLine } from "../../../offline/plan/criticalPath";
import { PLAIN } from "../../../offline/plan/format";
import { runProgram, stackConfig, StackRun } from "../../support/mockCloud";
import { plannedFargateStack, plannedStack } from "./support";

describe("plan: longest weighted path", () => {
  //   A(10) ─┬─ B(5) ──┐
  //          └─ C(20) ─┴─ D(1)        E(30) alone
  // Earliest finishes: A 10, B 15, C 30, D 31, E 30 → the chain is A, C, D and takes 31.
  const graph: GraphNode[] = [
    { id: "A", seconds: 10, dependsOn: [] },
    { id: "B", seconds: 5, dependsOn: ["A"] },
    { id: "C", seconds: 20, dependsOn: ["A"] },
    { id: "D", seconds: 1, dependsOn: ["B", "C"] },
    { id: "E", seconds: 30, dependsOn: [] },
  ];

  it("finds the chain with the latest finish and its length", () => {
    const path = longestPath(graph);
    expect(path.totalSeconds).to.equal(31);
    expect(path.chain).to.deep.equal(["A", "C", "D"]);
    expect(Object.fromEntries(path.finish)).to.deep.equal({ A: 10, B: 15, C: 30, D: 31, E: 30 });
  });

  it("does not depend on the order nodes are given in", () => {
    const path = longestPath([...graph].reverse());
    expect(path.totalSeconds).to.equal(31);
    expect(path.chain).to.deep.equal(["A", "C", "D"]);
  });

  it("breaks ties towards the node given first, so the answer is stable", () => {
    const tie: GraphNode[] = [
      { id: "x", seconds: 5, dependsOn: [] },
      { id: "y", seconds: 5, dependsOn: [] },
      { id: "z", seconds: 1, dependsOn: ["y", "x"] },
    ];
    expect(longestPath(tie).chain).to.deep.equal(["x", "z"]);
  });

  it("ignores dependencies outside the graph and on itself", () => {
    const path = longestPath([{ id: "a", seconds: 3, dependsOn: ["a", "elsewhere"] }]);
    expect(path.totalSeconds).to.equal(3);
    expect(path.chain).to.deep.equal(["a"]);
  });

  it("rejects a cycle", () => {
    expect(() =>
      longestPath([
        { id: "a", seconds: 1, dependsOn: ["b"] },
        { id: "b", seconds: 1, dependsOn: ["a"] },
      ]),
    ).to.throw("dependency cycle");
  });
});

describe("plan: creation-time table", () => {
  it("has a figure and a reason for every entry, and the figures the design relies on", () => {
    for (const [type, time] of Object.entries(CREATION_TIMES)) {
      expect(time.seconds, type).to.be.at.least(0);
      expect(time.why.length, type).to.be.greaterThan(10);
    }
    expect(creationTime("aws:ec2/natGateway:NatGateway").seconds).to.equal(120);
    expect(creationTime("aws:rds/clusterInstance:ClusterInstance").seconds).to.equal(600);
    expect(creationTime("aws:dax/cluster:Cluster").seconds).to.equal(600);
    expect(creationTime("aws:lb/loadBalancer:LoadBalancer").seconds).to.equal(180);
    expect(creationTime("aws:dynamodb/table:Table").seconds).to.equal(60);
    const rg = creationTime("aws:elasticache/replicationGroup:ReplicationGroup").seconds;
    expect(rg).to.be.within(600, 900);
  });

  it("cites a source for every figure: AWS's documentation where AWS creates the resource, and says which figures are estimates", () => {
    const all = [
      ...Object.entries(CREATION_TIMES),
      ["(default)", DEFAULT_CREATION_TIME] as const,
      ...CREATION_TIME_VARIANTS.map((v) => [`${v.type} (${v.variant})`, v.time] as const),
    ];
    for (const [type, time] of all) {
      expect(time.source.url, type).to.match(/^https:\/\/[^\s]+$/);
      expect(["published", "estimate", "none"], type).to.include(time.source.kind);
      if (type.startsWith("aws:")) {
        expect(time.source.url, type).to.match(/^https:\/\/(docs\.aws\.amazon\.com|github\.com\/aws)\//);
        expect(time.source.kind, type).to.not.equal("none");
      }
    }
    expect(CREATION_TIMES["pulumi:providers:aws"].source.kind).to.equal("none");
    const published = all.filter(([, time]) => time.source.kind === "published").map(([type]) => type);
    expect(published).to.deep.equal(["aws:rds/cluster:Cluster", "aws:rds/clusterInstance:ClusterInstance"]);
  });

  it("keeps an Aurora cluster and its first instance inside the 10-20 minutes AWS publishes for them", () => {
    const total = creationTime("aws:rds/cluster:Cluster").seconds + creationTime("aws:rds/clusterInstance:ClusterInstance").seconds;
    expect(total).to.be.within(10 * 60, 20 * 60);
  });

  it("falls back to the documented default for a type it does not know", () => {
    expect(creationTime("aws:example/thing:Thing")).to.equal(DEFAULT_CREATION_TIME);
  });

  it("weighs an ASG by how it is health-checked", () => {
    expect(creationTimeOf({ type: "aws:autoscaling/group:Group", inputs: { healthCheckType: "ELB" } }).seconds).to.equal(300);
    expect(creationTimeOf({ type: "aws:autoscaling/group:Group", inputs: { healthCheckType: "EC2" } }).seconds).to.equal(120);
  });
});

class Box extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("test:plan:Box", name, {}, opts);
  }
}

describe("plan: critical path of a recorded program", () => {
  let run: StackRun;

  // net: vpc (10 s) → subnet (5 s) → nat (120 s), eip (3 s) → nat.
  // data: a table (60 s) that dependsOn the whole net component, and a key (10 s) it uses.
  // The chain is vpc → subnet → nat → table = 195 s, the last edge an explicit dependsOn across
  // components; the floor is the NAT (120 s). Components themselves take no time and are no edges.
  before(async () => {
    run = await runProgram(
      async () => {
        const net = new Box("net");
        const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" }, { parent: net });
        const subnet = new aws.ec2.Subnet(
          "subnet",
          { vpcId: vpc.id, cidrBlock: "10.0.0.0/24", availabilityZoneId: "use1-az1" },
          { parent: net },
        );
        const eip = new aws.ec2.Eip("eip", { domain: "vpc" }, { parent: net });
        new aws.ec2.NatGateway("nat", { subnetId: subnet.id, allocationId: eip.allocationId }, { parent: net });
        const data = new Box("data");
        const key = new aws.kms.Key("key", {}, { parent: data });
        new aws.dynamodb.Table(
          "table",
          {
            hashKey: "pk",
            attributes: [{ name: "pk", type: "S" }],
            billingMode: "PAY_PER_REQUEST",
            serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
          },
          { parent: data, dependsOn: [net] },
        );
        return {};
      },
      { stack: "dev", config: stackConfig("dev") },
    );
  });

  it("weights the longest chain by creation time and shows it in order", () => {
    const cp = criticalPathOf(run);
    expect(cp.chain.map((s) => s.name)).to.deep.equal(["vpc", "subnet", "nat", "table"]);
    expect(cp.totalSeconds).to.equal(10 + 5 + 120 + 60);
    expect(cp.chain.map((s) => [s.startSeconds, s.finishSeconds])).to.deep.equal([
      [0, 10],
      [10, 15],
      [15, 135],
      [135, 195],
    ]);
  });

  it("names the slowest single resource as the floor", () => {
    const cp = criticalPathOf(run);
    expect(cp.floor).to.deep.equal({ name: "nat", type: "aws:ec2/natGateway:NatGateway", seconds: 120 });
    expect(cp.serialSeconds).to.equal(10 + 5 + 3 + 120 + 10 + 60);
  });

  it("says how much of the path rests on published durations and how much on estimates", () => {
    const cp = criticalPathOf(run);
    expect(cp.chain.map((s) => s.source.kind)).to.deep.equal(["estimate", "estimate", "estimate", "estimate"]);
    expect(sourcesLine(cp)).to.contain("0 s of the path from durations AWS publishes, 3 min 15 s estimated");
  });

  it("tells value edges from dependsOn edges and flags a dependsOn across components", () => {
    const cp = criticalPathOf(run);
    expect(cp.chain.map((s) => s.via)).to.deep.equal([undefined, "property", "property", "dependsOn"]);
    expect(cp.dependsOnAcrossComponents).to.deep.equal([{ from: "Box net / nat", to: "Box data / table" }]);
  });
});

describe("plan: when the fleet is ready", function () {
  this.timeout(120_000);

  it("names the fleet of each platform with its ready time on the same graph as the path (ECS on fargate)", async () => {
    for (const [planned, type] of [
      [await plannedStack("prod-us-east-1"), "aws:autoscaling/group:Group"],
      [await plannedFargateStack("prod-us-east-1"), "aws:ecs/service:Service"],
    ] as const) {
      const cp = planned.criticalPath;
      expect(cp.fleet?.type).to.equal(type);
      // Ready after its own creation time (it waits for the subnets, the load balancer and its identity) and no later than the whole path.
      expect(cp.fleet?.readySeconds ?? 0).to.be.above(creationTime(type).seconds).and.at.most(cp.totalSeconds);
      expect(renderCriticalPath(cp, PLAIN)).to.contain(`The fleet (${cp.fleet?.name}, ${type}) is ready at`);
    }
  });
});
