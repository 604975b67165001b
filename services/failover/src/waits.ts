/**
 * The waits a failover is made of: proving no member of the old region's fleet can still admit a write,
 * waiting for a region's instances to report a mode, and for a stream mapping to reach a state.
 */
import { explainError } from "../../cli/explain";
import { probeTargetOf, type FailoverCloud, type FailoverRegionInfo, type InstanceReport, type MappingState, type ProbeTarget } from "./cloud";
import { errorText, type Settings } from "./failoverModel";
import { fleetOf } from "./fleetMembers";

export { namesInstance, namesTask } from "./fleetMembers";

/**
 * Probes the old region until every member of its fleet (the InService instances of its Auto
 * Scaling group, or the running tasks of its ECS service: fleetMembers.ts) has answered read-only at
 * `epoch` or newer (an answer naming the new epoch proves the member read the fence; `fenced` does
 * not count: a read in flight may still bring back the old value), or until the two-writer bound
 * since `since` has passed. The members are listed again each round, so one that starts serving
 * during the wait must answer too.
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
  const fleet = fleetOf(cloud, region, info);
  const target = probeTargetOf(info);
  const answered = new Set<string>();
  let members: string[] | undefined;
  let fleetProblem = fleet ? "" : `the region-info parameter names no Auto Scaling group and no ECS service, so no answer can prove every instance`;
  let lastProblem = "";
  const missing = () => (members ?? []).filter((id) => ![...answered].some((reported) => fleet?.names(reported, id)));
  do {
    if (fleet && !fleetProblem) {
      try {
        members = await fleet.list();
      } catch (error) {
        // Without the list nothing can be proved; the bound still holds, so say why and wait it out.
        // explainError: the line names the call and region that failed (and, denied, the action the identity needs).
        fleetProblem = `could not list ${fleet.label}'s ${fleet.plural} (${explainError(error).replace(/\n/g, ". ")})`;
        members = undefined;
      }
    }
    if (fleet && members && missing().length === 0) {
      return {
        proved: true,
        detail: members.length
          ? `every ${fleet.member} of ${fleet.label} answered read-only at epoch >= ${epoch} (${members.join(", ")})`
          : `${fleet.label} has no ${fleet.member}`,
      };
    }
    const rounds = Math.max(o.probesRequired, 2 * (members?.length ?? 0));
    for (let i = 0; i < rounds && cloud.now() < deadline; i++) {
      try {
        const report = await cloud.probeInstance(target);
        if (report.mode === "read-only" && report.epoch !== undefined && report.epoch >= epoch) answered.add(report.instance);
        else lastProblem = `${report.instance} answered ${report.mode}${report.epoch !== undefined ? ` at epoch ${report.epoch}` : ""}`;
      } catch (error) {
        lastProblem = errorText(error);
      }
      if (members && missing().length === 0) break;
    }
    if (members && missing().length === 0) continue;
    if (cloud.now() < deadline) await cloud.sleep(Math.min(o.probeIntervalMs, Math.max(0, deadline - cloud.now())));
  } while (cloud.now() < deadline);
  const heard = answered.size ? `read-only answers from ${[...answered].join(", ")}` : "no read-only answer at the new epoch";
  const why = fleetProblem || (members && fleet ? `no read-only answer from ${missing().join(", ")} (${fleet.state})` : "");
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

