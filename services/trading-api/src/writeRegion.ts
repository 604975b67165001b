/**
 * One write region at a time: each instance reads its own region's write-region flag (an SSM
 * parameter, see writeRegionParameterName in contract.ts) every `pollIntervalMs` and is in one of
 * three modes:
 *
 * - `write`: the last successful read of its own flag, at most `fenceAfterMs` old, names this
 *   region, and no other region's flag read within that time has a higher epoch naming another;
 * - `read-only`: otherwise, when its own flag was read within `fenceAfterMs`;
 * - `fenced`: no successful read of its own flag for longer than `fenceAfterMs` (or none yet since
 *   start). The instance cannot tell whether it is still the write region, so it stops writing.
 *
 * The other regions' flags (`peers`) can only take write mode away, never grant it: a region that
 * was cut off during a failover keeps its own flag's old value, and learns from the higher epoch in
 * the new write region's flag, as soon as it can read it, that it must not write. An unreadable
 * peer changes nothing, so losing the other region never stops this one.
 *
 * The mode is computed from the age of the last successful read whenever it is asked for, not by
 * the poll loop, so a hung SSM call cannot keep an instance writing past the bound. In every mode
 * reads are served; writes are refused with 503 outside `write` mode (see writeModeGuard).
 *
 * Bound on when writes stop after the flag changes: an admitted write finishes (a DynamoDB
 * transaction either commits whole or not at all, so nothing is left half-done), and no write is
 * admitted later than `pollIntervalMs + readTimeoutMs` after the new value is readable. When the
 * flag cannot be read, no write is admitted later than `fenceAfterMs` after the last good read.
 */
import { hostname } from "node:os";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { z } from "zod";
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import { ConfigError } from "./config";
import {
  DEFAULT_WRITE_REGION_FENCE_MS,
  DEFAULT_WRITE_REGION_POLL_MS,
  parseWriteRegionFlag,
  WRITE_REGION_HEADER,
  type WriteRegionFlagValue,
} from "./contract";

export const WRITE_MODES = ["write", "read-only", "fenced"] as const;
export type WriteMode = (typeof WRITE_MODES)[number];

/** Where the flag's value comes from (SSM in production; tests may give another). */
export interface WriteRegionSource {
  /** The flag's current value (a region name). Rejects when it cannot be read. */
  read(signal: AbortSignal): Promise<string>;
}

export interface WriteRegionLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface WriteRegionGateOptions {
  /** This instance's region. */
  region: string;
  /** This region's flag. */
  source: WriteRegionSource;
  /** The environment's other regions' flags (same parameter name, read cross-region). Default none. */
  peers?: { region: string; source: WriteRegionSource }[];
  pollIntervalMs?: number;
  fenceAfterMs?: number;
  /** Longest a single read may take before it counts as failed. Default: half the poll interval, at most 2 s. */
  readTimeoutMs?: number;
  log?: WriteRegionLog;
  now?: () => number;
  /** Names this instance in /healthz and /readyz, so the failover command can count instances. Default: the host name. */
  instance?: string;
}

/** What /healthz, /readyz and the logs report about the write region. */
export interface WriteRegionStatus {
  mode: WriteMode;
  region: string;
  /** The region writes go to, as far as this instance knows (undefined while fenced before any read). */
  writeRegion?: string;
  /** Epoch of the flag value that decided the mode. */
  epoch?: number;
  /** Milliseconds since the last successful read (undefined before the first one). */
  flagAgeMs?: number;
  instance: string;
}

/** What the HTTP layer needs: the app's guard and health routes depend on this interface only. */
export interface WriteGate {
  status(): WriteRegionStatus;
}

/** A successful read of a flag, and how long ago it happened. */
export interface FlagRead {
  value: WriteRegionFlagValue;
  ageMs: number;
}

export interface WriteDecision {
  mode: WriteMode;
  writeRegion?: string;
  epoch?: number;
}

export class WriteRegionGate implements WriteGate {
  readonly region: string;
  readonly pollIntervalMs: number;
  readonly fenceAfterMs: number;
  readonly readTimeoutMs: number;
  private readonly source: WriteRegionSource;
  private log?: WriteRegionLog;
  private readonly now: () => number;
  private readonly instance: string;
  private readonly peers: { region: string; source: WriteRegionSource; last?: { value: WriteRegionFlagValue; at: number } }[];
  private lastValue?: WriteRegionFlagValue;
  private lastSuccessAt?: number;
  private reportedMode?: WriteMode;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;

  constructor(options: WriteRegionGateOptions) {
    this.region = options.region;
    this.source = options.source;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_WRITE_REGION_POLL_MS;
    this.fenceAfterMs = options.fenceAfterMs ?? DEFAULT_WRITE_REGION_FENCE_MS;
    this.readTimeoutMs = options.readTimeoutMs ?? defaultReadTimeoutMs(this.pollIntervalMs);
    if (this.fenceAfterMs <= this.pollIntervalMs + this.readTimeoutMs) {
      throw new Error(
        `write-region fence bound ${this.fenceAfterMs} ms must exceed the poll interval plus read timeout (${this.pollIntervalMs + this.readTimeoutMs} ms), or one slow read would fence a healthy instance`,
      );
    }
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.instance = options.instance ?? hostname();
    this.peers = (options.peers ?? []).map((peer) => ({ ...peer }));
  }

