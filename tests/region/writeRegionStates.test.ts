/**
 * No configuration of the three stacks lets two regions accept writes at once: the states walked.
 *
 * 1. The configurations: every stack file run in the mock cloud; per environment, exactly one
 *    stack's flag names its own region when created (the primary's), whatever the stack files say.
 * 2. The transitions: the real failover steps (services/failover) over an in-memory cloud whose
 *    instances follow the real mode rule (modeFor) and poll their flag on the real bounds. Every
 *    interruption point (the command dying after each of its changes), with the old region up, down
 *    from the start, or going down half-way, each followed by the resumed command; the invariant
 *    "at most one region has an instance in write mode" is checked after every change and every
 *    simulated millisecond step, and so is "the two stream consumers never run at once" whenever
 *    both regions answer.
 */
import { expect } from "chai";
import { runStackFile, STACKS, type StackRun } from "../support/mockCloud";
import { deployedStackRun } from "../support/stackRuns";
import {
  DEFAULT_WRITE_REGION_FENCE_MS,
  DEFAULT_WRITE_REGION_POLL_MS,
  formatWriteRegionFlag,
  parseWriteRegionFlag,
  type RegionInfo,
} from "../../services/trading-api/src/contract";
import { defaultReadTimeoutMs, modeFor, type WriteMode } from "../../services/trading-api/src/writeRegion";
import { UnreachableError, type FailoverCloud, type FailoverRegionInfo, type HealthCheckState, type InstanceReport, type ProbeTarget } from "../../services/failover/src/cloud";
import { serviceDefaults, twoWriterBound } from "../../services/failover/src/bounds";
import { namesInstance, runFailover } from "../../services/failover/src/failover";
import { ENVIRONMENT } from "../../services/trading-api/src/config";
import { STREAM_BATCH_TIMEOUT_SECONDS } from "../../services/stream-processor/src/filter";

const PRIMARY = "us-east-1";
const REPLICA = "eu-west-1";

describe("one write region at a time: the configurations of the three stacks", () => {
  const runs: Record<string, StackRun> = {};
  before(async () => {
    for (const stack of STACKS) runs[stack] = await deployedStackRun(stack);
  });

  it("per environment, exactly one region's flag names itself at creation: the primary's", () => {
    const byEnvironment = new Map<string, { stack: string; region: string; initial: string; role: string }[]>();
    for (const stack of STACKS) {
      const run = runs[stack];
      const flag = run.single("aws:ssm/parameter:Parameter", (p) => String(p.inputs.name).endsWith("/write-region"));
      const outputs = run.outputs as { environment: string; region: string; role: string };
      const list = byEnvironment.get(String(flag.inputs.name)) ?? [];
      list.push({ stack, region: flag.region, initial: parseWriteRegionFlag(String(flag.inputs.insecureValue)).writeRegion, role: outputs.role });
      byEnvironment.set(String(flag.inputs.name), list);
    }
    expect([...byEnvironment.keys()].sort()).to.deep.equal(["/trading-platform/dev/write-region", "/trading-platform/prod/write-region"]);
    for (const [name, flags] of byEnvironment) {
      const regions = flags.map((f) => f.region);
      expect(new Set(regions).size, `${name}: one flag per region`).to.equal(regions.length);
      const writers = flags.filter((f) => f.initial === f.region);
      expect(writers.map((w) => w.role), name).to.deep.equal(["primary"]);
      // Every other region's flag names that same writer.
      expect(new Set(flags.map((f) => f.initial)).size, name).to.equal(1);
    }
  });

  it("only the initial write region's stream consumer starts enabled", () => {
    for (const stack of STACKS) {
      const run = runs[stack];
      const outputs = run.outputs as { region: string; failover: { initialWriteRegion: string } };
      expect(run.single("aws:lambda/eventSourceMapping:EventSourceMapping").inputs.enabled, stack).to.equal(outputs.failover.initialWriteRegion === outputs.region);
    }
  });

  it("a replica's flag can only name another region: a primary in the replica's own region is refused before anything is created", async () => {
    const primary = structuredClone(runs["prod-us-east-1"].outputs) as { dynamo: { region: string } };
    primary.dynamo.region = REPLICA;
    let failure: unknown;
    try {
      await runStackFile("prod-eu-west-1", { stackReferences: { "acme-markets/trading-platform/prod-us-east-1": primary } });
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).to.contain(`is ${REPLICA}, the replica's own region`);
  });
});

