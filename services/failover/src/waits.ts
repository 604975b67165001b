/**
 * The waits a failover is made of: proving no instance of the old region can still admit a write,
 * waiting for a region's instances to report a mode, and for a stream mapping to reach a state.
 */
import { probeTargetOf, type FailoverCloud, type FailoverRegionInfo, type InstanceReport, type MappingState, type ProbeTarget } from "./cloud";
import { errorText, type Settings } from "./failoverModel";

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
 * Probes the old region until every InService instance of its Auto Scaling group has answered
 * read-only at `epoch` or newer (an answer naming the new epoch proves the instance read the fence;
 * `fenced` does not count: a read in flight may still bring back the old value), or until the
 * two-writer bound since `since` has passed. The group is listed again each round, so an instance
 * that enters service during the wait must answer too.
 */
export async function proveStoppedWriting(
  cloud: FailoverCloud,
  region: string,
  info: FailoverRegionInfo,
  epoch: number,
  since: number,
  o: Settings,
): Promise<{ proved: boolean; detail: string }> {
  const deadline = since + o.fenceWaitMs;
  const group = info.autoScalingGroupName;
  const target = probeTargetOf(info);
  const answered = new Set<string>();
  let inService: string[] | undefined;
  let groupProblem = group ? "" : `the region-info parameter names no Auto Scaling group, so no answer can prove every instance`;
  let lastProblem = "";
  const missing = () => (inService ?? []).filter((id) => ![...answered].some((reported) => namesInstance(reported, id)));
  do {
    if (group && !groupProblem) {
      try {
        inService = await cloud.listInServiceInstances(region, group);
      } catch (error) {
        // Without the list nothing can be proved; the bound still holds, so say why and wait it out.
        groupProblem = `could not list ${group}'s instances (${errorText(error)})`;
        inService = undefined;
      }
    }
    if (inService && missing().length === 0) {
      return {
        proved: true,
        detail: inService.length
          ? `every InService instance of ${group} answered read-only at epoch >= ${epoch} (${inService.join(", ")})`
          : `${group} has no InService instance`,
      };
    }
    const rounds = Math.max(o.probesRequired, 2 * (inService?.length ?? 0));
    for (let i = 0; i < rounds && cloud.now() < deadline; i++) {
      try {
        const report = await cloud.probeInstance(target);
        if (report.mode === "read-only" && report.epoch !== undefined && report.epoch >= epoch) answered.add(report.instance);
        else lastProblem = `${report.instance} answered ${report.mode}${report.epoch !== undefined ? ` at epoch ${report.epoch}` : ""}`;
      } catch (error) {
        lastProblem = errorText(error);
      }
      if (inService && missing().length === 0) break;
    }
    if (inService && missing().length === 0) continue;
    if (cloud.now() < deadline) await cloud.sleep(Math.min(o.probeIntervalMs, Math.max(0, deadline - cloud.now())));
  } while (cloud.now() < deadline);
  const heard = answered.size ? `read-only answers from ${[...answered].join(", ")}` : "no read-only answer at the new epoch";
  const why = groupProblem || (inService ? `no read-only answer from ${missing().join(", ")} (InService in ${group})` : "");
  return { proved: false, detail: `not proved: ${why}; ${heard}${lastProblem ? `; last: ${lastProblem}` : ""}` };
}

/** Probes until `probesRequired` answers in a row satisfy `wanted`, or the wait times out. */
export async function waitForModes(
  cloud: FailoverCloud,
  endpoint: ProbeTarget,
  wanted: (mode: InstanceReport["mode"]) => boolean,
  o: Settings,
): Promise<{ confirmed: boolean; detail: string }> {
  const started = cloud.now();
  let streak = 0;
  const instances = new Set<string>();
  let lastProblem = "";
  while (cloud.now() - started <= o.waitTimeoutMs) {
    try {
      const report = await cloud.probeInstance(endpoint);
      if (wanted(report.mode)) {
        streak++;
        instances.add(report.instance);
        if (streak >= o.probesRequired) {
          return { confirmed: true, detail: `${streak} answers in a row from ${instances.size} instance(s) (${[...instances].join(", ")})` };
        }
        continue;
      }
      lastProblem = `${report.instance} still ${report.mode}`;
    } catch (error) {
      lastProblem = errorText(error);
    }
    streak = 0;
    instances.clear();
    await cloud.sleep(o.probeIntervalMs);
  }
  return { confirmed: false, detail: `not confirmed within ${o.waitTimeoutMs} ms (last: ${lastProblem || "no answer"})` };
}

export async function waitForMapping(cloud: FailoverCloud, region: string, uuid: string, wanted: MappingState, o: Settings): Promise<boolean> {
  const started = cloud.now();
  while (cloud.now() - started <= o.waitTimeoutMs) {
    if ((await cloud.getMappingState(region, uuid)) === wanted) return true;
    await cloud.sleep(o.probeIntervalMs);
  }
  return false;
}

