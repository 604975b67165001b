/**
 * GameDays on its own under the mock cloud, with plain inputs: the AZ it is told to take out, a
 * stack without a cluster writer, durations and retention of its own, and what it refuses.
 */
import { expect } from "chai";
import { GameDays, GameDaysArgs } from "../../../components/gamedays/gameDays";
import { SCENARIO_TAG } from "../../../components/gamedays/plan";
import { ProgramRunFailure, RecordedResource, runProgram, StackRun } from "../../support/mockCloud";

const ACCOUNT = "arn:aws:ec2:us-east-1:123456789012";
const ARGS: GameDaysArgs = {
  namePrefix: "trading-test",
  zones: ["use1-az1", "use1-az2", "use1-az4"].map((azId, i) => ({
    azId,
    azName: `us-east-1${"abc"[i]}`,
    subnetArns: [`${ACCOUNT}:subnet/subnet-app-${azId}`, `${ACCOUNT}:subnet/subnet-data-${azId}`],
  })),
  vpcArn: `${ACCOUNT}:vpc/vpc-test`,
  fleet: { platform: "ec2", autoScalingGroupName: "trading-api-test" },
  database: { clusterArn: "arn:aws:rds:us-east-1:123456789012:cluster:trading-test-db" },
  cache: { replicationGroupArn: "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:trading-test-cache-1", nameTag: "trading-test-cache" },
  stackTag: { key: "Stack", value: "test" },
  stopConditionAlarmArns: ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:trading-test-trading-degraded"],
};

function run(args: GameDaysArgs): Promise<StackRun> {
  return runProgram(
    async () => {
      const gameDays = new GameDays("trading", args);
      return { azId: gameDays.azId, scenarios: gameDays.scenarios, templateIds: gameDays.templateIds, logGroupName: gameDays.logGroupName };
    },
    { stack: "test", config: { "aws:region": "us-east-1" } },
  );
}

const templates = (r: StackRun) => new Map(r.ofType("aws:fis/experimentTemplate:ExperimentTemplate").map((t) => [String((t.inputs.tags as Record<string, string>)[SCENARIO_TAG]), t]));
const parameters = (t: RecordedResource | undefined) =>
  (t?.inputs.actions as { name: string; parameters?: { key: string; value: string }[] }[]).map((a) => [a.name, Object.fromEntries((a.parameters ?? []).map((p) => [p.key, p.value]))]);

describe("GameDays (component)", function () {
  this.timeout(60_000);

  it("publishes one template id per scenario and the log group it logs to", async () => {
    const r = await run(ARGS);
    expect(r.outputs.scenarios).to.deep.equal(["az-loss", "aurora-failover", "cache-az-power"]);
    expect(Object.keys(r.outputs.templateIds as object).sort()).to.deep.equal(["aurora-failover", "az-loss", "cache-az-power"]);
    expect(r.outputs.logGroupName).to.equal("/aws/fis/trading-test");
    const component = r.single("trading:gamedays:GameDays");
    for (const t of templates(r).values()) expect(t.parent).to.equal(component.urn);
  });

  it("takes out the AZ it is given: the subnets, the instance filter and the cache's AZ all follow", async () => {
    const r = await run({ ...ARGS, azId: "use1-az4" });
    expect(r.outputs.azId).to.equal("use1-az4");
    const azLoss = templates(r).get("az-loss");
    const [instances, subnets] = azLoss?.inputs.targets as { filters?: { path: string; values: string[] }[]; resourceArns?: string[] }[];
    expect(instances.filters?.[0]).to.deep.equal({ path: "Placement.AvailabilityZone", values: ["us-east-1c"] });
    expect(subnets.resourceArns).to.deep.equal([`${ACCOUNT}:subnet/subnet-app-use1-az4`, `${ACCOUNT}:subnet/subnet-data-use1-az4`]);
    const cache = templates(r).get("cache-az-power")?.inputs.targets as { parameters: Record<string, string> }[];
    expect(cache[0].parameters).to.deep.equal({ availabilityZoneIdentifier: "use1-az4" });
    // The AZ loss powers off the cache's nodes of the same AZ and fails the writer over when it is there.
    const lostData = (azLoss?.inputs.targets as { name: string; parameters?: Record<string, string> }[]).slice(2).map((t) => [t.name, t.parameters]);
    expect(lostData).to.deep.equal([
      ["CacheReplicationGroup", { availabilityZoneIdentifier: "use1-az4" }],
      ["ReferenceCluster", { writerAvailabilityZoneIdentifiers: "use1-az4" }],
    ]);
  });

  it("without a database writer creates no failover template; durations and retention are its own", async () => {
    const r = await run({ ...ARGS, database: undefined, durations: { azLoss: "PT5M", cacheAzPower: "PT3M" }, logRetentionDays: 30 });
    expect([...templates(r).keys()].sort()).to.deep.equal(["az-loss", "cache-az-power"]);
    expect(r.ofType("aws:iam/role:Role")).to.have.length(2);
    expect(parameters(templates(r).get("az-loss"))).to.deep.equal([
      ["stop-fleet-instances", { startInstancesAfterDuration: "PT5M", completeIfInstancesTerminated: "true" }],
      ["disrupt-subnets", { duration: "PT5M", scope: "all" }],
      ["interrupt-cache-az-power", { duration: "PT5M" }],
    ]);
    expect(parameters(templates(r).get("cache-az-power"))).to.deep.equal([["interrupt-az-power", { duration: "PT3M" }]]);
    expect(r.single("aws:cloudwatch/logGroup:LogGroup").inputs.retentionInDays).to.equal(30);
  });

  it("refuses no stop condition, an AZ that is not the stack's and a duration FIS would refuse, before creating anything", async () => {
    const cases: [GameDaysArgs, string][] = [
      [{ ...ARGS, stopConditionAlarmArns: [] }, "at least one stop condition alarm"],
      [{ ...ARGS, azId: "use1-az3" }, 'azId "use1-az3" is not one of the stack\'s AZs'],
      [{ ...ARGS, durations: { azLoss: "PT13H" } }, "FIS allows one minute to 12 hours"],
    ];
    for (const [args, message] of cases) {
      const failure = await run(args).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failure, message).to.be.instanceOf(ProgramRunFailure);
      expect((failure as ProgramRunFailure).message).to.include(message);
      expect((failure as ProgramRunFailure).registered.filter((res) => res.custom)).to.deep.equal([]);
    }
  });
});
