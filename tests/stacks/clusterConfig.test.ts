/**
 * The cluster's config keys in the real stack files: each bad value fails before any resource is
 * registered, with one message naming the key, the stack and what is allowed.
 */
import { expect } from "chai";
import { BadConfigCase, configKey, itRejectsEachBadConfig } from "../support/badConfig";
import { parseStackConfig } from "../../stacks/config";
import { stackConfig, stackFileFailure, STACKS } from "../support/mockCloud";

const K = configKey;

const BAD_CASES: BadConfigCase[] = [
  {
    title: "an instance type outside the allow-list",
    stack: "prod-us-east-1",
    overrides: { [K("clusterInstanceType")]: "t3.micro" },
    message: 'trading-platform:clusterInstanceType: "t3.micro" is not allowed; allowed: "m7g.large", "m7g.xlarge"',
  },
  {
    title: "min > max",
    stack: "dev",
    overrides: { [K("clusterMinSize")]: 5, [K("clusterMaxSize")]: 4, [K("clusterDesiredCapacity")]: 4 },
    message: "trading-platform:clusterMinSize: 5 is greater than clusterMaxSize 4; need min <= desired <= max",
  },
  {
    title: "desired above max",
    stack: "dev",
    overrides: { [K("clusterDesiredCapacity")]: 9 },
    message: "trading-platform:clusterDesiredCapacity: 9 is outside clusterMinSize..clusterMaxSize (2..4); need min <= desired <= max",
  },
  {
    title: "desired below min",
    stack: "prod-us-east-1",
    overrides: { [K("clusterDesiredCapacity")]: 2 },
    message: "trading-platform:clusterDesiredCapacity: 2 is outside clusterMinSize..clusterMaxSize (3..12)",
  },
  {
    title: "fewer than three instances minimum in prod",
    stack: "prod-us-east-1",
    overrides: { [K("clusterMinSize")]: 2 },
    message: "trading-platform:clusterMinSize: must be at least 3 in a prod stack (one instance per AZ); got 2",
  },
  {
    title: "a size that is not an integer",
    stack: "dev",
    overrides: { [K("clusterMaxSize")]: 2.5 },
    message: "trading-platform:clusterMaxSize: got 2.5; allowed whole numbers 1–100",
  },
  {
    title: "a prod stack without a certificate",
    stack: "prod-us-east-1",
    overrides: { [K("clusterCertificateArn")]: undefined },
    message: "trading-platform:clusterCertificateArn: is required in a prod stack: the ALB must serve HTTPS",
  },
  {
    title: "a certificate ARN that is not an ACM ARN",
    stack: "prod-us-east-1",
    overrides: { [K("clusterCertificateArn")]: "arn:aws:iam::123456789012:server-certificate/trading" },
    message:
      'trading-platform:clusterCertificateArn: "arn:aws:iam::123456789012:server-certificate/trading" is not an ACM certificate ARN; expected arn:aws:acm:us-east-1:<12-digit account>:certificate/<uuid>',
  },
  {
    title: "a certificate of another region",
    stack: "prod-eu-west-1",
    overrides: { [K("clusterCertificateArn")]: "arn:aws:acm:us-east-1:123456789012:certificate/5f0c8e1a-3b7d-4c2e-9a61-2d4f8b9e7c10" },
    message: "trading-platform:clusterCertificateArn: is in region us-east-1, but an ALB can only use an ACM certificate of its own region (eu-west-1)",
  },
  {
    title: "a malformed ingress CIDR",
    stack: "dev",
    overrides: { [K("clusterIngressCidrs")]: ["198.51.100.0/24", "203.0.113.7/24"] },
    message: 'trading-platform:clusterIngressCidrs[1]: is malformed: "203.0.113.7/24" has host bits set',
  },
  {
    title: "a duplicated ingress CIDR",
    stack: "dev",
    overrides: { [K("clusterIngressCidrs")]: ["198.51.100.0/24", "198.51.100.0/24"] },
    message: "trading-platform:clusterIngressCidrs: lists 198.51.100.0/24 more than once",
  },
  {
    title: "missing ingress CIDRs",
    stack: "prod-us-east-1",
    overrides: { [K("clusterIngressCidrs")]: undefined },
    message: "trading-platform:clusterIngressCidrs: is required but not set (IPv4 CIDRs that may reach the load balancer",
  },
  {
    title: "an unknown scaling metric",
    stack: "dev",
    overrides: { [K("clusterScalingMetric")]: "memory" },
    message: 'trading-platform:clusterScalingMetric: "memory" is not allowed; allowed: "alb-requests", "cpu"',
  },
  {
    title: "a CPU target outside 10-90",
    stack: "dev",
    overrides: { [K("clusterScalingCpuPercent")]: 95 },
    message: "trading-platform:clusterScalingCpuPercent: ",
  },
  {
    title: "a privileged app port",
    stack: "dev",
    overrides: { [K("clusterAppPort")]: 80 },
    message: "trading-platform:clusterAppPort: ",
  },
  {
    title: "a deregistration delay above AWS's limit",
    stack: "dev",
    overrides: { [K("clusterDeregistrationDelaySeconds")]: 4000 },
    message: "trading-platform:clusterDeregistrationDelaySeconds: ",
  },
  {
    title: "a compute platform that is neither ec2 nor fargate",
    stack: "dev",
    overrides: { [K("computePlatform")]: "kubernetes" },
    message: 'trading-platform:computePlatform: "kubernetes" is not allowed; allowed: "ec2", "fargate"',
  },
  {
    title: "a Fargate task CPU below the allow-list",
    stack: "dev",
    overrides: { [K("computePlatform")]: "fargate", [K("clusterTaskCpu")]: 256 },
    message: "trading-platform:clusterTaskCpu: ",
  },
  {
    title: "a Fargate memory size the task CPU does not come with",
    stack: "prod-us-east-1",
    overrides: { [K("computePlatform")]: "fargate", [K("clusterTaskCpu")]: 512, [K("clusterTaskMemoryMiB")]: 8192 },
    message: "trading-platform:clusterTaskMemoryMiB: 8192 MiB is not a Fargate size for clusterTaskCpu 512; allowed 1024-4096 in steps of 1024",
  },
];

