// The plan's alarm section (offline/plan/alarms.ts): what its EventBridge line says follows what the
// recorded rule matches, an instance refresh on ec2 and an ECS deployment on fargate.
import { expect } from "chai";
import { renderAlarms } from "../../../offline/plan/alarms";
import { PLAIN } from "../../../offline/plan/format";
import { plannedFargateStack, plannedStack } from "./support";

/** The rendered line about the stack's EventBridge rule(s), unwrapped. */
async function eventRuleLine(planned: ReturnType<typeof plannedStack>): Promise<string> {
  const text = renderAlarms((await planned).alarms, { ...PLAIN, width: 1000 });
  const line = text.split("\n").find((l) => l.includes("EventBridge rule"));
  expect(line, "an EventBridge line").to.not.equal(undefined);
  return String(line).trim();
}

describe("plan: the alarms' EventBridge rule follows the compute platform", function () {
  this.timeout(120_000);

  it("ec2: the rule sends failed and cancelled instance refreshes of the group", async () => {
    const p = await plannedStack("dev");
    expect(p.alarms.eventRules).to.deep.equal([{ name: "trading-dev-instance-refresh-failed", sends: "failed and cancelled instance refreshes of Auto Scaling group trading-api" }]);
    expect(await eventRuleLine(plannedStack("dev"))).to.equal(
      "EventBridge rule trading-dev-instance-refresh-failed sends failed and cancelled instance refreshes of Auto Scaling group trading-api to the same topic.",
    );
  });

  for (const stack of ["dev", "prod-us-east-1"]) {
    it(`fargate (${stack}): the rule sends the ECS service's failed deployments, and says nothing of instance refreshes`, async () => {
      const line = await eventRuleLine(plannedFargateStack(stack));
      // The service's name is the mock account's auto-name of trading-api.
      expect(line).to.match(
        new RegExp(`^EventBridge rule trading-${stack}-ecs-deployment-failed sends failed deployments of ECS service trading-api-[0-9a-f]+ \\(SERVICE_DEPLOYMENT_FAILED: the circuit breaker stopped them\\) to the same topic\\.$`),
      );
      expect(line).to.not.include("instance refresh");
    });
  }
});
