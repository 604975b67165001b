/**
 * Waiting for an Auto Scaling group's instance refresh after `pulumi up`: the AWS provider starts
 * the refresh when the launch template version changes and returns at once, so `pulumi up`
 * succeeds whatever the refresh then does. The deploy job calls this to finish only when every
 * refresh that started during the deploy succeeded, and to fail when one failed, was cancelled or
 * was rolled back. Pure over a `describe` function, so it is tested without AWS.
 *
 * Statuses (EC2 Auto Scaling API Reference, InstanceRefresh.Status): Pending, InProgress, Cancelling,
 * RollbackInProgress and Baking are still moving; Successful is done; Failed, Cancelled,
 * RollbackFailed and RollbackSuccessful mean the group is not running what the deploy asked for.
 */

export interface RefreshSummary {
  readonly id: string;
  readonly status: string;
  readonly statusReason?: string;
  readonly startTime?: Date;
  readonly percentageComplete?: number;
}

const RUNNING = new Set(["Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking"]);
const SUCCEEDED = "Successful";

export interface WaitOptions {
  /** The group's refreshes, newest first (DescribeInstanceRefreshes). */
  readonly describe: () => Promise<RefreshSummary[]>;
  /** Only refreshes started at or after this time (the deploy's start) are this deploy's. */
  readonly since: Date;
  readonly pollMs: number;
  readonly timeoutMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

export type WaitOutcome =
  | { readonly result: "none" }
  | { readonly result: "succeeded"; readonly refreshes: RefreshSummary[] }
  | { readonly result: "failed"; readonly refresh: RefreshSummary }
  | { readonly result: "timed-out"; readonly refreshes: RefreshSummary[] };

/** Polls until every refresh of this deploy has ended; the first that did not succeed decides. */
export async function waitForInstanceRefreshes(options: WaitOptions): Promise<WaitOutcome> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const deadline = now() + options.timeoutMs;
  for (;;) {
    const ours = (await options.describe()).filter((r) => r.startTime !== undefined && r.startTime.getTime() >= options.since.getTime());
    if (ours.length === 0) {
      return { result: "none" };
    }
    const failed = ours.find((r) => !RUNNING.has(r.status) && r.status !== SUCCEEDED);
    if (failed) {
      return { result: "failed", refresh: failed };
    }
    if (ours.every((r) => r.status === SUCCEEDED)) {
      return { result: "succeeded", refreshes: ours };
    }
    for (const r of ours.filter((x) => RUNNING.has(x.status))) {
      log(`instance refresh ${r.id}: ${r.status} ${r.percentageComplete ?? 0}%`);
    }
    if (now() >= deadline) {
      return { result: "timed-out", refreshes: ours };
    }
    await sleep(options.pollMs);
  }
}
