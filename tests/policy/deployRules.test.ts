/**
 * The rules added for issue 14, each with a passing and a failing fixture: shallow target-group
 * health checks, protected stateful tiers and stream failure handling (resilience); no forceDestroy
 * on buckets, S3 access logging, VPC flow logs and log-group retention (security); no write scaling
 * owned by a replica stack (cost).
 */
import { expect } from "chai";
import { costPack } from "../../policy/cost/policies";
import { resiliencePack } from "../../policy/resilience/policies";
import { securityPack } from "../../policy/security/policies";
import { dynamoTable, T } from "./support/builders";
import { evaluate, Fixture, messagesOf, violationsOf } from "./support/fixture";

const TG = "aws:lb/targetGroup:TargetGroup";
/** The cost pack needs a budget; this one is far above the fixtures' cost. */
const COST_CONFIG = { "monthly-budget": { monthlyBudgetUsd: 1_000_000 } };

describe("issue 14 rules", () => {
  describe("target-group-shallow-health-check", () => {
    it("passes a liveness path and fails readiness, a missing path and no check", async () => {
      const fx = new Fixture();
      fx.add(TG, "live", { port: 8080, protocol: "HTTP", healthCheck: { enabled: true, path: "/healthz" } });
      fx.add(TG, "deep", { port: 8080, protocol: "HTTP", healthCheck: { enabled: true, path: "/readyz" } });
      fx.add(TG, "default-path", { port: 8080, protocol: "HTTP", healthCheck: { enabled: true } });
      fx.add(TG, "unchecked", { port: 8080, protocol: "HTTP", healthCheck: { enabled: false } });
      const result = await evaluate(resiliencePack, fx);
      expect(messagesOf(result, "target-group-shallow-health-check")).to.deep.equal([
        "target group deep health-checks /readyz, a dependency check: a dependency failure would fail every target at once",
        'target group default-path sets no health check path (the default "/" is whatever the service serves there)',
        "target group unchecked has no health check; instances that stop answering keep receiving traffic",
      ]);
    });
  });

  describe("asg-elb-health-check", () => {
    it("passes a group behind a target group with ELB health and a grace period; fails EC2 health and no grace; ignores groups without a load balancer", async () => {
      for (const preview of [false, true]) {
        const fx = new Fixture({ preview });
        const tg = fx.add(TG, "api", { port: 8080, protocol: "HTTP", healthCheck: { enabled: true, path: "/healthz" } });
        const behind = { minSize: 3, maxSize: 6, targetGroupArns: [fx.ref(tg, "arn")] };
        fx.add(T.asg, "elb", { ...behind, healthCheckType: "ELB", healthCheckGracePeriod: 120 });
        fx.add(T.asg, "ec2", { ...behind, healthCheckGracePeriod: 120 });
        fx.add(T.asg, "no-grace", { ...behind, healthCheckType: "ELB", healthCheckGracePeriod: 0 });
        fx.add(T.asg, "hooked", {
          ...behind,
          healthCheckType: "ELB",
          initialLifecycleHooks: [{ name: "ready", lifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING", defaultResult: "ABANDON", heartbeatTimeout: 300 }],
        });
        fx.add(T.asg, "workers", { minSize: 1, maxSize: 2 });
        expect(messagesOf(await evaluate(resiliencePack, fx), "asg-elb-health-check"), `preview ${preview}`).to.deep.equal([
          'auto scaling group ec2 serves a load balancer but uses EC2 (the default) health checks; set healthCheckType "ELB"',
          "auto scaling group no-grace has no health check grace period (healthCheckGracePeriod 0): instances can be replaced while they boot",
        ]);
      }
    });
  });

  describe("s3-no-force-destroy", () => {
    it("passes a bucket without forceDestroy and fails one with it", async () => {
      const fx = new Fixture();
      fx.add(T.bucket, "kept", { bucket: "kept" });
      fx.add(T.bucket, "disposable", { bucket: "disposable", forceDestroy: true });
      const result = await evaluate(securityPack, fx);
      expect(messagesOf(result, "s3-no-force-destroy")).to.deep.equal([
        "bucket disposable sets forceDestroy: a destroy or replacement deletes every object and version in it",
      ]);
      expect((await evaluate(securityPack, fx, { "s3-no-force-destroy": "disabled" })).violations.filter((v) => v.policyName === "s3-no-force-destroy")).to.deep.equal([]);
    });
  });

  describe("replica-owns-no-write-scaling", () => {
    const replicaStack = (dimensions: ("Read" | "Write")[]) => {
      const fx = new Fixture({ region: "eu-west-1" });
      const replica = fx.add(T.replica, "replica", { globalTableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/orders", kmsKeyArn: "k" });
      for (const d of dimensions) {
        fx.add(T.target, `orders-${d.toLowerCase()}`, {
          serviceNamespace: "dynamodb",
          scalableDimension: `dynamodb:table:${d}CapacityUnits`,
          resourceId: fx.ref(replica, "arn", "table/orders"),
          minCapacity: 5,
          maxCapacity: 50,
        });
      }
      return fx;
    };

    it("passes a replica with read scaling only and fails one that scales writes too", async () => {
      expect(messagesOf(await evaluate(costPack, replicaStack(["Read"]), COST_CONFIG), "replica-owns-no-write-scaling")).to.deep.equal([]);
      expect(messagesOf(await evaluate(costPack, replicaStack(["Read", "Write"]), COST_CONFIG), "replica-owns-no-write-scaling")).to.deep.equal([
        "scalable target orders-write scales the writes of replica replica; write auto scaling is the global table's, owned by the stack of the table",
      ]);
    });
  });

  describe("stateful-resources-protected", () => {
    const stack = (protect: boolean) => {
      const fx = new Fixture();
      fx.add(T.dax, "dax", { nodeType: "dax.r5.large", replicationFactor: 3 }, { protect });
      fx.add(T.rdsCluster, "db", { engine: "aurora-postgresql", deletionProtection: true }, { protect });
      // Not a default type: a cache's replacement is created first and refilled from Aurora.
      fx.add(T.cache, "cache", { engine: "valkey" });
      return fx;
    };

    it("passes protected DAX and Aurora clusters and fails unprotected ones (and is off where disabled)", async () => {
      expect(messagesOf(await evaluate(resiliencePack, stack(true)), "stateful-resources-protected")).to.deep.equal([]);
      const hint = "a deployment that replaces or deletes it would go ahead; a deliberate replacement unprotects it and sets this rule to advisory for that one deploy";
      expect(messagesOf(await evaluate(resiliencePack, stack(false)), "stateful-resources-protected")).to.deep.equal([
        `DAX cluster dax is not protected (resource option protect): ${hint}`,
        `Aurora cluster db is not protected (resource option protect): ${hint}`,
      ]);
      expect(violationsOf(await evaluate(resiliencePack, stack(false), { "stateful-resources-protected": "disabled" }), "stateful-resources-protected")).to.deep.equal([]);
    });

    it("judges the types it is configured with", async () => {
      const result = await evaluate(resiliencePack, stack(true), { "stateful-resources-protected": { resourceTypes: [T.cache] } });
      expect(messagesOf(result, "stateful-resources-protected").map((m) => m.split(" (")[0])).to.deep.equal(["aws:elasticache/replicationGroup:ReplicationGroup cache is not protected"]);
    });
  });

  describe("stream-failure-handling", () => {
    const handled = (fx: Fixture, queue: ReturnType<Fixture["add"]>) => ({
      destinationConfig: { onFailure: { destinationArn: fx.ref(queue, "arn") } },
      maximumRetryAttempts: 5,
      maximumRecordAgeInSeconds: 3600,
      bisectBatchOnFunctionError: true,
      functionResponseTypes: ["ReportBatchItemFailures"],
    });

    it("passes a bounded, bisecting, partial-batch mapping with an on-failure queue and fails the defaults and loose bounds", async () => {
      for (const preview of [false, true]) {
        const fx = new Fixture({ preview });
        const { table } = dynamoTable(fx, { props: { streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES" } });
        const fn = fx.add(T.fn, "processor", { runtime: "nodejs24.x" });
        const queue = fx.add(T.queue, "failures", {});
        const source = { eventSourceArn: fx.ref(table, "streamArn", "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000"), functionName: fx.ref(fn, "arn"), startingPosition: "TRIM_HORIZON" };
        fx.add(T.mapping, "handled", { ...source, ...handled(fx, queue) });
        fx.add(T.mapping, "defaults", source);
        fx.add(T.mapping, "loose", { ...source, ...handled(fx, queue), maximumRetryAttempts: 50, maximumRecordAgeInSeconds: 604800, functionResponseTypes: [] });
        // Not a stream: SQS mappings have no such settings.
        fx.add(T.mapping, "from-queue", { eventSourceArn: fx.ref(queue, "arn"), functionName: fx.ref(fn, "arn") });
        expect(messagesOf(await evaluate(resiliencePack, fx), "stream-failure-handling"), `preview ${preview}`).to.deep.equal([
          "stream event source mapping defaults: no on-failure destination (destinationConfig.onFailure.destinationArn), so discarded records are lost unseen; " +
            "unbounded retries (maximumRetryAttempts unset or -1): a failing record blocks its shard until it expires; " +
            "no maximum record age (maximumRecordAgeInSeconds unset or -1); failing batches are retried whole (bisectBatchOnFunctionError is not true); " +
            "the function cannot report the failed items only (functionResponseTypes lacks ReportBatchItemFailures)",
          "stream event source mapping loose: maximumRetryAttempts 50 above 10; maximumRecordAgeInSeconds 604800 above 86400; " +
            "the function cannot report the failed items only (functionResponseTypes lacks ReportBatchItemFailures)",
        ]);
      }
    });

    it("recognises streams by a known ARN, and an unknown source without a dependency by its startingPosition unless it is Kafka", async () => {
      const fx = new Fixture({ preview: true });
      const unbounded = { functionName: "processor", maximumRetryAttempts: -1, maximumRecordAgeInSeconds: 3600, bisectBatchOnFunctionError: true, functionResponseTypes: ["ReportBatchItemFailures"], destinationConfig: { onFailure: { destinationArn: "arn:aws:sqs:us-east-1:123456789012:failures" } } };
      fx.add(T.mapping, "kinesis", { ...unbounded, eventSourceArn: "arn:aws:kinesis:us-east-1:123456789012:stream/ticks", startingPosition: "LATEST" });
      // The replica stack reads its region's stream ARN from a data source: unknown, no dependency.
      fx.add(T.mapping, "replica-stream", { ...unbounded, eventSourceArn: fx.computed("arn"), startingPosition: "TRIM_HORIZON" });
      fx.add(T.mapping, "msk", { ...unbounded, eventSourceArn: fx.computed("arn"), startingPosition: "LATEST", amazonManagedKafkaEventSourceConfig: { consumerGroupId: "g" } });
      fx.add(T.mapping, "sqs", { ...unbounded, eventSourceArn: "arn:aws:sqs:us-east-1:123456789012:orders" });
      const retries = "unbounded retries (maximumRetryAttempts unset or -1): a failing record blocks its shard until it expires";
      expect(messagesOf(await evaluate(resiliencePack, fx), "stream-failure-handling")).to.deep.equal([
        `stream event source mapping kinesis: ${retries}`,
        `stream event source mapping replica-stream: ${retries}`,
      ]);
    });
  });

  describe("s3-access-logging", () => {
    it("passes a bucket with objects logging into another bucket; fails one without logging or logging into itself; ignores buckets without objects", async () => {
      for (const preview of [false, true]) {
        const fx = new Fixture({ preview });
        const logs = fx.add(T.bucket, "access-logs", { bucket: "access-logs" });
        const logged = fx.add(T.bucket, "artifacts", { bucket: "artifacts" });
        const unlogged = fx.add(T.bucket, "unlogged", { bucket: "unlogged" });
        const selfLogged = fx.add(T.bucket, "self-logged", { bucket: "self-logged" });
        fx.add(T.bucket, "inline", { bucket: "inline", logging: { targetBucket: "access-logs", targetPrefix: "inline/" } });
        for (const bucket of [logged, unlogged, selfLogged]) {
          fx.add(T.bucketObject, `${bucket.name}-object`, { bucket: fx.ref(bucket, "id", bucket.name), key: "app/main.js" });
        }
        fx.add(T.bucketObject, "inline-object", { bucket: "inline", key: "app/main.js" });
        fx.add(T.bucketLogging, "artifacts", { bucket: fx.ref(logged, "id", "artifacts"), targetBucket: fx.ref(logs, "id", "access-logs"), targetPrefix: "artifacts/" });
        fx.add(T.bucketLogging, "self-logged", { bucket: fx.ref(selfLogged, "id", "self-logged"), targetBucket: fx.ref(selfLogged, "id", "self-logged") });
        expect(messagesOf(await evaluate(securityPack, fx), "s3-access-logging"), `preview ${preview}`).to.deep.equal([
          "bucket unlogged holds objects the stack uploads but has no server access logging (add a BucketLogging into a log bucket)",
          "bucket self-logged delivers its server access logs into itself (self-logged); log into a separate bucket",
        ]);
      }
    });
  });

  describe("vpc-flow-logs", () => {
    it("passes a VPC with an ALL-traffic flow log and fails one without, one logging rejects only and one with no destination", async () => {
      const fx = new Fixture({ preview: true });
      const logGroup = fx.add(T.logGroup, "flow-logs", { retentionInDays: 365 });
      const vpcs = ["logged", "unlogged", "rejects-only", "nowhere"].map((name) => fx.add(T.vpc, name, { cidrBlock: "10.0.0.0/16" }));
      const flowLog = (vpc: (typeof vpcs)[number], props: Record<string, unknown>) =>
        fx.add(T.flowLog, `${vpc.name}-flow-log`, { vpcId: fx.ref(vpc), logDestinationType: "cloud-watch-logs", logDestination: fx.ref(logGroup, "arn"), trafficType: "ALL", ...props });
      flowLog(vpcs[0], {});
      flowLog(vpcs[2], { trafficType: "REJECT" });
      flowLog(vpcs[3], { logDestination: undefined });
      expect(messagesOf(await evaluate(securityPack, fx), "vpc-flow-logs")).to.deep.equal([
        "VPC unlogged has no flow log (an aws.ec2.FlowLog with its vpcId)",
        "VPC rejects-only has no usable flow log: rejects-only-flow-log records REJECT traffic only (allowed: ALL)",
        "VPC nowhere has no usable flow log: nowhere-flow-log has no logDestination",
      ]);
    });
  });

  describe("kms-key-rotation", () => {
    it("passes a rotating symmetric key, fails one that does not rotate, and leaves keys AWS cannot rotate alone", async () => {
      const fx = new Fixture();
      fx.add(T.kmsKey, "rotating", { enableKeyRotation: true, deletionWindowInDays: 30 });
      fx.add(T.kmsKey, "static", { deletionWindowInDays: 30 });
      fx.add(T.kmsKey, "signing", { customerMasterKeySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY" });
      fx.add(T.kmsKey, "hmac", { customerMasterKeySpec: "HMAC_256", keyUsage: "GENERATE_VERIFY_MAC" });
      fx.add(T.kmsKey, "hsm", { customKeyStoreId: "cks-1234567890abcdef0" });
      expect(messagesOf(await evaluate(securityPack, fx), "kms-key-rotation")).to.deep.equal(["KMS key static does not rotate its key material (enableKeyRotation)"]);
    });
  });

  describe("deletion-protection of load balancers", () => {
    it("passes a deletion-protected load balancer and fails one without", async () => {
      const fx = new Fixture();
      fx.add(T.lb, "protected", { loadBalancerType: "application", enableDeletionProtection: true });
      fx.add(T.lb, "exposed", { loadBalancerType: "application" });
      expect(messagesOf(await evaluate(securityPack, fx), "deletion-protection")).to.deep.equal(["load balancer exposed can be deleted (enableDeletionProtection is off)"]);
    });
  });

  describe("log-group-retention", () => {
    it("passes a group with a retention at or above the minimum and fails one without, one with 0 (never expire) and one below the minimum", async () => {
      const fx = new Fixture();
      fx.add(T.logGroup, "kept", { name: "/trading/kept", retentionInDays: 90 });
      fx.add(T.logGroup, "unset", { name: "/trading/unset" });
      fx.add(T.logGroup, "forever", { name: "/trading/forever", retentionInDays: 0 });
      fx.add(T.logGroup, "short", { name: "/trading/short", retentionInDays: 30 });
      // AWS fixes a DELIVERY-class group's retention; it only relays.
      fx.add(T.logGroup, "delivery", { name: "/trading/delivery", logGroupClass: "DELIVERY" });
      const result = await evaluate(securityPack, fx, { "log-group-retention": { minRetentionDays: 90 } });
      expect(messagesOf(result, "log-group-retention")).to.deep.equal([
        "log group unset keeps its events forever (retentionInDays (not set)); set a retention",
        "log group forever keeps its events forever (retentionInDays 0); set a retention",
        "log group short keeps its events for 30 day(s); at least 90 are required (retentionInDays)",
      ]);
      expect(messagesOf(await evaluate(securityPack, fx), "log-group-retention"), "default minimum 1").to.have.length(2);
    });
  });
});
