/**
 * What the failover is given (its options), what it reports (steps, outcomes, what it knows of each
 * region) and its defaults, which come from the service's own bounds (bounds.ts) and the stream
 * processor's timeout, so a change there moves the command's waits with it.
 */
import type { WriteRegionFlagValue } from "../../trading-api/src/contract";
import type { FailoverRegionInfo, HealthCheckState, InstanceReport, MappingState } from "./cloud";
import { STREAM_BATCH_TIMEOUT_SECONDS } from "../../stream-processor/src/filter";
import { twoWriterBound } from "./bounds";

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

export const BOUND = twoWriterBound();

export const DEFAULTS = {
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

export const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The settings a run uses: the defaults with the options given. */
export type Settings = typeof DEFAULTS;
