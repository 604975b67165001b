/**
 * The offline evaluator against the real thing: each pack is started as the Pulumi CLI starts it
 * (so this also proves the pack layout, PulumiPolicy.yaml, package.json and index.ts, compiles and
 * serves under the CLI's ts-node), then fed, over the analyzer protocol, exactly what the evaluator
 * is fed. Every diagnostic must agree: policy, level, resource and message.
 */
import { expect } from "chai";
import * as path from "node:path";
import { loadPackConfig, PACK_DIRECTORIES, PackDirectory, POLICY_PACKS, POLICY_ROOT, PolicyEnvironment } from "../../offline/policy/evaluateStack";
import { AnalysisInput, evaluatePack } from "../../offline/policy/evaluator";
import { analysisInputFromRun } from "../../offline/policy/fromRun";
import { resolvePackConfig } from "../../offline/policy/packConfig";
import { runStackFile } from "../support/mockCloud";
import { deployedStackRun } from "../support/stackRuns";
import { AnalyzerServer, ServerDiagnostic } from "./support/analyzerServer";
import { mutateRun } from "./support/mutate";

/** Rules whose diagnostics the mutated inputs must produce, so the comparison covers them. */
const MUST_BE_COMPARED: Record<PackDirectory, string[]> = {
  resilience: ["asg-elb-health-check", "stateful-resources-protected", "stream-failure-handling", "operational-state-survives-deploy"],
  cost: ["dynamodb-provisioned-billing"],
  security: [
    "s3-access-logging",
    "vpc-flow-logs",
    "log-group-retention",
    "kms-key-rotation",
    "waf-logs-redact-credentials",
    "iam-least-privilege",
    "s3-no-force-destroy",
    "suppression-tags-name-rules",
  ],
};

interface Row {
  policyName: string;
  enforcementLevel: string;
  urn?: string;
  message: string;
}

async function serverRows(server: AnalyzerServer, input: AnalysisInput): Promise<Row[]> {
  const rows: Row[] = [];
  const add = (d: ServerDiagnostic, urn: string | undefined) =>
    rows.push({ policyName: d.policyName, enforcementLevel: d.enforcementLevel, ...(urn ? { urn } : {}), message: d.message });
  for (const resource of input.resources) {
    // The engine attributes a resource policy's diagnostic to the resource it analyzed.
    for (const d of await server.analyze(resource)) {
      add(d, d.urn || resource.urn);
    }
  }
  for (const d of await server.analyzeStack(input.resources)) {
    add(d, d.urn || undefined);
  }
  return rows;
}