describe("cluster config validation", () => {
  itRejectsEachBadConfig(BAD_CASES);

  it("states the allowed range for numeric keys", async () => {
    const failure = await stackFileFailure("dev", { overrides: { [K("clusterScalingCpuPercent")]: 95 } });
    expect(failure.message).to.include("trading-platform:clusterScalingCpuPercent: got 95; allowed 10–90");
  });

  it("accepts cpu scaling and a certificate-less dev stack; defaults fill unset keys", () => {
    const config = parseStackConfig("dev", stackConfig("dev", { [K("clusterScalingMetric")]: "cpu" }));
    expect(config.clusterScalingMetric).to.equal("cpu");
    expect(config.clusterCertificateArn).to.equal(undefined);
    expect(config.clusterAppPort).to.equal(8080);
    expect(config.clusterDeregistrationDelaySeconds).to.equal(30);
    expect(config.computePlatform).to.equal("ec2");
    expect([config.clusterTaskCpu, config.clusterTaskMemoryMiB]).to.deep.equal([1024, 2048]);
  });

  for (const stack of STACKS) {
    it(`${stack}: the committed stack file runs on EC2 (computePlatform unset, so ec2)`, () => {
      expect(parseStackConfig(stack, stackConfig(stack)).computePlatform).to.equal("ec2");
    });
  }

  for (const stack of STACKS) {
    it(`${stack}: prod stacks carry a certificate of their own region`, () => {
      const config = parseStackConfig(stack, stackConfig(stack));
      if (config.isProduction) {
        expect(config.clusterCertificateArn).to.match(new RegExp(`^arn:aws:acm:${config.region}:\\d{12}:certificate/[0-9a-f-]{36}$`));
        expect(config.clusterMinSize).to.be.at.least(3);
      }
    });
  }
});
