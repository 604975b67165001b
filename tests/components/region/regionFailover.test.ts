/**
 * RegionFailover's region-info parameter on its own: the fleet the failover command hears from is
 * the Auto Scaling group (EC2) or the ECS cluster and service (Fargate), never both, and neither
 * when the composition passes neither (the command then waits its full bound).
 */
import { expect } from "chai";
import { RegionFailover, type RegionFailoverArgs } from "../../../components/region/regionFailover";
import { ProgramRunFailure, runProgram } from "../../support/mockCloud";

const ARGS: RegionFailoverArgs = {
  project: "trading-platform",
  environment: "prod",
  role: "primary",
  region: "us-east-1",
  writeRegionParameterName: "/trading-platform/prod/write-region",
  writeRegionParameterArn: "arn:aws:ssm:us-east-1:123456789012:parameter/trading-platform/prod/write-region",
  instanceRoleArn: "arn:aws:iam::123456789012:role/trading-api",
  alb: { dnsName: "trading-alb.us-east-1.elb.amazonaws.com", zoneId: "Z35SXDOTRQ7X7K" },
  apiEndpoint: "https://trading-alb.us-east-1.elb.amazonaws.com",
  tableName: "trading-platform-prod",
  streamProcessorFunctionName: "trading-stream",
  streamMappingUuid: "0b7e2a1c-9f8d-4e3a-8b6c-5d4e3f2a1b0c",
};

async function regionInfo(fleet: Partial<RegionFailoverArgs>): Promise<Record<string, unknown>> {
  const run = await runProgram(
    async () => {
      new RegionFailover("trading", { ...ARGS, ...fleet });
    },
    { stack: "test", config: { "aws:region": "us-east-1" } },
  );
  const parameter = run.single("aws:ssm/parameter:Parameter", (p) => String(p.inputs.name).endsWith("/region-info"));
  return JSON.parse(String(parameter.inputs.insecureValue)) as Record<string, unknown>;
}

describe("RegionFailover: the fleet in the region-info parameter", () => {
  it("names the Auto Scaling group on EC2 and the ECS cluster and service on Fargate, each without the other", async () => {
    const ec2 = await regionInfo({ autoScalingGroupName: "trading-api-asg" });
    expect(ec2.autoScalingGroupName).to.equal("trading-api-asg");
    expect(ec2).to.not.have.property("ecsService");
    const fargate = await regionInfo({ ecsService: { clusterName: "trading-prod-api", serviceName: "trading-api" } });
    expect(fargate.ecsService).to.deep.equal({ clusterName: "trading-prod-api", serviceName: "trading-api" });
    expect(fargate).to.not.have.property("autoScalingGroupName");
    const neither = await regionInfo({});
    expect(neither).to.not.have.property("autoScalingGroupName");
    expect(neither).to.not.have.property("ecsService");
  });

  it("refuses both at once: the failover command would not know whose answers prove the region stopped", async () => {
    let failure: unknown;
    try {
      await regionInfo({ autoScalingGroupName: "trading-api-asg", ecsService: { clusterName: "trading-prod-api", serviceName: "trading-api" } });
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(ProgramRunFailure);
    expect(String((failure as Error).message)).to.contain("pass autoScalingGroupName (ec2) or ecsService (fargate), not both");
  });
});
