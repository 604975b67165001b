/**
 * The plan's region-loss section for both prod stacks (and its absence for the single-region dev):
 * derived from what each stack registers, rendered as section 7.
 */
import { expect } from "chai";
import { PLAIN } from "../../../offline/plan/format";
import { renderPlan } from "../../../offline/plan/render";
import { plannedStack } from "./support";

describe("offline plan: region loss", function () {
  this.timeout(120_000);

  it("prod-us-east-1 (the write region as deployed): what keeps working, what the command changes, the recovery point, the manual steps", async () => {
    const plan = await plannedStack("prod-us-east-1");
    const loss = plan.regionLoss;
    expect(loss).to.deep.include({ region: "us-east-1", environment: "prod", otherRegions: ["eu-west-1"], writesHere: true });
    expect(loss?.keepsWorking.join("\n")).to.contain("eu-west-1 keeps serving reads").and.contain("SECONDARY record once us-east-1's health check fails (about 90 s");
    expect(loss?.failoverChanges[0]).to.equal(
      "Run npm run failover -- --env prod --to eu-west-1 --force (--force: us-east-1's ReplicationLatency cannot be read while it is down).",
    );
    expect(loss?.failoverChanges.join("\n")).to.contain("/trading-platform/prod/write-region in eu-west-1: set to eu-west-1").and.contain("PRIMARY health check forced unhealthy");
    expect(loss?.recoveryPoint).to.contain("The ReplicationLatency us-east-1 -> eu-west-1 at the moment of loss");
    expect(loss?.manualSteps.join("\n")).to.contain("run npm run failover -- --env prod --to eu-west-1 once more").and.contain("Fail back later");
    const text = renderPlan(plan, PLAIN);
    expect(text).to.contain("8. Region loss\n  Losing us-east-1 (the write region as deployed; other region: eu-west-1)");
  });

  it("prod-eu-west-1 (not the write region as deployed): nothing fails over and no write is lost", async () => {
    const loss = (await plannedStack("prod-eu-west-1")).regionLoss;
    expect(loss).to.deep.include({ region: "eu-west-1", otherRegions: ["us-east-1"], writesHere: false });
    expect(loss?.failoverChanges).to.deep.equal(["Nothing: no failover is needed while us-east-1 is the write region."]);
    expect(loss?.recoveryPoint).to.match(/^No write is lost/);
  });

  it("dev is single-region: the section says so", async () => {
    const plan = await plannedStack("dev");
    expect(plan.regionLoss).to.equal(undefined);
    expect(renderPlan(plan, PLAIN)).to.contain("8. Region loss\n  dev runs in us-east-1 only: losing the region loses the environment");
  });
});
