/**
 * DynamoHotPath and DaxCluster on their own (runProgram, a hand-made VPC, subnets and app security
 * group): what the stack files do not vary, such as the ordering of globalTableArn behind the write
 * policies, node placement with fewer nodes than AZs, and the guards.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { planCapacity } from "../../../components/dynamo/capacity";
import { DaxCluster } from "../../../components/dynamo/daxCluster";
import { DynamoHotPath } from "../../../components/dynamo/hotPath";
import { GLOBAL_SECONDARY_INDEXES } from "../../../services/table/schema";
import { FAKE_REGIONS, ProgramRunFailure, runProgram, StackRun } from "../../support/mockCloud";

const AZ_IDS = ["use1-az1", "use1-az2", "use1-az4"];
const PLAN = planCapacity({
  readCapacity: 10,
  writeCapacity: 10,
  readMinCapacity: 10,
  readMaxCapacity: 100,
  writeMinCapacity: 10,
  writeMaxCapacity: 100,
  indexReadMinCapacity: 5,
  indexReadMaxCapacity: 50,
  indexWriteMinCapacity: 10,
  indexWriteMaxCapacity: 100,
  targetUtilization: 70,
});

function network() {
  const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
  const subnets = AZ_IDS.map(
    (azId, i) => new aws.ec2.Subnet(`data-${azId}`, { vpcId: vpc.id, cidrBlock: `10.0.${i}.0/24`, availabilityZoneId: azId }),
  );
  const appSg = new aws.ec2.SecurityGroup("app", { vpcId: vpc.id, description: "hand-made app group" });
  return { vpc, subnets, appSg };
}

function hotPath(replicationFactor: number, capacity = PLAN): DynamoHotPath {
  const { vpc, subnets, appSg } = network();
  const component = new DynamoHotPath("hp", {
    tableName: "trading-platform-test-trading",
    capacity,
    deletionProtection: false,
    network: { vpcId: vpc.id, dataSubnets: subnets, appSecurityGroupId: appSg.id },
    dax: { clusterName: "trading-test", nodeType: "dax.t3.small", replicationFactor, itemTtlMillis: 60_000, queryTtlMillis: 1000 },
  });
  // A probe that consumes globalTableArn: its property dependencies are what the output waits for.
  new aws.ssm.Parameter("probe", { type: "String", value: component.globalTableArn });
  return component;
}

const run = (program: () => void, preview = false) =>
  runProgram(
    async () => {
      program();
      return {};
    },
    { stack: "test", config: { "aws:region": "us-east-1" }, preview },
  );

async function failure(program: () => void): Promise<ProgramRunFailure> {
  try {
    await run(program);
  } catch (err) {
    if (err instanceof ProgramRunFailure) {
      return err;
    }
    throw err;
  }
  throw new Error("expected the program to fail");
}

const T = {
  policy: "aws:appautoscaling/policy:Policy",
  dax: "aws:dax/cluster:Cluster",
  subnet: "aws:ec2/subnet:Subnet",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  table: "aws:dynamodb/table:Table",
};

function azIdOfName(name: unknown): string {
  const az = FAKE_REGIONS["us-east-1"].find((a) => a.name === name);
  if (!az) {
    throw new Error(`${String(name)} is not an AZ name of us-east-1`);
  }
  return az.id;
}

describe("DynamoHotPath component", () => {
  let up: StackRun;
  before(async () => {
    up = await run(() => hotPath(2));
  });

  it("publishes globalTableArn only after every write scaling policy (table and each GSI) exists", () => {
    const probe = up.single("aws:ssm/parameter:Parameter");
    const behind = up.propertyDependencies(probe, "value");
    const writePolicies = up.ofType(T.policy).filter((p) => String(p.inputs.scalableDimension).endsWith("WriteCapacityUnits"));
    expect(writePolicies).to.have.length(1 + GLOBAL_SECONDARY_INDEXES.length);
    expect(behind.map((r) => r.urn)).to.include.members(writePolicies.map((p) => p.urn));
    expect(behind.map((r) => r.type)).to.include(T.table);
  });

  it("places one DAX node per data subnet AZ, in subnet order", () => {
    const cluster = up.single(T.dax);
    const zones = cluster.inputs.availabilityZones as string[];
    expect(zones.map(azIdOfName)).to.deep.equal(AZ_IDS.slice(0, 2));
    const fromSubnets = up.propertyDependencies(cluster, "availabilityZones").filter((r) => r.type === T.subnet);
    expect(fromSubnets.map((s) => s.inputs.availabilityZoneId)).to.have.members(AZ_IDS);
  });

  it("admits the DAX TLS port from the given app group only, and adds the matching egress rule on it", () => {
    const appSg = up.single(T.sg, (sg) => sg.name === "app");
    const daxSg = up.single(T.sg, (sg) => sg.name !== "app");
    const ingress = up.ofType(T.ingress);
    expect(ingress).to.have.length(1);
    expect(ingress[0].inputs).to.include({ ipProtocol: "tcp", fromPort: 9111, toPort: 9111, referencedSecurityGroupId: appSg.id });
    expect(ingress[0].inputs.securityGroupId).to.equal(daxSg.id);
    expect(ingress[0].inputs.cidrIpv4).to.equal(undefined);
    const egress = up.ofType(T.egress);
    expect(egress).to.have.length(1);
    expect(egress[0].inputs).to.include({ securityGroupId: appSg.id, referencedSecurityGroupId: daxSg.id, fromPort: 9111, toPort: 9111 });
    expect(up.single(T.dax).inputs.securityGroupIds).to.deep.equal([daxSg.id]);
  });

  it("refuses a capacity plan whose GSI write range is below the table's", async () => {
    const below = { ...PLAN, index: { ...PLAN.index, write: { ...PLAN.index.write, min: 5 } } };
    const err = await failure(() => hotPath(3, below));
    expect(err.message).to.equal("DynamoHotPath hp: every GSI needs at least the table's write capacity (it throttles the table otherwise)");
    expect(err.registered.some((r) => r.type === T.table)).to.equal(false);
  });

  it("refuses more DAX nodes than data subnets", async () => {
    const err = await failure(() => hotPath(4));
    expect(err.message).to.equal("DaxCluster hp-dax: replicationFactor 4 exceeds the 3 AZs of its subnets; nodes are placed one per AZ");
  });

  it("refuses a DAX cluster without subnets", async () => {
    const err = await failure(() => {
      const { vpc, appSg } = network();
      new DaxCluster("dax", {
        clusterName: "trading-test",
        vpcId: vpc.id,
        subnets: [],
        appSecurityGroupId: appSg.id,
        nodeType: "dax.r5.large",
        replicationFactor: 3,
        itemTtlMillis: 1000,
        queryTtlMillis: 1000,
        tableArn: pulumi.output("arn:aws:dynamodb:us-east-1:123456789012:table/t"),
        indexArns: [],
        tableKmsKeyArn: pulumi.output("arn:aws:kms:us-east-1:123456789012:key/k"),
      });
    });
    expect(err.message).to.equal("DaxCluster dax: needs at least one subnet");
  });
});
