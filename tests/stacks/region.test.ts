/**
 * The region tier over the real stack files in the mock cloud: the write-region flag in each region
 * (created with the primary's region, its value ignored by later updates), the stream processor in
 * both prod regions with only the write region's mapping enabled, the instance role's read grant
 * and user data, the region info for the failover command (with the reference database's global
 * cluster in prod), and the DNS failover pair (with the
 * config) or no DNS resource at all (without).
 */
import { expect } from "chai";
import type * as aws from "@pulumi/aws";
import { LIVENESS_PATH } from "../../services/trading-api/src/contract";
import { isStreamProcessor, RecordedResource, runStackFile, stackFileFailure, StackRun } from "../support/mockCloud";
import { deployedStackRun } from "../support/stackRuns";

const T = {
  parameter: "aws:ssm/parameter:Parameter",
  mapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
  fn: "aws:lambda/function:Function",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  role: "aws:iam/role:Role",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  healthCheck: "aws:route53/healthCheck:HealthCheck",
  record: "aws:route53/record:Record",
  alb: "aws:lb/loadBalancer:LoadBalancer",
  asg: "aws:autoscaling/group:Group",
  globalCluster: "aws:rds/globalCluster:GlobalCluster",
  dbCluster: "aws:rds/cluster:Cluster",
} as const;

const PROD_FLAG = "/trading-platform/prod/write-region";

const flagOf = (run: StackRun) => run.single(T.parameter, (p) => String(p.inputs.name).endsWith("/write-region"));
const regionInfoOf = (run: StackRun) =>
  JSON.parse(String(run.single(T.parameter, (p) => String(p.inputs.name).endsWith("/region-info")).inputs.insecureValue)) as Record<string, unknown>;

/** The ignored properties are arguments of these resources (checked by tsc against @pulumi/aws). */
const IGNORED: {
  flag: (keyof aws.ssm.ParameterArgs)[];
  mapping: (keyof aws.lambda.EventSourceMappingArgs)[];
  healthCheck: (keyof aws.route53.HealthCheckArgs)[];
} = { flag: ["insecureValue"], mapping: ["enabled"], healthCheck: ["disabled", "invertHealthcheck"] };

function expectIgnoredAndDeclared(resource: RecordedResource, properties: string[]) {
  expect(resource.ignoreChanges, resource.name).to.deep.equal(properties);
  for (const property of properties) {
    // A misspelt ignoreChanges entry is silently accepted by the engine and protects nothing: the
    // property must be an input the resource really sets.
    expect(resource.inputs, `${resource.name} declares ${property}`).to.have.property(property);
  }
}

