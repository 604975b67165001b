/**
 * The stack outputs contract over the three real stack files: what each stack really exports (as
 * the engine received it) has exactly the keys of its role's contract, section by section, with the
 * expected keys taken from the contract's runtime schemas (stacks/outputs.ts), and every value the
 * contract's validation accepts (so the consumer helper accepts a real stack).
 */
import { expect } from "chai";
import { CONTRACT_VERSION, contractPaths, STACK_OUTPUT_SCHEMAS, StackRole } from "../../stacks/outputs";
import { SCENARIO_TAG } from "../../components/gamedays/plan";
import { readStackFile, runStackFile, StackRun } from "../support/mockCloud";
import { deployedStackRun } from "../support/stackRuns";

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype;

/** Dotted paths of recorded outputs: plain objects expanded; lists, scalars and unknowns are leaves. */
function valuePaths(value: unknown, prefix = ""): string[] {
  if (!isPlainObject(value)) {
    return [prefix];
  }
  return Object.entries(value)
    .flatMap(([key, field]) => valuePaths(field, prefix ? `${prefix}.${key}` : key))
    .sort();
}

/**
 * How `outputs` differ from `role`'s contract, key by key: `missing <path>` (a required key absent)
 * / `unexpected <path>` (a key the contract has not even as optional).
 */
function contractDifferences(role: StackRole, outputs: Record<string, unknown>): string[] {
  const required = contractPaths(STACK_OUTPUT_SCHEMAS[role]);
  const allowed = contractPaths(STACK_OUTPUT_SCHEMAS[role], "", "include");
  const actual = valuePaths(outputs);
  return [
    ...required.filter((path) => !actual.includes(path)).map((path) => `missing ${path}`),
    ...actual.filter((path) => !allowed.includes(path)).map((path) => `unexpected ${path}`),
  ];
}

const sectionOf = (path: string) => path.split(".")[0];

