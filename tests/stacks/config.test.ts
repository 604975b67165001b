import { expect } from "chai";
import { BadConfigCase, itRejectsEachBadConfig } from "../support/badConfig";
import * as pulumi from "@pulumi/pulumi";
import { nearestKey, parseStackConfig, StackConfigError } from "../../stacks/config";
import { stackConfig, STACKS } from "../support/mockCloud";

const BAD_CASES: BadConfigCase[] = [
  {
    title: "a missing required key",
    stack: "prod-us-east-1",
    overrides: { "trading-platform:vpcCidr": undefined },
    message: "trading-platform:vpcCidr: is required but not set (IPv4 CIDR of this stack's VPC",
  },
  {
    title: "a missing aws:region",
    stack: "dev",
    overrides: { "aws:region": undefined },
    message: "aws:region: is required but not set",
  },
  {
    title: "a number given as text",
    stack: "dev",
    overrides: { "trading-platform:flowLogRetentionDays": "ninety" },
    message: 'trading-platform:flowLogRetentionDays: expected number, got "ninety"',
  },
  {
    title: "a list given as a single value",
    stack: "dev",
    overrides: { "trading-platform:azIds": "use1-az1" },
    message: 'trading-platform:azIds: expected array, got "use1-az1"',
  },
  {
    title: "an unknown stack role",
    stack: "dev",
    overrides: { "trading-platform:role": "secondary" },
    message: 'trading-platform:role: "secondary" is not allowed; allowed: "primary", "replica"',
  },
  {
    title: "fewer than three AZ IDs in a prod stack",
    stack: "prod-us-east-1",
    overrides: { "trading-platform:azIds": ["use1-az1", "use1-az2"] },
    message: "trading-platform:azIds: a prod stack needs at least 3 distinct AZ IDs; got 2 (use1-az1, use1-az2)",
  },
  {
    title: "a duplicated AZ ID",
    stack: "prod-us-east-1",
    overrides: { "trading-platform:azIds": ["use1-az1", "use1-az2", "use1-az1"] },
    message: "trading-platform:azIds: lists use1-az1 more than once; each AZ ID may appear once",
  },
  {
    title: "an AZ ID of another region",
    stack: "prod-us-east-1",
    overrides: { "trading-platform:azIds": ["use1-az1", "use1-az2", "euw1-az1"] },
    message: 'trading-platform:azIds[2]: "euw1-az1" is not in region us-east-1; AZ IDs there look like use1-azN',
  },
  {
    title: "an AZ name where an AZ ID belongs",
    stack: "prod-eu-west-1",
    overrides: { "trading-platform:azIds": ["eu-west-1a", "euw1-az2", "euw1-az3"] },
    message: 'trading-platform:azIds[0]: "eu-west-1a" is not an AZ ID; expected the form euw1-azN',
  },
  {
    title: "a malformed VPC CIDR",
    stack: "prod-us-east-1",
    overrides: { "trading-platform:vpcCidr": "10.20.0.1/16" },
    message: 'trading-platform:vpcCidr: is malformed: "10.20.0.1/16" has host bits set; the network address is 10.20.0.0/16',
  },
  {
    title: "a malformed peer CIDR",
    stack: "prod-us-east-1",
    overrides: { "trading-platform:peerVpcCidrs": ["10.30.0.0/16", "10.300.0.0/16"] },
    message: 'trading-platform:peerVpcCidrs[1]: is malformed: "10.300.0.0/16" has an invalid IPv4 address',
  },
  {
    title: "a VPC CIDR overlapping a peer's",
    stack: "prod-us-east-1",
    overrides: { "trading-platform:vpcCidr": "10.30.0.0/16" },
    message: "trading-platform:vpcCidr: 10.30.0.0/16 overlaps peerVpcCidrs[1] 10.30.0.0/16; peered networks need disjoint ranges",
  },
  {
    title: "a VPC too small for its subnets",
    stack: "dev",
    overrides: { "trading-platform:vpcCidr": "10.10.0.0/19" },
    message: "trading-platform:vpcCidr: cannot hold the subnet plan: VPC 10.10.0.0/19 holds 8192 addresses",
  },
  {
    title: "a replica stack without a primary stack reference",
    stack: "prod-eu-west-1",
    overrides: { "trading-platform:primaryStack": undefined },
    message: 'trading-platform:primaryStack: is required for role "replica"',
  },
  {
    title: "a primary stack reference that is not fully qualified",
    stack: "prod-eu-west-1",
    overrides: { "trading-platform:primaryStack": "prod-us-east-1" },
    message: 'trading-platform:primaryStack: "prod-us-east-1" must be a fully qualified stack name: <org>/<project>/<stack>',
  },
  {
    title: "a single NAT gateway in prod",
    stack: "prod-us-east-1",
    overrides: { "trading-platform:natGatewayMode": "single" },
    message: 'trading-platform:natGatewayMode: must be "perAz" in a prod stack',
  },
  {
    title: "a misspelt key",
    stack: "dev",
    overrides: { "trading-platform:natGatewayMod": "single" },
    message: "trading-platform:natGatewayMod: is not a key of this project; did you mean trading-platform:natGatewayMode?",
  },
  {
    title: "a log retention CloudWatch does not offer",
    stack: "dev",
    overrides: { "trading-platform:flowLogRetentionDays": 10 },
    message: "trading-platform:flowLogRetentionDays: got 10; must be one of CloudWatch's retention periods: 1, 3, 5, 7, 14",
  },
];

