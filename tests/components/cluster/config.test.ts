import { expect } from "chai";
import {
  architectureOf,
  checkClusterConfig,
  clusterConfigShape,
  INSTANCE_TYPES,
  MIN_GRACE_SECONDS,
  parseCertificateArn,
} from "../../../components/cluster/config";
import { bootRetryBudgetSeconds } from "../../../components/cluster/userData";

type ClusterCheckInput = Parameters<typeof checkClusterConfig>[0];

const VALID: ClusterCheckInput = {
  region: "us-east-1",
  environment: "prod",
  isProduction: true,
  computePlatform: "ec2",
  clusterTaskCpu: 1024,
  clusterTaskMemoryMiB: 2048,
  clusterInstanceType: "m7g.large",
  clusterAmiId: "ami-0a1b2c3d4e5f60718",
  clusterMinSize: 3,
  clusterDesiredCapacity: 3,
  clusterMaxSize: 9,
  clusterHealthCheckGraceSeconds: 120,
  clusterDeregistrationDelaySeconds: 30,
  clusterScalingMetric: "alb-requests",
  clusterScalingRequestsPerTarget: 1000,
  clusterScalingCpuPercent: 50,
  clusterIngressCidrs: ["0.0.0.0/0"],
  clusterCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/5f0c8e1a-3b7d-4c2e-9a61-2d4f8b9e7c10",
  clusterAccessLogRetentionDays: 90,
  clusterAppPort: 8080,
  clusterCursorSecretVersion: 1,
};

function problems(overrides: Partial<ClusterCheckInput>): string[] {
  const found: string[] = [];
  checkClusterConfig({ ...VALID, ...overrides }, (key, message) => found.push(`${key}: ${message}`));
  return found;
}

describe("cluster config helpers", () => {
  it("allows only current-generation non-burstable Graviton and Intel families, large to 4xlarge", () => {
    expect(INSTANCE_TYPES).to.include.members(["m7g.large", "c7g.4xlarge", "m7i.xlarge", "c7i.2xlarge"]);
    expect(INSTANCE_TYPES).to.have.length(16);
    for (const type of INSTANCE_TYPES) {
      expect(type).to.match(/^(m7g|c7g|m7i|c7i)\.(large|xlarge|2xlarge|4xlarge)$/);
    }
  });

  it("derives the AMI architecture from the family", () => {
    expect(architectureOf("m7g.large")).to.equal("arm64");
    expect(architectureOf("c7gn.xlarge")).to.equal("arm64");
    expect(architectureOf("m7i.large")).to.equal("x86_64");
    expect(architectureOf("c7i.4xlarge")).to.equal("x86_64");
  });

  it("parses ACM certificate ARNs and refuses other ARNs", () => {
    expect(parseCertificateArn(VALID.clusterCertificateArn as string)).to.deep.equal({
      partition: "aws",
      region: "us-east-1",
      account: "123456789012",
    });
    expect(parseCertificateArn("arn:aws:acm:us-east-1:123456789012:certificate/not-a-uuid")).to.equal(undefined);
    expect(parseCertificateArn("arn:aws:acm:us-east-1:1234:certificate/5f0c8e1a-3b7d-4c2e-9a61-2d4f8b9e7c10")).to.equal(undefined);
  });

  it("accepts a valid prod configuration", () => {
    expect(problems({})).to.deep.equal([]);
  });

  it("reports each cross-key problem against its key", () => {
    expect(problems({ clusterMinSize: 2, clusterDesiredCapacity: 2 })).to.deep.equal([
      "clusterMinSize: must be at least 3 in a prod stack (one instance per AZ); got 2",
    ]);
    expect(problems({ clusterMinSize: 10 })).to.deep.equal([
      "clusterMinSize: 10 is greater than clusterMaxSize 9; need min <= desired <= max",
    ]);
    expect(problems({ clusterDesiredCapacity: 10 })).to.deep.equal([
      "clusterDesiredCapacity: 10 is outside clusterMinSize..clusterMaxSize (3..9); need min <= desired <= max",
    ]);
    expect(problems({ clusterCertificateArn: undefined })[0]).to.match(/^clusterCertificateArn: is required in a prod stack/);
    expect(problems({ region: "eu-west-1" })[0]).to.match(/^clusterCertificateArn: is in region us-east-1, but an ALB/);
    expect(problems({ clusterIngressCidrs: ["10.0.0.0/33"] })[0]).to.match(/^clusterIngressCidrs\[0\]: is malformed: /);
  });

  it("lets a non-prod stack run smaller and without a certificate", () => {
    expect(
      problems({ isProduction: false, environment: "dev", clusterMinSize: 1, clusterDesiredCapacity: 1, clusterCertificateArn: undefined }),
    ).to.deep.equal([]);
  });

  it("refuses a health check grace period the boot and its IAM retries cannot fit in", () => {
    const grace = clusterConfigShape.clusterHealthCheckGraceSeconds;
    expect(grace.safeParse(MIN_GRACE_SECONDS - 1).success).to.equal(false);
    expect(grace.safeParse(MIN_GRACE_SECONDS).success).to.equal(true);
    expect(grace.parse(undefined)).to.equal(120);
    // Every grace period the schema accepts gives the boot a retry budget (TradingCluster would throw otherwise).
    for (const seconds of [MIN_GRACE_SECONDS, 120, 900]) expect(bootRetryBudgetSeconds(seconds)).to.be.greaterThan(0);
    expect(grace.description).to.contain(`(${MIN_GRACE_SECONDS}-900)`);
  });
});
