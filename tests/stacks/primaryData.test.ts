/**
 * Where the reference database's writer is (stacks/primaryData.ts), as a pure decision over what
 * the GlobalCluster lookup answers: a regional cluster always holds its writer; a primary holds it
 * before its global cluster exists and while RDS names its cluster the writer; a replica holds it
 * only after a switchover or failover made its cluster the writer, and refuses a global cluster that
 * does not exist or runs another engine version.
 */
import { expect } from "chai";
import type { DataOutputs } from "../../stacks/outputs";
import { globalClusterIdentifierOf, inRegion, ownClusterArn, referenceDataPlacement, type GlobalClusterState } from "../../stacks/primaryData";
import type { PrimaryDynamoRead } from "../../stacks/primaryDynamo";

const ACCOUNT = { partition: "aws", accountId: "123456789012" };
const base = { environment: "prod", dataDbEngineVersion: "17.6", failoverPeerRegions: ["eu-west-1"], dataGlobalDatabase: true };
const PRIMARY = { ...base, stack: "prod-us-east-1", region: "us-east-1", role: "primary" };
const REPLICA = { ...base, stack: "prod-eu-west-1", region: "eu-west-1", role: "replica", failoverPeerRegions: [] };
const primaryArn = ownClusterArn(PRIMARY, ACCOUNT);
const replicaArn = ownClusterArn(REPLICA, ACCOUNT);

const global = (writer: string | undefined, engineVersion = "17.6"): GlobalClusterState => ({
  identifier: "trading-prod-refdata",
  engineVersion,
  endpoint: "trading-prod-refdata.global-x.global.rds.amazonaws.com",
  members: [primaryArn, replicaArn].map((dbClusterArn) => ({ dbClusterArn, isWriter: dbClusterArn === writer })),
});
const lookupOf = (answer: GlobalClusterState | undefined) => async () => answer;
const primaryRead = (data: Partial<DataOutputs>): PrimaryDynamoRead =>
  ({
    stack: "acme-markets/trading-platform/prod-us-east-1",
    data: {
      dbMasterSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:trading-prod-us-east-1-db-master-AbCdEf",
      dbGlobalClusterIdentifier: "trading-prod-refdata",
      dbGlobalWriterEndpoint: "trading-prod-refdata.global-x.global.rds.amazonaws.com",
      ...data,
    },
  }) as unknown as PrimaryDynamoRead;

describe("reference data placement (who holds the writer)", () => {
  it("names the cluster and the global cluster as DataTier does", () => {
    expect(primaryArn).to.equal("arn:aws:rds:us-east-1:123456789012:cluster:trading-prod-us-east-1-db");
    expect(globalClusterIdentifierOf("prod")).to.equal("trading-prod-refdata");
    expect(inRegion("arn:aws:secretsmanager:us-east-1:1:secret:s-AbC", "eu-west-1")).to.equal("arn:aws:secretsmanager:eu-west-1:1:secret:s-AbC");
  });

  it("a regional cluster (dev) holds its writer and asks nothing", async () => {
    const placement = await referenceDataPlacement({ ...PRIMARY, stack: "dev", environment: "dev", dataGlobalDatabase: false }, undefined, ACCOUNT, () => {
      throw new Error("no lookup for a regional cluster");
    });
    expect(placement).to.deep.equal({ holdsWriter: true, reason: "a regional cluster: its writer is in this region" });
  });

  it("a primary before its global cluster exists creates it and holds the writer", async () => {
    const placement = await referenceDataPlacement(PRIMARY, undefined, ACCOUNT, lookupOf(undefined));
    expect(placement.globalDatabase).to.deep.equal({ role: "primary", identifier: "trading-prod-refdata", secretReplicaRegions: ["eu-west-1"] });
    expect(placement.holdsWriter).to.equal(true);
  });

  it("follows the writer: the primary's stack until a switchover, the replica's after it", async () => {
    expect((await referenceDataPlacement(PRIMARY, undefined, ACCOUNT, lookupOf(global(primaryArn)))).holdsWriter).to.equal(true);
    expect((await referenceDataPlacement(REPLICA, primaryRead({}), ACCOUNT, lookupOf(global(primaryArn)))).holdsWriter).to.equal(false);
    expect((await referenceDataPlacement(PRIMARY, undefined, ACCOUNT, lookupOf(global(replicaArn)))).holdsWriter).to.equal(false);
    const replica = await referenceDataPlacement(REPLICA, primaryRead({}), ACCOUNT, lookupOf(global(replicaArn)));
    expect(replica.holdsWriter).to.equal(true);
    expect(replica.globalDatabase).to.deep.equal({
      role: "secondary",
      identifier: "trading-prod-refdata",
      writerEndpoint: "trading-prod-refdata.global-x.global.rds.amazonaws.com",
      masterSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:trading-prod-us-east-1-db-master-AbCdEf",
    });
  });

  it("a replica refuses a primary without a global database, a missing global cluster and another engine version", async () => {
    const failure = async (run: Promise<unknown>) => run.then(() => new Error("expected a failure"), (err: Error) => err);
    expect((await failure(referenceDataPlacement(REPLICA, primaryRead({ dbGlobalClusterIdentifier: undefined }), ACCOUNT, lookupOf(global(primaryArn))))).message).to.contain(
      'output "data.dbGlobalClusterIdentifier" is missing',
    );
    expect((await failure(referenceDataPlacement(REPLICA, primaryRead({}), ACCOUNT, lookupOf(undefined)))).message).to.contain("which this account does not have");
    expect((await failure(referenceDataPlacement(REPLICA, primaryRead({}), ACCOUNT, lookupOf(global(primaryArn, "17.7"))))).message).to.contain(
      "trading-platform:dataDbEngineVersion is 17.6, but global cluster trading-prod-refdata runs 17.7",
    );
  });
});