describe("stack config validation", () => {
  for (const stack of STACKS) {
    it(`accepts the real ${stack} stack file`, () => {
      const config = parseStackConfig(stack, stackConfig(stack));
      expect(config.stack).to.equal(stack);
      expect(config.azIds).to.have.length(3);
    });
  }

  itRejectsEachBadConfig(BAD_CASES);

  /** The problems parseStackConfig reports for the stack file with `overrides`, or [] when it accepts it. */
  function problemsOf(stack: string, overrides: Record<string, unknown>): string[] {
    try {
      parseStackConfig(stack, stackConfig(stack, overrides));
      return [];
    } catch (err) {
      expect(err).to.be.instanceOf(StackConfigError);
      return (err as StackConfigError).problems;
    }
  }

  it("reports type, range, format and cross-key problems of different keys in one pass", () => {
    expect(
      problemsOf("prod-us-east-1", {
        "trading-platform:flowLogRetentionDays": "ninety",
        "trading-platform:dynamoReadCapacity": -5,
        "trading-platform:authExternalClientIdClaim": "client id",
        "trading-platform:natGatewayMode": "single",
        "trading-platform:clusterMinSize": 2,
      }),
    ).to.deep.equal([
      'trading-platform:flowLogRetentionDays: expected number, got "ninety" (Retention of the VPC flow log group, in days (a CloudWatch Logs retention value). Default 90.)',
      "trading-platform:dynamoReadCapacity: got -5; allowed 1–40000",
      'trading-platform:authExternalClientIdClaim: got "client id"; allowed text matching /^[A-Za-z_][A-Za-z0-9_:.-]{0,63}$/ (Claim of the external issuer\'s tokens naming the OAuth client (the reference data\'s client_id), e.g. "client_id" (RFC 9068) or "azp". Default client_id.)',
      'trading-platform:natGatewayMode: must be "perAz" in a prod stack: a single NAT gateway makes one AZ the egress of all',
      "trading-platform:clusterMinSize: must be at least 3 in a prod stack (one instance per AZ); got 2",
    ]);
  });

  it("skips a cross-key check about a key that already has a problem, on either side", () => {
    // dev's clusterMaxSize is 4: desired 9 is out of range, but the minimum it would be judged against is bad itself.
    expect(problemsOf("dev", { "trading-platform:clusterMinSize": "two", "trading-platform:clusterDesiredCapacity": 9 })).to.deep.equal([
      'trading-platform:clusterMinSize: expected number, got "two" (Smallest number of instances; at least 3 in prod (one per AZ) (1-100). Default 3.)',
    ]);
    expect(problemsOf("dev", { "trading-platform:clusterDesiredCapacity": 9 })).to.deep.equal([
      "trading-platform:clusterDesiredCapacity: 9 is outside clusterMinSize..clusterMaxSize (2..4); need min <= desired <= max",
    ]);
  });

  it("with required keys missing, still reports what the other keys' checks can tell", () => {
    expect(
      problemsOf("prod-us-east-1", {
        "trading-platform:vpcCidr": undefined,
        "aws:region": undefined,
        "trading-platform:azIds": undefined,
        "trading-platform:natGatewayMode": "single",
      }),
    ).to.deep.equal([
      "trading-platform:azIds: is required but not set (AZ IDs (not names) of this stack's region to spread over, e.g. [use1-az1, use1-az2, use1-az4]. Required; at least 3 in prod.)",
      "trading-platform:vpcCidr: is required but not set (IPv4 CIDR of this stack's VPC, e.g. 10.20.0.0/16. Required; must not overlap peerVpcCidrs.)",
      "aws:region: is required but not set (The stack's AWS region. Required.)",
      'trading-platform:natGatewayMode: must be "perAz" in a prod stack: a single NAT gateway makes one AZ the egress of all',
    ]);
  });

  it("quotes the value and the allowed range of a number out of range or not whole", () => {
    expect(problemsOf("dev", { "trading-platform:dynamoReadCapacity": 50_000, "trading-platform:clusterMaxSize": 2.5 })).to.deep.equal([
      "trading-platform:clusterMaxSize: got 2.5; allowed whole numbers 1–100",
      "trading-platform:dynamoReadCapacity: got 50000; allowed 1–40000",
    ]);
  });

  it("names the nearest known key for a misspelt one, and none when nothing is close", () => {
    expect(problemsOf("dev", { "trading-platform:clusterMinSise": 2, "trading-platform:wibble": 1 })).to.deep.equal([
      "trading-platform:clusterMinSise: is not a key of this project; did you mean trading-platform:clusterMinSize?",
      "trading-platform:wibble: is not a key of this project; no known key is close (Pulumi.yaml's config block lists them)",
    ]);
    expect(nearestKey("CLUSTERMINSIZE", ["clusterMaxSize", "clusterMinSize"])).to.equal("clusterMinSize");
    expect(nearestKey("minSize", ["clusterMinSize"])).to.equal(undefined);
  });

  it("is a RunError (Pulumi prints it without a stack trace) whose message lists each problem once", () => {
    let failure: unknown;
    try {
      parseStackConfig("dev", stackConfig("dev", { "trading-platform:dynamoReadCapacity": -5 }));
    } catch (err) {
      failure = err;
    }
    expect(pulumi.RunError.isInstance(failure)).to.equal(true);
    expect((failure as Error).message).to.equal(
      'Invalid configuration for stack "dev" (Pulumi.dev.yaml):\n' +
        "  - trading-platform:dynamoReadCapacity: got -5; allowed 1–40000\n" +
        "Fix the stack file (or `pulumi config set`) and run again; nothing was deployed.",
    );
  });

  it("withSources names the values that came from elsewhere than the stack file, on their lines and in the header", () => {
    let failure: StackConfigError | undefined;
    try {
      parseStackConfig("dev", stackConfig("dev", { "trading-platform:dynamoReadCapacity": -5, "trading-platform:clusterMaxSize": 1 }));
    } catch (err) {
      failure = (err as StackConfigError).withSources({ "trading-platform:clusterMaxSize": "--set" });
    }
    expect(failure?.problems).to.deep.equal([
      "trading-platform:dynamoReadCapacity: got -5; allowed 1–40000",
      "trading-platform:clusterMinSize: 2 is greater than clusterMaxSize 1; need min <= desired <= max (with trading-platform:clusterMaxSize from --set)",
    ]);
    expect(failure?.message).to.match(/^Invalid configuration for stack "dev" \(Pulumi\.dev\.yaml, --set\):\n/);
    expect(failure?.withSources({ "trading-platform:dynamoReadCapacity": "--set" }).problems[0]).to.equal(
      "trading-platform:dynamoReadCapacity: got -5; allowed 1–40000 (from --set)",
    );
  });

  it("a check that judges a stack as prod names environment as the value it depends on", () => {
    let failure: StackConfigError | undefined;
    try {
      parseStackConfig("dev", stackConfig("dev", { "trading-platform:environment": "prod" }));
    } catch (err) {
      failure = (err as StackConfigError).withSources({ "trading-platform:environment": "--set" });
    }
    expect(failure?.problems).to.include(
      "trading-platform:clusterMinSize: must be at least 3 in a prod stack (one instance per AZ); got 2 (with trading-platform:environment from --set)",
    );
    expect(failure?.problems.every((p) => p.endsWith("(with trading-platform:environment from --set)"))).to.equal(true);
  });

  it("reports every problem of a stack file in one message", () => {
    const raw = stackConfig("prod-us-east-1", {
      "trading-platform:role": "secondary",
      "trading-platform:flowLogRetentionDays": "ninety",
    });
    expect(() => parseStackConfig("prod-us-east-1", raw))
      .to.throw('trading-platform:role: "secondary" is not allowed')
      .and.to.have.property("message")
      .that.contains("trading-platform:flowLogRetentionDays: expected number");
  });
});
