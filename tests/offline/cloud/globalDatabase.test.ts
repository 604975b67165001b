/**
 * The fake account's Aurora Global Database: it refuses what RDS refuses for a global database's
 * members (a managed master secret, credentials on a secondary, an identifier that names no global
 * cluster, an engine version other than the global cluster's, two members in one region, a KMS key
 * of another region) and answers `aws.rds.getGlobalCluster` from what was created, including a
 * switchover. Each case uses an account id of its own, so the state of other runs does not leak in.
 */
import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { fakeOutputs, INVOKE_FAKES, rdsGlobalClustersOf, switchOverGlobalCluster } from "../../../offline/cloud/fakeAws";
import { FakeAccount, ProgramRunFailure, runProgram } from "../../support/mockCloud";

const CLUSTER = "aws:rds/cluster:Cluster";
const GLOBAL = "aws:rds/globalCluster:GlobalCluster";
let accounts = 0;
/** A fresh 12-digit account id: its global clusters start empty. */
const freshAccount = () => `9000000000${String(++accounts).padStart(2, "0")}`;

const keyIn = (region: string, account: string) => `arn:aws:kms:${region}:${account}:key/k-${region}`;
const primaryCluster = (account: string) => ({
  clusterIdentifier: "ref-use1",
  engine: "aurora-postgresql",
  engineVersion: "17.6",
  globalClusterIdentifier: "ref-global",
  masterUsername: "trading_admin",
  masterPasswordWo: "not-a-real-password",
  storageEncrypted: true,
  kmsKeyId: keyIn("us-east-1", account),
});
const secondaryCluster = (account: string) => ({
  clusterIdentifier: "ref-euw1",
  engine: "aurora-postgresql",
  engineVersion: "17.6",
  globalClusterIdentifier: "ref-global",
  storageEncrypted: true,
  kmsKeyId: keyIn("eu-west-1", account),
});

/** A global cluster with its primary member in us-east-1, in a fresh account. */
function withPrimary(): string {
  const account = freshAccount();
  fakeOutputs(GLOBAL, "global", { globalClusterIdentifier: "ref-global", engine: "aurora-postgresql", engineVersion: "17.6" }, "us-east-1", account);
  fakeOutputs(CLUSTER, "primary", primaryCluster(account), "us-east-1", account);
  return account;
}

const members = (account: string) => rdsGlobalClustersOf(account).get("ref-global")?.members.map((m) => [m.region, m.isWriter]);

