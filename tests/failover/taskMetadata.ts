/**
 * The ECS task metadata endpoint version 4 for the drill's Fargate tasks: one loopback HTTP server
 * standing for the link-local endpoint of each task. ECS gives every container its own
 * `ECS_CONTAINER_METADATA_URI_V4`; `<that URI>/task` answers the task's metadata, `TaskARN` among it
 * (ECS Developer Guide, "Amazon ECS task metadata v4 JSON response for tasks on Fargate"). Only the
 * fields a task's own code could read are served; the service reads TaskARN.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface TaskMetadataEndpoint {
  /** The `ECS_CONTAINER_METADATA_URI_V4` of the one container of `taskArn`'s task. */
  uriFor(taskArn: string, clusterName: string): string;
  /** Every path asked for, in order. */
  readonly asked: string[];
  close(): Promise<void>;
}

export async function taskMetadataEndpoint(): Promise<TaskMetadataEndpoint> {
  const tasks = new Map<string, { taskArn: string; clusterName: string }>();
  const asked: string[] = [];
  const server = createServer((req, res) => {
    asked.push(String(req.url));
    const match = /^\/v4\/([0-9a-f-]+)\/task$/.exec(String(req.url));
    const task = match ? tasks.get(match[1]) : undefined;
    if (req.method !== "GET" || !task) return void res.writeHead(404).end();
    const [, , , region, account] = task.taskArn.split(":");
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        Cluster: `arn:aws:ecs:${region}:${account}:cluster/${task.clusterName}`,
        TaskARN: task.taskArn,
        Family: `${task.clusterName}`,
        Revision: "1",
        DesiredStatus: "RUNNING",
        KnownStatus: "RUNNING",
        LaunchType: "FARGATE",
        AvailabilityZone: `${region}a`,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v4`;
  return {
    uriFor(taskArn, clusterName) {
      const container = randomUUID();
      tasks.set(container, { taskArn, clusterName });
      return `${base}/${container}`;
    },
    asked,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
