/**
 * TradingCluster and ClusterSecurityGroups in a small program of their own (a network, the groups,
 * a hand-made HotPathAccess), to vary what the stack files fix: the artifact, the certificate, the
 * scaling metric, the key rotation.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { artifactFromCode, artifactKey, ServiceArtifact } from "../../../components/cluster/artifact";
import type { ScalingMetric } from "../../../components/cluster/config";
import { ClusterSecurityGroups } from "../../../components/cluster/securityGroups";
import { TradingCluster } from "../../../components/cluster/tradingCluster";
import type { HotPathAccess } from "../../../components/dynamo/access";
import { HaNetwork } from "../../../components/network/haNetwork";
import { FAKE_ACCOUNT_ID, RecordedResource, runProgram, StackRun } from "../../support/mockCloud";

const REGION = "us-east-1";
const TABLE_ARN = `arn:aws:dynamodb:${REGION}:${FAKE_ACCOUNT_ID}:table/orders-test`;
const CERTIFICATE = `arn:aws:acm:${REGION}:${FAKE_ACCOUNT_ID}:certificate/5f0c8e1a-3b7d-4c2e-9a61-2d4f8b9e7c10`;

interface Variant {
  artifact?: ServiceArtifact;
  certificateArn?: string;
  scalingMetric?: ScalingMetric;
  cursorSecretRotation?: number;
  ingressCidrs?: string[];
  appPort?: number;
}

const ARTIFACT_A = artifactFromCode('console.log("trading-api build A");\n');
const ARTIFACT_B = artifactFromCode('console.log("trading-api build B");\n');

async function run(variant: Variant = {}): Promise<StackRun> {
  return runProgram(
    async () => {
      const network = new HaNetwork("net", { cidrBlock: "10.0.0.0/16", availabilityZoneIds: ["use1-az1", "use1-az2", "use1-az4"] });
      const appPort = variant.appPort ?? 8080;
      const groups = new ClusterSecurityGroups("sg", {
        vpcId: network.vpcId,
        ingressCidrs: variant.ingressCidrs ?? ["203.0.113.0/24"],
        appPort,
      });
      const hotPath: HotPathAccess = {
        tableName: pulumi.output("orders-test"),
        tableArn: pulumi.output(TABLE_ARN),
        indexArns: pulumi.output([`${TABLE_ARN}/index/by-symbol`, `${TABLE_ARN}/index/by-account`]),
        daxClusterArn: pulumi.output(`arn:aws:dax:${REGION}:${FAKE_ACCOUNT_ID}:cache/orders-test`),
        daxEndpoint: pulumi.output("daxs://orders-test.abc123.dax-clusters.us-east-1.amazonaws.com"),
        kmsKeyArn: pulumi.output(`arn:aws:kms:${REGION}:${FAKE_ACCOUNT_ID}:key/orders-test`),
      };
      const cluster = new TradingCluster("test", {
        vpcId: network.vpcId,
        appSubnetIds: network.zones.map((z) => z.appSubnet.id),
        publicSubnetIds: network.zones.map((z) => z.publicSubnet.id),
        albSecurityGroupId: groups.albSecurityGroupId,
        appSecurityGroupId: groups.appSecurityGroupId,
        hotPath,
        instanceType: "c7i.large",
        imageId: "ami-0f9e8d7c6b5a40312",
        minSize: 3,
        desiredCapacity: 3,
        maxSize: 6,
        scalingMetric: variant.scalingMetric,
        scalingRequestsPerTarget: 750,
        scalingCpuPercent: 40,
        certificateArn: variant.certificateArn,
        accessLogRetentionDays: 30,
        appPort,
        instanceTags: { Team: "trading" },
        cursorSecretRotation: variant.cursorSecretRotation,
        artifact: variant.artifact ?? ARTIFACT_A,
      });
      return { endpoint: cluster.endpoint, asgName: cluster.asgName };
    },
    { stack: "test", config: { "aws:region": REGION } },
  );
}

function one(r: StackRun, type: string, predicate: (x: RecordedResource) => boolean = () => true): RecordedResource {
  return r.single(type, predicate);
}

const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const ASG = "aws:autoscaling/group:Group";

describe("TradingCluster (component)", function () {
  this.timeout(60_000);
  let base: StackRun;

  before(async () => {
    base = await run();
  });

  it("changing the service artifact uploads a new object and changes the launch template (so the ASG refreshes)", async () => {
    const changed = await run({ artifact: ARTIFACT_B });
    const [ltA, ltB] = [one(base, LT), one(changed, LT)];
    expect(ltB.inputs.userData).to.not.equal(ltA.inputs.userData);
    const userDataB = Buffer.from(String(ltB.inputs.userData), "base64").toString("utf8");
    expect(userDataB).to.contain(ARTIFACT_B.sha256);
    expect(userDataB).to.contain(artifactKey(ARTIFACT_B));
    // Only the user data differs: the change is a new template version, not a new template.
    const { userData: _a, ...restA } = ltA.inputs;
    const { userData: _b, ...restB } = ltB.inputs;
    expect(restB).to.deep.equal(restA);
    expect(one(changed, "aws:s3/bucketObjectv2:BucketObjectv2").inputs.key).to.equal(artifactKey(ARTIFACT_B));
    // The group takes its version from the template resource, so a new version reaches the group.
    const asg = one(changed, ASG);
    expect(changed.propertyDependencies(asg, "launchTemplate").map((r) => r.type)).to.deep.equal([LT]);
  });

  it("the same artifact gives the same launch template (nothing random in user data)", async () => {
    const again = await run();
    expect(one(again, LT).inputs).to.deep.equal(one(base, LT).inputs);
  });

  it("raising the cursor-key rotation writes a new key version and rolls the fleet", async () => {
    const rotated = await run({ cursorSecretRotation: 2 });
    expect(one(rotated, "aws:ssm/parameter:Parameter").inputs.valueWoVersion).to.equal(2);
    expect(one(base, "aws:ssm/parameter:Parameter").inputs.valueWoVersion).to.equal(1);
    expect(one(rotated, LT).inputs.userData).to.not.equal(one(base, LT).inputs.userData);
  });

  it("uploads the artifact KMS-encrypted to a versioned bucket with public access blocked and TLS-only access", () => {
    const object = one(base, "aws:s3/bucketObjectv2:BucketObjectv2");
    const bucket = base.propertyDependencies(object, "bucket")[0];
    const key = one(base, "aws:kms/key:Key");
    expect(object.inputs).to.deep.include({ serverSideEncryption: "aws:kms", kmsKeyId: key.outputs.arn });
    expect(key.inputs.enableKeyRotation).to.equal(true);
    const onBucket = (type: string) =>
      base.ofType(type).filter((r) => base.propertyDependencies(r, "bucket").some((b) => b.urn === bucket.urn));
    expect(onBucket("aws:s3/bucketVersioning:BucketVersioning").map((r) => r.inputs.versioningConfiguration)).to.deep.equal([
      { status: "Enabled" },
    ]);
    expect(onBucket("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[0].inputs).to.deep.include({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const sse = onBucket("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")[0];
    expect((sse.inputs.rules as { applyServerSideEncryptionByDefault: unknown }[])[0].applyServerSideEncryptionByDefault).to.deep.equal({
      sseAlgorithm: "aws:kms",
      kmsMasterKeyId: key.outputs.arn,
    });
    const policy = JSON.parse(String(onBucket("aws:s3/bucketPolicy:BucketPolicy")[0].inputs.policy)) as {
      Statement: { Effect: string; Condition?: unknown }[];
    };
    expect(policy.Statement).to.deep.include.members([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucket.outputs.arn, `${String(bucket.outputs.arn)}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  it("delivers ALB access logs to a bucket the region's ELB account may write to, expiring them", () => {
    const alb = one(base, "aws:lb/loadBalancer:LoadBalancer");
    const logBucket = base.propertyDependencies(alb, "accessLogs")[0];
    const policyResource = base
      .ofType("aws:s3/bucketPolicy:BucketPolicy")
      .find((p) => base.propertyDependencies(p, "bucket").some((b) => b.urn === logBucket.urn)) as RecordedResource;
    expect(alb.dependencies, "the ALB waits for the bucket policy").to.include(policyResource.urn);
    const policy = JSON.parse(String(policyResource.inputs.policy)) as { Statement: Record<string, unknown>[] };
    expect(policy.Statement[0]).to.deep.equal({
      Sid: "AlbLogDelivery",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::127311923021:root" },
      Action: "s3:PutObject",
      Resource: `${String(logBucket.outputs.arn)}/alb/AWSLogs/${FAKE_ACCOUNT_ID}/*`,
    });
    const lifecycle = base
      .ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
      .find((l) => base.propertyDependencies(l, "bucket").some((b) => b.urn === logBucket.urn)) as RecordedResource;
    expect((lifecycle.inputs.rules as { expiration: unknown }[])[0].expiration).to.deep.equal({ days: 30 });
    const sse = base
      .ofType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
      .find((l) => base.propertyDependencies(l, "bucket").some((b) => b.urn === logBucket.urn)) as RecordedResource;
    expect((sse.inputs.rules as { applyServerSideEncryptionByDefault: unknown }[])[0].applyServerSideEncryptionByDefault).to.deep.equal({
      sseAlgorithm: "AES256",
    });
  });

  it("without a certificate serves plain HTTP only; with one, HTTPS (TLS 1.3) and a redirecting HTTP listener", async () => {
    const listeners = (r: StackRun) => r.ofType("aws:lb/listener:Listener").map((l) => l.inputs);
    expect(listeners(base)).to.have.length(1);
    expect(listeners(base)[0]).to.deep.include({ port: 80, protocol: "HTTP" });
    expect((listeners(base)[0].defaultActions as { type: string }[])[0].type).to.equal("forward");
    expect(base.outputs.endpoint).to.match(/^http:\/\//);

    const secure = await run({ certificateArn: CERTIFICATE });
    const [https, http] = [listeners(secure).find((l) => l.port === 443), listeners(secure).find((l) => l.port === 80)];
    expect(https).to.deep.include({ protocol: "HTTPS", certificateArn: CERTIFICATE, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09" });
    expect(http?.defaultActions).to.deep.equal([
      { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
    ]);
    expect(secure.outputs.endpoint).to.match(/^https:\/\//);
  });

  it("tracks ALB requests per target with the ALB/target-group label, or CPU", async () => {
    const policy = (r: StackRun) => one(r, "aws:autoscaling/policy:Policy");
    const requests = policy(base);
    expect(requests.inputs.policyType).to.equal("TargetTrackingScaling");
    const alb = one(base, "aws:lb/loadBalancer:LoadBalancer");
    const tg = one(base, "aws:lb/targetGroup:TargetGroup");
    expect(requests.inputs.targetTrackingConfiguration).to.deep.equal({
      targetValue: 750,
      predefinedMetricSpecification: {
        predefinedMetricType: "ALBRequestCountPerTarget",
        resourceLabel: `${String(alb.outputs.arnSuffix)}/${String(tg.outputs.arnSuffix)}`,
      },
    });
    expect(base.propertyDependencies(requests, "autoscalingGroupName").map((r) => r.type)).to.deep.equal([ASG]);

    const cpu = policy(await run({ scalingMetric: "cpu" }));
    expect(cpu.inputs.targetTrackingConfiguration).to.deep.equal({
      targetValue: 40,
      predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
    });
  });

  it("launches the AMI it is given (no lookup) and names the hand-made hot path in the policy", () => {
    expect(base.invokes.filter((i) => i.token === "aws:ssm/getParameter:getParameter")).to.deep.equal([]);
    expect(one(base, LT).inputs.imageId).to.equal("ami-0f9e8d7c6b5a40312");
    const policy = String(one(base, "aws:iam/rolePolicy:RolePolicy", (p) => p.name === "test-instance").inputs.policy);
    expect(policy).to.contain(TABLE_ARN).and.to.contain(`${TABLE_ARN}/index/by-account`).and.to.contain("cache/orders-test");
    const asgTags = one(base, ASG).inputs.tags as { key: string; value: string; propagateAtLaunch: boolean }[];
    expect(asgTags).to.deep.equal([
      { key: "Team", value: "trading", propagateAtLaunch: true },
      { key: "Name", value: "test-api", propagateAtLaunch: true },
    ]);
  });

  it("parents every resource it creates under the component", () => {
    const component = one(base, "trading:cluster:TradingCluster");
    const mine = base.resources.filter((r) => r.custom && /^test-/.test(r.name));
    expect(mine.length).to.be.greaterThan(20);
    const descendants = new Set(base.childrenOf(component, true).map((r) => r.urn));
    expect(mine.filter((r) => !descendants.has(r.urn)).map((r) => r.name)).to.deep.equal([]);
  });
});

describe("ClusterSecurityGroups (component)", function () {
  this.timeout(60_000);

  it("admits 443 and 80 from each configured CIDR, and the app port only from the ALB group", async () => {
    const r = await run({ ingressCidrs: ["198.51.100.0/24", "203.0.113.0/24"], appPort: 9000 });
    const component = one(r, "trading:cluster:ClusterSecurityGroups");
    const rules = r.childrenOf(component).filter((c) => c.type.startsWith("aws:vpc/"));
    const ingress = rules.filter((c) => c.type.endsWith("SecurityGroupIngressRule"));
    const cidrRules = ingress.filter((c) => c.inputs.cidrIpv4 !== undefined);
    expect(cidrRules.map((c) => `${String(c.inputs.cidrIpv4)}:${String(c.inputs.fromPort)}`).sort()).to.deep.equal([
      "198.51.100.0/24:443",
      "198.51.100.0/24:80",
      "203.0.113.0/24:443",
      "203.0.113.0/24:80",
    ]);
    const fromAlb = ingress.filter((c) => c.inputs.cidrIpv4 === undefined);
    expect(fromAlb).to.have.length(1);
    expect(fromAlb[0].inputs).to.deep.include({ fromPort: 9000, toPort: 9000, ipProtocol: "tcp" });
    const targetGroup = one(r, "aws:lb/targetGroup:TargetGroup");
    expect(targetGroup.inputs.port).to.equal(9000);
    const egress = rules.filter((c) => c.type.endsWith("SecurityGroupEgressRule"));
    expect(egress.map((c) => `${String(c.inputs.fromPort)}-${String(c.inputs.toPort)} ${String(c.inputs.cidrIpv4 ?? "sg")}`).sort()).to.deep.equal([
      "443-443 0.0.0.0/0",
      "9000-9000 sg",
    ]);
  });

  it("with no CIDR configured, admits no one to the ALB", async () => {
    const r = await run({ ingressCidrs: [] });
    const cidrRules = r
      .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .filter((c) => c.inputs.cidrIpv4 !== undefined);
    expect(cidrRules).to.deep.equal([]);
  });
});
