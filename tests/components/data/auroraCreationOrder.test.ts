/**
 * The order Aurora instances are created in, on the committed stack files: where a cluster has a
 * writer, the readers wait for instance 0 so that it (first AZ, promotion tier 0) is the writer;
 * a global database's secondary has no writer, so its instances are all created at once.
 */
import { expect } from "chai";
import { readersWaitForWriter } from "../../../components/data/aurora";
import type { RecordedResource, StackRun } from "../../support/mockCloud";
import { deployedStackRun } from "../../support/stackRuns";

const INSTANCE = "aws:rds/clusterInstance:ClusterInstance";

/** The cluster's instances by their place in it (the name's last number). */
const instancesOf = (run: StackRun): RecordedResource[] =>
  run.ofType(INSTANCE).sort((a, b) => Number(a.name.split("-").pop()) - Number(b.name.split("-").pop()));

/** The instances `instance` waits for (its dependencies that are instances of the same run). */
const instancesBefore = (run: StackRun, instance: RecordedResource): string[] => {
  const instanceUrns = new Set(run.ofType(INSTANCE).map((i) => i.urn));
  return [...instance.dependencies, ...Object.values(instance.propertyDependencies).flat()].filter((d) => instanceUrns.has(d));
};

describe("Aurora: the order its instances are created in", () => {
  it("waits for the writer unless the cluster is a global secondary", () => {
    expect(readersWaitForWriter(undefined)).to.equal(true);
    expect(readersWaitForWriter({ role: "primary", identifier: "g", secretReplicaRegions: [] })).to.equal(true);
    expect(readersWaitForWriter({ role: "secondary", identifier: "g", writerEndpoint: "w", masterSecretArn: "s" })).to.equal(false);
  });

  for (const stack of ["dev", "prod-us-east-1"]) {
    it(`${stack}: the readers wait for instance 0, which waits for no instance`, async () => {
      const run = await deployedStackRun(stack);
      const [writer, ...readers] = instancesOf(run);
      expect(readers.length, "readers").to.be.at.least(1);
      expect(instancesBefore(run, writer)).to.deep.equal([]);
      for (const reader of readers) {
        expect(instancesBefore(run, reader), reader.name).to.deep.equal([writer.urn]);
      }
    });
  }

  it("prod-eu-west-1 (global secondary): no instance waits for another", async () => {
    const run = await deployedStackRun("prod-eu-west-1");
    const instances = instancesOf(run);
    expect(instances).to.have.length(3);
    for (const instance of instances) {
      expect(instancesBefore(run, instance), instance.name).to.deep.equal([]);
    }
  });
});
