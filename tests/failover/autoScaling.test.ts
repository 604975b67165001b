/**
 * The failover command's list of an old region's instances (DescribeAutoScalingGroups) against
 * moto_server: only InService instances count (an instance in Standby is out of the load balancer),
 * and a group the region-info parameter names but the region does not have is named in the error.
 */
import { expect } from "chai";
import { AutoScalingClient, CreateAutoScalingGroupCommand, CreateLaunchConfigurationCommand, DescribeAutoScalingGroupsCommand, EnterStandbyCommand } from "@aws-sdk/client-auto-scaling";
import { MOTO_CREDENTIALS, sharedMoto, type Moto } from "../support/moto";
import { awsCloud } from "../../services/failover/src/cloud";

describe("failover: the old region's InService instances, from its Auto Scaling group (moto_server)", function () {
  this.timeout(60_000);
  let moto: Moto;
  const REGION = "eu-west-1";
  before(async () => {
    moto = await sharedMoto();
    await moto.reset();
  });

  it("lists InService instance ids only, and names a missing group", async () => {
    const client = new AutoScalingClient({ region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
    await client.send(new CreateLaunchConfigurationCommand({ LaunchConfigurationName: "api", ImageId: "ami-12c6146b", InstanceType: "t4g.small" }));
    await client.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: "trading-api", LaunchConfigurationName: "api", MinSize: 0, MaxSize: 3, DesiredCapacity: 3, AvailabilityZones: [`${REGION}a`] }));
    const all = ((await client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["trading-api"] }))).AutoScalingGroups?.[0]?.Instances ?? []).map((i) => String(i.InstanceId));
    expect(all).to.have.length(3);
    await client.send(new EnterStandbyCommand({ AutoScalingGroupName: "trading-api", InstanceIds: [all[0]], ShouldDecrementDesiredCapacity: true }));

    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
    try {
      const cloud = awsCloud({ project: "trading-platform", environment: "prod", regionEndpoints: { [REGION]: moto.endpoint } });
      expect((await cloud.listInServiceInstances(REGION, "trading-api")).sort()).to.deep.equal(all.slice(1).sort());
      let missing: unknown;
      try {
        await cloud.listInServiceInstances(REGION, "trading-api-gone");
      } catch (error) {
        missing = error;
      }
      expect(String(missing)).to.contain(`autoscaling:DescribeAutoScalingGroups in ${REGION}: no group named trading-api-gone`);
    } finally {
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      else process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });
});
