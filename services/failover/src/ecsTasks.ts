/**
 * The running tasks of a region's ECS service, for the proof that the old region stopped writing
 * (the Fargate counterpart of the Auto Scaling group's InService instances).
 */
import { DescribeTasksCommand, type ECSClient, ListTasksCommand } from "@aws-sdk/client-ecs";

/**
 * lastStatus values of a task whose containers are not running: not started yet (PROVISIONING,
 * PENDING) or gone (DEPROVISIONING, STOPPED, DELETED). The containers start during PENDING and run
 * from ACTIVATING, when the task is registered with the load balancer, until STOPPING (ECS Developer
 * Guide, "Amazon ECS task lifecycle"). A task in any other state, one ECS may add included, must
 * answer: leaving out a task that can serve would turn the proof into a guess. A task that starts
 * after a listing reads its flag before it admits anything (the gate is fenced until its first
 * read), and the command lists again every round.
 */
const NOT_SERVING = new Set(["PROVISIONING", "PENDING", "DEPROVISIONING", "STOPPED", "DELETED"]);

/** DescribeTasks takes at most 100 tasks per call (ECS API Reference, DescribeTasks: tasks). */
const DESCRIBE_BATCH = 100;

/**
 * ARNs of the service's tasks that may be serving. ListTasks with `serviceName` and `desiredStatus`
 * RUNNING (its default, said here so a change of default cannot widen it) gives the tasks ECS keeps
 * running for the service; a task ECS is stopping (desired STOPPED) is being deregistered from the
 * target group and gets no new request, like an EC2 instance leaving InService. DescribeTasks then
 * gives each task's lastStatus. A task DescribeTasks reports as MISSING has gone between the two
 * calls; any other failure keeps the task in the list (it must answer).
 */
export async function runningServiceTasks(ecs: ECSClient, region: string, clusterName: string, serviceName: string): Promise<string[]> {
  const listed: string[] = [];
  let nextToken: string | undefined;
  do {
    let page;
    try {
      page = await ecs.send(new ListTasksCommand({ cluster: clusterName, serviceName, desiredStatus: "RUNNING", ...(nextToken ? { nextToken } : {}) }));
    } catch (error) {
      throw notFound(error, "ListTasks", region, clusterName, serviceName) ?? error;
    }
    listed.push(...(page.taskArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken);

  const serving: string[] = [];
  for (let i = 0; i < listed.length; i += DESCRIBE_BATCH) {
    const batch = listed.slice(i, i + DESCRIBE_BATCH);
    let described;
    try {
      described = await ecs.send(new DescribeTasksCommand({ cluster: clusterName, tasks: batch }));
    } catch (error) {
      throw notFound(error, "DescribeTasks", region, clusterName, serviceName) ?? error;
    }
    const status = new Map((described.tasks ?? []).map((t) => [String(t.taskArn), String(t.lastStatus ?? "")]));
    const missing = new Set((described.failures ?? []).filter((f) => f.reason === "MISSING").map((f) => String(f.arn)));
    for (const arn of batch) {
      if (missing.has(arn)) continue;
      const last = status.get(arn);
      if (last !== undefined && NOT_SERVING.has(last)) continue;
      serving.push(arn);
    }
  }
  return serving;
}

/** A cluster or service the region-info parameter names that ECS does not know, said with the call and region. */
function notFound(error: unknown, call: string, region: string, clusterName: string, serviceName: string): Error | undefined {
  const name = (error as { name?: string }).name;
  const what =
    name === "ClusterNotFoundException" ? `no ECS cluster ${clusterName}` : name === "ServiceNotFoundException" ? `no ECS service ${serviceName} in cluster ${clusterName}` : undefined;
  return what ? new Error(`ecs:${call} in ${region}: ${what} (the region-info parameter names it)`, { cause: error }) : undefined;
}