/** One instance of the trading API, polling its flags like the service (writeRegion.ts). */
interface SimInstance {
  /** What /healthz reports as `write.instance` (the EC2 instance id, or a host name in the counter-check). */
  reports: string;
  /** Its Auto Scaling instance id. */
  id: string;
  /** The instance's last successful reads of its own flag and of the other region's (value, time). */
  lastRead?: { value: string; at: number };
  lastPeerRead?: { value: string; at: number };
  /** A read in flight when the instance lost SSM: it completes with the value it was served, later. */
  pendingRead?: { value: string; at: number };
  nextPollAt: number;
  /** Its SSM reads fail (throttled, its network path): it keeps writing until its own fence bound. */
  ssmBroken?: boolean;
  /** False: the load balancer never routes the command's probes to it (clients may still reach it). */
  probed: boolean;
  /** Last simulated time it was in write mode: a write it admitted then may run a longest write more. */
  lastWriteModeAt?: number;
}

/** One region of the in-memory environment: its flag, consumer, health check and instances. */
interface SimRegion {
  /** The flag's raw value, as SSM holds it. */
  flag: string;
  mapping: "Enabled" | "Disabled";
  healthCheck: HealthCheckState;
  info: FailoverRegionInfo;
  instances: SimInstance[];
  /** Round robin over the probed instances. */
  nextProbe: number;
}

const POLL = DEFAULT_WRITE_REGION_POLL_MS;
const FENCE = DEFAULT_WRITE_REGION_FENCE_MS;
const READ_TIMEOUT = defaultReadTimeoutMs(POLL);
/** A write admitted in write mode may run this long after (the request deadline; bounds.ts). */
const LONGEST_WRITE = twoWriterBound().longestWriteMs;
/** Simulated time advances in steps this small, checking the invariant at each. */
const TICK_MS = 250;
/**
 * How long the simulated reference database takes to move its writer: a switchover "minutes" and a
 * global failover's recovery "in the order of minutes" (Aurora User Guide, "Using switchover or
 * failover in Amazon Aurora Global Database"); two minutes and one here.
 */
const SWITCHOVER_MS = 120_000;
const DB_FAILOVER_MS = 60_000;
const clusterArnOf = (region: string) => `arn:aws:rds:${region}:123456789012:cluster:trading-prod-${region}-db`;

/** The reference database's global cluster as DescribeGlobalClusters reports it, with its operation's end. */
interface SimGlobalDatabase {
  writer: string;
  operation?: { kind: "switchover" | "failover"; to: string; from: string; endsAt: number };
  /** Every SwitchoverGlobalCluster and FailoverGlobalCluster asked of it. */
  calls: string[];
}

class SimulatedEnvironment implements FailoverCloud {
  readonly environment = "prod";
  clock = 1_000_000;
  readonly regions: Record<string, SimRegion>;
  readonly down = new Set<string>();
  /** Once a region has been down, its stream consumer may run again when it is back, until the command reaches it (see the README). */
  everDown = false;
  /** Counter-check only: instances that ignore the other region's flag (no epochs). */
  ignorePeers = false;
  violations: string[] = [];
  /** Throws after this many changes (the command dying half-way); Infinity = never. */
  crashAfter = Infinity;
  /** Takes the old region down after this many changes. */
  downAfter?: { changes: number; region: string };
  changes = 0;
  /** When each region's mapping was last disabled. */
  readonly mappingDisabledAt: Record<string, number> = {};
  /** When each region's flag was last changed (the fence, the flip). */
  readonly flagChangedAt: Record<string, number> = {};
  /** Called after a region's flag changes (a test may break an instance's SSM at the fence). */
  onFlagChange?: (region: string) => void;
  readonly database: SimGlobalDatabase = { writer: clusterArnOf(PRIMARY), calls: [] };
  /** Throws at this many DescribeGlobalClusters calls (the command dying while the writer moves). */
  crashAtDescribe = Infinity;
  describes = 0;

