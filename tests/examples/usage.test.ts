import { expect } from "chai";
import { runProgram, type StackRun } from "../support/mockCloud";
import { deployedStackRun } from "../support/stackRuns";
import { PRIMARY_STACK, replicaRegion } from "./usage/globalReplica";

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
