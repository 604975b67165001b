import { expect } from "chai";
import { BadConfigCase, itRejectsEachBadConfig } from "../support/badConfig";
import { parseStackConfig } from "../../stacks/config";
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
    message: "trading-platform:natGatewayMod: is not a key of this project; known keys: environment, role, azIds",
  },
  {
    title: "a log retention CloudWatch does not offer",
    stack: "dev",
    overrides: { "trading-platform:flowLogRetentionDays": 10 },
    message: "trading-platform:flowLogRetentionDays: must be one of CloudWatch's retention periods: 1, 3, 5, 7, 14",
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
