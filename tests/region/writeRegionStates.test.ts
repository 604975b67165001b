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
import { UnreachableError, type FailoverCloud, type HealthCheckState, type InstanceReport } from "../../services/failover/src/cloud";
import { runFailover } from "../../services/failover/src/failover";

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

/** One region of the in-memory environment, with one instance that polls its flag like the service. */
interface SimRegion {
  /** The flag's raw value, as SSM holds it. */
  flag: string;
  mapping: "Enabled" | "Disabled";
  healthCheck: HealthCheckState;
  info: RegionInfo;
  /** The instance's last successful reads of its own flag and of the other region's (value, time). */
  lastRead?: { value: string; at: number };
  lastPeerRead?: { value: string; at: number };
  nextPollAt: number;
}

const POLL = DEFAULT_WRITE_REGION_POLL_MS;
const FENCE = DEFAULT_WRITE_REGION_FENCE_MS;
/** Simulated time advances in steps this small, checking the invariant at each. */
const TICK_MS = 250;

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

  constructor() {
    const info = (region: string, role: "primary" | "replica"): RegionInfo => ({
      region,
      role,
      environment: "prod",
      writeRegionParameter: "/trading-platform/prod/write-region",
      tableName: "trading-platform-prod",
      streamConsumer: { functionName: `fn-${region}`, mappingUuid: `uuid-${region}` },
      apiEndpoint: `https://${region}.example`,
      dns: { domainName: "api.example", hostedZoneId: "Z1", failoverRole: role === "primary" ? "PRIMARY" : "SECONDARY", healthCheckId: `hc-${region}` },
    });
    this.regions = {
      [PRIMARY]: { flag: formatWriteRegionFlag({ writeRegion: PRIMARY, epoch: 0 }), mapping: "Enabled", healthCheck: { disabled: false, inverted: false }, info: info(PRIMARY, "primary"), nextPollAt: 0 },
      [REPLICA]: { flag: formatWriteRegionFlag({ writeRegion: PRIMARY, epoch: 0 }), mapping: "Disabled", healthCheck: { disabled: false, inverted: false }, info: info(REPLICA, "replica"), nextPollAt: 0 },
    };
    this.advance(0);
  }

  mode(region: string): WriteMode {
    const r = this.regions[region];
    const read = (last?: { value: string; at: number }) => (last ? { value: parseWriteRegionFlag(last.value), ageMs: this.clock - last.at } : undefined);
    return modeFor(region, read(r.lastRead), FENCE, this.ignorePeers ? [] : [read(r.lastPeerRead)]).mode;
  }

  writeRegionIn(region: string): string {
    return parseWriteRegionFlag(this.regions[region].flag).writeRegion;
  }

  private check(when: string) {
    const writers = Object.keys(this.regions).filter((region) => this.mode(region) === "write");
    if (writers.length > 1) this.violations.push(`${when}: ${writers.join(" and ")} both in write mode`);
    const consumers = Object.keys(this.regions).filter((region) => this.regions[region].mapping === "Enabled");
    if (this.down.size > 0) this.everDown = true;
    if (consumers.length > 1 && !this.everDown) this.violations.push(`${when}: two stream consumers enabled`);
  }

  /** Time passes: instances poll (a region that is down cannot read its own flag). */
  advance(ms: number) {
    const end = this.clock + ms;
    do {
      for (const [name, region] of Object.entries(this.regions)) {
        if (this.clock >= region.nextPollAt) {
          // A read takes up to the read timeout; the worst case is that the value it returns is the
          // one from the start of the read, applied at its end.
          // A region that is down can read neither its own flag nor the other region's.
          const peer = Object.keys(this.regions).find((other) => other !== name) as string;
          if (!this.down.has(name)) {
            region.lastRead = { value: region.flag, at: this.clock };
            region.lastPeerRead = { value: this.regions[peer].flag, at: this.clock };
          }
          region.nextPollAt = this.clock + POLL + defaultReadTimeoutMs(POLL);
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
    this.change(`mapping ${region} ${enabled}`, () => (this.regions[region].mapping = enabled ? "Enabled" : "Disabled"));
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
  async probeInstance(endpoint: string): Promise<InstanceReport> {
    const region = new URL(endpoint).host.replace(".example", "");
    if (this.down.has(region)) throw new UnreachableError(endpoint, new Error("connect ECONNREFUSED"));
    this.advance(50);
    return { instance: `${region}-i-1`, mode: this.mode(region) };
  }
  async sleep(ms: number) {
    this.advance(ms);
  }
  now() {
    return this.clock;
  }
}

const OPTIONS = { inFlightMs: 10_000, fenceWaitMs: FENCE + POLL + defaultReadTimeoutMs(POLL) + 10_000, probesRequired: 3, probeIntervalMs: 1000, waitTimeoutMs: 120_000 };

async function failover(env: SimulatedEnvironment, to: string, force = false) {
  try {
    return await runFailover(env, { regions: [PRIMARY, REPLICA], to, force, ...OPTIONS }, () => undefined);
  } catch (error) {
    return error as Error;
  }
}

describe("one write region at a time: every interruption of the failover, with the old region up or down", function () {
  this.timeout(60_000);

  it("a complete failover and failback each change 5 things (fence, old consumer, flip, new consumer, DNS), with never two writers", async () => {
    const env = new SimulatedEnvironment();
    const there = await failover(env, REPLICA);
    expect(there).to.not.be.instanceOf(Error);
    expect(env.changes).to.equal(5);
    expect(env.mode(REPLICA)).to.equal("write");
    const back = await failover(env, PRIMARY);
    expect(back).to.not.be.instanceOf(Error);
    expect(env.changes).to.equal(10);
    expect(env.mode(PRIMARY)).to.equal("write");
    expect(env.mode(REPLICA)).to.equal("read-only");
    expect(env.violations).to.deep.equal([]);
  });

  for (const scenario of ["both regions up", "old region down from the start", "old region goes down half-way"] as const) {
    for (let crashAfter = 0; crashAfter <= 6; crashAfter++) {
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