  private decision(): WriteDecision {
    const now = this.now();
    const local = this.lastValue && this.lastSuccessAt !== undefined ? { value: this.lastValue, ageMs: now - this.lastSuccessAt } : undefined;
    const peers = this.peers.map((peer) => (peer.last ? { value: peer.last.value, ageMs: now - peer.last.at } : undefined));
    return modeFor(this.region, local, this.fenceAfterMs, peers);
  }

  get mode(): WriteMode {
    return this.decision().mode;
  }

  status(): WriteRegionStatus {
    const decision = this.decision();
    return {
      mode: decision.mode,
      region: this.region,
      ...(decision.writeRegion !== undefined ? { writeRegion: decision.writeRegion } : {}),
      ...(decision.epoch !== undefined ? { epoch: decision.epoch } : {}),
      ...(this.lastSuccessAt !== undefined ? { flagAgeMs: this.now() - this.lastSuccessAt } : {}),
      instance: this.instance,
    };
  }

  /** Reads the flag once (a read already under way is shared) and logs a change of mode. */
  refresh(): Promise<void> {
    this.inFlight ??= this.readOnce().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** First read (its failure leaves the instance fenced, not crashed), then a read every poll interval. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.pollIntervalMs);
    this.timer.unref();
  }

  /** Sets the logger once the process has one (the HTTP server creates it after the gate). */
  useLog(log: WriteRegionLog): void {
    this.log = log;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async readOnce(): Promise<void> {
    const signal = AbortSignal.timeout(this.readTimeoutMs);
    const peerReads = this.peers.map(async (peer) => {
      try {
        const value = parseWriteRegionFlag(await peer.source.read(signal));
        peer.last = { value, at: this.now() };
      } catch {
        // An unreadable peer changes nothing (see the module comment); its last read ages out.
      }
    });
    try {
      this.lastValue = parseWriteRegionFlag(await this.source.read(signal));
      this.lastSuccessAt = this.now();
    } catch (error) {
      this.log?.warn(
        { err: error instanceof Error ? error.message : String(error), ...this.status() },
        "write region: could not read the flag",
      );
    }
    await Promise.all(peerReads);
    const status = this.status();
    if (status.mode !== this.reportedMode) {
      this.log?.info({ previousMode: this.reportedMode ?? "starting", ...status }, `write region: instance is now in ${status.mode} mode`);
      this.reportedMode = status.mode;
    }
  }
}

/** Half the poll interval, between 50 ms and 2 s: a read slower than that counts as failed. */
export function defaultReadTimeoutMs(pollIntervalMs: number): number {
  return Math.min(2000, Math.max(50, Math.floor(pollIntervalMs / 2)));
}

/**
 * The mode of an instance in `region`, from the last successful read of its own flag (undefined:
 * none) and of each peer region's flag. Pure, so the tests' state walk uses exactly this rule.
 */
export function modeFor(region: string, local: FlagRead | undefined, fenceAfterMs: number, peers: (FlagRead | undefined)[] = []): WriteDecision {
  if (!local || local.ageMs > fenceAfterMs) return { mode: "fenced" };
  const newer = peers
    .filter((peer): peer is FlagRead => peer !== undefined && peer.ageMs <= fenceAfterMs && peer.value.epoch > local.value.epoch)
    .sort((a, b) => b.value.epoch - a.value.epoch)[0];
  if (local.value.writeRegion !== region) return { mode: "read-only", writeRegion: local.value.writeRegion, epoch: local.value.epoch };
  if (newer && newer.value.writeRegion !== region) return { mode: "read-only", writeRegion: newer.value.writeRegion, epoch: newer.value.epoch };
  return { mode: "write", writeRegion: region, epoch: local.value.epoch };
}

/** Reads the flag from SSM Parameter Store (GetParameter; the instance role may read only this parameter). */
export function ssmWriteRegionSource(client: SSMClient, parameterName: string): WriteRegionSource {
  return {
    async read(signal) {
      const result = await client.send(new GetParameterCommand({ Name: parameterName }), { abortSignal: signal });
      const value = result.Parameter?.Value;
      if (value === undefined) throw new Error(`parameter ${parameterName} has no value`);
      return value;
    },
  };
}

/** Methods that change state: every route with one of these goes through the guard. */
const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function isWriteMethod(method: string | string[]): boolean {
  return (Array.isArray(method) ? method : [method]).some((m) => WRITE_METHODS.has(m.toUpperCase()));
}

/**
 * The one guard on write routes (app.ts attaches it to every route with a write method): outside
 * write mode it answers 503 with Retry-After and, when known, the write region in a header and the
 * body, before the body is parsed or the store is touched.
 */
