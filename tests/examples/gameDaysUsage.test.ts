/**
 * The usage snippet of components/gamedays/README.md is the stacks' own composition
 * (stacks/gameDays.ts `usage:GameDays` region): run here through the real prod stack file.
 */
import { expect } from "chai";
import { gameDaysFor } from "../../stacks/gameDays";
import { deployedStackRun } from "../support/stackRuns";

describe("component README usage: GameDays", function () {
  this.timeout(180_000);

  it("is what the prod stack runs: one GameDays whose templates, roles and log group are its children", async () => {
    expect(gameDaysFor).to.be.a("function");
    const run = await deployedStackRun("prod-us-east-1");
    const component = run.single("trading:gamedays:GameDays");
    const children = run.childrenOf(component).map((r) => r.type);
    expect(children.filter((t) => t === "aws:fis/experimentTemplate:ExperimentTemplate")).to.have.length(3);
    expect(children.filter((t) => t === "aws:iam/role:Role")).to.have.length(3);
    expect(children.filter((t) => t === "aws:cloudwatch/logGroup:LogGroup")).to.have.length(1);
  });
});
