import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { validateResourceOfType } from "@pulumi/policy";
import { expect } from "chai";
import { evaluatePack } from "../../../offline/policy/evaluator";
import { analysisInputFromRun, awsProviderVersion, toWire } from "../../../offline/policy/fromRun";
import { PolicyPackConfigError, resolvePackConfig } from "../../../offline/policy/packConfig";
import type { PolicyPackConfigFile, PolicyPackDefinition } from "../../../policy/lib/packDefinition";
import { peek, UNKNOWN, UNKNOWN_VALUE } from "../../../policy/lib/values";
import { runProgram } from "../../support/mockCloud";
import { T } from "../../policy/support/builders";
import { Fixture } from "../../policy/support/fixture";

function packOf(policies: PolicyPackDefinition["policies"], enforcementLevel: PolicyPackDefinition["enforcementLevel"] = "advisory"): PolicyPackDefinition {
  return { name: "probe", version: "0.0.1", description: "test pack", enforcementLevel, policies };
}

describe("offline evaluator", () => {
  describe("resource policy arguments", () => {
    it("builds type, props, urn, name, opts, provider, stackTags, isType, asType and getConfig as the server does", async () => {
      const fx = new Fixture({ region: "eu-west-1" });
      const parent = fx.component("trading:dynamo:DynamoHotPath", "hot");
      const table = fx.add(T.table, "orders", { name: "orders", billingMode: "PROVISIONED" }, { parent, protect: true });
      const seen: ResourceValidationArgs[] = [];
      const pack = packOf([
        {
          name: "probe",
          description: "sees everything",
          configSchema: { properties: { threshold: { type: "integer", default: 3 }, label: { type: "string" } } },
          validateResource: (args) => {
            seen.push(args);
          },
        },
      ]);
      await evaluatePack(pack, fx.input({ "vcs:owner": "acme" }), { probe: { label: "x" } });
      expect(seen.map((a) => a.urn)).to.deep.equal([parent.urn, table.urn]);
      const args = seen[1];
      expect(args.type).to.equal("aws:dynamodb/table:Table");
      expect(args.name).to.equal("orders");
      expect(args.props.billingMode).to.equal("PROVISIONED");
      expect(args.opts).to.deep.include({ protect: true, parent: parent.urn, ignoreChanges: [], aliases: [] });
      expect(args.provider?.type).to.equal("pulumi:providers:aws");
      expect(args.provider?.props.region).to.equal("eu-west-1");
      expect(args.stackTags.get("vcs:owner")).to.equal("acme");
      expect(args.stackTags.get("pulumi:project")).to.equal("trading-platform");
      expect(args.isType(aws.dynamodb.Table)).to.be.true;
      expect(args.isType(aws.dax.Cluster)).to.be.false;
      expect(args.asType(aws.dynamodb.Table)?.billingMode).to.equal("PROVISIONED");
      expect(args.asType(aws.dax.Cluster)).to.be.undefined;
      expect(args.getConfig()).to.deep.equal({ threshold: 3, label: "x" });
    });

    it("attributes violations to the resource, records notApplicable, and reports an unknown read as the server's advisory", async () => {
      const fx = new Fixture({ preview: true });
      const dax = fx.add(T.dax, "dax", { nodeType: "dax.r5.large", replicationFactor: 3 });
      fx.add(T.table, "t", { hashKey: UNKNOWN_VALUE });
      const pack = packOf(
        [
          {
            name: "dax-only",
            description: "DAX clusters have three nodes",
            validateResource: validateResourceOfType(aws.dax.Cluster, (cluster, _args, report) => {
              report(`rf ${cluster.replicationFactor}`, "urn:ignored");
            }),
          },
          {
            name: "reads-hash-key",
            description: "reads a value unknown in preview",
            enforcementLevel: "mandatory",
            validateResource: (args, report) => {
              if (args.type === T.table && args.props.hashKey !== "pk") {
                report("never reached");
              }
            },
          },
        ],
        "mandatory",
      );
      const result = await evaluatePack(pack, fx.input());
      expect(result.violations.map((v) => [v.policyName, v.enforcementLevel, v.urn, v.message, v.couldNotRunInPreview])).to.deep.equal([
        ["dax-only", "mandatory", dax.urn, "rf 3", false],
        [
          "reads-hash-key",
          "advisory",
          fx.resources[1].urn,
          "can't run policy 'reads-hash-key' from policy pack 'probe@v0.0.1' during preview: string value at .hashKey can't be known during preview",
          true,
        ],
      ]);
      expect(result.notApplicable).to.deep.include({ policyPack: "probe", policyName: "dax-only", reason: "Policy only applies to resources of type 'aws:dax/cluster:Cluster'", urn: fx.resources[1].urn });
    });

    it("skips disabled policies, reports remediate as mandatory, and fails on a policy that throws", async () => {
      const fx = new Fixture();
      fx.add(T.table, "t", {});
      const always = (name: string) => ({ name, description: name, validateResource: (_a: ResourceValidationArgs, report: (m: string) => void) => report(name) });
      const pack = packOf([always("off"), always("fixer")]);
      const result = await evaluatePack(pack, fx.input(), { off: "disabled", fixer: "remediate" });
      expect(result.violations.map((v) => [v.policyName, v.enforcementLevel])).to.deep.equal([["fixer", "mandatory"]]);
      const broken = packOf([
        {
          name: "broken",
          description: "throws",
          validateResource: () => {
            throw new Error("boom");
          },
        },
      ]);
      let error: unknown;
      try {
        await evaluatePack(broken, fx.input());
      } catch (err) {
        error = err;
      }
      expect(String(error)).to.match(/Error validating resource urn:pulumi:fixture::trading-platform::aws:dynamodb\/table:Table::t with policy 'broken' from policy pack 'probe@v0.0.1':\nError: boom/);
    });
  });

  describe("stack policy arguments", () => {
    it("passes outputs with parent, dependencies and property dependencies as resource objects", async () => {
      const fx = new Fixture({ preview: true });
      const parent = fx.component("trading:network:HaNetwork", "net");
      const subnet = fx.add(T.subnet, "subnet", { availabilityZoneId: "use1-az1" }, { parent });
      const asg = fx.add(T.asg, "asg", { vpcZoneIdentifiers: [fx.ref(subnet)], minSize: 1 }, { dependsOn: [parent] });
      let seen: StackValidationArgs | undefined;
      const pack = packOf([
        {
          name: "stack",
          description: "sees the graph",
          validateStack: (args, report) => {
            seen = args;
            report("stack-wide");
            report("on the asg", asg.urn);
          },
        },
      ]);
      const result = await evaluatePack(pack, fx.input());
      expect(result.violations.map((v) => [v.message, v.urn])).to.deep.equal([
        ["stack-wide", undefined],
        ["on the asg", asg.urn],
      ]);
      const resources = seen?.resources ?? [];
      const byName = (name: string) => resources.find((r) => r.name === name) as PolicyResource;
      expect(byName("subnet").parent).to.equal(byName("net"));
      expect(byName("asg").propertyDependencies.vpcZoneIdentifiers).to.deep.equal([byName("subnet")]);
      expect(byName("asg").dependencies.map((d) => d.name)).to.have.members(["subnet", "net"]);
      expect(byName("asg").isType(aws.autoscaling.Group)).to.be.true;
      // Props are behind the SDK's proxy: an unknown value throws when read, but can be peeked.
      expect(() => (byName("asg").props.vpcZoneIdentifiers as unknown[])[0]).to.throw(/can't be known during preview/);
      expect(peek(byName("asg").props, "vpcZoneIdentifiers", 0)).to.equal(UNKNOWN);
    });
    it("shares one read-only copy of the resources across its stack policies: a write throws instead of reaching the next policy", async () => {
      const fx = new Fixture({ preview: true });
      const subnet = fx.add(T.subnet, "subnet", { availabilityZoneId: "use1-az1", tags: { tier: "app" } });
      fx.add(T.asg, "asg", { vpcZoneIdentifiers: [fx.ref(subnet)], minSize: 1 });
      const input = fx.input();
      const seen: PolicyResource[][] = [];
      const reader = (name: string) => ({
        name,
        description: "reads the resources",
        validateStack: (args: StackValidationArgs) => {
          seen.push(args.resources);
        },
      });
      await evaluatePack(packOf([reader("first"), reader("second")]), input);
      // One copy for the pack's stack policies, not one per policy.
      expect(seen[0]).to.equal(seen[1]);
      const asg = seen[0].find((r) => r.name === "asg") as PolicyResource;
      // Still behind the SDK's proxy at every depth: a nested unknown throws when read.
      expect(() => (asg.props.vpcZoneIdentifiers as unknown[])[0]).to.throw(/can't be known during preview/);
      const writes: [string, (resources: PolicyResource[]) => void][] = [
        ["a property", (resources) => ((resources[0].props as Record<string, unknown>).availabilityZoneId = "use1-az2")],
        ["a nested property", (resources) => ((resources[0].props.tags as Record<string, unknown>).tier = "data")],
        ["a new property", (resources) => ((resources[0].props as Record<string, unknown>).added = true)],
        ["an array", (resources) => (peek(resources[1].props, "vpcZoneIdentifiers") as unknown[]).push("subnet-0")],
        ["the list", (resources) => resources.pop()],
        ["a dependency", (resources) => resources[1].dependencies.push(resources[0])],
      ];
      for (const [what, write] of writes) {
        const pack = packOf([{ name: "writer", description: `writes ${what}`, validateStack: (args) => write(args.resources) }, reader("after")]);
        await evaluatePack(pack, input).then(
          () => expect.fail(`writing ${what} did not throw`),
          (err: Error) => expect(err.message).to.match(/Error validating stack with policy 'writer'[\s\S]*TypeError/),
        );
      }
      // The recorded input is the caller's and stays as it was.
      expect(input.resources[0].outputs).to.deep.include({ availabilityZoneId: "use1-az1", tags: { tier: "app" } });
      expect(input.resources).to.have.length(2);
    });
  });

  describe("config", () => {
    const pack = packOf([
      {
        name: "a",
        description: "a",
        enforcementLevel: "mandatory",
        configSchema: { properties: { n: { type: "integer", minimum: 1, default: 2 }, names: { type: "array", items: { type: "string" } } }, required: ["names"] },
        validateResource: () => undefined,
      },
      { name: "b", description: "b", validateResource: () => undefined },
    ]);

    it("fills defaults, then applies all, then each policy's entry", () => {
      const resolved = resolvePackConfig(pack, { all: "advisory", a: { names: ["x"] }, b: "disabled" });
      expect(resolved.get("a")).to.deep.equal({ enforcementLevel: "advisory", properties: { n: 2, names: ["x"] } });
      expect(resolved.get("b")).to.deep.equal({ enforcementLevel: "disabled", properties: {} });
      expect(resolvePackConfig(pack, { a: { enforcementLevel: "remediate", names: [] } }).get("a")?.enforcementLevel).to.equal("remediate");
    });

    it("rejects values against the schema, unknown policies and bad levels, listing every problem", () => {
      let error: unknown;
      try {
        // As read from a JSON file: nothing guarantees the levels are valid.
        const file = JSON.parse('{ "a": { "n": 0, "names": [3] }, "c": "advisory", "b": "sometimes" }') as PolicyPackConfigFile;
        resolvePackConfig(pack, file);
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(PolicyPackConfigError);
      expect((error as PolicyPackConfigError).problems).to.deep.equal([
        'b: "sometimes" is not a valid enforcement level (advisory, mandatory, remediate, disabled)',
        "c: no policy of that name in probe (policies: a, b)",
        "a.n: 0 is below the minimum 1",
        "a.names[0]: expected string, got integer 3",
      ]);
      expect(() => resolvePackConfig(pack, {})).to.throw(PolicyPackConfigError, "a: names is required");
    });
  });

  describe("from a mock-cloud run", () => {
    it("turns unknowns into the engine's sentinel, unwraps secrets, drops internal keys and links the default provider", async () => {
      const run = await runProgram(
        async () => {
          const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
          new aws.ec2.Subnet("subnet", { vpcId: vpc.id, cidrBlock: "10.0.0.0/24", availabilityZoneId: "use1-az1", tags: { Secret: pulumi.secret("s") } });
          new aws.ec2.Subnet("elsewhere", { vpcId: vpc.id, cidrBlock: "10.0.1.0/24", availabilityZoneId: "euw1-az1", region: "eu-west-1" });
          return {};
        },
        { stack: "probe", config: { "aws:region": "us-east-1" }, preview: true },
      );
      const input = analysisInputFromRun(run);
      const byName = (name: string) => input.resources.find((r) => r.name === name);
      const version = awsProviderVersion();
      const provider = byName(`default_${version.replace(/\./g, "_")}`);
      expect(provider?.type).to.equal("pulumi:providers:aws");
      expect(provider?.inputs).to.deep.equal({ region: "us-east-1", version });
      const subnet = byName("subnet");
      expect(subnet?.inputs.vpcId).to.equal(UNKNOWN_VALUE);
      expect(subnet?.inputs.tags).to.deep.equal({ Secret: "s" });
      expect(subnet?.provider?.urn).to.equal(provider?.urn);
      expect(subnet?.propertyDependencies.vpcId).to.deep.equal([byName("vpc")?.urn]);
      expect(byName("elsewhere")?.inputs.region).to.equal("eu-west-1");
      expect(input.stackTags.get("pulumi:project")).to.equal("trading-platform");
      expect(toWire({ __defaults: [], kept: [undefined, pulumi.unknown] })).to.deep.equal({ kept: [null, UNKNOWN_VALUE] });
    });
  });
});
