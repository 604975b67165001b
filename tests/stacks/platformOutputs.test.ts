/**
 * The consumer helper under the mock cloud: another team's program reads the real outputs of the
 * primary and replica stack files through a mocked StackReference, and gets typed values and
 * Outputs, or a clear failure (missing key, major version, role) before it registers anything.
 * And the replica stack of this project reads its primary through the same helper.
 */
import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import {
  CONTRACT_VERSION,
  ContractVersionError,
  parsePlatformOutputs,
  platformOutputs,
  PlatformOutputsError,
  PlatformValues,
} from "../../stacks/platformOutputs";
import { REPO_ROOT } from "../../offline/cloud/stackFiles";
import { ProgramRunFailure, runProgram, runStackFile, stackFileFailure, StackRun } from "../support/mockCloud";
import { deployedStackRun } from "../support/stackRuns";

const PRIMARY = "acme-markets/trading-platform/prod-us-east-1";
const REPLICA = "acme-markets/trading-platform/prod-eu-west-1";
const RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
/** This contract's version with its minor moved by `by` (0 for its next patch), for readers and stacks of other minors. */
const minorFrom = (by: number) => {
  const [major, minor, patch] = CONTRACT_VERSION.split(".").map(Number);
  return by === 0 ? `${major}.${minor}.${patch + 2}` : `${major}.${minor + by}.0`;
};

type Outputs = Record<string, unknown>;
type Sections = Record<string, Record<string, unknown>>;

/** Runs `program` as another team's stack, whose StackReferences see `references`. */
function consumer(program: () => Promise<Outputs | undefined>, references: Record<string, Outputs>): Promise<StackRun> {
  return runProgram(program, { stack: "consumer", config: { "aws:region": "us-east-1" }, stackReferences: references });
}

async function consumerFailure(program: () => Promise<Outputs | undefined>, references: Record<string, Outputs>): Promise<ProgramRunFailure> {
  try {
    await consumer(program, references);
  } catch (err) {
    if (err instanceof ProgramRunFailure) {
      return err;
    }
    throw err;
  }
  throw new Error("expected the consumer program to fail");
}

/** A consumer that reads PRIMARY, then registers a rule from its outputs (so "before anything" can be checked). */
async function readThenRegister(): Promise<Outputs> {
  const platform = await platformOutputs(PRIMARY, { role: "primary" });
  new aws.vpc.SecurityGroupIngressRule("from-trading", {
    securityGroupId: "sg-0consumer",
    referencedSecurityGroupId: platform.outputs.cluster.appSecurityGroupId,
    ipProtocol: "tcp",
    fromPort: 443,
    toPort: 443,
  });
  return { subnets: platform.outputs.network.appSubnetIds };
}

