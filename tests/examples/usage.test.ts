import { expect } from "chai";
import { runProgram, type StackRun } from "../support/mockCloud";
import { deployedStackRun } from "../support/stackRuns";
import { PRIMARY_STACK, replicaRegion } from "./usage/globalReplica";
import { sharedHelpers } from "./usage/sharedHelpers";

/** The usage programs the component READMEs quote that are not an example of their own. */
describe("component README usage: GlobalReplica", function () {
  this.timeout(180_000);
  let primary: Record<string, unknown>;
  let run: StackRun;

  before(async () => {
    primary = (await deployedStackRun("prod-us-east-1")).outputs;
    run = await runProgram(replicaRegion, {
      stack: "prod-eu-west-1",
      config: { "aws:region": "eu-west-1" },
      stackReferences: { [PRIMARY_STACK]: primary },
    });
  });

  it("creates the replica of the primary's global table in this region, depending on the StackReference", () => {
    const dynamo = primary.dynamo as Record<string, unknown>;
    const tableReplica = run.single("aws:dynamodb/tableReplica:TableReplica");
    expect(tableReplica.inputs.globalTableArn).to.equal(dynamo.globalTableArn);
    expect(tableReplica.region).to.equal("eu-west-1");
    expect(tableReplica.dependencies.some((urn) => urn.endsWith(`pulumi:pulumi:StackReference::primary`))).to.equal(true);
  });

  it("gives the region its own DAX cluster over three AZs", () => {
    const dax = run.single("aws:dax/cluster:Cluster");
    expect(dax.inputs.replicationFactor).to.equal(3);
    expect(dax.region).to.equal("eu-west-1");
  });
});

describe("component README usage: the shared helpers", function () {
  this.timeout(60_000);
  let run: StackRun;

  before(async () => {
    run = await runProgram(sharedHelpers, { stack: "dev", config: { "aws:region": "us-east-1" } });
  });

  it("registers every helper's resources under the component that called it", () => {
    const archive = run.single("example:reports:ReportArchive");
    for (const type of ["aws:kms/key:Key", "aws:kms/alias:Alias", "aws:s3/bucket:Bucket", "aws:s3/bucketPolicy:BucketPolicy", "aws:cloudwatch/logGroup:LogGroup"]) {
      expect(run.single(type).parent, type).to.equal(archive.urn);
    }
  });

  it("encrypts the bucket with the rotating key, refuses plain HTTP and keeps the logs 90 days", () => {
    const key = run.single("aws:kms/key:Key");
    expect(key.inputs.enableKeyRotation).to.equal(true);
    const sse = run.single("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
    expect((sse.inputs.rules as { applyServerSideEncryptionByDefault: { kmsMasterKeyId: string } }[])[0].applyServerSideEncryptionByDefault.kmsMasterKeyId).to.equal(key.outputs.arn);
    const policy = JSON.parse(String(run.single("aws:s3/bucketPolicy:BucketPolicy").inputs.policy)) as { Statement: { Sid: string }[] };
    expect(policy.Statement.map((s) => s.Sid)).to.deep.equal(["DenyInsecureTransport"]);
    expect(run.single("aws:cloudwatch/logGroup:LogGroup").inputs.retentionInDays).to.equal(90);
  });
});
