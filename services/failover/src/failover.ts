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
import { formatWriteRegionFlag, parseWriteRegionFlag, type WriteRegionFlagValue } from "../../trading-api/src/contract";
import {
  isNoResponse,
  probeTargetOf,
  type FailoverCloud,
  type GlobalDatabaseState,
  type FailoverRegionInfo,
  type HealthCheckState,
  type InstanceReport,
  type MappingState,
  type ProbeTarget,
} from "./cloud";
import { STREAM_BATCH_TIMEOUT_SECONDS, STREAM_RETENTION_SECONDS } from "../../stream-processor/src/filter";
import { describeBound, twoWriterBound } from "./bounds";

export interface FailoverOptions {
  /** Every region of the environment (the target included). */
  regions: string[];
  /** The region that is to accept writes. */
  to: string;
  /** Print the state and the plan of steps, change nothing. */
  dryRun?: boolean;
  /** Go on although the replication lag is above the threshold or unknown. */
  force?: boolean;
  /** Highest acceptable ReplicationLatency from an old region to the target, ms. Default 5000. */
  maxLagMs?: number;
  /** Window the lag is read over, minutes. Default 5. */
  lagWindowMinutes?: number;
  /**
   * The two-writer bound: after the fence, no instance of the old region admits or runs a write
   * later than this (bounds.ts). The command flips the target earlier only when every InService
   * instance of the old region has answered read-only. Default, from the service's defaults:
   * 15 s fence bound + 5 s poll + 5 s longest write = 25 s.
   */
  fenceWaitMs?: number;
  /** Longest a write admitted before an instance answered read-only may still run. Default 5 s (bounds.ts). */
  inFlightMs?: number;
  /**
   * After an old consumer is Disabled, how long a batch it had started may still write positions and
   * markers: the target's consumer starts no earlier than this plus the replication lag. Default the
   * processor's timeout, 60 s (STREAM_BATCH_TIMEOUT_SECONDS). Trading is not held up by it: the flip
   * comes first.
   */
  consumerDrainMs?: number;
  /** Consecutive answers in the expected mode that confirm a region's instances. Default 6. */
  probesRequired?: number;
  probeIntervalMs?: number;
  /** Longest wait for instances to change mode, and for a mapping to change state. Default 120 s. */
  waitTimeoutMs?: number;
  /**
   * Longest wait for the reference database's switchover or failover (and for one already in
   * progress). Default 15 min: AWS gives minutes for both (Aurora User Guide: a switchover's
   * databases are "unavailable for a short time", a failover's RTO "can be in the order of minutes").
   */
  databaseWaitMs?: number;
  /** How often the global cluster is described while its writer moves. Default 10 s. */
  databasePollMs?: number;
}

export type Outcome = "done" | "already" | "best-effort" | "planned" | "not-confirmed" | "not-configured";

export interface StepReport {
  step: string;
  outcome: Outcome;
  detail: string;
}

export interface FailoverReport {
  /** 0 done; 1 refused or failed; 2 done, but the target's instances did not confirm write mode in time. */
  exitCode: 0 | 1 | 2;
  steps: StepReport[];
  states: RegionState[];
}

/** What the command knows of a region before it changes anything. */
export interface RegionState {
  region: string;
  unreachable?: string;
  info?: FailoverRegionInfo;
  flag?: WriteRegionFlagValue;
  mapping?: MappingState;
  healthCheck?: HealthCheckState;
  instances?: InstanceReport[];
  lagToTargetMs?: number;
}

export class FailoverRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FailoverRefused";
  }
}

const BOUND = twoWriterBound();