  constructor(options: { instancesPerRegion?: number; withGroup?: boolean; platform?: "ec2" | "fargate" } = {}) {
    const count = options.instancesPerRegion ?? 1;
    const fargate = options.platform === "fargate";
    // On Fargate the fleet is an ECS service, its members tasks named by ARN (what the service reports from its metadata endpoint).
    const fleet = (region: string) =>
      options.withGroup === false ? {} : fargate ? { ecsService: { clusterName: `trading-${region}`, serviceName: "trading-api" } } : { autoScalingGroupName: `asg-${region}` };
    const info = (region: string, role: "primary" | "replica"): FailoverRegionInfo => ({
      region,
      role,
      environment: "prod",
      writeRegionParameter: "/trading-platform/prod/write-region",
      tableName: "trading-platform-prod",
      streamConsumer: { functionName: `fn-${region}`, mappingUuid: `uuid-${region}` },
      apiEndpoint: `https://${region}.example`,
      dns: { domainName: "api.example", hostedZoneId: "Z1", failoverRole: role === "primary" ? "PRIMARY" : "SECONDARY", healthCheckId: `hc-${region}` },
      ...fleet(region),
      globalDatabase: { globalClusterIdentifier: "trading-prod-refdata", clusterArn: clusterArnOf(region) },
    });
    const instances = (region: string): SimInstance[] =>
      Array.from({ length: count }, (_, n) => {
        const id = fargate ? `arn:aws:ecs:${region}:123456789012:task/trading-${region}/0${region.replace(/-/g, "")}${n + 1}` : `i-0${region.replace(/-/g, "")}${n + 1}`;
        return { id, reports: id, probed: true, nextPollAt: 0 };
      });
    const initial = formatWriteRegionFlag({ writeRegion: PRIMARY, epoch: 0 });
    this.regions = {
      [PRIMARY]: { flag: initial, mapping: "Enabled", healthCheck: { disabled: false, inverted: false }, info: info(PRIMARY, "primary"), instances: instances(PRIMARY), nextProbe: 0 },
      [REPLICA]: { flag: initial, mapping: "Disabled", healthCheck: { disabled: false, inverted: false }, info: info(REPLICA, "replica"), instances: instances(REPLICA), nextProbe: 0 },
    };
    this.advance(0);
  }

  private decide(region: string, instance: SimInstance) {
    const read = (last?: { value: string; at: number }) => (last ? { value: parseWriteRegionFlag(last.value), ageMs: this.clock - last.at } : undefined);
    return modeFor(region, read(instance.lastRead), FENCE, this.ignorePeers ? [] : [read(instance.lastPeerRead)]);
  }

  /** The region's mode as a client sees it: write when any of its instances is in write mode. */
  mode(region: string): WriteMode {
    const modes = this.regions[region].instances.map((instance) => this.decide(region, instance).mode);
    return modes.includes("write") ? "write" : modes.includes("read-only") ? "read-only" : "fenced";
  }

  /** A region may write while an instance is in write mode, and for a longest write after. */
  mayWrite(region: string): boolean {
    return this.regions[region].instances.some((i) => i.lastWriteModeAt !== undefined && this.clock - i.lastWriteModeAt <= LONGEST_WRITE);
  }

  writeRegionIn(region: string): string {
    return parseWriteRegionFlag(this.regions[region].flag).writeRegion;
  }

  private check(when: string) {
    for (const [name, region] of Object.entries(this.regions)) {
      for (const instance of region.instances) if (this.decide(name, instance).mode === "write") instance.lastWriteModeAt = this.clock;
    }
    const writers = Object.keys(this.regions).filter((region) => this.mayWrite(region));
    if (writers.length > 1) this.violations.push(`${when}: ${writers.join(" and ")} both in write mode (or finishing a write)`);
    // A consumer runs while its mapping is Enabled, and after it is Disabled a batch it had begun may
    // go on for the function's timeout, its writes replicating within the lag (400 ms here).
    const consumers = Object.keys(this.regions).filter((region) => {
      const stoppedAt = this.mappingDisabledAt[region];
      return this.regions[region].mapping === "Enabled" || (stoppedAt !== undefined && this.clock - stoppedAt < STREAM_BATCH_TIMEOUT_SECONDS * 1000 + 400);
    });
    if (this.down.size > 0) this.everDown = true;
    if (consumers.length > 1 && !this.everDown) this.violations.push(`${when}: two stream consumers enabled`);
  }

  /** Time passes: instances poll (a region that is down, or an instance whose SSM is broken, cannot read). */
  advance(ms: number) {
    const end = this.clock + ms;
    do {
      for (const [name, region] of Object.entries(this.regions)) {
        const peer = Object.keys(this.regions).find((other) => other !== name) as string;
        for (const instance of region.instances) {
          if (instance.pendingRead && this.clock >= instance.pendingRead.at) {
            instance.lastRead = instance.pendingRead;
            instance.pendingRead = undefined;
          }
          if (this.clock >= instance.nextPollAt) {
            // A read takes up to the read timeout; the worst case is that the value it returns is the
            // one from the start of the read, applied at its end (pendingRead, for a broken instance).
            if (!this.down.has(name) && !instance.ssmBroken) {
              instance.lastRead = { value: region.flag, at: this.clock };
              instance.lastPeerRead = { value: this.regions[peer].flag, at: this.clock };
            }
            instance.nextPollAt = this.clock + POLL + READ_TIMEOUT;
          }
        }
      }
      this.check(`t=${this.clock}`);
      this.clock = Math.min(end, this.clock + TICK_MS);
    } while (this.clock < end);
    this.check(`t=${this.clock}`);
  }

