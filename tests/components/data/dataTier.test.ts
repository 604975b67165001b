/**
 * DataTier on its own, with a hand-made VPC, subnets and app security group: the shapes the real
 * stack files do not exercise (a single cache node, Enhanced Monitoring off, more instances than
 * AZs, names that do not fit) and the errors a wrong composition gets.
 */
import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { DataTier, DataTierArgs, dataZonesOf } from "../../../components/data/dataTier";
import type { AzNetwork } from "../../../components/network/haNetwork";
import { ProgramRunFailure, RecordedResource, runProgram, StackRun } from "../../support/mockCloud";

const AZ_IDS = ["use1-az1", "use1-az2", "use1-az4"];

type Overrides = {
  database?: Partial<DataTierArgs["database"]>;
  cache?: Partial<DataTierArgs["cache"]>;
} & Partial<Omit<DataTierArgs, "database" | "cache">>;

/** A VPC with one data subnet per AZ, an app group, and a DataTier over them. */
function program(overrides: Overrides = {}, azIds: string[] = AZ_IDS) {
  return async () => {
    const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
    const app = new aws.ec2.SecurityGroup("app", { vpcId: vpc.id, description: "app" });
    const zones = azIds.map(
      (azId, i) =>
        ({
          azId,
          dataSubnet: new aws.ec2.Subnet(`data-${azId}`, { vpcId: vpc.id, cidrBlock: `10.0.${i}.0/24`, availabilityZoneId: azId }),
        }) as AzNetwork,
    );
    const { database, cache, ...rest } = overrides;
    const data = new DataTier("t", {
      vpcId: vpc.id,
      zones: dataZonesOf(zones),
      appSecurityGroupId: app.id,
      identifier: "trading-test",
      database: { engineVersion: "17.6", instanceClass: "db.r7g.large", instanceCount: 3, ...database },
      cache: { engine: "valkey", engineVersion: "9.0", nodeType: "cache.r7g.large", nodeCount: 3, ...cache },
      ...rest,
    });
    return { dbConnectArn: data.access.dbConnectArn, cachePort: data.cachePort };
  };
}

const run = (overrides?: Overrides, azIds?: string[]) =>
  runProgram(program(overrides, azIds), { stack: "test", config: { "aws:region": "us-east-1" } });

async function failure(overrides: Overrides, azIds?: string[]): Promise<ProgramRunFailure> {
  try {
    await run(overrides, azIds);
  } catch (err) {
    if (err instanceof ProgramRunFailure) {
      return err;
    }
    throw err;
  }
  throw new Error("the program was expected to fail");
}

/** Registration order follows completion; the name's index is the instance's place in the cluster. */
const instancesOf = (stack: StackRun) =>
  stack
    .ofType("aws:rds/clusterInstance:ClusterInstance")
    .sort((a, b) => Number(a.name.split("-").pop()) - Number(b.name.split("-").pop()));

const azIdOfSubnets = (subnets: RecordedResource[]) => subnets.map((s) => String(s.inputs.availabilityZoneId));

describe("DataTier (component)", () => {
  describe("with five instances and a single cache node, Enhanced Monitoring off", () => {
    let stack: StackRun;
    before(async () => {
      stack = await run({
        database: { instanceCount: 5, monitoringIntervalSeconds: 0 },
        cache: { nodeCount: 1 },
      });
    });

    it("wraps the instances round robin over the AZs, with one promotion tier per instance", () => {
      const instances = instancesOf(stack);
      expect(instances.map((i) => azIdOfSubnets(stack.propertyDependencies(i, "availabilityZone")))).to.deep.equal([
        ["use1-az1"],
        ["use1-az2"],
        ["use1-az4"],
        ["use1-az1"],
        ["use1-az2"],
      ]);
      expect(instances.map((i) => i.inputs.promotionTier)).to.deep.equal([0, 1, 2, 3, 4]);
    });

    it("creates the readers after the writer, so the intended instance becomes the writer", () => {
      const [writer, ...readers] = instancesOf(stack);
      expect(writer.dependencies).to.not.include(writer.urn);
      for (const reader of readers) {
        expect(reader.dependencies, reader.name).to.include(writer.urn);
      }
    });

    it("turns off failover and Multi-AZ for a single cache node (AWS refuses them without a replica)", () => {
      const group = stack.single("aws:elasticache/replicationGroup:ReplicationGroup");
      expect(group.inputs.numCacheClusters).to.equal(1);
      expect(group.inputs.automaticFailoverEnabled).to.equal(false);
      expect(group.inputs.multiAzEnabled).to.equal(false);
      expect(azIdOfSubnets(stack.propertyDependencies(group, "preferredCacheClusterAzs"))).to.deep.equal(["use1-az1"]);
    });

    it("creates no monitoring role when Enhanced Monitoring is off", () => {
      expect(stack.ofType("aws:iam/role:Role")).to.deep.equal([]);
      for (const instance of instancesOf(stack)) {
        expect(instance.inputs.monitoringInterval).to.equal(0);
        expect(instance.inputs.monitoringRoleArn).to.equal(undefined);
      }
    });
  });

  it("builds the IAM database-auth ARN from the cluster's resource id and the app user", async () => {
    const stack = await run({ database: { appUsername: "orders_svc" } });
    expect(stack.outputs.dbConnectArn).to.equal(
      "arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-FAKETRADINGTESTDB/orders_svc",
    );
    expect(stack.outputs.cachePort).to.equal(6379);
  });

  it("keeps no final snapshot and drops automated backups only when told to skip final snapshots", async () => {
    const stack = await run({ skipFinalSnapshot: true, database: { deletionProtection: false } });
    const cluster = stack.single("aws:rds/cluster:Cluster");
    expect(cluster.inputs.skipFinalSnapshot).to.equal(true);
    expect(cluster.inputs.finalSnapshotIdentifier).to.equal(undefined);
    expect(cluster.inputs.deleteAutomatedBackups).to.equal(true);
    expect(cluster.protect).to.equal(false);
    expect(stack.single("aws:elasticache/replicationGroup:ReplicationGroup").inputs.finalSnapshotIdentifier).to.equal(
      undefined,
    );
  });

  it("fails, naming the identifier, when a physical name would not fit ElastiCache's 40 characters", async () => {
    const err = await failure({ identifier: "trading-prod-ap-southeast-2-blue-green-canary" });
    expect(err.message).to.equal(
      'identifier "trading-prod-ap-southeast-2-blue-green-canary-cache" is 51 characters; at most 40 are allowed',
    );
  });

  it("fails without data subnets", async () => {
    const err = await failure({}, []);
    expect(err.message).to.equal("DataTier needs at least one data subnet");
  });

  it("fails on a non-positive node count", async () => {
    expect((await failure({ database: { instanceCount: 0 } })).message).to.equal(
      "DataTier: database.instanceCount must be a positive integer; got 0",
    );
    expect((await failure({ cache: { nodeCount: 0 } })).message).to.equal(
      "DataTier: cache.nodeCount must be a positive integer; got 0",
    );
  });
});
