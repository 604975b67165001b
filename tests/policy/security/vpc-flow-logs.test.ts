// vpc-flow-logs: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("vpc-flow-logs", () => {
  it("passes a VPC with an ALL-traffic flow log and fails one without, one logging rejects only and one with no destination", async () => {
    const fx = new Fixture({ preview: true });
    const logGroup = fx.add(T.logGroup, "flow-logs", { retentionInDays: 365 });
    const vpcs = ["logged", "unlogged", "rejects-only", "nowhere"].map((name) => fx.add(T.vpc, name, { cidrBlock: "10.0.0.0/16" }));
    const flowLog = (vpc: (typeof vpcs)[number], props: Record<string, unknown>) =>
      fx.add(T.flowLog, `${vpc.name}-flow-log`, { vpcId: fx.ref(vpc), logDestinationType: "cloud-watch-logs", logDestination: fx.ref(logGroup, "arn"), trafficType: "ALL", ...props });
    flowLog(vpcs[0], {});
    flowLog(vpcs[2], { trafficType: "REJECT" });
    flowLog(vpcs[3], { logDestination: undefined });
    expect(messagesOf(await evaluate(securityPack, fx), "vpc-flow-logs")).to.deep.equal([
      "VPC unlogged has no flow log (an aws.ec2.FlowLog with its vpcId)",
      "VPC rejects-only has no usable flow log: rejects-only-flow-log records REJECT traffic only (allowed: ALL)",
      "VPC nowhere has no usable flow log: nowhere-flow-log has no logDestination",
    ]);
  });
});
