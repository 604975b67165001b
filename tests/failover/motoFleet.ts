/**
 * A region's fleet in moto_server: an Auto Scaling group of `size` instances, InService at once (as
 * moto creates them), whose ids the failover tests give their trading-api processes to report in
 * /healthz, so the command can prove every instance of the old region stopped writing.
 */
import { expect } from "chai";
import { AutoScalingClient, CreateAutoScalingGroupCommand, CreateLaunchConfigurationCommand, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import type { AutoScalingClientConfig } from "@aws-sdk/client-auto-scaling";

export async function motoFleet(client: AutoScalingClientConfig & { region: string }, size: number): Promise<{ groupName: string; instanceIds: string[] }> {
  const autoscaling = new AutoScalingClient(client);
  const groupName = `trading-api-${client.region}`;
  await autoscaling.send(new CreateLaunchConfigurationCommand({ LaunchConfigurationName: groupName, ImageId: "ami-12c6146b", InstanceType: "t4g.small" }));
  await autoscaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: groupName,
      LaunchConfigurationName: groupName,
      MinSize: size,
      MaxSize: size,
      DesiredCapacity: size,
      AvailabilityZones: [`${client.region}a`, `${client.region}b`],
    }),
  );
  const group = (await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] }))).AutoScalingGroups?.[0];
  const instanceIds = (group?.Instances ?? []).filter((i) => i.LifecycleState === "InService").map((i) => String(i.InstanceId));
  expect(instanceIds).to.have.length(size);
  return { groupName, instanceIds };
}
