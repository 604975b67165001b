/**
 * How long each AWS FIS action holds its fault, from the parameter the FIS actions reference gives
 * it (AWS FIS User Guide, "AWS FIS Actions reference",
 * https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html): most actions take
 * `duration` (one minute to 12 hours, an ISO 8601 string such as PT1M); aws:ec2:stop-instances
 * restarts the instances after `startInstancesAfterDuration` (optional there: without it they stay
 * stopped); spot interruptions wait `durationBeforeInterruption`; automation and Kubernetes custom
 * resources are bounded by `maxDuration`. Actions with no such parameter are one API call (a
 * failover, a reboot, a stop or terminate) whose effect does not last beyond it.
 */

/** The parameter bounding an action, or "instant" for a single call. */
export type DurationParameter = "duration" | "startInstancesAfterDuration" | "durationBeforeInterruption" | "maxDuration" | "instant";

export const FIS_ACTION_DURATION: Readonly<Record<string, DurationParameter>> = {
  "aws:arc:start-zonal-autoshift": "duration",
  "aws:cloudwatch:assert-alarm-state": "instant",
  "aws:directconnect:virtual-interface-disconnect": "duration",
  "aws:dsql:cluster-connection-failure": "duration",
  "aws:dynamodb:global-table-pause-replication": "duration",
  "aws:ebs:pause-volume-io": "duration",
  "aws:ebs:volume-io-latency": "duration",
  "aws:ec2:api-insufficient-instance-capacity-error": "duration",
  "aws:ec2:asg-insufficient-instance-capacity-error": "duration",
  "aws:ec2:reboot-instances": "instant",
  "aws:ec2:send-spot-instance-interruptions": "durationBeforeInterruption",
  "aws:ec2:stop-instances": "startInstancesAfterDuration",
  "aws:ec2:terminate-instances": "instant",
  "aws:ecs:drain-container-instances": "duration",
  "aws:ecs:stop-task": "instant",
  "aws:ecs:task-cpu-stress": "duration",
  "aws:ecs:task-io-stress": "duration",
  "aws:ecs:task-kill-process": "instant",
  "aws:ecs:task-network-blackhole-port": "duration",
  "aws:ecs:task-network-latency": "duration",
  "aws:ecs:task-network-packet-loss": "duration",
  "aws:eks:inject-kubernetes-custom-resource": "maxDuration",
  "aws:eks:pod-cpu-stress": "duration",
  "aws:eks:pod-delete": "instant",
  "aws:eks:pod-io-stress": "duration",
  "aws:eks:pod-memory-stress": "duration",
  "aws:eks:pod-network-blackhole-port": "duration",
  "aws:eks:pod-network-latency": "duration",
  "aws:eks:pod-network-packet-loss": "duration",
  "aws:eks:terminate-nodegroup-instances": "instant",
  // The reference's current name; `aws fis list-actions` still lists the older interrupt-cluster-az-power.
  "aws:elasticache:replicationgroup-interrupt-az-power": "duration",
  "aws:elasticache:interrupt-cluster-az-power": "duration",
  "aws:fis:inject-api-internal-error": "duration",
  "aws:fis:inject-api-throttle-error": "duration",
  "aws:fis:inject-api-unavailable-error": "duration",
  "aws:fis:wait": "duration",
  "aws:kinesis:stream-expired-iterator-exception": "duration",
  "aws:kinesis:stream-provisioned-throughput-exception": "duration",
  "aws:lambda:invocation-add-delay": "duration",
  "aws:lambda:invocation-error": "duration",
  "aws:lambda:invocation-http-integration-response": "duration",
  "aws:memorydb:multi-region-cluster-pause-replication": "duration",
  "aws:network:disrupt-connectivity": "duration",
  "aws:network:disrupt-vpc-endpoint": "duration",
  "aws:network:route-table-disrupt-cross-region-connectivity": "duration",
  "aws:network:transit-gateway-disrupt-cross-region-connectivity": "duration",
  "aws:rds:failover-db-cluster": "instant",
  "aws:rds:reboot-db-instances": "instant",
  "aws:s3:bucket-pause-replication": "duration",
  "aws:ssm:send-command": "duration",
  "aws:ssm:start-automation-execution": "maxDuration",
};

/**
 * Seconds of an ISO 8601 duration as FIS takes it (`PT30M`, `PT1H30M`, `PT90S`, `P1D`); undefined
 * for anything else, including weeks, months and years, which FIS's 12-hour limit never needs.
 */
export function isoDurationSeconds(value: string): number | undefined {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value);
  if (!match || value === "P" || value.endsWith("T")) {
    return undefined;
  }
  const [, days, hours, minutes, seconds] = match;
  return Number(days ?? 0) * 86400 + Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0);
}

/** "30 min", "1 h 30 min", "45 s": a duration for messages and the plan. */
export function describeSeconds(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  const parts = [h > 0 ? `${h} h` : "", m > 0 ? `${m} min` : "", s > 0 ? `${s} s` : ""].filter((p) => p !== "");
  return parts.length > 0 ? parts.join(" ") : "0 s";
}

/**
 * When each action ends, in seconds from the experiment's start: an action starts when every action
 * of its startAfter list has ended (at 0 without one) and lasts its own duration (0 for an instant
 * one or one whose duration is not known). A startAfter cycle, which FIS refuses, ends at Infinity.
 */
export function actionEndTimes(actions: readonly { name: string; startAfter: readonly string[]; seconds: number }[]): Map<string, number> {
  const byName = new Map(actions.map((a) => [a.name, a]));
  const ends = new Map<string, number>();
  const visiting = new Set<string>();
  const endOf = (name: string): number => {
    const known = ends.get(name);
    if (known !== undefined) {
      return known;
    }
    const action = byName.get(name);
    if (!action || visiting.has(name)) {
      return action ? Infinity : 0;
    }
    visiting.add(name);
    const start = Math.max(0, ...action.startAfter.map(endOf));
    visiting.delete(name);
    const end = start + action.seconds;
    ends.set(name, end);
    return end;
  };
  for (const action of actions) {
    endOf(action.name);
  }
  return ends;
}
