// The four FIS rules over the real prod stacks (gameDays on): the committed templates pass, in a
// first preview and as deployed, and each rule refuses its break made to the real az-loss template.
import { expect } from "chai";
import { STACK_TAG } from "../../components/gamedays/plan";
import { fisTargetsOwnStack } from "../../policy/security/rules/fis-targets-own-stack";
import { evaluateStack, StackEvaluation } from "../../offline/policy/evaluateStack";
import { runStackFile, StackRun } from "../support/mockCloud";
import { deployedStackRun } from "../support/stackRuns";
import { mutateRun } from "./support/mutate";

const FIS = "aws:fis/experimentTemplate:ExperimentTemplate";
const RULES = ["fis-stop-on-alarm", "fis-duration-bounded", "fis-role-no-wildcard-actions", "fis-targets-own-stack"];
const mandatory = (result: StackEvaluation, rule: string) => result.mandatory.filter((v) => v.policyName === rule).map((v) => v.message);

describe("FIS rules over the real prod stacks", () => {
  let deployed: StackRun;
  before(async () => {
    deployed = await deployedStackRun("prod-us-east-1");
  });

  it("the rule's stack tag is the one the GameDays component selects by (policy cannot import components, so a test holds them equal)", () => {
    expect((fisTargetsOwnStack.configSchema?.properties?.stackTagKey as { default?: unknown }).default).to.equal(STACK_TAG);
  });

  for (const stack of ["prod-us-east-1", "prod-eu-west-1"]) {
    for (const preview of [true, false]) {
      it(`${stack}${preview ? " (first preview)" : ""}: every template passes every FIS rule`, async () => {
        const run = preview ? await runStackFile(stack, { preview }) : await deployedStackRun(stack);
        expect(run.ofType(FIS).length).to.be.greaterThan(1);
        const result = await evaluateStack(run, "prod");
        expect(result.violations.filter((v) => RULES.includes(v.policyName)).map((v) => `${v.policyName}: ${v.message}`)).to.deep.equal([]);
      });
    }
  }

  it("a stop condition \"none\", an unbounded stop and a target by a tag every stack carries are refused on the real az-loss template", async () => {
    const template = deployed.single(FIS, (r) => r.name.endsWith("az-loss"));
    const actions = (template.inputs.actions as { name: string; parameters?: { key: string; value: string }[] }[]).map((a) =>
      a.name.startsWith("stop") ? { ...a, parameters: (a.parameters ?? []).filter((p) => p.key !== "startInstancesAfterDuration") } : a,
    );
    const targets = (template.inputs.targets as { name: string; resourceTags?: unknown }[]).map((t) =>
      t.resourceTags ? { ...t, resourceTags: [{ key: "Environment", value: "prod" }] } : t,
    );
    const run = mutateRun(deployed, {
      match: (r) => r.urn === template.urn,
      set: { stopConditions: [{ source: "none" }], actions, targets },
      propertyDependencies: { stopConditions: [], targets: template.propertyDependencies.targets ?? [] },
    });
    const result = await evaluateStack(run, "prod");
    expect(mandatory(result, "fis-stop-on-alarm")).to.have.length(2);
    expect(mandatory(result, "fis-stop-on-alarm")[0]).to.match(/stopConditions has source "none"/);
    expect(mandatory(result, "fis-duration-bounded")).to.deep.equal([
      `experiment template ${template.name}: action stop-fleet-instances (aws:ec2:stop-instances) sets no startInstancesAfterDuration: its fault would last until someone ends it; set startInstancesAfterDuration to at most PT30M`,
    ]);
    expect(mandatory(result, "fis-targets-own-stack").join("\n")).to.match(/resourceTags Environment=prod include no tag only this stack's resources carry/);
  });

  it("a wildcard in the real az-loss role's policy is refused", async () => {
    const template = deployed.single(FIS, (r) => r.name.endsWith("az-loss"));
    const rolePolicy = deployed.single("aws:iam/rolePolicy:RolePolicy", (r) => r.name.endsWith("az-loss-fis"));
    const document = JSON.parse(String(rolePolicy.inputs.policy)) as { Statement: { Action: string[] }[] };
    document.Statement[0].Action = ["ec2:*"];
    const run = mutateRun(deployed, { match: (r) => r.urn === rolePolicy.urn, set: { policy: JSON.stringify(document) } });
    const messages = mandatory(await evaluateStack(run, "prod"), "fis-role-no-wildcard-actions");
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(new RegExp(`^experiment template ${template.name}: role .+: role policy ${rolePolicy.name} statement .+ allows ec2:\\*`));
  });
});