describe("platformOutputs (consumer helper)", () => {
  let primary: Outputs;
  let replica: Outputs;
  const primaryWith = (change: (outputs: Sections) => void): Outputs => {
    const copy = structuredClone(primary) as Sections;
    change(copy);
    return copy;
  };

  before(async () => {
    primary = (await deployedStackRun("prod-us-east-1")).outputs;
    replica = (await deployedStackRun("prod-eu-west-1")).outputs;
  });

  describe("reading a stack", () => {
    let values: PlatformValues<"primary"> | undefined;
    let run: StackRun;

    before(async () => {
      run = await consumer(
        async () => {
          const platform = await platformOutputs(PRIMARY, { role: "primary" });
          values = platform.values;
          // Typed: the values are the primary contract (these lines would not compile otherwise).
          const subnets: string[] = platform.values.network.appSubnetIds;
          const port: number = platform.values.data.dbPort;
          // @ts-expect-error a primary stack has no primaryStack output
          void platform.values.primaryStack;
          new aws.vpc.SecurityGroupIngressRule("from-trading", {
            securityGroupId: "sg-0consumer",
            referencedSecurityGroupId: platform.outputs.cluster.appSecurityGroupId,
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
          });
          return {
            subnetCount: subnets.length,
            appSubnetIds: platform.outputs.network.appSubnetIds,
            tableArn: platform.outputs.dynamo.tableArn,
            contractVersion: platform.outputs.contractVersion,
          };
        },
        { [PRIMARY]: primary },
      );
    });

    it("returns every output of the contract as plain values, equal to what the stack exported", () => {
      expect(values).to.deep.equal(primary);
    });

    it("returns Outputs that resolve to the same values", () => {
      const dynamo = primary.dynamo as Outputs;
      const network = primary.network as Outputs;
      expect(run.outputs).to.deep.equal({
        subnetCount: (network.appSubnetIds as string[]).length,
        appSubnetIds: network.appSubnetIds,
        tableArn: dynamo.tableArn,
        contractVersion: CONTRACT_VERSION,
      });
    });

    it("makes a resource built from those Outputs depend on the StackReference", () => {
      const rule = run.single(RULE);
      expect(rule.inputs.referencedSecurityGroupId).to.equal((primary.cluster as Outputs).appSecurityGroupId);
      expect(rule.propertyDependencies.referencedSecurityGroupId).to.have.length(1);
      expect(rule.propertyDependencies.referencedSecurityGroupId[0]).to.match(new RegExp(`[:$]pulumi:pulumi:StackReference::${PRIMARY}$`));
    });

    it("reads a replica stack, typed by its role", async () => {
      let primaryStack: string | undefined;
      await consumer(
        async () => {
          const platform = await platformOutputs(REPLICA, { sections: ["dynamo"] });
          if (platform.values.role === "replica") {
            primaryStack = platform.values.primaryStack;
          }
          expect(platform.values.dynamo.region).to.equal("eu-west-1");
          return undefined;
        },
        { [REPLICA]: replica },
      );
      expect(primaryStack).to.equal(PRIMARY);
    });

    it("reads and validates only the sections asked for", async () => {
      const broken = primaryWith((o) => {
        delete o.data;
        o.cluster.albArn = "trading-alb";
      });
      let keys: string[] = [];
      await consumer(
        async () => {
          const platform = await platformOutputs(PRIMARY, { sections: ["network"] });
          keys = Object.keys(platform.values);
          // @ts-expect-error the data section was not asked for
          void platform.values.data;
          return undefined;
        },
        { [PRIMARY]: broken },
      );
      expect(keys).to.have.members(["contractVersion", "role", "environment", "region", "network"]);
      const failure = await consumerFailure(async () => {
        await platformOutputs(PRIMARY);
        return undefined;
      }, { [PRIMARY]: broken });
      expect(failure.message).to.contain('output "data" is missing');
      expect(failure.message).to.contain('output "cluster.albArn" must be the ARN of an application load balancer (got "trading-alb")');
    });
  });

  describe("failures, before the consumer registers anything", () => {
    it("a missing output: names the stack and each missing key", async () => {
      const failure = await consumerFailure(
        readThenRegister,
        {
          [PRIMARY]: primaryWith((o) => {
            delete o.dynamo.globalTableArn;
            delete o.cluster;
          }),
        },
      );
      expect(failure.error).to.be.instanceOf(PlatformOutputsError);
      expect(failure.message).to.contain(`Cannot read the trading-platform outputs of stack "${PRIMARY}"`);
      expect((failure.error as PlatformOutputsError).problems).to.deep.equal([
        'output "cluster" is missing: the stack has not been deployed with it, or is not a trading-platform stack',
        'output "dynamo.globalTableArn" is missing',
      ]);
      expect(failure.registered.map((r) => r.type)).to.deep.equal(["pulumi:pulumi:Stack"]);
    });

    it("a stack with no outputs at all: says it has not been deployed", async () => {
      const failure = await consumerFailure(readThenRegister, { [PRIMARY]: {} });
      expect(failure.message).to.contain(`stack "${PRIMARY}"`);
      expect(failure.message).to.contain(`it has not been deployed (pulumi up -s ${PRIMARY})`);
    });

    it("another major contract version: names both versions and the stack, and reads nothing", async () => {
      const failure = await consumerFailure(
        readThenRegister,
        {
          [PRIMARY]: primaryWith((o) => {
            (o as Outputs).contractVersion = "2.0.0";
            delete o.network; // a major may rename anything: the version is reported, not the keys
          }),
        },
      );
      expect(failure.error).to.be.instanceOf(ContractVersionError);
      expect((failure.error as PlatformOutputsError).problems).to.deep.equal([
        `stack "${PRIMARY}" publishes output contract 2.0.0, but this program reads contract ${CONTRACT_VERSION}: ` +
          "a major version renames or removes outputs, so none is read; upgrade this program's trading-platform helper to contract 2.x",
      ]);
      expect(failure.registered.map((r) => r.type)).to.deep.equal(["pulumi:pulumi:Stack"]);
    });

    it("an older major than the reader's: tells to redeploy the stack or use the older helper", () => {
      expect(() => parsePlatformOutputs(PRIMARY, primary, {}, "2.1.0"))
        .to.throw(ContractVersionError)
        .with.property("message")
        .that.contains(`publishes output contract ${CONTRACT_VERSION}, but this program reads contract 2.1.0`)
        .and.contains("redeploy the stack from a platform release with contract 2.x, or read it with a helper of contract 1.x");
    });

    it("a missing or malformed version", () => {
      const without = primaryWith((o) => delete (o as Outputs).contractVersion);
      expect(() => parsePlatformOutputs(PRIMARY, without)).to.throw(
        PlatformOutputsError,
        'output "contractVersion" is missing: the stack was deployed before the outputs were versioned',
      );
      const malformed = { ...primary, contractVersion: "v1" };
      expect(() => parsePlatformOutputs(PRIMARY, malformed)).to.throw(PlatformOutputsError, 'output "contractVersion" must be a semver version MAJOR.MINOR.PATCH (got "v1")');
    });

    it("a stack of another role than the one asked for", async () => {
      const failure = await consumerFailure(readThenRegister, { [PRIMARY]: replica });
      expect(failure.message).to.contain('output "role" is "replica", but a "primary" stack was expected');
    });

    it("malformed values: names each output and what it must be", () => {
      const broken = primaryWith((o) => {
        o.network.appSubnetIds = (o.network.appSubnetIds as string[]).slice(0, 2);
        o.data.dbPort = "5432";
      });
      expect(() => parsePlatformOutputs(PRIMARY, broken))
        .to.throw(PlatformOutputsError)
        .with.property("problems")
        .that.deep.equals([
          `output "network.appSubnetIds" must hold one entry per AZ (3), in AZ order (got ${JSON.stringify((broken.network as Outputs).appSubnetIds)})`,
          'output "data.dbPort" Invalid input: expected number, received string (got "5432")',
        ]);
    });
  });

  describe("the optional gameDays section", () => {
    it("reads the templates by scenario and the log group where the stack has game days", () => {
      const values = parsePlatformOutputs(PRIMARY, primary, { role: "primary", sections: ["gameDays"] });
      expect(values.gameDays).to.deep.equal(primary.gameDays);
      expect(Object.keys(values.gameDays?.templateIds ?? {}).sort()).to.deep.equal(["aurora-failover", "az-loss", "cache-az-power"]);
    });

    it("accepts a stack without it (gameDays off), asked for or not", () => {
      const off = primaryWith((o) => delete (o as Outputs).gameDays);
      expect(parsePlatformOutputs(PRIMARY, off, { role: "primary" })).to.not.have.property("gameDays");
      expect(parsePlatformOutputs(PRIMARY, off, { role: "primary", sections: ["gameDays"] })).to.not.have.property("gameDays");
    });

    it("refuses a malformed section, naming each key", () => {
      const broken = primaryWith((o) => {
        const templateIds = (o.gameDays as Record<string, Outputs>).templateIds;
        delete templateIds["az-loss"];
        templateIds["cache-az-power"] = "EXT not an id";
        (o.gameDays as Outputs).logGroupName = "";
      });
      expect(() => parsePlatformOutputs(PRIMARY, broken, { sections: ["gameDays"] }))
        .to.throw(PlatformOutputsError)
        .with.property("problems")
        .that.deep.equals([
          'output "gameDays.templateIds.az-loss" is missing',
          'output "gameDays.templateIds.cache-az-power" must be an AWS FIS experiment template id (got "EXT not an id")',
          'output "gameDays.logGroupName" must be a CloudWatch Logs log group name (got "")',
        ]);
    });
  });

  describe("versions within the same major", () => {
    it("accepts a newer minor or patch and ignores the outputs it does not know", () => {
      const newer = primaryWith((o) => {
        (o as Outputs).contractVersion = minorFrom(0);
        (o as Outputs).tracing = { collectorUrl: "https://example.com" };
        o.network.ipv6CidrBlock = "2600:1f18::/56";
      });
      const values = parsePlatformOutputs(PRIMARY, newer, { role: "primary" });
      expect(values.contractVersion).to.equal(minorFrom(0));
      expect(values).to.not.have.property("tracing");
      expect(values.network).to.deep.equal(primary.network);
    });

    it("tells a stack on an older minor that lacks an output to redeploy", () => {
      const older = primaryWith((o) => delete o.network.vpcId);
      expect(() => parsePlatformOutputs(PRIMARY, older, {}, minorFrom(1)))
        .to.throw(PlatformOutputsError)
        .with.property("problems")
        .that.deep.equals([
          'output "network.vpcId" is missing',
          `the stack publishes contract ${CONTRACT_VERSION}, older than the ${minorFrom(1)} this program reads: redeploy it (pulumi up -s ${PRIMARY}) to publish the outputs added since`,
        ]);
    });

    it("reads a 1.4.0 stack, which has no gameDays section, at 1.5.0 (the section is optional)", () => {
      const older = primaryWith((o) => {
        (o as Outputs).contractVersion = "1.4.0";
        delete (o as Outputs).gameDays;
      });
      expect(parsePlatformOutputs(PRIMARY, older, { role: "primary" }, "1.5.0")).to.not.have.property("gameDays");
    });

    it("reads a 1.2.0 stack, which has no global database fields, at 1.3.0 (they are optional)", () => {
      const older = primaryWith((o) => {
        (o as Outputs).contractVersion = "1.2.0";
        delete (o.data as Outputs).dbGlobalClusterIdentifier;
        delete (o.data as Outputs).dbGlobalWriterEndpoint;
      });
      const values = parsePlatformOutputs(PRIMARY, older, { role: "primary", sections: ["data"] });
      expect(values.data.dbGlobalClusterIdentifier).to.equal(undefined);
      expect(values.data.dbClusterArn).to.equal((primary.data as Outputs).dbClusterArn);
    });
  });

  it("imports without the program: only the contract modules, @pulumi/pulumi and zod", () => {
    const script = `require("./stacks/platformOutputs.ts");
      const loaded = Object.keys(require.cache);
      console.log(JSON.stringify({ own: loaded.filter((f) => !f.includes("node_modules")), aws: loaded.some((f) => f.includes("@pulumi/aws")) }));`;
    const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: REPO_ROOT, encoding: "utf8" });
    const { own, aws: awsLoaded } = JSON.parse(out) as { own: string[]; aws: boolean };
    expect(own.map((f) => f.slice(REPO_ROOT.length + 1))).to.have.members([
      "stacks/platformOutputs.ts",
      "stacks/outputs.ts",
      "stacks/computeOutputs.ts",
      "stacks/gameDaysOutputs.ts",
      "stacks/outputProblems.ts",
      "components/dynamo/outputs.ts",
    ]);
    expect(awsLoaded).to.equal(false);
  });
});