describe("fake account: Aurora Global Database", () => {
  it("lets the primary join with credentials (the writer) and a secondary without (read-only), and reports both", () => {
    const account = withPrimary();
    fakeOutputs(CLUSTER, "secondary", secondaryCluster(account), "eu-west-1", account);
    expect(members(account)).to.deep.equal([
      ["us-east-1", true],
      ["eu-west-1", false],
    ]);
    const read = INVOKE_FAKES["aws:rds/getGlobalCluster:getGlobalCluster"]({ identifier: "ref-global" }, "eu-west-1", account);
    expect(read.engineVersion).to.equal("17.6");
    expect(read.arn, "a global cluster's ARN has no region").to.equal(`arn:aws:rds::${account}:global-cluster:ref-global`);
    expect(read.endpoint).to.equal("ref-global.global-fake0000000.global.rds.amazonaws.com");
    expect(read.members).to.deep.equal([
      { dbClusterArn: `arn:aws:rds:us-east-1:${account}:cluster:ref-use1`, isWriter: true },
      { dbClusterArn: `arn:aws:rds:eu-west-1:${account}:cluster:ref-euw1`, isWriter: false },
    ]);
    // Registered again (a second pulumi up), a member is not joined twice nor checked as a new secondary.
    fakeOutputs(CLUSTER, "primary", primaryCluster(account), "us-east-1", account);
    expect(members(account)).to.have.length(2);
  });

  it("makes a global cluster from an existing cluster (the source joins as the writer), refusing a missing source and one with a managed secret", () => {
    const account = freshAccount();
    const { globalClusterIdentifier: _gci, ...standalone } = primaryCluster(account);
    fakeOutputs(CLUSTER, "primary", { ...standalone, engineVersion: "16.11" }, "us-east-1", account);
    const source = `arn:aws:rds:us-east-1:${account}:cluster:ref-use1`;
    fakeOutputs(GLOBAL, "global", { globalClusterIdentifier: "ref-global", sourceDbClusterIdentifier: source }, "us-east-1", account);
    expect(members(account)).to.deep.equal([["us-east-1", true]]);
    expect(rdsGlobalClustersOf(account).get("ref-global")?.engineVersion, "the source's version").to.equal("16.11");
    expect(() => fakeOutputs(GLOBAL, "other", { globalClusterIdentifier: "ref-other", sourceDbClusterIdentifier: `${source}-gone` }, "us-east-1", account)).to.throw(
      `DBClusterNotFoundFault: SourceDBClusterIdentifier ${source}-gone doesn't refer to an existing DB cluster`,
    );
    const { masterPasswordWo: _p, ...managed } = standalone;
    fakeOutputs(CLUSTER, "managed", { ...managed, clusterIdentifier: "ref-managed", manageMasterUserPassword: true }, "us-east-1", account);
    expect(() =>
      fakeOutputs(GLOBAL, "third", { globalClusterIdentifier: "ref-third", sourceDbClusterIdentifier: `arn:aws:rds:us-east-1:${account}:cluster:ref-managed` }, "us-east-1", account),
    ).to.throw("manages its master user password in Secrets Manager, which isn't supported for a DB cluster in an Aurora global database");
  });

  it("refuses to add an existing cluster through its own globalClusterIdentifier, as the provider does", async () => {
    const account = new FakeAccount();
    const program = (join: boolean) => async () => {
      if (join) new aws.rds.GlobalCluster("g", { globalClusterIdentifier: "probe-inplace", engine: "aurora-postgresql", engineVersion: "17.6" });
      new aws.rds.Cluster("c", {
        clusterIdentifier: "probe-inplace-use1",
        engine: "aurora-postgresql",
        engineVersion: "17.6",
        masterUsername: "admin_user",
        masterPasswordWo: "probe-password-1",
        masterPasswordWoVersion: 1,
        ...(join ? { globalClusterIdentifier: "probe-inplace" } : {}),
      });
      return {};
    };
    await runProgram(program(false), { stack: "probe-inplace", config: { "aws:region": "us-east-1" }, quirks: { account } });
    const failure = await runProgram(program(true), { stack: "probe-inplace", config: { "aws:region": "us-east-1" }, quirks: { account } }).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(failure?.message).to.contain("existing RDS Clusters cannot be added to an existing RDS Global Cluster (probe-inplace)");
  });

  for (const [credential, value] of [
    ["masterUsername", "trading_admin"],
    ["masterPassword", "hunter2hunter2"],
    ["masterPasswordWo", "hunter2hunter2"],
  ] as const) {
    it(`refuses a secondary with ${credential}, as CreateDBCluster does`, () => {
      const account = withPrimary();
      expect(() => fakeOutputs(CLUSTER, "secondary", { ...secondaryCluster(account), [credential]: value }, "eu-west-1", account)).to.throw(
        `InvalidParameterCombination: Cannot specify ${credential} for cross region replication cluster (secondary of ref-global)`,
      );
      expect(members(account)).to.deep.equal([["us-east-1", true]]);
    });
  }

  it("refuses an RDS-managed master secret on any member (not offered for global databases)", () => {
    const account = freshAccount();
    fakeOutputs(GLOBAL, "global", { globalClusterIdentifier: "ref-global", engineVersion: "17.6" }, "us-east-1", account);
    const { masterPasswordWo: _password, ...withoutPassword } = primaryCluster(account);
    expect(() => fakeOutputs(CLUSTER, "primary", { ...withoutPassword, manageMasterUserPassword: true }, "us-east-1", account)).to.throw(
      "InvalidParameterCombination: ManageMasterUserPassword isn't supported for a DB cluster in an Aurora global database",
    );
  });

  it("refuses a global cluster identifier that names no global cluster", () => {
    const account = freshAccount();
    expect(() => fakeOutputs(CLUSTER, "secondary", secondaryCluster(account), "eu-west-1", account)).to.throw(
      "GlobalClusterNotFoundFault: The GlobalClusterIdentifier doesn't refer to an existing global database cluster (ref-global)",
    );
    expect(() => INVOKE_FAKES["aws:rds/getGlobalCluster:getGlobalCluster"]({ identifier: "ref-global" }, "eu-west-1", account))
      .to.throw("reading RDS Global Cluster (ref-global): couldn't find resource")
      .with.property("details")
      .that.contains("GlobalClusterNotFoundFault");
  });

  it("refuses a secondary whose engine version differs from the global cluster's", () => {
    const account = withPrimary();
    expect(() => fakeOutputs(CLUSTER, "secondary", { ...secondaryCluster(account), engineVersion: "17.7" }, "eu-west-1", account)).to.throw(
      "InvalidParameterCombination: engine version 17.7 does not match global cluster ref-global's 17.6",
    );
  });

  it("refuses a second member in the region of the first, a member name taken in another region, and a KMS key of another region", () => {
    const account = withPrimary();
    expect(() => fakeOutputs(CLUSTER, "again", { ...secondaryCluster(account), clusterIdentifier: "ref-use1-b", kmsKeyId: keyIn("us-east-1", account) }, "us-east-1", account)).to.throw(
      "already has a member in us-east-1",
    );
    expect(() => fakeOutputs(CLUSTER, "secondary", { ...secondaryCluster(account), clusterIdentifier: "ref-use1" }, "eu-west-1", account)).to.throw(
      "DBClusterAlreadyExistsFault: global cluster ref-global already has a member named ref-use1 in another region",
    );
    expect(() => fakeOutputs(CLUSTER, "secondary", { ...secondaryCluster(account), kmsKeyId: keyIn("us-east-1", account) }, "eu-west-1", account)).to.throw(
      `InvalidParameterValue: KMS key ${keyIn("us-east-1", account)} is not in eu-west-1`,
    );
  });

  it("moves the writer on a switchover, and refuses a target that is not a member", () => {
    const account = withPrimary();
    fakeOutputs(CLUSTER, "secondary", secondaryCluster(account), "eu-west-1", account);
    switchOverGlobalCluster("ref-global", `arn:aws:rds:eu-west-1:${account}:cluster:ref-euw1`, account);
    expect(members(account)).to.deep.equal([
      ["us-east-1", false],
      ["eu-west-1", true],
    ]);
    expect(() => switchOverGlobalCluster("ref-global", `arn:aws:rds:eu-west-2:${account}:cluster:other`, account)).to.throw("DBClusterNotFoundFault");
    expect(() => switchOverGlobalCluster("nope", `arn:aws:rds:eu-west-1:${account}:cluster:ref-euw1`, account)).to.throw("GlobalClusterNotFoundFault");
  });

  it("fails a run whose secondary carries a master user, as pulumi up fails on the refused create", async () => {
    // The default account already has the prod global cluster from other runs; this one is new to it.
    const program = async () => {
      const global = new aws.rds.GlobalCluster("g", { globalClusterIdentifier: "probe-global", engine: "aurora-postgresql", engineVersion: "17.6" });
      const primary = new aws.rds.Cluster("p", {
        clusterIdentifier: "probe-use1",
        engine: "aurora-postgresql",
        engineVersion: "17.6",
        globalClusterIdentifier: global.id,
        masterUsername: "admin_user",
        masterPasswordWo: "probe-password-1",
        masterPasswordWoVersion: 1,
      });
      new aws.rds.Cluster(
        "s",
        { clusterIdentifier: "probe-euw1", engine: "aurora-postgresql", engineVersion: "17.6", globalClusterIdentifier: global.id, masterUsername: "admin_user", region: "eu-west-1" },
        { dependsOn: [primary] },
      );
      return {};
    };
    let failure: unknown;
    try {
      await runProgram(program, { stack: "probe", config: { "aws:region": "us-east-1" } });
    } catch (err) {
      failure = err;
    }
    expect(failure).to.be.instanceOf(ProgramRunFailure);
    expect((failure as ProgramRunFailure).message).to.contain("Cannot specify masterUsername for cross region replication cluster (secondary of probe-global)");
  });
});