  private reach(region: string) {
    if (this.down.has(region)) throw new UnreachableError(`SSM in ${region}`, new Error("connect ECONNREFUSED"));
  }

  private change(what: string, apply: () => void) {
    if (this.changes >= this.crashAfter) throw new Error(`crashed before: ${what}`);
    apply();
    this.changes++;
    if (this.downAfter && this.changes === this.downAfter.changes) this.down.add(this.downAfter.region);
    this.check(`after ${what}`);
  }

  async getFlag(region: string) {
    this.reach(region);
    return this.regions[region].flag;
  }
  async putFlag(region: string, value: string) {
    this.reach(region);
    this.change(`flag ${region}=${value}`, () => (this.regions[region].flag = value));
    this.flagChangedAt[region] = this.clock;
    this.onFlagChange?.(region);
  }
  async getRegionInfo(region: string) {
    this.reach(region);
    return this.regions[region].info;
  }
  async getMappingState(region: string) {
    this.reach(region);
    return this.regions[region].mapping;
  }
  async setMappingEnabled(region: string, _uuid: string, enabled: boolean) {
    this.reach(region);
    this.change(`mapping ${region} ${enabled}`, () => {
      this.regions[region].mapping = enabled ? "Enabled" : "Disabled";
      if (!enabled) this.mappingDisabledAt[region] = this.clock;
    });
  }
  async getMappingRecordAgeSeconds(region: string) {
    this.reach(region);
    return 86_400;
  }
  async replicationLagMs(source: string) {
    this.reach(source);
    return 400;
  }
  async listFailoverRecords() {
    return Object.values(this.regions).map((r) => ({
      region: r.info.region,
      failoverRole: (r.info.dns as NonNullable<RegionInfo["dns"]>).failoverRole,
      healthCheckId: `hc-${r.info.region}`,
    }));
  }
  async getHealthCheck(id: string) {
    return this.regions[id.replace("hc-", "")].healthCheck;
  }
  async setHealthCheck(id: string, state: HealthCheckState) {
    this.change(`health check ${id}`, () => (this.regions[id.replace("hc-", "")].healthCheck = state));
  }
  async probeInstance(target: ProbeTarget): Promise<InstanceReport> {
    const name = new URL(target.endpoint).host.replace(".example", "");
    if (this.down.has(name)) throw new UnreachableError(target.endpoint, new Error("connect ECONNREFUSED"));
    this.advance(50);
    const region = this.regions[name];
    const probed = region.instances.filter((i) => i.probed);
    const instance = probed[region.nextProbe++ % probed.length];
    const decision = this.decide(name, instance);
    return { instance: instance.reports, mode: decision.mode, ...(decision.epoch !== undefined ? { epoch: decision.epoch } : {}) };
  }
  async listInServiceInstances(region: string, group: string) {
    this.reach(region);
    if (group !== `asg-${region}`) throw new Error(`no group ${group}`);
    return this.regions[region].instances.map((i) => i.id);
  }
  async listRunningTasks(region: string, clusterName: string, serviceName: string) {
    this.reach(region);
    if (clusterName !== `trading-${region}` || serviceName !== "trading-api") throw new Error(`no service ${serviceName} in ${clusterName}`);
    return this.regions[region].instances.map((i) => i.id);
  }
  async describeGlobalDatabase(region: string, identifier: string) {
    this.reach(region);
    if (++this.describes >= this.crashAtDescribe) throw new Error("crashed while describing the global cluster");
    const db = this.database;
    if (db.operation && this.clock >= db.operation.endsAt) {
      db.writer = db.operation.to;
      db.operation = undefined;
    }
    const op = db.operation;
    return {
      identifier,
      status: op ? (op.kind === "switchover" ? "switching-over" : "failing-over") : "available",
      members: [PRIMARY, REPLICA].map((r) => ({ clusterArn: clusterArnOf(r), isWriter: !op && db.writer === clusterArnOf(r) })),
      ...(op ? { operation: { status: op.kind === "switchover" ? "switching-over" : "failing-over", fromClusterArn: op.from, toClusterArn: op.to, dataLossAllowed: op.kind === "failover" } } : {}),
    };
  }
  private moveWriter(kind: "switchover" | "failover", region: string, target: string) {
    this.reach(region);
    const db = this.database;
    if (db.operation) throw new Error(`InvalidGlobalClusterStateFault: a ${db.operation.kind} is in progress`);
    // A switchover synchronises the old primary first: it needs that region (a failover does not).
    if (kind === "switchover" && this.down.has(PRIMARY) && db.writer === clusterArnOf(PRIMARY)) throw new Error("InvalidGlobalClusterStateFault: the primary cluster is unavailable");
    this.change(`${kind} to ${target}`, () => {
      db.calls.push(`${kind} ${target}`);
      db.operation = { kind, to: target, from: db.writer, endsAt: this.clock + (kind === "switchover" ? SWITCHOVER_MS : DB_FAILOVER_MS) };
    });
  }
  async switchoverGlobalDatabase(region: string, _identifier: string, target: string) {
    this.moveWriter("switchover", region, target);
  }
  async failoverGlobalDatabase(region: string, _identifier: string, target: string) {
    this.moveWriter("failover", region, target);
  }
  async sleep(ms: number) {
    this.advance(ms);
  }
  now() {
    return this.clock;
  }
}

