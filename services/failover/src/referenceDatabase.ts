/**
 * The reference database's part of a failover: making the target region's cluster the writer of
 * the Aurora global database, by switchover (no data loss) or, under --force with the old writer's
 * region gone, by failover with data loss allowed.
 */
import { isNoResponse, type FailoverCloud, type FailoverRegionInfo, type GlobalDatabaseState } from "./cloud";
import { errorText, FailoverRefused, type FailoverOptions, type Outcome, type RegionState, type Settings } from "./failoverModel";

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
export async function moveReferenceDatabase(
  cloud: FailoverCloud,
  states: RegionState[],
  target: string,
  targetInfo: FailoverRegionInfo,
  o: Settings & FailoverOptions,
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