const DEFAULTS = {
  maxLagMs: 5000,
  lagWindowMinutes: 5,
  fenceWaitMs: BOUND.totalMs,
  inFlightMs: BOUND.longestWriteMs,
  consumerDrainMs: STREAM_BATCH_TIMEOUT_SECONDS * 1000,
  probesRequired: 6,
  probeIntervalMs: 1000,
  waitTimeoutMs: 120_000,
  databaseWaitMs: 900_000,
  databasePollMs: 10_000,
};

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Reads a region: what is unreachable is recorded, not thrown. */
export async function readRegion(cloud: FailoverCloud, region: string, probes: number): Promise<RegionState> {
  const state: RegionState = { region };
  try {
    state.info = await cloud.getRegionInfo(region);
    state.flag = parseWriteRegionFlag(await cloud.getFlag(region));
    state.mapping = await cloud.getMappingState(region, state.info.streamConsumer.mappingUuid);
  } catch (error) {
    if (!isNoResponse(error)) throw error;
    state.unreachable = errorText(error);
    return state;
  }
  if (state.info.dns) {
    try {
      state.healthCheck = await cloud.getHealthCheck(state.info.dns.healthCheckId);
    } catch (error) {
      if (!isNoResponse(error)) throw error;
    }
  }
  state.instances = [];
  for (let i = 0; i < probes; i++) {
    try {
      state.instances.push(await cloud.probeInstance(probeTargetOf(state.info)));
    } catch {
      break; // the API not answering is part of the picture, not a failure of the command
    }
  }
  return state;
}

export function describeRegion(state: RegionState, target: string): string {
  if (state.unreachable) return `${state.region}: UNREACHABLE (${state.unreachable})`;
  const modes = summariseModes(state.instances ?? []);
  const dns = state.info?.dns
    ? `, DNS ${state.info.dns.failoverRole}${state.healthCheck ? (state.healthCheck.inverted ? " (forced unhealthy)" : " (normal)") : " (health check unreadable)"}`
    : "";
  const claims = state.flag?.writeRegion === state.region ? " [names itself]" : "";
  const flag = state.flag ? `${state.flag.writeRegion} (epoch ${state.flag.epoch})` : "unreadable";
  return `${state.region}${state.region === target ? " (target)" : ""}: flag=${flag}${claims}, stream consumer ${state.mapping}${dns}, instances: ${modes || "no answer from the API"}`;
}

