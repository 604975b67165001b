/**
 * The failover: moves an environment's write region to `to`, step by step, each step first reading
 * the state it would change and doing nothing when it is already so. A run interrupted anywhere is
 * finished by running the same command again; failing back is the same command with the other region.
 *
 * Order (why): fence the old region first (its flag names the target, so its instances stop
 * admitting writes), wait until they have, stop its stream consumer, wait for in-flight writes and
 * replication to land in the target, only then flip the target's flag and start its consumer, point
 * DNS at it, and wait until its instances report write mode; last, move the reference database's
 * writer (Aurora Global Database) to the target. At no point do two regions' flags name themselves,
 * and the two consumers never run at once (from this command's side).
 *
 * Why the database moves last: the order path never waits on Aurora (each region's service and
 * syncer read their own region's reader, which a secondary has; the refdata CLI writes through the
 * global writer endpoint, which follows the writer), so trading in the target needs nothing of it,
 * while a switchover takes minutes and a global failover's recovery time is "in the order of
 * minutes" (Amazon Aurora User Guide, "Using switchover or failover in Amazon Aurora Global
 * Database"). Moving it first would keep the old region writing orders, or every region read-only,
 * for those minutes; moving it after the flip costs only reference-data writes for that time.
 */
import { formatWriteRegionFlag, type WriteRegionFlagValue } from "../../trading-api/src/contract";
import { isNoResponse, probeTargetOf, type FailoverCloud, type HealthCheckState } from "./cloud";
import { STREAM_RETENTION_SECONDS } from "../../stream-processor/src/filter";
import { describeBound } from "./bounds";
import { BOUND, DEFAULTS, errorText, FailoverRefused, type FailoverOptions, type FailoverReport, type Outcome, type RegionState, type StepReport } from "./failoverModel";
import { fleetOf } from "./fleetMembers";
import { describeRegion, readRegion } from "./regionState";
import { moveReferenceDatabase } from "./referenceDatabase";
import { proveStoppedWriting, waitForMapping, waitForModes } from "./waits";

export { FailoverRefused, type FailoverOptions, type FailoverReport, type Outcome, type RegionState, type StepReport } from "./failoverModel";
export { describeRegion, readRegion } from "./regionState";
export { namesInstance, namesTask } from "./waits";

