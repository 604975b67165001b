// database-spans-azs: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { resiliencePack } from "../../../policy/resilience/policies";
import { AZS } from "./fixtures";
import { aurora, network, T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

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