describe("the replica stack reads its primary through platformOutputs", () => {
  const STACK = "prod-eu-west-1";
  let primary: Outputs;

  before(async () => {
    primary = (await deployedStackRun("prod-us-east-1")).outputs;
  });

  it("fails with the helper's version message on a primary with another major, before creating anything", async () => {
    const failure = await stackFileFailure(STACK, { stackReferences: { [PRIMARY]: { ...primary, contractVersion: "2.0.0" } } });
    expect(failure.message).to.contain(`Cannot read the DynamoDB outputs of primary stack "${PRIMARY}"`);
    expect(failure.message).to.contain(`stack "${PRIMARY}" publishes output contract 2.0.0, but this program reads contract ${CONTRACT_VERSION}`);
    expect(failure.registered.map((r) => r.type)).to.deep.equal(["pulumi:pulumi:Stack"]);
  });

  it("refuses a primaryStack that is itself a replica (the helper's role check)", async () => {
    const replica = (await deployedStackRun(STACK)).outputs;
    const failure = await stackFileFailure(STACK, { stackReferences: { [PRIMARY]: replica } });
    expect(failure.message).to.contain('output "role" is "replica", but a "primary" stack was expected');
  });

  it("depends only on the primary's dynamo and data sections (data: the global database it joins)", async () => {
    const { cluster: _cluster, ...rest } = primary;
    const run = await runStackFile(STACK, { stackReferences: { [PRIMARY]: { ...rest, network: {} } } });
    expect(run.single("aws:dynamodb/tableReplica:TableReplica").inputs.globalTableArn).to.equal((primary.dynamo as Outputs).globalTableArn);
    expect(run.single("aws:rds/cluster:Cluster").inputs.globalClusterIdentifier).to.equal((primary.data as Outputs).dbGlobalClusterIdentifier);
  });

  it("fails before creating anything when the primary publishes no global database", async () => {
    const data = { ...(primary.data as Outputs) };
    delete data.dbGlobalClusterIdentifier;
    delete data.dbGlobalWriterEndpoint;
    const failure = await stackFileFailure(STACK, { stackReferences: { [PRIMARY]: { ...primary, data } } });
    expect(failure.message).to.contain(`Cannot read the DynamoDB outputs of primary stack "${PRIMARY}"`);
    expect(failure.message).to.contain('output "data.dbGlobalClusterIdentifier" is missing: the primary has no global database yet');
    expect(failure.registered.map((r) => r.type)).to.deep.equal(["pulumi:pulumi:Stack"]);
  });

  it("fails before creating anything when the published global cluster does not exist in the account", async () => {
    const data = { ...(primary.data as Outputs), dbGlobalClusterIdentifier: "trading-prod-refdata-gone" };
    const failure = await stackFileFailure(STACK, { stackReferences: { [PRIMARY]: { ...primary, data } } });
    expect(failure.message).to.contain('output "data.dbGlobalClusterIdentifier" names global cluster trading-prod-refdata-gone, which this account does not have');
    expect(failure.registered.map((r) => r.type)).to.deep.equal(["pulumi:pulumi:Stack"]);
  });

  it("fails before creating anything when its engine version differs from the global cluster's, naming the key", async () => {
    const failure = await stackFileFailure(STACK, { overrides: { "trading-platform:dataDbEngineVersion": "17.7" } });
    expect(failure.message).to.contain("trading-platform:dataDbEngineVersion is 17.7, but global cluster trading-prod-refdata runs 17.6");
    expect(failure.registered.map((r) => r.type)).to.deep.equal(["pulumi:pulumi:Stack"]);
  });
});