/** Runs (or, with dryRun, plans) the failover, printing each line through `out`. */
export async function runFailover(cloud: FailoverCloud, options: FailoverOptions, out: (line: string) => void): Promise<FailoverReport> {
  const o = { ...DEFAULTS, ...options };
  const target = o.to;
  if (!o.regions.includes(target)) {
    throw new FailoverRefused(`${target} is not a region of ${cloud.environment} (${o.regions.join(", ")})`);
  }
  const others = o.regions.filter((r) => r !== target);
  const steps: StepReport[] = [];
  const apply = !o.dryRun;
  const record = (step: string, outcome: Outcome, detail: string) => {
    steps.push({ step, outcome, detail });
    const mark = { done: "done", already: "already so", "best-effort": "BEST EFFORT", planned: "would", "not-confirmed": "NOT CONFIRMED", "not-configured": "n/a" }[outcome];
    out(`  [${mark}] ${step}: ${detail}`);
  };

  // 1. The state of every region, before anything changes.
  out(`Failover of ${cloud.environment} to ${target}${o.dryRun ? " (dry run: nothing is changed)" : ""}`);
  out("Current state:");
  const states: RegionState[] = [];
  for (const region of o.regions) {
    const state = await readRegion(cloud, region, o.probesRequired);
    states.push(state);
    out(`  ${describeRegion(state, target)}`);
  }
  const targetState = states.find((s) => s.region === target) as RegionState;
  if (targetState.unreachable || !targetState.info) {
    throw new FailoverRefused(`the target region ${target} is unreachable (${targetState.unreachable}); a region that cannot be reached cannot take the writes`);
  }
  const targetInfo = targetState.info;
  const claimants = states.filter((s) => s.flag?.writeRegion === s.region).map((s) => s.region);
  if (claimants.length > 1) out(`  WARNING: ${claimants.join(" and ")} both name themselves: fencing every region but ${target} first`);

  // The epoch this failover writes: one above every flag it can read, unless a flag already names
  // the target at the highest epoch (this failover, interrupted earlier): then that one, so a
  // resumed run writes the same values again.
  const epochs = states.flatMap((s) => (s.flag ? [s.flag.epoch] : []));
  const highest = Math.max(0, ...epochs);
  const resuming = states.some((s) => s.flag?.writeRegion === target && s.flag.epoch === highest && epochs.length > 0);
  const wanted: WriteRegionFlagValue = { writeRegion: target, epoch: resuming ? highest : highest + 1 };
  const wantedText = formatWriteRegionFlag(wanted);
  const isWanted = (flag: WriteRegionFlagValue | undefined) => flag?.writeRegion === wanted.writeRegion && flag.epoch === wanted.epoch;

  // 2. Replication lag from each old region into the target: the data the target would not have yet.
  out(o.dryRun ? "Plan:" : "Steps:");
  let worstLagMs = 0;
  const lagProblems: string[] = [];
  for (const state of states.filter((s) => s.region !== target)) {
    if (state.unreachable || !state.info) {
      lagProblems.push(`${state.region} unreachable: its ReplicationLatency to ${target} is unknown`);
      continue;
    }
    const lag = await cloud.replicationLagMs(state.region, target, state.info.tableName, o.lagWindowMinutes);
    state.lagToTargetMs = lag;
    if (lag === undefined) {
      out(`  ${state.region} -> ${target}: no ReplicationLatency data in the last ${o.lagWindowMinutes} min (nothing replicated); taken as 0`);
      continue;
    }
    worstLagMs = Math.max(worstLagMs, lag);
    if (lag > o.maxLagMs) lagProblems.push(`${state.region} -> ${target} ReplicationLatency is ${lag} ms, above ${o.maxLagMs} ms`);
  }
  if (lagProblems.length > 0 && !o.force) {
    throw new FailoverRefused(`${lagProblems.join("; ")}. Writes not yet replicated would be missing in ${target}. Re-run with --force to accept that.`);
  }
  record("check replication lag", "done", lagProblems.length > 0 ? `forced past: ${lagProblems.join("; ")}` : `worst ${worstLagMs} ms, threshold ${o.maxLagMs} ms`);

  // 3. Fence the old regions first: their flag names the target, so their instances stop admitting writes.
  const fenced = new Set<string>();
  /** When each old region's flag was seen naming the target: the two-writer bound counts from there. */
  const fencedAt = new Map<string, number>();
  for (const state of states.filter((s) => s.region !== target)) {
    const step = `fence ${state.region} (its flag -> ${target})`;
    if (isWanted(state.flag)) {
      fenced.add(state.region);
      // Written by an earlier run at an unknown time: counted from now, which is later (safe).
      fencedAt.set(state.region, cloud.now());
      record(step, "already", `flag already names ${target} (epoch ${wanted.epoch})`);
      continue;
    }
    if (!apply) {
      record(
        step,
        state.unreachable ? "best-effort" : "planned",
        state.unreachable
          ? `cannot reach ${state.region} now; would try, then wait ${o.fenceWaitMs} ms`
          : `set ${state.region}'s flag from ${state.flag?.writeRegion} (epoch ${state.flag?.epoch}) to ${target} (epoch ${wanted.epoch})`,
      );
      continue;
    }
    try {
      await cloud.putFlag(state.region, wantedText);
      fenced.add(state.region);
      fencedAt.set(state.region, cloud.now());
      record(step, "done", `${state.region}'s flag now names ${target} (epoch ${wanted.epoch})`);
    } catch (error) {
      if (!isNoResponse(error)) throw error;
      record(
        step,
        "best-effort",
        `could not write ${state.region}'s flag (${errorText(error)}). Its instances stop writing by themselves when they cannot read their flag either (within the fence bound), and as soon as they can read ${target}'s newer flag (epoch ${wanted.epoch}); cut off from both while clients still reach them, they keep writing. Re-run this command as soon as ${state.region} answers`,
      );
    }
  }

  // 4. Wait until no instance of the old regions can still admit a write: proved by every member of
  // the region's fleet (the InService instances of its Auto Scaling group, or the running tasks of
  // its ECS service) answering read-only under the new epoch (then the writes they admitted before
  // have a longest-write to finish), or else the full two-writer bound
  // after the fence. Answers in a row are no proof: the load balancer may never route a probe to
  // the one instance that cannot read its flag and keeps writing until its own fence bound.
  for (const region of others) {
    const state = states.find((s) => s.region === region) as RegionState;
    const step = `wait until ${region} stops writing`;
    const fleet = state.info ? fleetOf(cloud, region, state.info) : undefined;
    if (isWanted(targetState.flag)) {
      // An earlier run flipped the target already: waiting now would protect nothing.
      record(step, "already", `${target} already accepts writes (epoch ${wanted.epoch})`);
      continue;
    }
    if (!apply) {
      record(
        step,
        "planned",
        fenced.has(region) || !state.unreachable
          ? `until every ${fleet ? `${fleet.member} of ${fleet.described}` : `InService instance of ${region}'s fleet (neither its Auto Scaling group nor its ECS service is in the region-info parameter, so: the bound)`} answers read-only at epoch ${wanted.epoch}, then ${o.inFlightMs} ms for writes in flight; at most the two-writer bound ${o.fenceWaitMs} ms after the fence (${describeBound(BOUND)} by the service's defaults)`
          : `wait the two-writer bound ${o.fenceWaitMs} ms`,
      );
      continue;
    }
    if (fenced.has(region) && state.info) {
      const since = fencedAt.get(region) ?? cloud.now();
      const seen = await proveStoppedWriting(cloud, region, state.info, wanted.epoch, since, o);
      if (seen.proved) {
        const wait = Math.max(0, Math.min(o.inFlightMs, since + o.fenceWaitMs - cloud.now()));
        record(step, "done", `${seen.detail}; then ${wait} ms for writes admitted before`);
        await cloud.sleep(wait);
        continue;
      }
      const rest = Math.max(0, since + o.fenceWaitMs - cloud.now());
      await cloud.sleep(rest);
      record(step, "done", `${seen.detail}; waited the two-writer bound: ${o.fenceWaitMs} ms after the fence, by when every instance has stopped writing by itself`);
    } else {
      record(step, "best-effort", `waiting the two-writer bound ${o.fenceWaitMs} ms: instances that cannot read their flag have fenced themselves by then`);
      await cloud.sleep(o.fenceWaitMs);
    }
  }

  // 5. Stop the old regions' stream consumers before the target's starts.
  /** When this run saw the last old consumer reach Disabled (a batch it had begun may still run). */
  let consumerStoppedAt: number | undefined;
  for (const state of states.filter((s) => s.region !== target)) {
    const step = `stop the stream consumer in ${state.region}`;
    const uuid = state.info?.streamConsumer.mappingUuid;
    if (!uuid || state.unreachable) {
      record(step, "best-effort", `${state.region} unreachable: its consumer may still be running; positions written there after the lag window must be checked when it is back`);
      continue;
    }
    try {
      const now = await cloud.getMappingState(state.region, uuid);
      if (now === "Disabled") {
        record(step, "already", "mapping disabled");
        // Disabled by an earlier run at an unknown time: counted from now, which is later (safe).
        consumerStoppedAt = Math.max(consumerStoppedAt ?? 0, cloud.now());
        continue;
      }
      if (!apply) {
        record(step, "planned", `disable mapping ${uuid} (now ${now}) and wait until it is Disabled`);
        continue;
      }
      await cloud.setMappingEnabled(state.region, uuid, false);
      const reached = await waitForMapping(cloud, state.region, uuid, "Disabled", o);
      consumerStoppedAt = Math.max(consumerStoppedAt ?? 0, cloud.now());
      record(step, reached ? "done" : "not-confirmed", reached ? `mapping ${uuid} disabled` : `mapping ${uuid} not Disabled after ${o.waitTimeoutMs} ms`);
      if (!reached) throw new FailoverRefused(`the stream consumer in ${state.region} did not stop; not starting ${target}'s (two consumers would race on positions). Re-run to retry.`);
    } catch (error) {
      if (!isNoResponse(error)) throw error;
      record(step, "best-effort", `${errorText(error)}: its consumer may still be running`);
    }
  }

  // 6. Let writes in flight and replication land in the target (skipped once the target writes).
  const flipped = isWanted(targetState.flag);
  const drainMs = worstLagMs + o.inFlightMs;
  if (flipped) record("wait for replication into the target", "already", `${target} already accepts writes`);
  else if (!apply) record("wait for replication into the target", "planned", `${drainMs} ms (worst lag ${worstLagMs} ms + ${o.inFlightMs} ms)`);
  else {
    await cloud.sleep(drainMs);
    record("wait for replication into the target", "done", `waited ${drainMs} ms (worst lag ${worstLagMs} ms + ${o.inFlightMs} ms)`);
  }

  // 7. Flip the target's flag.
  if (flipped) record(`flip ${target}'s flag`, "already", `names ${target} (epoch ${wanted.epoch})`);
  else if (!apply) record(`flip ${target}'s flag`, "planned", `set from ${targetState.flag?.writeRegion} (epoch ${targetState.flag?.epoch}) to ${target} (epoch ${wanted.epoch})`);
  else {
    await cloud.putFlag(target, wantedText);
    record(`flip ${target}'s flag`, "done", `${target}'s flag now names ${target} (epoch ${wanted.epoch})`);
  }

  // 8. Start the target's stream consumer. It starts where its stream begins (TRIM_HORIZON, up to
  // 24 h back, when it never polled; where it stopped, after a failback): every fill the old consumer
  // did not apply is there, and those it did are no-ops (their markers replicated). A mapping that
  // discards records younger than the stream's retention would send the older ones to its
  // on-failure queue by itself (STREAM_MAPPING in services/stream-processor/src/filter.ts): say so.
  const targetMapping = await cloud.getMappingState(target, targetInfo.streamConsumer.mappingUuid);
  if (targetMapping !== "Enabled") {
    const age = await cloud.getMappingRecordAgeSeconds(target, targetInfo.streamConsumer.mappingUuid);
    if (age !== undefined && age !== -1 && age < STREAM_RETENTION_SECONDS) {
      out(
        `  WARNING: ${target}'s stream mapping discards records older than ${age} s (MaximumRecordAgeInSeconds) but reads its stream from up to ${STREAM_RETENTION_SECONDS} s back: ` +
          `expect on-failure queue messages (condition RecordAgeExceeded) for records older than ${age} s. Fills among them were applied by the old region's consumer when they are older than its lag; ` +
          `set dynamoStreamMaxRecordAgeSeconds to ${STREAM_RETENTION_SECONDS} and run pulumi up to stop this.`,
      );
    }
  }
  if (targetMapping === "Enabled") record(`start the stream consumer in ${target}`, "already", "mapping enabled");
  else if (!apply) record(`start the stream consumer in ${target}`, "planned", `enable mapping ${targetInfo.streamConsumer.mappingUuid} (now ${targetMapping}) once ${o.consumerDrainMs} ms + the lag have passed since the old consumer stopped`);
  else {
    // A batch the old consumer had begun may still write positions and markers after its mapping
    // is Disabled (up to the function's timeout), and those must replicate before the target
    // replays the same fills, or the target would apply them a second time.
    const drainUntil = (consumerStoppedAt ?? cloud.now()) + o.consumerDrainMs + worstLagMs;
    const rest = Math.max(0, drainUntil - cloud.now());
    if (rest > 0) {
      out(`  waiting ${rest} ms before starting ${target}'s consumer: a batch the old one had begun ends within ${o.consumerDrainMs} ms, then replicates (${worstLagMs} ms)`);
      await cloud.sleep(rest);
    }
    await cloud.setMappingEnabled(target, targetInfo.streamConsumer.mappingUuid, true);
    const reached = await waitForMapping(cloud, target, targetInfo.streamConsumer.mappingUuid, "Enabled", o);
    record(`start the stream consumer in ${target}`, reached ? "done" : "not-confirmed", `mapping ${targetInfo.streamConsumer.mappingUuid} ${reached ? "enabled" : `not Enabled after ${o.waitTimeoutMs} ms`}`);
  }

  // 9. DNS: the PRIMARY record's health check is forced unhealthy exactly while the write region is
  // elsewhere. The records are read from Route 53 itself (global), so a region that is down does
  // not hide its record.
  const dnsConfig = [targetInfo, ...states.map((st) => st.info)].find((info) => info?.dns)?.dns;
  if (!dnsConfig) record("point DNS at the target", "not-configured", "no DNS failover records in this environment");
  else {
    try {
      const records = await cloud.listFailoverRecords(dnsConfig.hostedZoneId, dnsConfig.domainName);
      if (records.length === 0) record("point DNS at the target", "not-configured", `no failover records of ${dnsConfig.domainName}`);
      for (const dnsRecord of records) {
        const force = dnsRecord.failoverRole === "PRIMARY" && dnsRecord.region !== target;
        const wanted: HealthCheckState = { disabled: force, inverted: force };
        const step = `DNS: ${dnsRecord.region}'s ${dnsRecord.failoverRole} health check ${force ? "forced unhealthy" : "normal"}`;
        if (!dnsRecord.healthCheckId) {
          record(step, "not-configured", "the record has no health check");
          continue;
        }
        const current = await cloud.getHealthCheck(dnsRecord.healthCheckId);
        if (current.disabled === wanted.disabled && current.inverted === wanted.inverted) record(step, "already", `health check ${dnsRecord.healthCheckId}`);
        else if (!apply) record(step, "planned", `update health check ${dnsRecord.healthCheckId} to Disabled=${wanted.disabled}, Inverted=${wanted.inverted}`);
        else {
          await cloud.setHealthCheck(dnsRecord.healthCheckId, wanted);
          record(step, "done", `health check ${dnsRecord.healthCheckId}: Disabled=${wanted.disabled}, Inverted=${wanted.inverted}`);
        }
      }
    } catch (error) {
      if (!isNoResponse(error)) throw error;
      record(
        "point DNS at the target",
        "best-effort",
        apply
          ? `Route 53 did not answer (${errorText(error)}); DNS still follows health only. Re-run when it answers`
          : `Route 53 did not answer (${errorText(error)}); the DNS steps cannot be planned now`,
      );
    }
  }

  // 10. Wait until the target's instances report write mode.
  let exitCode: 0 | 2 = 0;
  if (!apply) record(`wait until ${target}'s instances report write mode`, "planned", `${o.probesRequired} answers in a row from ${targetInfo.apiEndpoint}`);
  else {
    const seen = await waitForModes(cloud, probeTargetOf(targetInfo), (m) => m === "write", o);
    record(`wait until ${target}'s instances report write mode`, seen.confirmed ? "done" : "not-confirmed", seen.detail);
    if (!seen.confirmed) exitCode = 2;
  }

  // 11. The reference database's writer follows the write region (after the flip: see the top).
  const database = await moveReferenceDatabase(cloud, states, target, targetInfo, o, apply, record, out);
  if (database === "not-confirmed") exitCode = 2;

  const bestEffort = steps.filter((s) => s.outcome === "best-effort");
  out(
    o.dryRun
      ? `Dry run: ${steps.filter((s) => s.outcome === "planned").length} step(s) planned, nothing changed; run without --dry-run to do them.`
      : exitCode === 0
        ? `${target} is the write region of ${cloud.environment}.${bestEffort.length ? ` ${bestEffort.length} step(s) were best effort: re-run this command when every region answers.` : ""}`
        : database === "not-confirmed"
          ? `${target} accepts writes, but the reference database's writer had not reached it in time: re-run this command to wait again (it starts no second switchover).`
          : `${target}'s flag names it, but its instances did not all confirm write mode: re-run this command to check again.`,
  );
  return { exitCode, steps, states };
}