describe("stack outputs contract", () => {
  const runs: Record<string, StackRun> = {};
  const cases = [
    { stack: "dev", preview: false },
    { stack: "prod-us-east-1", preview: false },
    { stack: "prod-eu-west-1", preview: false },
    { stack: "prod-us-east-1", preview: true },
  ];
  const label = (c: { stack: string; preview: boolean }) => (c.preview ? `${c.stack} (preview)` : c.stack);

  before(async () => {
    for (const c of cases) {
      runs[label(c)] = await (c.preview ? runStackFile(c.stack, { preview: true }) : deployedStackRun(c.stack));
    }
  });

  it("derives the expected keys from the schemas, objects expanded", () => {
    const primary = contractPaths(STACK_OUTPUT_SCHEMAS.primary);
    expect(primary).to.include.members(["contractVersion", "role", "network.appSubnetIds", "dynamo.writeScaling.table.min", "data.dbMasterSecretArn"]);
    expect(contractPaths(STACK_OUTPUT_SCHEMAS.replica)).to.deep.equal([...primary, "primaryStack"].sort());
    // 1.1.0: the failover section; its DNS keys exist only with the DNS config, so they are optional.
    expect(primary).to.include.members(["failover.writeRegionParameterName", "failover.initialWriteRegion", "failover.streamMappingUuid"]);
    expect(primary.filter((path) => path.startsWith("failover.dns"))).to.deep.equal([]);
    expect(contractPaths(STACK_OUTPUT_SCHEMAS.primary, "", "include")).to.include.members(["failover.dns.apiDomainName", "failover.dns.failoverRole"]);
    // 1.2.0: the observability section.
    expect(primary).to.include.members(["observability.alarmTopicArn", "observability.degradedAlarmName", "observability.dashboardName"]);
    // 1.3.0: the global database, in the data section: this region's cluster ARN, and (only with a
    // global database, so optional) the global cluster's identifier and writer endpoint.
    expect(primary).to.include.members(["data.dbClusterArn"]);
    expect(primary.filter((path) => path.startsWith("data.dbGlobal"))).to.deep.equal([]);
    expect(contractPaths(STACK_OUTPUT_SCHEMAS.primary, "", "include")).to.include.members(["data.dbGlobalClusterIdentifier", "data.dbGlobalWriterEndpoint"]);
    // 1.5.0: the game days, a section only stacks with gameDays have (so optional, with its keys).
    expect(primary.filter((path) => path.startsWith("gameDays"))).to.deep.equal([]);
    expect(contractPaths(STACK_OUTPUT_SCHEMAS.primary, "", "include").filter((path) => path.startsWith("gameDays"))).to.deep.equal([
      "gameDays.logGroupName",
      "gameDays.templateIds.aurora-failover",
      "gameDays.templateIds.az-loss",
      "gameDays.templateIds.cache-az-power",
    ]);
    expect(CONTRACT_VERSION).to.equal("1.5.0");
  });

  it("finds a missing and an unexpected key (the comparison can fail)", () => {
    const outputs = structuredClone(runs.dev.outputs) as Record<string, Record<string, unknown>>;
    delete outputs.network.vpcId;
    outputs.cluster.cursorSecretValue = "s3cr3t";
    expect(contractDifferences("primary", outputs)).to.deep.equal(["missing network.vpcId", "unexpected cluster.cursorSecretValue"]);
    expect(contractDifferences("replica", runs.dev.outputs)).to.deep.equal(["missing primaryStack"]);
  });

  for (const c of cases) {
    describe(label(c), () => {
      const run = () => runs[label(c)];
      const role = readStackFile(c.stack)["trading-platform:role"] as StackRole;

      it(`exports exactly the keys of the ${role} contract, section by section`, () => {
        const outputs = run().outputs;
        expect(outputs.role).to.equal(role);
        const differences = contractDifferences(role, outputs);
        for (const section of new Set([...Object.keys(STACK_OUTPUT_SCHEMAS[role].shape), ...Object.keys(outputs)])) {
          expect(differences.filter((d) => sectionOf(d.split(" ")[1]) === section), `${label(c)}: ${section}`).to.deep.equal([]);
        }
        expect(differences).to.deep.equal([]);
      });

      it(`publishes contract version ${CONTRACT_VERSION}`, () => {
        expect(run().outputs.contractVersion).to.equal(CONTRACT_VERSION);
      });

      if (!c.preview) {
        it("exports values the contract's validation accepts", () => {
          const parsed = STACK_OUTPUT_SCHEMAS[role].safeParse(run().outputs);
          expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).to.deep.equal([]);
        });

        it("lists the network per AZ, in the configured AZ order", () => {
          const network = run().outputs.network as Record<string, string[]>;
          expect(network.availabilityZoneIds).to.deep.equal(readStackFile(c.stack)["trading-platform:azIds"]);
        });
      }
    });
  }

  it("carries the global cluster's identifier from the primary, which owns it, to the replica, which joins it; dev has none", () => {
    const data = (stack: string) => runs[stack].outputs.data as Record<string, unknown>;
    expect(data("prod-us-east-1").dbGlobalClusterIdentifier).to.equal("trading-prod-refdata");
    expect(data("prod-eu-west-1").dbGlobalClusterIdentifier).to.equal(data("prod-us-east-1").dbGlobalClusterIdentifier);
    expect(data("prod-eu-west-1").dbGlobalWriterEndpoint).to.equal(data("prod-us-east-1").dbGlobalWriterEndpoint);
    expect(data("dev")).to.not.have.any.keys("dbGlobalClusterIdentifier", "dbGlobalWriterEndpoint");
    // Each region's own cluster; the replica's master secret is its region's copy of the primary's.
    expect(data("prod-eu-west-1").dbClusterArn).to.equal("arn:aws:rds:eu-west-1:123456789012:cluster:trading-prod-eu-west-1-db");
    expect(String(data("prod-eu-west-1").dbMasterSecretArn).split(":")[3]).to.equal("eu-west-1");
  });

  it("publishes each FIS template's id by scenario and the experiments' log group where gameDays is on; dev, where it is off, has no section", () => {
    for (const [stack, scenarios] of [
      ["prod-us-east-1", ["aurora-failover", "az-loss", "cache-az-power"]],
      ["prod-eu-west-1", ["az-loss", "cache-az-power"]],
    ] as const) {
      const run = runs[stack];
      const templates = run.ofType("aws:fis/experimentTemplate:ExperimentTemplate");
      const recorded = Object.fromEntries(templates.map((t) => [(t.inputs.tags as Record<string, string>)[SCENARIO_TAG], t.id]));
      const gameDays = run.outputs.gameDays as { templateIds: Record<string, string>; logGroupName: string };
      expect(Object.keys(gameDays.templateIds).sort(), stack).to.deep.equal([...scenarios]);
      expect(gameDays.templateIds, stack).to.deep.equal(recorded);
      expect(gameDays.logGroupName, stack).to.equal(`/aws/fis/trading-${stack}`);
      expect(run.single("aws:cloudwatch/logGroup:LogGroup", (g) => g.inputs.name === gameDays.logGroupName).outputs.name, stack).to.equal(gameDays.logGroupName);
    }
    expect(runs.dev.outputs).to.not.have.property("gameDays");
    // A preview knows the section's keys before any template exists (they come from the scenarios).
    expect(Object.keys((runs["prod-us-east-1 (preview)"].outputs.gameDays as { templateIds: object }).templateIds).sort()).to.deep.equal([
      "aurora-failover",
      "az-loss",
      "cache-az-power",
    ]);
  });

  it("the replica names the primary stack its table replicates", () => {
    expect(runs["prod-eu-west-1"].outputs.primaryStack).to.equal(readStackFile("prod-eu-west-1")["trading-platform:primaryStack"]);
  });

  it("publishes secrets by ARN only", () => {
    for (const c of cases.filter((x) => !x.preview)) {
      const secretPaths = valuePaths(runs[label(c)].outputs).filter((p) => /secret/i.test(p));
      expect(secretPaths, c.stack).to.deep.equal(["data.dbMasterSecretArn"]);
      const data = runs[label(c)].outputs.data as Record<string, unknown>;
      expect(data.dbMasterSecretArn).to.match(/^arn:aws:secretsmanager:[a-z0-9-]+:\d{12}:secret:/);
    }
  });
});
