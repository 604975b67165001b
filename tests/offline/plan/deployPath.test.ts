/**
 * The deployment critical path of the committed stacks, as the Aurora creation order makes it: a
 * cluster with a writer creates its readers after the writer (two instance creations in a row);
 * a global secondary creates its instances together (one).
 */
import { expect } from "chai";
import { creationTime } from "../../../offline/plan/creationTimes";
import { plannedStack } from "./support";

const INSTANCE = "aws:rds/clusterInstance:ClusterInstance";

describe("plan: deployment critical path and the Aurora instances", () => {
  it("prod-us-east-1: the path runs through the writer and then a reader, the reader after it by dependsOn", async () => {
    const { criticalPath } = await plannedStack("prod-us-east-1");
    const steps = criticalPath.chain.filter((s) => s.type === INSTANCE);
    expect(steps.map((s) => s.name)).to.deep.equal(["trading-db-0", "trading-db-1"]);
    expect(steps[1].via).to.equal("dependsOn");
    expect(steps[1].startSeconds).to.equal(steps[0].finishSeconds);
  });

  it("prod-eu-west-1: no instance waits for another, so the path holds at most one instance creation", async () => {
    const { criticalPath } = await plannedStack("prod-eu-west-1");
    const steps = criticalPath.chain.filter((s) => s.type === INSTANCE);
    expect(steps.length).to.be.at.most(1);
    // Shorter than the primary's by at least the instance creation it no longer waits for.
    const primary = (await plannedStack("prod-us-east-1")).criticalPath;
    expect(primary.totalSeconds - criticalPath.totalSeconds).to.be.at.least(creationTime(INSTANCE).seconds / 2);
  });
});