export function writeModeGuard(gate: WriteGate, retryAfterSeconds: number) {
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const status = gate.status();
    if (status.mode === "write") return done();
    reply.header("retry-after", String(retryAfterSeconds));
    if (status.mode === "read-only" && status.writeRegion) {
      reply.header(WRITE_REGION_HEADER, status.writeRegion);
      reply.code(503).send({
        error: "not_write_region",
        message: `Region ${status.region} serves reads only; send writes to ${status.writeRegion}.`,
        requestId: request.id,
        region: status.region,
        writeRegion: status.writeRegion,
      });
      return;
    }
    reply.code(503).send({
      error: "write_region_unconfirmed",
      message: `This instance in ${status.region} cannot confirm that its region accepts writes; retry after the Retry-After interval.`,
      requestId: request.id,
      region: status.region,
    });
  };
}

/** Environment variables of the write-region gate (main.ts reads them; the stacks set them in user data). */
export const WRITE_REGION_ENVIRONMENT = {
  WRITE_REGION_PARAMETER: { default: undefined, description: "SSM parameter naming the write region; unset = always write mode (single region)" },
  WRITE_REGION_PEERS: { default: undefined, description: "comma-separated other regions of the environment, whose flag (same name) may take write mode away" },
  WRITE_REGION_POLL_MS: { default: String(DEFAULT_WRITE_REGION_POLL_MS), description: "how often the flag is re-read" },
  WRITE_REGION_FENCE_MS: { default: String(DEFAULT_WRITE_REGION_FENCE_MS), description: "no successful read for longer than this: stop writing" },
  WRITE_REGION_INSTANCE: {
    default: undefined,
    description:
      "names this instance in /healthz and /readyz (the EC2 fleet sets its instance id, which the failover command matches against the Auto Scaling group; on ECS the task's ARN from the task metadata endpoint takes its place, fleetIdentity.ts); default the host name",
  },
  SSM_ENDPOINT: { default: undefined, description: "SSM endpoint override (tests)" },
} as const;

export interface WriteRegionConfig {
  parameterName?: string;
  peerRegions: string[];
  pollIntervalMs: number;
  fenceAfterMs: number;
  /** This instance's name in the health answers (WRITE_REGION_INSTANCE); unset: the host name. */
  instance?: string;
  ssmEndpoint?: string;
}

const ms = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `must be an integer between ${min} and ${max}` })
    .transform(Number)
    .pipe(z.number().min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` }));

const environmentSchema = z.object({
  WRITE_REGION_PARAMETER: z.string().regex(/^\/[A-Za-z0-9_./-]+$/, { error: "must be an SSM parameter name starting with /" }).optional(),
  WRITE_REGION_PEERS: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+(,[a-z]{2}(-[a-z]+)+-\d+)*$/, { error: "must be region names separated by commas" })
    .optional(),
  WRITE_REGION_POLL_MS: ms(100, 60_000),
  WRITE_REGION_FENCE_MS: ms(500, 600_000),
  WRITE_REGION_INSTANCE: z.string().regex(/^[A-Za-z0-9_.:-]{1,255}$/, { error: "must be an instance id or host name" }).optional(),
  SSM_ENDPOINT: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
});

/** Reads {@link WRITE_REGION_ENVIRONMENT}; throws a ConfigError naming every bad variable. */
export function loadWriteRegionConfig(env: Record<string, string | undefined>): WriteRegionConfig {
  const input: Record<string, string | undefined> = {};
  for (const [name, spec] of Object.entries(WRITE_REGION_ENVIRONMENT)) {
    const raw = env[name]?.trim();
    input[name] = raw ? raw : spec.default;
  }
  const parsed = environmentSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ variable: String(i.path[0]), message: i.message })));
  }
  const e = parsed.data;
  const slowestRead = e.WRITE_REGION_POLL_MS + defaultReadTimeoutMs(e.WRITE_REGION_POLL_MS);
  if (e.WRITE_REGION_FENCE_MS <= slowestRead) {
    throw new ConfigError([
      { variable: "WRITE_REGION_FENCE_MS", message: `must exceed WRITE_REGION_POLL_MS plus the read timeout (${slowestRead} ms)` },
    ]);
  }
  return {
    ...(e.WRITE_REGION_PARAMETER ? { parameterName: e.WRITE_REGION_PARAMETER } : {}),
    peerRegions: e.WRITE_REGION_PEERS ? e.WRITE_REGION_PEERS.split(",") : [],
    pollIntervalMs: e.WRITE_REGION_POLL_MS,
    fenceAfterMs: e.WRITE_REGION_FENCE_MS,
    ...(e.WRITE_REGION_INSTANCE ? { instance: e.WRITE_REGION_INSTANCE } : {}),
    ...(e.SSM_ENDPOINT ? { ssmEndpoint: e.SSM_ENDPOINT } : {}),
  };
}
