/**
 * Whose answers prove that a region stopped writing: the members of its fleet, as the region-info
 * parameter names it. On EC2 the InService instances of its Auto Scaling group, matched by instance
 * id; on ECS Fargate the running tasks of its service, matched by task ARN (the trading API reports
 * the one its task metadata endpoint gives: services/trading-api/src/fleetIdentity.ts).
 */
import type { FailoverCloud, FailoverRegionInfo } from "./cloud";

export interface FleetMembers {
  /** How the fleet is named in the command's lines: the group's name, or `ECS service <s> (cluster <c>)`. */
  readonly label: string;
  /** The fleet with its kind, for a sentence that names it once: `Auto Scaling group <g>`, `ECS service <s> (cluster <c>)`. */
  readonly described: string;
  /** What one member is called: "InService instance" or "running task". */
  readonly member: string;
  /** What the members are, in a sentence about listing them: "instances" or "tasks". */
  readonly plural: string;
  /** How a missing member is described: "InService in <group>", "running in <service>". */
  readonly state: string;
  /** The members that must answer, listed afresh each round (one that starts during the wait must answer too). */
  list(): Promise<string[]>;
  /** Whether a reported `write.instance` names the member `id`. */
  names(reported: string, id: string): boolean;
}

/**
 * A reported instance identity names an Auto Scaling instance id when it is the id itself (the
 * fleet passes it) or an EC2 resource-name host name, `<instance id>.<region>.compute.internal` or
 * `<instance id>.ec2.internal` (EC2 User Guide, "EC2 instance hostnames, DNS names, and domains").
 * An IP-based host name (`ip-10-0-1-23...`) names no instance id: nothing is proved by it.
 */
export function namesInstance(reported: string, instanceId: string): boolean {
  return reported === instanceId || reported.startsWith(`${instanceId}.`);
}

/**
 * A reported identity names a task when it is the task's ARN (what the trading API reports and
 * ecs:ListTasks returns), or its id, the ARN's last segment. A host name names no task: on Fargate
 * it is the task's ENI address (`ip-10-...`), shared by nothing ecs:ListTasks reports.
 */
export function namesTask(reported: string, taskArn: string): boolean {
  return reported === taskArn || (reported.length > 0 && !reported.includes("/") && taskArn.endsWith(`/${reported}`));
}

/** The fleet of `region` as its region-info parameter names it; undefined when it names none (a stack older than both fields). */
export function fleetOf(cloud: FailoverCloud, region: string, info: FailoverRegionInfo): FleetMembers | undefined {
  const group = info.autoScalingGroupName;
  if (group) {
    return {
      label: group,
      described: `Auto Scaling group ${group}`,
      member: "InService instance",
      plural: "instances",
      state: `InService in ${group}`,
      list: () => cloud.listInServiceInstances(region, group),
      names: namesInstance,
    };
  }
  const service = info.ecsService;
  if (service) {
    const label = `ECS service ${service.serviceName} (cluster ${service.clusterName})`;
    return {
      label,
      described: label,
      member: "running task",
      plural: "tasks",
      state: `running in ${service.serviceName}`,
      list: () => cloud.listRunningTasks(region, service.clusterName, service.serviceName),
      names: namesTask,
    };
  }
  return undefined;
}
