/**
 * A region's fleet in moto_server, on either platform, whose members the failover tests give their
 * trading-api processes to report in /healthz, so the command can prove every member of the old
 * region stopped writing:
 * - ec2: an Auto Scaling group of `size` instances, InService at once (as moto creates them);
 * - fargate: an ECS cluster and service with `size` running tasks.
 */
import { expect } from "chai";
import { AutoScalingClient, CreateAutoScalingGroupCommand, CreateLaunchConfigurationCommand, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import type { AutoScalingClientConfig } from "@aws-sdk/client-auto-scaling";
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand } from "@aws-sdk/client-ecs";

type Client = AutoScalingClientConfig & { region: string; endpoint: string };

export async function motoFleet(client: Client, size: number): Promise<{ groupName: string; instanceIds: string[] }> {
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

/**
 * How moto moves a task's lastStatus (its state manager, `ecs::task`): a task starts RUNNING and, by
 * moto's default, moves one state on (DEACTIVATING, STOPPING, ...) each time DescribeTasks reports
 * it, which no ECS service's task does while ECS keeps it running. The tests set a progression that
 * keeps it RUNNING (`steady`), or one that takes it to its last state, STOPPED, at once (`stopped`:
 * a task ECS still lists as desired RUNNING whose containers have exited).
 */
export async function motoTaskProgression(endpoint: string, progression: "steady" | "stopped"): Promise<void> {
  const transition = progression === "steady" ? { progression: "manual", times: 1_000_000_000 } : { progression: "immediate" };
  const res = await fetch(`${endpoint}/moto-api/state-manager/set-transition`, {
    method: "POST",
    body: JSON.stringify({ model_name: "ecs::task", transition }),
  });
  if (!res.ok) throw new Error(`moto set-transition failed: ${res.status}`);
}

/**
 * An ECS cluster and a service of `size` Fargate tasks. moto's CreateService records the service but
 * starts no task (its ListTasks says so: it cannot filter by service "until the backend actually
 * launches tasks as part of the service creation process"), so the tasks are started with RunTask
 * the way the service scheduler starts them: group `service:<name>` and startedBy `ecs-svc/<id>`
 * (ECS API Reference, Task: group; the scheduler's startedBy is its deployment's id). moto's ListTasks
 * also ignores `serviceName`, so each region's service gets a cluster of its own, where "the
 * cluster's tasks" and "the service's tasks" are the same list. The tasks run as Fargate's do, in the
 * awsvpc network mode, each with an ENI in a subnet of moto's default VPC (no public IP).
 */
export async function motoService(client: Client, size: number): Promise<{ clusterName: string; serviceName: string; taskArns: string[] }> {
  const ecs = new ECSClient(client);
  const clusterName = `trading-prod-${client.region}-api`;
  const serviceName = "trading-api";
  await motoTaskProgression(client.endpoint, "steady");
  await ecs.send(new CreateClusterCommand({ clusterName }));
  const definition = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: `trading-prod-${client.region}-api`,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "256",
      memory: "512",
      containerDefinitions: [{ name: "trading-api", image: "trading-api:drill", essential: true, memory: 512 }],
    }),
  );
  const taskDefinition = String(definition.taskDefinition?.taskDefinitionArn);
  const networkConfiguration = { awsvpcConfiguration: { ...(await defaultNetwork(client.endpoint, client.region)), assignPublicIp: "DISABLED" as const } };
  await ecs.send(new CreateServiceCommand({ cluster: clusterName, serviceName, taskDefinition, desiredCount: size, launchType: "FARGATE", networkConfiguration }));
  const started = await ecs.send(
    new RunTaskCommand({
      cluster: clusterName,
      taskDefinition,
      count: size,
      launchType: "FARGATE",
      networkConfiguration,
      group: `service:${serviceName}`,
      startedBy: "ecs-svc/1234567890123456789",
    }),
  );
  const taskArns = (started.tasks ?? []).map((t) => String(t.taskArn));
  expect(taskArns).to.have.length(size);
  return { clusterName, serviceName, taskArns };
}

/**
 * A subnet and the security group of moto's default VPC in `region`, by EC2's query API (no EC2
 * client is a dependency of the project; moto routes by the service named in the signature).
 */
async function defaultNetwork(endpoint: string, region: string): Promise<{ subnets: string[]; securityGroups: string[] }> {
  const query = async (params: Record<string, string>, tag: string) => {
    const res = await fetch(`${endpoint}/`, {
      method: "POST",
      body: new URLSearchParams({ Version: "2016-11-15", ...params }),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
      },
    });
    const text = await res.text();
    const value = new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(text)?.[1];
    if (!res.ok || !value) throw new Error(`moto ${params.Action} in ${region} failed: ${res.status} ${text.slice(0, 300)}`);
    return value;
  };
  const subnet = await query({ Action: "DescribeSubnets", "Filter.1.Name": "default-for-az", "Filter.1.Value.1": "true" }, "subnetId");
  const group = await query({ Action: "DescribeSecurityGroups", "Filter.1.Name": "group-name", "Filter.1.Value.1": "default" }, "groupId");
  return { subnets: [subnet], securityGroups: [group] };
}
