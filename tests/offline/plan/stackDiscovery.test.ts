/**
 * The plan finds its stacks in the project root's Pulumi.<stack>.yaml files, as the Pulumi CLI
 * does: a copied stack file is planned with no list to update, and its role comes from its config.
 */
import { expect } from "chai";
import { copyFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { discoverStacks, REPO_ROOT } from "../../../offline/cloud/stackFiles";
import { plan, PlanFailure, stacksInPlanOrder } from "../../../offline/plan/plan";
import { plannedStack } from "./support";

/** Copies a committed stack file to a new stack name for the duration of one suite. */
function copiedStack(from: string, to: string): { stack: string; remove(): void } {
  const file = path.join(REPO_ROOT, `Pulumi.${to}.yaml`);
  copyFileSync(path.join(REPO_ROOT, `Pulumi.${from}.yaml`), file);
  return { stack: to, remove: () => rmSync(file, { force: true }) };
}

describe("plan: stacks are the stack files in the project root", function () {
  this.timeout(120_000);

  it("plans a copied stack file under its new name, as the primary its config declares", async () => {
    const copy = copiedStack("dev", `whatif-${process.pid}`);
    try {
      expect(discoverStacks()).to.include(copy.stack);
      const p = await plan(copy.stack);
      const dev = await plannedStack("dev");
      expect(p.stack).to.equal(copy.stack);
      expect(p.role).to.equal("primary");
      expect(p.tree.resourceCount).to.equal(dev.tree.resourceCount);
      expect(p.policy.passed).to.equal(true);
    } finally {
      copy.remove();
    }
    expect(discoverStacks()).to.not.include(copy.stack);
  });

  it("orders by the role in each file's config, not by name: a replica named to sort first comes after every primary", () => {
    const copy = copiedStack("prod-eu-west-1", `a-replica-${process.pid}`);
    try {
      const order = stacksInPlanOrder();
      expect(order[0]).to.not.equal(copy.stack);
      const replicas = [copy.stack, "prod-eu-west-1"].map((s) => order.indexOf(s));
      const primaries = ["dev", "prod-us-east-1"].map((s) => order.indexOf(s));
      expect(Math.min(...replicas)).to.be.greaterThan(Math.max(...primaries));
      expect(order).to.have.members(discoverStacks());
    } finally {
      copy.remove();
    }
  });

  it("a stack with no file fails naming the file looked for and the stacks that exist", async () => {
    let failure: unknown;
    try {
      await plan("staging");
    } catch (err) {
      failure = err;
    }
    expect(failure).to.be.instanceOf(PlanFailure);
    expect((failure as Error).message).to.equal(
      `stack staging: no stack file Pulumi.staging.yaml in ${REPO_ROOT}; stacks: ${discoverStacks().join(", ")}`,
    );
    expect((failure as Error).message).to.not.include("\n");
  });
});