const OPTIONS = { inFlightMs: 10_000, fenceWaitMs: FENCE + POLL + defaultReadTimeoutMs(POLL) + 10_000, probesRequired: 3, probeIntervalMs: 1000, waitTimeoutMs: 120_000, databasePollMs: 10_000 };

async function failover(env: SimulatedEnvironment, to: string, force = false) {
  try {
    return await runFailover(env, { regions: [PRIMARY, REPLICA], to, force, ...OPTIONS }, () => undefined);
  } catch (error) {
    return error as Error;
  }
}

describe("one write region at a time: every interruption of the failover, with the old region up or down", function () {
  this.timeout(60_000);

  it("a complete failover and failback each change 6 things (fence, old consumer, flip, new consumer, DNS, the reference database's writer), with never two writers", async () => {
    const env = new SimulatedEnvironment();
    const there = await failover(env, REPLICA);
    expect(there).to.not.be.instanceOf(Error);
    expect(env.changes).to.equal(6);
    expect(env.mode(REPLICA)).to.equal("write");
    expect(env.database).to.deep.include({ writer: clusterArnOf(REPLICA), calls: [`switchover ${clusterArnOf(REPLICA)}`] });
    // The database moves last: the target took writes before its switchover was even asked for.
    const back = await failover(env, PRIMARY);
    expect(back).to.not.be.instanceOf(Error);
    expect(env.changes).to.equal(12);
    expect(env.mode(PRIMARY)).to.equal("write");
    expect(env.mode(REPLICA)).to.equal("read-only");
    expect(env.database.writer).to.equal(clusterArnOf(PRIMARY));
    expect(env.violations).to.deep.equal([]);
    // Done is done: a third run in the same direction changes nothing.
    expect(await failover(env, PRIMARY)).to.not.be.instanceOf(Error);
    expect(env.changes).to.equal(12);
  });

  it("the command dies while the reference database switches over: the re-run waits for that switchover and asks for none", async () => {
    const env = new SimulatedEnvironment();
    // The first DescribeGlobalClusters reads the state, the second comes after the switchover was asked for.
    env.crashAtDescribe = 2;
    expect(await failover(env, REPLICA)).to.be.instanceOf(Error);
    expect(env.database.operation?.kind).to.equal("switchover");
    env.crashAtDescribe = Infinity;
    const lines: string[] = [];
    const report = await runFailover(env, { regions: [PRIMARY, REPLICA], to: REPLICA, ...OPTIONS }, (line) => lines.push(line));
    expect(report.exitCode).to.equal(0);
    expect(env.database.calls).to.deep.equal([`switchover ${clusterArnOf(REPLICA)}`]);
    expect(env.database.writer).to.equal(clusterArnOf(REPLICA));
    expect(lines.join("\n")).to.match(/waiting for the reference database: global cluster trading-prod-refdata switching-over, writer none; switchover switching-over to arn:aws:rds:eu-west-1:123456789012:cluster:trading-prod-eu-west-1-db \(\d+ s of at most 900 s/);
    expect(report.steps.at(-1)?.detail).to.contain("the operation in progress (global cluster trading-prod-refdata switching-over");
  });

  it("a switchover that outlasts the bound exits 2 and says to re-run, which waits again", async () => {
    const env = new SimulatedEnvironment();
    const report = await runFailover(env, { regions: [PRIMARY, REPLICA], to: REPLICA, ...OPTIONS, databaseWaitMs: 30_000 }, () => undefined);
    expect(report.exitCode).to.equal(2);
    expect(report.steps.at(-1)).to.deep.include({ step: `move the reference database's writer to ${REPLICA}`, outcome: "not-confirmed" });
    const again = await runFailover(env, { regions: [PRIMARY, REPLICA], to: REPLICA, ...OPTIONS }, () => undefined);
    expect(again.exitCode).to.equal(0);
    expect(env.database.calls).to.have.length(1);
  });

  it("--force with the old region answering still switches over; with it gone, fails over with data loss", async () => {
    const up = new SimulatedEnvironment();
    expect(await failover(up, REPLICA, true)).to.not.be.instanceOf(Error);
    expect(up.database.calls).to.deep.equal([`switchover ${clusterArnOf(REPLICA)}`]);
    const gone = new SimulatedEnvironment();
    gone.down.add(PRIMARY);
    expect(await failover(gone, REPLICA, true)).to.not.be.instanceOf(Error);
    expect(gone.database.calls).to.deep.equal([`failover ${clusterArnOf(REPLICA)}`]);
    // Without --force a lost region stops the command long before the database (the lag is unknown).
    const refused = new SimulatedEnvironment();
    refused.down.add(PRIMARY);
    expect(String(await failover(refused, REPLICA))).to.contain("Re-run with --force");
    expect(refused.database.calls).to.deep.equal([]);
  });

  for (const scenario of ["both regions up", "old region down from the start", "old region goes down half-way"] as const) {
    for (let crashAfter = 0; crashAfter <= 7; crashAfter++) {
      it(`${scenario}: the command dies after ${crashAfter} change(s), then is run again`, async () => {
        const env = new SimulatedEnvironment();
        if (scenario === "old region down from the start") env.down.add(PRIMARY);
        if (scenario === "old region goes down half-way") env.downAfter = { changes: 1, region: PRIMARY };
        env.crashAfter = crashAfter;
        const force = scenario !== "both regions up";
        await failover(env, REPLICA, force);
        env.advance(FENCE * 2);
        env.crashAfter = Infinity;
        const resumed = await failover(env, REPLICA, force);
        expect(resumed, String(resumed)).to.not.be.instanceOf(Error);
        env.advance(FENCE * 2);
        expect(env.violations, env.violations.join("\n")).to.deep.equal([]);
        expect(env.mode(REPLICA)).to.equal("write");
        expect(env.mode(PRIMARY)).to.equal(env.down.has(PRIMARY) ? "fenced" : "read-only");
        expect(env.regions[REPLICA].mapping).to.equal("Enabled");
        if (!env.down.has(PRIMARY)) expect(env.regions[PRIMARY].mapping).to.equal("Disabled");
        // The reference database moved once: a switchover with the old region up, a failover with it gone.
        expect(env.database.writer).to.equal(clusterArnOf(REPLICA));
        expect(env.database.calls).to.deep.equal([`${env.down.has(PRIMARY) ? "failover" : "switchover"} ${clusterArnOf(REPLICA)}`]);
        // The old region comes back: running the command once more fences it for good.
        env.down.clear();
        expect(await failover(env, REPLICA)).to.not.be.instanceOf(Error);
        env.advance(FENCE * 2);
        expect(env.writeRegionIn(PRIMARY)).to.equal(REPLICA);
        expect(env.regions[PRIMARY].mapping).to.equal("Disabled");
        expect(env.mode(PRIMARY)).to.equal("read-only");
        expect(env.violations, env.violations.join("\n")).to.deep.equal([]);
      });
    }
  }

  it("counter-check: without reading the other region's newer flag, a region back from an outage it missed would write again", async () => {
    const env = new SimulatedEnvironment();
    env.ignorePeers = true;
    env.down.add(PRIMARY);
    expect(await failover(env, REPLICA, true)).to.not.be.instanceOf(Error);
    expect(env.violations).to.deep.equal([]);
    env.down.clear();
    env.advance(POLL * 3);
    expect(env.violations.some((v) => v.includes("both in write mode"))).to.equal(true);
  });

  it("the invariant check can fail: flipping the target before fencing the old region is caught", () => {
    const env = new SimulatedEnvironment();
    env.regions[REPLICA].flag = formatWriteRegionFlag({ writeRegion: REPLICA, epoch: 0 });
    env.advance(POLL * 3);
    expect(env.violations.length).to.be.greaterThan(0);
    expect(env.violations[0]).to.contain("us-east-1 and eu-west-1 both in write mode");
  });
});

describe("no instant with two writers: the old region's every instance, or the full bound", function () {
  this.timeout(60_000);
  const BOUND = twoWriterBound();

  it("the two-writer bound is the service's own defaults: fence bound + poll interval + longest write", () => {
    const longestWrite = Math.max(Number(ENVIRONMENT.REQUEST_DEADLINE_MS.default), Number(ENVIRONMENT.DYNAMODB_MAX_ATTEMPTS.default) * Number(ENVIRONMENT.DYNAMODB_TIMEOUT_MS.default));
    expect(BOUND.totalMs).to.equal(DEFAULT_WRITE_REGION_FENCE_MS + DEFAULT_WRITE_REGION_POLL_MS + longestWrite);
    expect(BOUND).to.deep.include({ fenceAfterMs: 15_000, pollIntervalMs: 5_000, longestWriteMs: 5_000, totalMs: 25_000 });
    // It follows the service: a longer fence bound there is a longer wait here.
    expect(twoWriterBound({ ...serviceDefaults(), fenceAfterMs: 30_000 }).totalMs).to.equal(40_000);
  });

  it("the command waits that bound by default (its dry run says so)", async () => {
    const env = new SimulatedEnvironment();
    const lines: string[] = [];
    await runFailover(env, { regions: [PRIMARY, REPLICA], to: REPLICA, dryRun: true }, (line) => lines.push(line));
    expect(lines.join("\n")).to.contain(`at most the two-writer bound ${BOUND.totalMs} ms after the fence (15000 ms fence + 5000 ms poll + 5000 ms longest write = 25000 ms`);
  });

  it("every InService instance of the old region answered read-only at the new epoch: the target flips before the bound", async () => {
    const env = new SimulatedEnvironment({ instancesPerRegion: 3 });
    const report = await runFailover(env, { regions: [PRIMARY, REPLICA], to: REPLICA }, () => undefined);
    expect(report.exitCode).to.equal(0);
    const wait = report.steps.find((s) => s.step === `wait until ${PRIMARY} stops writing`);
    expect(wait?.detail).to.match(/^every InService instance of asg-us-east-1 answered read-only at epoch >= 1 \(i-0useast11, i-0useast12, i-0useast13\); then 5000 ms/);
    const flipAfterFence = env.flagChangedAt[REPLICA] - env.flagChangedAt[PRIMARY];
    expect(flipAfterFence).to.be.lessThan(BOUND.totalMs);
    expect(env.violations, env.violations.join("\n")).to.deep.equal([]);
    expect(env.mode(REPLICA)).to.equal("write");
  });

  it("one InService instance never answers (its SSM fails at the fence, no probe reaches it): the target flips only after the full bound, never while it writes", async () => {
    const env = new SimulatedEnvironment({ instancesPerRegion: 3 });
    const [healthy1, healthy2, stuck] = env.regions[PRIMARY].instances;
    stuck.probed = false;
    let fencedAt: number | undefined;
    env.onFlagChange = (region) => {
      // The target's instances happen to poll right after the flip: write mode there at once.
      if (region === REPLICA) for (const instance of env.regions[REPLICA].instances) instance.nextPollAt = env.clock + 1;
      if (region !== PRIMARY || fencedAt !== undefined) return;
      fencedAt = env.clock;
      // The worst case the service allows: a read already under way is served the old value and
      // completes a read timeout later; every read after fails. The healthy instances happen to
      // poll right after the fence, so six answers in a row from them come at once.
      stuck.ssmBroken = true;
      stuck.pendingRead = { value: env.regions[PRIMARY].flag.replace(/"writeRegion":"[^"]+"/, `"writeRegion":"${PRIMARY}"`).replace(/"epoch":\d+/, '"epoch":0'), at: env.clock + READ_TIMEOUT };
      healthy1.nextPollAt = healthy2.nextPollAt = env.clock + 1;
    };
    const report = await runFailover(env, { regions: [PRIMARY, REPLICA], to: REPLICA }, () => undefined);
    expect(report.exitCode).to.equal(0);
    expect(env.violations.slice(0, 3), env.violations.join("\n")).to.deep.equal([]);
    // The danger was real: the stuck instance kept write mode for its whole fence bound after the fence.
    expect((stuck.lastWriteModeAt as number) - (fencedAt as number)).to.be.at.least(FENCE);
    expect(env.flagChangedAt[REPLICA] - (fencedAt as number)).to.be.at.least(BOUND.totalMs);
    const wait = report.steps.find((s) => s.step === `wait until ${PRIMARY} stops writing`);
    expect(wait?.detail).to.contain("not proved: no read-only answer from i-0useast13 (InService in asg-us-east-1)").and.to.contain("waited the two-writer bound: 25000 ms after the fence");
  });

  it("on Fargate, every running task of the old region's ECS service answered read-only at the new epoch: the target flips before the bound", async () => {
    const env = new SimulatedEnvironment({ instancesPerRegion: 3, platform: "fargate" });
    const report = await runFailover(env, { regions: [PRIMARY, REPLICA], to: REPLICA }, () => undefined);
    expect(report.exitCode).to.equal(0);
    const wait = report.steps.find((s) => s.step === `wait until ${PRIMARY} stops writing`);
    const tasks = env.regions[PRIMARY].instances.map((i) => i.id);
    expect(wait?.detail).to.equal(`every running task of ECS service trading-api (cluster trading-us-east-1) answered read-only at epoch >= 1 (${tasks.join(", ")}); then 5000 ms for writes admitted before`);
    expect(env.flagChangedAt[REPLICA] - env.flagChangedAt[PRIMARY]).to.be.lessThan(BOUND.totalMs);
    expect(env.violations, env.violations.join("\n")).to.deep.equal([]);
  });

  it("on Fargate, one running task whose probes never reach it, or that reports its host name: the full bound, never while it writes", async () => {
    const env = new SimulatedEnvironment({ instancesPerRegion: 3, platform: "fargate" });
    const [, unreached, hostNamed] = env.regions[PRIMARY].instances;
    unreached.probed = false;
    hostNamed.reports = "ip-10-0-2-17.ec2.internal";
    const report = await runFailover(env, { regions: [PRIMARY, REPLICA], to: REPLICA }, () => undefined);
    expect(report.exitCode).to.equal(0);
    const wait = report.steps.find((s) => s.step === `wait until ${PRIMARY} stops writing`);
    expect(wait?.detail).to.contain(`not proved: no read-only answer from ${unreached.id}, ${hostNamed.id} (running in trading-api)`).and.to.contain("waited the two-writer bound: 25000 ms after the fence");
    expect(env.flagChangedAt[REPLICA] - env.flagChangedAt[PRIMARY]).to.be.at.least(BOUND.totalMs);
    expect(env.violations).to.deep.equal([]);
  });

  it("instances that report a host name, not their instance id, prove nothing: the full bound", async () => {
    const env = new SimulatedEnvironment({ instancesPerRegion: 2 });
    env.regions[PRIMARY].instances.forEach((instance, n) => (instance.reports = `ip-10-0-1-${n + 10}.ec2.internal`));
    const report = await runFailover(env, { regions: [PRIMARY, REPLICA], to: REPLICA }, () => undefined);
    const wait = report.steps.find((s) => s.step === `wait until ${PRIMARY} stops writing`);
    expect(wait?.detail).to.match(/^not proved: no read-only answer from i-0useast11, i-0useast12 \(InService in asg-us-east-1\); read-only answers from ip-10-0-1-10.ec2.internal, ip-10-0-1-11.ec2.internal/);
    expect(env.flagChangedAt[REPLICA] - env.flagChangedAt[PRIMARY]).to.be.at.least(BOUND.totalMs);
    // A resource-name host name does carry the id.
    expect(namesInstance("i-0123456789abcdef0.eu-west-1.compute.internal", "i-0123456789abcdef0")).to.equal(true);
    expect(namesInstance("i-0123456789abcdef01", "i-0123456789abcdef0")).to.equal(false);
  });

  it("without the Auto Scaling group in the region-info parameter: the full bound, and the output says why", async () => {
    const env = new SimulatedEnvironment({ instancesPerRegion: 2, withGroup: false });
    const report = await runFailover(env, { regions: [PRIMARY, REPLICA], to: REPLICA }, () => undefined);
    const wait = report.steps.find((s) => s.step === `wait until ${PRIMARY} stops writing`);
    expect(wait?.detail).to.contain("the region-info parameter names no Auto Scaling group and no ECS service");
    expect(env.flagChangedAt[REPLICA] - env.flagChangedAt[PRIMARY]).to.be.at.least(BOUND.totalMs);
    expect(env.violations).to.deep.equal([]);
  });
});
