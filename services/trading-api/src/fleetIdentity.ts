/**
 * The name a process reports as `write.instance` in /healthz and /readyz, which the failover command
 * matches against the members of the old region's fleet to prove that every one of them stopped
 * writing (services/failover):
 * - on ECS (Fargate), the task's ARN, read from the task metadata endpoint version 4: Fargate
 *   platform 1.4.0 and later inject `ECS_CONTAINER_METADATA_URI_V4` into every container, and
 *   `${ECS_CONTAINER_METADATA_URI_V4}/task` answers JSON whose `TaskARN` is "the Amazon Resource
 *   Name (ARN) of the task to which the container belongs" (ECS Developer Guide, "Amazon ECS task
 *   metadata endpoint version 4 for tasks on Fargate" and "Amazon ECS task metadata v4 JSON response
 *   for tasks on Fargate"). It is the ARN ecs:ListTasks returns. The endpoint is link-local to the
 *   task (the container agent tells tasks apart by their awsvpc address): no credential, no IAM
 *   permission, no route out of the VPC;
 * - elsewhere, WRITE_REGION_INSTANCE (the EC2 boot script writes the instance id read from IMDSv2
 *   there: components/cluster/userData.ts), else the gate's default, the host name.
 */

/** The variable ECS sets in each container of a task on Fargate platform 1.4.0 or later. */
export const ECS_METADATA_VARIABLE = "ECS_CONTAINER_METADATA_URI_V4";

/**
 * A task ARN, long format (`task/<cluster>/<id>`, the one Fargate uses) or the old short one
 * (`task/<id>`). Cluster names are letters, digits, hyphens and underscores ("CreateCluster",
 * clusterName); nothing else may reach the health answers from the metadata endpoint.
 */
const TASK_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task\/[A-Za-z0-9_-]{1,255}(\/[A-Za-z0-9_-]{1,255})?$/;

export interface MetadataReadOptions {
  /** Tries before giving up. Default 3. */
  attempts?: number;
  /** Milliseconds one request may take (the endpoint is on the task's own link-local address). Default 1000. */
  timeoutMs?: number;
  /** Milliseconds between tries. Default 500. */
  retryDelayMs?: number;
}

/** GET `${metadataUri}/task` and its `TaskARN`; throws saying what the endpoint answered after the last try. */
export async function ecsTaskArn(metadataUri: string, options: MetadataReadOptions = {}): Promise<string> {
  const attempts = options.attempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 1000;
  const retryDelayMs = options.retryDelayMs ?? 500;
  const url = `${metadataUri.replace(/\/+$/, "")}/task`;
  let problem = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/json" } });
      if (!response.ok) throw new Error(`answered ${response.status}`);
      const body = (await response.json()) as { TaskARN?: unknown };
      if (typeof body.TaskARN !== "string" || !TASK_ARN.test(body.TaskARN)) {
        // Not worth a retry: the endpoint answered, with something that is not a task ARN.
        throw Object.assign(new Error(`answered TaskARN ${JSON.stringify(body.TaskARN)}, not a task ARN`), { final: true });
      }
      return body.TaskARN;
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
      if ((error as { final?: boolean }).final) break;
      if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
    }
  }
  throw new Error(`the ECS task metadata endpoint ${url} ${problem.startsWith("answered") ? problem : `did not answer (${problem})`}`);
}

/** The name to report, and why it is not the task's ARN when the metadata endpoint could not give it. */
export interface FleetIdentity {
  /** Undefined: the gate's default (the host name). */
  instance?: string;
  /** Set when running on ECS without the task ARN: the failover command cannot count this task, and waits its full bound. */
  problem?: string;
}

/**
 * The task ARN when the process runs on ECS (the metadata variable is set), else `configured`
 * (WRITE_REGION_INSTANCE). On ECS without an answer it falls back to `configured` or the host name
 * and says so: the process still serves, and the failover command, hearing from no task it lists,
 * waits out the two-writer bound instead of proving anything.
 */
export async function fleetIdentity(
  env: Record<string, string | undefined>,
  configured: string | undefined,
  options: MetadataReadOptions = {},
): Promise<FleetIdentity> {
  const metadataUri = env[ECS_METADATA_VARIABLE]?.trim();
  if (!metadataUri) return configured ? { instance: configured } : {};
  try {
    return { instance: await ecsTaskArn(metadataUri, options) };
  } catch (error) {
    const fallback = configured ?? "the host name";
    return { ...(configured ? { instance: configured } : {}), problem: `${error instanceof Error ? error.message : String(error)}: reporting ${fallback} instead of the task ARN` };
  }
}
