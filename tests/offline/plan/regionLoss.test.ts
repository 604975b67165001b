/**
 * The plan's region-loss section for both prod stacks (and its absence for the single-region dev):
 * derived from what each stack registers, rendered as section 7.
 */
import { expect } from "chai";
import { PLAIN } from "../../../offline/plan/format";
import { plan } from "../../../offline/plan/plan";
import { renderPlan } from "../../../offline/plan/render";
import { plannedFargateStack, plannedStack } from "./support";

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
    // The reference data: a global database, so what a failover loses and how long it is read-only, with Aurora's figures.
    const refdata = loss?.referenceData.join("\n") ?? "";
    expect(refdata).to.contain("Loses: reference-data writes committed in us-east-1 within the replication lag at the moment of loss");
    expect(refdata).to.contain("FailoverGlobalCluster with AllowDataLoss, the --force path").and.contain("SwitchoverGlobalCluster, the path without --force) loses nothing: RPO 0");
    expect(refdata).to.contain("Read-only: from the loss of us-east-1 until the failover has promoted eu-west-1's cluster").and.contain("in the order of minutes");
    expect(refdata).to.contain("global writer endpoint of trading-prod-refdata has no writer");
    expect(loss?.manualSteps.join("\n")).to.not.contain("Aurora (reference data) and the cache are us-east-1's own");
    expect(text).to.contain("  Reference data (Aurora)\n    - Loses: reference-data writes committed in us-east-1");
  });

  it("without a global database the section says the other region has none of the reference data", async () => {
    const regional = await plan("prod-us-east-1", { overrides: { "trading-platform:dataGlobalDatabase": false } });
    expect(regional.regionLoss?.referenceData).to.deep.equal([
      "us-east-1's Aurora cluster is its own (no global database): eu-west-1 has none of its reference data, and clients of eu-west-1 are refused (not entitled) until it is loaded there.",
    ]);
  });

  it("prod-eu-west-1 (not the write region as deployed): nothing fails over and no write is lost", async () => {
    const loss = (await plannedStack("prod-eu-west-1")).regionLoss;
    expect(loss).to.deep.include({ region: "eu-west-1", otherRegions: ["us-east-1"], writesHere: false });
    expect(loss?.failoverChanges).to.deep.equal(["Nothing: no failover is needed while us-east-1 is the write region."]);
    expect(loss?.recoveryPoint).to.match(/^No write is lost/);
    expect(loss?.referenceData[0]).to.equal(
      "Loses nothing: eu-west-1's cluster is a read-only secondary of global database trading-prod-refdata; us-east-1's cluster keeps the writer, so reference-data writes (the refdata CLI, through the global writer endpoint) and us-east-1's reads go on.",
    );
  });

  it("dev is single-region: the section says so", async () => {
    const plan = await plannedStack("dev");
    expect(plan.regionLoss).to.equal(undefined);
    expect(renderPlan(plan, PLAIN)).to.contain("8. Region loss\n  dev runs in us-east-1 only: losing the region loses the environment");
  });

  it("on Fargate the fleet it speaks of is the service's tasks, never instances", async () => {
    for (const stack of ["prod-us-east-1", "prod-eu-west-1"]) {
      const loss = (await plannedFargateStack(stack)).regionLoss;
      const text = [...(loss?.keepsWorking ?? []), ...(loss?.failoverChanges ?? []), ...(loss?.manualSteps ?? [])].join("\n");
      expect(text, stack).to.not.match(/\binstances\b/);
      expect(text, stack).to.contain("tasks");
    }
    const ec2 = (await plannedStack("prod-us-east-1")).regionLoss;
    expect(ec2?.keepsWorking.join("\n")).to.contain("us-east-1's instances that are still running");
  });
});
