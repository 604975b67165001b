/**
 * What a real `pulumi up`, and the first months in production, would break (issue 14), on the real
 * stack files: each describe reproduces one defect with the mock cloud behaving as AWS does where
 * its happy path would hide it (offline/cloud/fakeAccount.ts), and holds the fix.
 */
import type { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { READINESS_PATH } from "../../services/trading-api/src/contract";
import { testApp } from "../services/fixtures";
import { FakeAccount, readStackFile, runStackFile, stackFileFailure, StackRun } from "../support/mockCloud";
import { deployedStackRun } from "../support/stackRuns";

const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const userDataOf = (run: StackRun) => Buffer.from(String(run.single(LAUNCH_TEMPLATE).inputs.userData), "base64").toString("utf8");

describe("deploy correctness on the real stack files (issue 14)", function () {
  this.timeout(120_000);

  describe("1. the artifact upload can race the bucket's versioning", () => {
    it("deploys when S3 gives the object no version id, and the boot fetches the content-addressed key, checked by its hash", async () => {
      const run = await runStackFile("dev", { quirks: { versioningNotYetInEffect: true } });
      const object = run.single("aws:s3/bucketObjectv2:BucketObjectv2");
      expect(object.outputs.versionId, "the quirk is in effect").to.equal("");
      const boot = userDataOf(run);
      const fetch = boot.split("\n").find((line) => line.includes("s3api get-object")) ?? "";
      expect(fetch).to.contain(`--key ${String(object.inputs.key)}`);
      expect(fetch).to.not.contain("--version-id");
      expect(boot).to.match(/sha256sum --check --strict/);
    });

    it("uploads the artifact only after the bucket's versioning resource exists", async () => {
      const run = await deployedStackRun("dev");
      const object = run.single("aws:s3/bucketObjectv2:BucketObjectv2");
      const versioning = run.ofType("aws:s3/bucketVersioning:BucketVersioning");
      expect(versioning).to.have.lengthOf(1);
      expect(object.dependencies).to.include(versioning[0].urn);
    });
  });

  describe("2. health checks that could replace the whole fleet", () => {
    /** A table client whose every call fails, as during a DAX failover or throttling. */
    const failingTable = new Proxy({} as DynamoDBDocument, {
      get: () => async () => Promise.reject(Object.assign(new Error("DAX failover"), { name: "ServiceUnavailable" })),
    });

    for (const stack of ["dev", "prod-us-east-1", "prod-eu-west-1"]) {
      it(`${stack}: the target group (whose health the group acts on) checks a route a dependency failure cannot fail`, async () => {
        const run = await deployedStackRun(stack);
        const healthCheck = run.single("aws:lb/targetGroup:TargetGroup").inputs.healthCheck as { path: string };
        expect(run.single("aws:autoscaling/group:Group").inputs.healthCheckType).to.equal("ELB");
        const app = testApp(failingTable, "trading");
        try {
          expect((await app.inject({ method: "GET", url: healthCheck.path })).statusCode, healthCheck.path).to.equal(200);
          // The dependency check still exists, for the drain and the alarms.
          expect((await app.inject({ method: "GET", url: READINESS_PATH })).statusCode).to.equal(503);
        } finally {
          await app.close();
        }
      });
    }
  });

  describe("5. Aurora's pinned engine version against automatic minor upgrades", () => {
    it("a later deploy still succeeds after a maintenance window in which AWS released a newer minor version", async () => {
      const account = new FakeAccount();
      const first = await runStackFile("prod-us-east-1", { quirks: { account } });
      const cluster = first.single("aws:rds/cluster:Cluster");
      const pinned = String(cluster.inputs.engineVersion);
      const [major] = pinned.split(".");
      account.passMaintenanceWindow(`${major}.99`);
      expect(account.auroraEngineVersion(String(cluster.inputs.clusterIdentifier)), "no automatic upgrade happened").to.equal(pinned);
      const second = await runStackFile("prod-us-east-1", { quirks: { account } });
      expect(second.single("aws:rds/cluster:Cluster").inputs.engineVersion).to.equal(pinned);
      for (const instance of second.ofType("aws:rds/clusterInstance:ClusterInstance")) {
        expect(instance.inputs.autoMinorVersionUpgrade, instance.name).to.equal(false);
      }
    });

    it("the mock refuses a downgrade, as RDS does (the check can fail)", async () => {
      const account = new FakeAccount();
      const first = await runStackFile("dev", { quirks: { account } });
      const cluster = first.single("aws:rds/cluster:Cluster");
      account.applyAuroraCluster("other", String(cluster.inputs.clusterIdentifier), "99.0", false);
      const failure = await stackFileFailure("dev", { quirks: { account } }).catch((err: Error) => err);
      expect(String(failure.message)).to.contain("Cannot upgrade aurora-postgresql from 99.0");
    });
  });

  describe("9. dev must be destroyable: no bucket that a destroy cannot empty", () => {
    const buckets = (run: StackRun) => run.ofType("aws:s3/bucket:Bucket").map((b) => [b.name, b.inputs.forceDestroy === true] as const);

    it("dev's artifact and access-log buckets may be destroyed with their objects", async () => {
      const dev = buckets(await deployedStackRun("dev"));
      expect(dev.length).to.be.greaterThan(1);
      for (const [name, force] of dev) {
        expect(force, name).to.equal(true);
      }
    });

    for (const stack of ["prod-us-east-1", "prod-eu-west-1"]) {
      it(`${stack}: no bucket is ever emptied by a deployment`, async () => {
        for (const [name, force] of buckets(await deployedStackRun(stack))) {
          expect(force, name).to.equal(false);
        }
      });
    }
  });

  describe("7. IAM and KMS details that fail at run time", () => {
    const policyOf = (run: StackRun, name: string) =>
      JSON.parse(String(run.single("aws:iam/rolePolicy:RolePolicy", (r) => r.name === name).inputs.policy)) as { Statement: { Action: string | string[]; Resource: unknown; Condition?: unknown; Principal?: unknown }[] };
    const tableKeyOf = (run: StackRun) => {
      const encryptsTable = run.ofType("aws:kms/key:Key").filter((k) => String(k.inputs.description).includes("replica") || String(k.inputs.description).startsWith("Encrypts DynamoDB table"));
      expect(encryptsTable, "one table key").to.have.lengthOf(1);
      return String(encryptsTable[0].outputs.arn);
    };

    for (const stack of ["dev", "prod-us-east-1", "prod-eu-west-1"]) {
      it(`${stack}: DAX can assume its role (no condition DAX does not send) and both DAX and the instances may use the table's key through DynamoDB`, async () => {
        const run = await deployedStackRun(stack);
        const region = run.single("aws:dax/cluster:Cluster").region;
        const daxRole = JSON.parse(String(run.single("aws:iam/role:Role", (r) => r.name === "trading-dax-role").inputs.assumeRolePolicy)) as { Statement: { Condition?: unknown }[] };
        expect(daxRole.Statement.map((st) => st.Condition)).to.deep.equal([undefined]);
        const key = tableKeyOf(run);
        const via = { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } };
        for (const policy of ["trading-dax-table-access", "trading-instance"]) {
          // (The fake gives the cluster's key the same ARN: both are "trading-key" under different parents.)
          const statements = policyOf(run, policy).Statement.filter((st) => st.Resource === key && ([] as string[]).concat(st.Action).includes("kms:Encrypt"));
          expect(statements, policy).to.have.lengthOf(1);
          expect(statements[0].Action, policy).to.include.members(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]);
          expect(statements[0].Condition, policy).to.deep.equal(via);
        }
      });
    }

    it("the flow log waits for its role's permissions, which include what AWS documents (DescribeLogGroups)", async () => {
      const run = await deployedStackRun("dev");
      const flowLog = run.single("aws:ec2/flowLog:FlowLog");
      const write = run.single("aws:iam/rolePolicy:RolePolicy", (r) => r.name === "trading-flow-logs-write");
      expect(flowLog.dependencies).to.include(write.urn);
      const actions = policyOf(run, "trading-flow-logs-write").Statement.flatMap((st) => ([] as string[]).concat(st.Action));
      expect(actions).to.include.members(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:DescribeLogGroups"]);
    });
  });

  describe("10. current values", () => {
    it("the artifact bucket's requests are logged (S3 server access logging into an SSE-S3 bucket that admits only S3's log delivery for it)", async () => {
      const run = await deployedStackRun("prod-us-east-1");
      const artifacts = run.single("aws:s3/bucket:Bucket", (b) => b.name === "trading-artifacts");
      const logging = run.single("aws:s3/bucketLogging:BucketLogging");
      expect(run.propertyDependencies(logging, "bucket").map((r) => r.urn)).to.deep.equal([artifacts.urn]);
      const target = run.propertyDependencies(logging, "targetBucket")[0];
      const policy = run.single("aws:s3/bucketPolicy:BucketPolicy", (p) => run.propertyDependencies(p, "bucket")[0]?.urn === target.urn);
      expect(logging.dependencies).to.include(policy.urn);
      const statement = (JSON.parse(String(policy.inputs.policy)) as { Statement: { Sid: string; Principal: unknown; Condition: unknown }[] }).Statement.find(
        (st) => st.Sid === "S3ServerAccessLogDelivery",
      );
      expect(statement?.Principal).to.deep.equal({ Service: "logging.s3.amazonaws.com" });
      expect(statement?.Condition).to.deep.equal({ ArnLike: { "aws:SourceArn": artifacts.outputs.arn }, StringEquals: { "aws:SourceAccount": "123456789012" } });
      const sse = run.single("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", (c) => run.propertyDependencies(c, "bucket")[0]?.urn === target.urn);
      expect(sse.inputs.rules).to.deep.equal([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false }]);
    });

    it("HTTPS listeners use AWS's recommended post-quantum TLS 1.3 policy; the data stores run current versions", async () => {
      const run = await deployedStackRun("prod-eu-west-1");
      expect(run.single("aws:lb/listener:Listener", (l) => l.inputs.protocol === "HTTPS").inputs.sslPolicy).to.equal("ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09");
      const newer = (version: string, than: string) => version.localeCompare(than, "en", { numeric: true }) > 0;
      expect(newer(String(run.single("aws:rds/cluster:Cluster").inputs.engineVersion), "17.5")).to.equal(true);
      expect(run.single("aws:elasticache/replicationGroup:ReplicationGroup").inputs.engineVersion).to.equal("9.0");
    });
  });

  describe("3. DAX replaced by delete-first", () => {
    const dax = (run: StackRun) => run.single("aws:dax/cluster:Cluster");

    it("a replacement gets a new name, so it is created before the old cluster is deleted; unchanged inputs keep the name", async () => {
      const first = dax(await deployedStackRun("dev"));
      const again = dax(await runStackFile("dev"));
      const bigger = dax(await runStackFile("dev", { overrides: { "trading-platform:daxNodeType": "dax.t3.medium" } }));
      expect(String(first.inputs.clusterName)).to.match(/^trading-dev-[0-9a-f]{4}$/);
      expect(again.inputs.clusterName).to.equal(first.inputs.clusterName);
      expect(bigger.inputs.clusterName).to.not.equal(first.inputs.clusterName);
      expect(String(bigger.inputs.clusterName).length).to.be.at.most(20);
      expect(first.deleteBeforeReplace).to.equal(false);
      expect(first.protect).to.equal(false);
    });

    for (const stack of ["prod-us-east-1", "prod-eu-west-1"]) {
      it(`${stack}: the cluster is protected, so Pulumi refuses a replacement, unless daxAllowReplacement is set for that deploy`, async () => {
        expect(dax(await deployedStackRun(stack)).protect).to.equal(true);
        expect(dax(await runStackFile(stack, { overrides: { "trading-platform:daxAllowReplacement": true } })).protect).to.equal(false);
      });
    }
  });

  describe("4. unattended fleet rolls", () => {
    for (const stack of ["dev", "prod-us-east-1", "prod-eu-west-1"]) {
      it(`${stack}: the fleet runs the AMI pinned in the stack file; pulumi up never looks up the latest one`, async () => {
        const run = await deployedStackRun(stack);
        const pinned = String(readStackFile(stack)["trading-platform:clusterAmiId"]);
        expect(run.single(LAUNCH_TEMPLATE).inputs.imageId).to.equal(pinned);
        expect(run.invokes.filter((i) => i.token === "aws:ssm/getParameter:getParameter")).to.deep.equal([]);
      });
    }

    it("only a changed pin changes the launch template (and so starts an instance refresh)", async () => {
      const pinned = (await deployedStackRun("dev")).single(LAUNCH_TEMPLATE).inputs;
      const bumped = (await runStackFile("dev", { overrides: { "trading-platform:clusterAmiId": "ami-0123456789abcdef0" } })).single(LAUNCH_TEMPLATE).inputs;
      expect(bumped.imageId).to.equal("ami-0123456789abcdef0");
      expect({ ...bumped, imageId: pinned.imageId }).to.deep.equal(pinned);
    });
  });

  describe("8. fixed physical names that block replacement", () => {
    it("the cache's replication group id follows the inputs that force a replacement, so a replacement can be created first", async () => {
      const group = (run: StackRun) => run.single("aws:elasticache/replicationGroup:ReplicationGroup").inputs;
      const dev = group(await deployedStackRun("dev"));
      expect(String(dev.replicationGroupId)).to.match(/^trading-dev-cache-[0-9a-f]{4}$/);
      expect(group(await runStackFile("dev")).replicationGroupId, "same inputs, same id").to.equal(dev.replicationGroupId);
      expect(dev.finalSnapshotIdentifier ?? `${String(dev.replicationGroupId)}-final`).to.contain(String(dev.replicationGroupId));
    });

    it("prod's Aurora cluster cannot be replaced or deleted by a deploy (protect and deletion protection); a replaced user or group always has a new id", async () => {
      const run = await deployedStackRun("prod-us-east-1");
      const cluster = run.single("aws:rds/cluster:Cluster");
      expect(cluster.protect).to.equal(true);
      expect(cluster.inputs.deletionProtection).to.equal(true);
      // Users and the user group are replaced only when their id, name or engine change: the ids
      // are derived from the names, and the engine is a constant, so no replacement reuses an id.
      for (const user of run.ofType("aws:elasticache/user:User")) {
        expect(user.inputs.engine, user.name).to.equal("redis");
      }
    });
  });
});