function summariseModes(reports: InstanceReport[]): string {
  const latest = new Map<string, string>();
  for (const r of reports) latest.set(r.instance, r.mode);
  const counts = new Map<string, number>();
  for (const mode of latest.values()) counts.set(mode, (counts.get(mode) ?? 0) + 1);
  return [...counts].map(([mode, n]) => `${n} ${mode}`).join(", ");
}

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

  // 4. Wait until no instance of the old regions can still admit a write: proved by every InService
  // instance of the region's Auto Scaling group answering read-only under the new epoch (then the
  // writes they admitted before have a longest-write to finish), or else the full two-writer bound
  // after the fence. Answers in a row are no proof: the load balancer may never route a probe to
  // the one instance that cannot read its flag and keeps writing until its own fence bound.
  for (const region of others) {
    const state = states.find((s) => s.region === region) as RegionState;
    const step = `wait until ${region} stops writing`;
    const group = state.info?.autoScalingGroupName;
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
          ? `until every InService instance of ${group ? `Auto Scaling group ${group}` : `${region}'s fleet (its Auto Scaling group is not in the region-info parameter, so: the bound)`} answers read-only at epoch ${wanted.epoch}, then ${o.inFlightMs} ms for writes in flight; at most the two-writer bound ${o.fenceWaitMs} ms after the fence (${describeBound(BOUND)} by the service's defaults)`
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

/** The region of an ARN (`arn:aws:rds:<region>:<account>:cluster:<name>`). */
const regionOfArn = (arn: string) => arn.split(":")[3] ?? "";

/** A switchover or failover is scheduled or running (FailoverState present), or the global cluster is otherwise not available. */
const databaseBusy = (db: GlobalDatabaseState) => db.operation !== undefined || db.status !== "available";

function describeDatabase(db: GlobalDatabaseState): string {
  const writer = db.members.find((m) => m.isWriter)?.clusterArn;
  const op = db.operation
    ? `; ${db.operation.dataLossAllowed ? "failover (data loss allowed)" : "switchover"} ${db.operation.status}${db.operation.toClusterArn ? ` to ${db.operation.toClusterArn}` : ""}`
    : "";
  return `global cluster ${db.identifier} ${db.status}, writer ${writer ?? "none"}${op}`;
}

/**
 * Makes the target region's cluster the writer of the reference database's global cluster. The
 * state is read first (DescribeGlobalClusters: which member IsWriter, the Status and FailoverState):
 * nothing is done when the target's cluster already writes; an operation already in progress (this
 * command's, interrupted, or anyone's) is waited for, never started twice; then:
 * - SwitchoverGlobalCluster normally: Aurora synchronises the secondaries with the primary before
 *   it changes roles, so nothing is lost (RPO 0), and the databases are unavailable for a short time
 *   (RDS API Reference, SwitchoverGlobalCluster; Aurora User Guide, "Performing switchovers for
 *   Amazon Aurora global databases"). It needs the old primary's region;
 * - FailoverGlobalCluster with AllowDataLoss only under --force when the old writer's region did not
 *   answer this run: writes not yet replicated are lost, the RPO being the storage replication lag,
 *   "typically measured in seconds" (Aurora User Guide, "Using switchover or failover in Amazon
 *   Aurora Global Database"; replication is typically under a second, "Using Amazon Aurora Global
 *   Database"). Under --force with the old region answering, it is still a switchover.
 * The calls go to the target's region, which must answer anyway.
 */
async function moveReferenceDatabase(
  cloud: FailoverCloud,
  states: RegionState[],
  target: string,
  targetInfo: FailoverRegionInfo,
  o: typeof DEFAULTS & FailoverOptions,
  apply: boolean,
  record: (step: string, outcome: Outcome, detail: string) => void,
  out: (line: string) => void,
): Promise<Outcome> {
  const step = `move the reference database's writer to ${target}`;
  const global = targetInfo.globalDatabase;
  if (!global) {
    record(step, "not-configured", "no Aurora global database in this environment (one regional cluster, as in dev): nothing to move");
    return "not-configured";
  }
  const { globalClusterIdentifier: identifier, clusterArn: targetArn } = global;
  const describe = () => cloud.describeGlobalDatabase(target, identifier);
  let db = await describe();
  const writer = () => db.members.find((m) => m.isWriter)?.clusterArn;
  const holds = () => !databaseBusy(db) && writer() === targetArn;
  if (holds()) {
    record(step, "already", `${targetArn} is the writer of global cluster ${identifier}`);
    return "already";
  }
  if (!db.members.some((m) => m.clusterArn === targetArn)) {
    throw new FailoverRefused(`${targetArn} (${target}'s cluster, from its region-info parameter) is not a member of global cluster ${identifier} (${db.members.map((m) => m.clusterArn).join(", ") || "no members"})`);
  }
  /**
   * Forced, and the old writer's region does not answer (it did not when this run read it, or its
   * SSM does not now: it may have gone down since): a switchover cannot run there, a failover loses
   * its last writes. Anything less is a switchover.
   */
  const method = async (): Promise<"failover" | "switchover"> => {
    const old = writer();
    if (!o.force) return "switchover";
    if (old === undefined) return "failover";
    const region = regionOfArn(old);
    if (states.some((st) => st.region === region && st.unreachable)) return "failover";
    try {
      await cloud.getFlag(region);
      return "switchover";
    } catch (error) {
      if (!isNoResponse(error)) throw error;
      return "failover";
    }
  };
  const how = (m: "failover" | "switchover") =>
    m === "switchover"
      ? "SwitchoverGlobalCluster (planned: the secondaries are synchronised first, RPO 0; minutes)"
      : `FailoverGlobalCluster with AllowDataLoss (${writer() ? `${regionOfArn(String(writer()))} does not answer` : "no writer"}: writes committed there within Aurora's replication lag, typically under a second, are lost)`;
  if (!apply) {
    record(
      step,
      "planned",
      `${databaseBusy(db) ? `wait for ${describeDatabase(db)}, then ` : ""}${how(await method())}: ${identifier}'s writer ${writer() ?? "none"} -> ${targetArn}; wait at most ${o.databaseWaitMs} ms`,
    );
    return "planned";
  }

  /**
   * Waits while an operation runs; false when it still runs after the bound. For our own request,
   * an answer still showing no operation and the old writer may predate it (the API is eventually
   * consistent): the wait goes on until the operation has been seen, or a minute has passed.
   */
  const waitIdle = async (why: "ours" | "theirs"): Promise<boolean> => {
    const started = cloud.now();
    let said = -Infinity;
    let seenBusy = databaseBusy(db);
    const unsettled = () => why === "ours" && writer() !== targetArn && !seenBusy && cloud.now() - started < 60_000;
    while (databaseBusy(db) || unsettled()) {
      const waited = cloud.now() - started;
      if (waited >= o.databaseWaitMs) return false;
      if (waited - said >= 30_000 || said === -Infinity) {
        out(`  waiting for the reference database: ${describeDatabase(db)} (${Math.round(waited / 1000)} s of at most ${Math.round(o.databaseWaitMs / 1000)} s; the order path does not wait on it)`);
        said = waited;
      }
      await cloud.sleep(Math.min(o.databasePollMs, Math.max(0, o.databaseWaitMs - waited)));
      db = await describe();
      seenBusy ||= databaseBusy(db);
    }
    return true;
  };

  if (databaseBusy(db)) {
    // Begun earlier (this command, interrupted) or by someone else: never start a second one.
    const before = describeDatabase(db);
    if (!(await waitIdle("theirs"))) {
      record(step, "not-confirmed", `${before}: still not done after ${o.databaseWaitMs} ms; re-run to wait again`);
      return "not-confirmed";
    }
    if (holds()) {
      record(step, "done", `the operation in progress (${before}) finished: ${targetArn} writes`);
      return "done";
    }
  }
  const chosen = await method();
  if (o.force && chosen === "switchover") out(`  --force: ${regionOfArn(String(writer()))} answers, so the reference database is switched over (no data loss), not failed over`);
  const from = writer();
  if (chosen === "switchover") {
    try {
      await cloud.switchoverGlobalDatabase(target, identifier, targetArn);
    } catch (error) {
      if (isNoResponse(error) || o.force) throw error;
      // AWS refused it (a primary that cannot be synchronised, for one): say what is left.
      throw new Error(
        `${errorText(error)}. The write region has moved; only the reference database's writer has not. If ${regionOfArn(String(from))} is lost, re-run with --force to fail it over (data loss allowed)`,
        { cause: error },
      );
    }
  } else await cloud.failoverGlobalDatabase(target, identifier, targetArn);
  const startedAt = cloud.now();
  db = await describe();
  if (!(await waitIdle("ours"))) {
    record(step, "not-confirmed", `${chosen} asked for; after ${o.databaseWaitMs} ms: ${describeDatabase(db)}. Re-run to wait again`);
    return "not-confirmed";
  }
  if (!holds()) throw new Error(`the ${chosen} of global cluster ${identifier} ended without ${targetArn} as its writer (${describeDatabase(db)}): it was cancelled; re-run to try again`);
  record(step, "done", `${chosen} of ${identifier}: writer ${from ?? "none"} -> ${targetArn} in ${cloud.now() - startedAt} ms${chosen === "failover" ? " (data loss allowed: what had not replicated from the old writer is lost)" : " (no data loss)"}`);
  return "done";
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
 * Probes the old region until every InService instance of its Auto Scaling group has answered
 * read-only at `epoch` or newer (an answer naming the new epoch proves the instance read the fence;
 * `fenced` does not count: a read in flight may still bring back the old value), or until the
 * two-writer bound since `since` has passed. The group is listed again each round, so an instance
 * that enters service during the wait must answer too.
 */
async function proveStoppedWriting(
  cloud: FailoverCloud,
  region: string,
  info: FailoverRegionInfo,
  epoch: number,
  since: number,
  o: typeof DEFAULTS,
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
async function waitForModes(
  cloud: FailoverCloud,
  endpoint: ProbeTarget,
  wanted: (mode: InstanceReport["mode"]) => boolean,
  o: typeof DEFAULTS,
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

async function waitForMapping(cloud: FailoverCloud, region: string, uuid: string, wanted: MappingState, o: typeof DEFAULTS): Promise<boolean> {
  const started = cloud.now();
  while (cloud.now() - started <= o.waitTimeoutMs) {
    if ((await cloud.getMappingState(region, uuid)) === wanted) return true;
    await cloud.sleep(o.probeIntervalMs);
  }
  return false;
}