describe("region tier: one write region at a time", () => {
  const runs: Record<string, StackRun> = {};

  before(async () => {
    for (const stack of ["dev", "prod-us-east-1", "prod-eu-west-1"]) {
      runs[stack] = await deployedStackRun(stack);
    }
    runs["prod-us-east-1 no dns"] = await runStackFile("prod-us-east-1", { overrides: { "trading-platform:dnsHostedZoneId": undefined, "trading-platform:dnsApiDomainName": undefined } });
  });

  it("both prod stacks create the environment's flag in their own region, with the primary's region as its first value", () => {
    for (const stack of ["prod-us-east-1", "prod-eu-west-1"]) {
      const flag = flagOf(runs[stack]);
      expect(flag.inputs, stack).to.deep.include({ name: PROD_FLAG, type: "String", insecureValue: '{"writeRegion":"us-east-1","epoch":0}' });
      expect(flag.region).to.equal(stack.replace("prod-", ""));
      expect(runs[stack].outputs.failover).to.deep.include({ writeRegionParameterName: PROD_FLAG, initialWriteRegion: "us-east-1" });
    }
    expect(flagOf(runs.dev).inputs).to.deep.include({ name: "/trading-platform/dev/write-region", insecureValue: '{"writeRegion":"us-east-1","epoch":0}' });
  });

  it("pulumi up cannot change the operational state: the flag's value and the mappings' enabled are ignored, and really declared", () => {
    for (const stack of ["dev", "prod-us-east-1", "prod-eu-west-1"]) {
      expectIgnoredAndDeclared(flagOf(runs[stack]), IGNORED.flag);
      expectIgnoredAndDeclared(runs[stack].single(T.mapping), IGNORED.mapping);
    }
    for (const check of runs["prod-us-east-1"].ofType(T.healthCheck).concat(runs["prod-eu-west-1"].ofType(T.healthCheck))) {
      expectIgnoredAndDeclared(check, IGNORED.healthCheck);
      expect(check.inputs).to.deep.include({ disabled: false, invertHealthcheck: false });
    }
  });

  it("deploys the stream processor in both prod regions, enabled only in the initial write region", () => {
    expect(runs["prod-us-east-1"].single(T.mapping).inputs.enabled).to.equal(true);
    expect(runs["prod-eu-west-1"].single(T.mapping).inputs.enabled).to.equal(false);
    const primary = runs["prod-us-east-1"].outputs as { dynamo: Record<string, string>; failover: Record<string, string> };
    const replica = runs["prod-eu-west-1"].outputs as { dynamo: Record<string, string>; failover: Record<string, string> };
    // The dynamo section keeps its 1.0 meaning (the primary's stream); failover names each region's own.
    expect(replica.dynamo.streamArn).to.equal(primary.dynamo.streamArn);
    expect(primary.failover.streamArn).to.equal(primary.dynamo.streamArn);
    expect(replica.failover.streamArn).to.contain(":eu-west-1:").and.not.equal(primary.failover.streamArn);
    expect(replica.failover.streamProcessorFunctionName).to.equal(runs["prod-eu-west-1"].single(T.fn, isStreamProcessor).outputs.name);
  });

  it("grants the instance role ssm:GetParameter on exactly its region's flag, and tells the service its name", () => {
    for (const stack of ["prod-us-east-1", "prod-eu-west-1"]) {
      const run = runs[stack];
      const flag = flagOf(run);
      const documents = run.ofType(T.rolePolicy).map((p) => ({ p, doc: JSON.parse(String(p.inputs.policy)) as { Statement: { Action: string | string[]; Resource: string | string[] }[] } }));
      const grants = documents.flatMap(({ p, doc }) =>
        doc.Statement.filter((s) => [s.Action].flat().includes("ssm:GetParameter") && [s.Resource].flat().includes(String(flag.outputs.arn))).map(() => p),
      );
      expect(grants, stack).to.have.length(1);
      const grant = JSON.parse(String(grants[0].inputs.policy)) as { Statement: unknown[] };
      const peer = stack === "prod-us-east-1" ? "eu-west-1" : "us-east-1";
      const peerArn = String(flag.outputs.arn).replace(`:${stack.replace("prod-", "")}:`, `:${peer}:`);
      expect(grant.Statement).to.deep.equal([{ Sid: "WriteRegionFlag", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: [flag.outputs.arn, peerArn] }]);
      const instanceRole = run.ofType(T.role).find((r) => String(r.inputs.assumeRolePolicy).includes("ec2.amazonaws.com"));
      expect(grants[0].inputs.role).to.equal(instanceRole?.outputs.name);
      const userData = Buffer.from(String(run.single(T.launchTemplate).inputs.userData), "base64").toString("utf8");
      expect(userData).to.contain(`WRITE_REGION_PARAMETER=${PROD_FLAG}\n`);
      expect(userData).to.contain(`WRITE_REGION_PEERS=${stack === "prod-us-east-1" ? "eu-west-1" : "us-east-1"}\n`);
    }
  });

  it("describes each region for the failover command: flag, table, stream consumer, API endpoint and DNS", () => {
    const run = runs["prod-eu-west-1"];
    const info = regionInfoOf(run);
    expect(info).to.deep.include({ region: "eu-west-1", role: "replica", environment: "prod", writeRegionParameter: PROD_FLAG });
    expect(info.streamConsumer).to.deep.equal({
      functionName: run.single(T.fn, isStreamProcessor).outputs.name,
      mappingUuid: run.single(T.mapping).outputs.uuid,
    });
    expect(info.apiEndpoint).to.equal(`https://${String(run.single(T.alb).outputs.dnsName)}`);
    // The failover command proves no old instance can still write by hearing from each InService instance of this group.
    expect(info.autoScalingGroupName).to.equal(run.single(T.asg).outputs.name);
    expect(info, "an ECS service is named on fargate only").to.not.have.property("ecsService");
    expect(info.dns).to.deep.equal({
      domainName: "api.trading.acme-markets.example",
      hostedZoneId: "Z04417923NQZ7EXAMPLE1",
      failoverRole: "SECONDARY",
      healthCheckId: run.single(T.healthCheck).id,
    });
  });

  it("gives the failover command the reference database's global cluster and this region's member in prod, and nothing of it in dev", () => {
    for (const stack of ["prod-us-east-1", "prod-eu-west-1"]) {
      const run = runs[stack];
      const cluster = run.single(T.dbCluster);
      // The secondary joins the global cluster the primary owns: both name the same one, each its own cluster.
      expect(regionInfoOf(run).globalDatabase, stack).to.deep.equal({ globalClusterIdentifier: "trading-prod-refdata", clusterArn: cluster.outputs.arn });
      if (stack === "prod-eu-west-1") {
        expect(cluster.inputs.globalClusterIdentifier, stack).to.equal("trading-prod-refdata");
      } else {
        // The primary's cluster is the one the global cluster is made from (it joins in place).
        const global = run.single(T.globalCluster);
        expect(global.inputs.globalClusterIdentifier).to.equal("trading-prod-refdata");
        expect(run.propertyDependencies(global, "sourceDbClusterIdentifier").map((r) => r.urn)).to.deep.equal([cluster.urn]);
      }
    }
    // dev's reference database is one regional cluster: the command skips the step and says so.
    expect(regionInfoOf(runs.dev)).to.not.have.property("globalDatabase");
  });

  it("with DNS configured, each prod stack owns one record of the failover pair, health-checked over HTTPS on its ALB", () => {
    for (const [stack, role] of [["prod-us-east-1", "PRIMARY"], ["prod-eu-west-1", "SECONDARY"]] as const) {
      const run = runs[stack];
      const alb = run.single(T.alb);
      const check = run.single(T.healthCheck);
      const record = run.single(T.record);
      // The liveness path, reserved for checkers outside the VPC: /healthz also tells the write mode and the instance.
      expect(check.inputs).to.deep.include({ type: "HTTPS", port: 443, fqdn: alb.outputs.dnsName, resourcePath: LIVENESS_PATH, enableSni: true });
      expect(record.inputs).to.deep.include({
        zoneId: "Z04417923NQZ7EXAMPLE1",
        name: "api.trading.acme-markets.example",
        type: "A",
        setIdentifier: stack.replace("prod-", ""),
        healthCheckId: check.id,
      });
      expect(record.inputs.failoverRoutingPolicies).to.deep.equal([{ type: role }]);
      expect(record.inputs.aliases).to.deep.equal([{ name: alb.outputs.dnsName, zoneId: alb.outputs.zoneId, evaluateTargetHealth: true }]);
      expect((run.outputs.failover as { dns: unknown }).dns).to.deep.equal({ apiDomainName: "api.trading.acme-markets.example", failoverRole: role, healthCheckId: check.id });
    }
  });

  it("without the DNS config creates no DNS resource and publishes no DNS output", () => {
    for (const run of [runs.dev, runs["prod-us-east-1 no dns"]]) {
      expect(run.ofType(T.healthCheck)).to.deep.equal([]);
      expect(run.ofType(T.record)).to.deep.equal([]);
      expect(run.outputs.failover).to.not.have.property("dns");
      expect(regionInfoOf(run)).to.not.have.property("dns");
    }
  });

  it("refuses half a DNS config, a malformed one, and DNS without a certificate", async () => {
    const half = await stackFileFailure("prod-us-east-1", { overrides: { "trading-platform:dnsApiDomainName": undefined } });
    expect(half.message).to.contain("trading-platform:dnsApiDomainName: dnsHostedZoneId and dnsApiDomainName go together");
    const bad = await stackFileFailure("prod-us-east-1", { overrides: { "trading-platform:dnsHostedZoneId": "zone-1", "trading-platform:dnsApiDomainName": "API.Example" } });
    expect(bad.message).to.contain('trading-platform:dnsHostedZoneId: "zone-1" is not a Route 53 hosted zone ID');
    expect(bad.message).to.contain('trading-platform:dnsApiDomainName: "API.Example" is not a lower-case DNS name');
    const plain = await stackFileFailure("dev", { overrides: { "trading-platform:dnsHostedZoneId": "Z04417923NQZ7EXAMPLE1", "trading-platform:dnsApiDomainName": "api.dev.example" } });
    expect(plain.message).to.contain("trading-platform:dnsApiDomainName: needs clusterCertificateArn");
  });
});