describe("offline evaluator vs @pulumi/policy's analyzer server", function () {
  // Three packs compile under ts-node with type checking: tens of seconds on a small machine.
  this.timeout(300_000);

  const servers = new Map<PackDirectory, AnalyzerServer>();
  const inputs: { name: string; environment: PolicyEnvironment; input: AnalysisInput }[] = [];

  before(async () => {
    const started = await Promise.all(PACK_DIRECTORIES.map((dir) => AnalyzerServer.start(path.join(POLICY_ROOT, dir), 240_000)));
    PACK_DIRECTORIES.forEach((dir, i) => servers.set(dir, started[i]));
    inputs.push({ name: "dev preview", environment: "dev", input: analysisInputFromRun(await runStackFile("dev", { preview: true })) });
    // A prod-shaped stack with violations in every pack: one NAT, an on-demand unencrypted table; as
    // staging its DAX cluster is not protected (opts.protect reaches the server as the engine sends
    // it); a log group kept forever, a flow log of rejects only, the artifact bucket's logging
    // pointed elsewhere, a stream consumer retrying forever, the ASG on EC2 health, a static key, WAF
    // logs that keep cookies.
    const mutated = mutateRun(
      await runStackFile("prod-us-east-1", {
        preview: true,
        overrides: { "trading-platform:environment": "staging", "trading-platform:natGatewayMode": "single" },
      }),
      { match: (r) => r.type === "aws:dynamodb/table:Table", set: { billingMode: "PAY_PER_REQUEST", serverSideEncryption: undefined } },
      { match: (r) => r.type === "aws:cloudwatch/logGroup:LogGroup" && r.name === "trading-service-logs", set: { retentionInDays: undefined } },
      { match: (r) => r.type === "aws:ec2/flowLog:FlowLog", set: { trafficType: "REJECT" } },
      { match: (r) => r.type === "aws:s3/bucketLogging:BucketLogging", set: { bucket: "another-bucket" }, propertyDependencies: { bucket: [] } },
      { match: (r) => r.type === "aws:lambda/eventSourceMapping:EventSourceMapping", set: { maximumRetryAttempts: -1 } },
      { match: (r) => r.type === "aws:autoscaling/group:Group", set: { healthCheckType: "EC2" } },
      { match: (r) => r.type === "aws:kms/key:Key" && r.name === "trading-cache-key", set: { enableKeyRotation: false } },
      // WAF logs that would keep a client's cookies.
      { match: (r) => r.type === "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", set: { redactedFields: [{ singleHeader: { name: "authorization" } }] } },
      // Suppressions through the real server: a valid tag on the ASG silences asg-elb-health-check (a
      // resource rule; the group's list-form tags), a tag without reason or date is refused by the
      // audit a resource rule runs in the stack phase, a misspelt rule name is reported; and the stream
      // consumer without its ignoreChanges (the resource options the server passes).
      {
        match: (r) => r.type === "aws:autoscaling/group:Group",
        set: { tags: [{ key: "policy-suppress:asg-elb-health-check", value: "2099-12-31 EC2 health during the load test", propagateAtLaunch: false }] },
      },
      { match: (r) => r.type === "aws:s3/bucket:Bucket" && r.name === "trading-artifacts", set: { tags: { "policy-suppress:s3-no-force-destroy": "someday", "policy-suppress:no-world-ingres": "2099-12-31 typo" } } },
      { match: (r) => r.type === "aws:lambda/eventSourceMapping:EventSourceMapping", ignoreChanges: [] },
    );
    inputs.push({ name: "mutated prod-us-east-1 preview", environment: "prod", input: analysisInputFromRun(mutated) });
    inputs.push({ name: "prod-eu-west-1", environment: "prod", input: analysisInputFromRun(await deployedStackRun("prod-eu-west-1")) });
  });

  after(() => {
    for (const server of servers.values()) {
      server.stop();
    }
  });

  for (const dir of PACK_DIRECTORIES) {
    it(`${dir}: starts as the CLI starts it and describes the same policies as its definition`, async () => {
      const pack = POLICY_PACKS[dir];
      const info = await servers.get(dir)?.info();
      expect(info?.name).to.equal(pack.name);
      expect(info?.version).to.equal(pack.version);
      expect(
        info?.policies.map((p) => [p.name, p.description, p.enforcementLevel, p.configSchemaProperties ?? null, p.configSchemaRequired]),
      ).to.deep.equal(
        pack.policies.map((p) => [
          p.name,
          p.description,
          p.enforcementLevel ?? pack.enforcementLevel,
          p.configSchema ? JSON.parse(JSON.stringify(p.configSchema.properties)) : null,
          p.configSchema?.required ?? [],
        ]),
      );
    });
  }

  for (const dir of PACK_DIRECTORIES) {
    it(`${dir}: the same diagnostics as the server on each recorded stack`, async () => {
      const server = servers.get(dir) as AnalyzerServer;
      const pack = POLICY_PACKS[dir];
      let compared = 0;
      const judged = new Set<string>();
      for (const { name, environment, input } of inputs) {
        const configFile = loadPackConfig(environment, dir);
        await server.configure(resolvePackConfig(pack, configFile));
        const expected = await serverRows(server, input);
        const offline = await evaluatePack(pack, input, configFile);
        const actual: Row[] = offline.violations.map((v) => ({
          policyName: v.policyName,
          enforcementLevel: v.enforcementLevel,
          ...(v.urn ? { urn: v.urn } : {}),
          // The server prefixes the policy's description to a string report; its preview diagnostic
          // and a reported object (a suppressed violation, a refused suppression) stand alone.
          message: v.couldNotRunInPreview || v.objectReport ? v.message : `${v.description}\n${v.message}`,
        }));
        expect(actual, `${dir} on ${name}`).to.deep.equal(expected);
        compared += expected.length;
        expected.forEach((row) => judged.add(row.policyName));
      }
      // Agreement on nothing would prove nothing: the inputs produce diagnostics for every pack,
      // among them those of the rules that read resource options (protect) or the newest shapes.
      expect(compared).to.be.greaterThan(0);
      expect([...judged]).to.include.members(MUST_BE_COMPARED[dir]);
    });
  }
});
