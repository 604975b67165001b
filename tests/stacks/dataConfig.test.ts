/**
 * The data tier's config keys: every bad value fails the real stack file with one message naming
 * the key, the stack and what is allowed, before any resource is registered; dev may run smaller
 * and fewer nodes, prod may not.
 */
import { expect } from "chai";
import { BadConfigCase, configKey, itRejectsEachBadConfig } from "../support/badConfig";
import { parseStackConfig } from "../../stacks/config";
import { runStackFile, stackConfig } from "../support/mockCloud";

const K = configKey;

const BAD_CASES: BadConfigCase[] = [
  {
    title: "an Aurora version outside the allow-list",
    stack: "prod-us-east-1",
    overrides: { [K("dataDbEngineVersion")]: "15.4" },
    message: 'trading-platform:dataDbEngineVersion: "15.4" is not allowed; allowed: "16.10", "16.11", "17.6", "17.7"',
  },
  {
    // Unquoted in YAML, 16.10 is the number 16.1.
    title: "an Aurora version that YAML read as a number",
    stack: "dev",
    overrides: { [K("dataDbEngineVersion")]: 16.1 },
    message: 'trading-platform:dataDbEngineVersion: "16.1" is not allowed; allowed:',
  },
  {
    title: "an instance class outside the allow-list",
    stack: "dev",
    overrides: { [K("dataDbInstanceClass")]: "db.m5.large" },
    message: 'trading-platform:dataDbInstanceClass: "db.m5.large" is not allowed; allowed: "db.t4g.medium"',
  },
  {
    title: "a burstable instance class in prod",
    stack: "prod-us-east-1",
    overrides: { [K("dataDbInstanceClass")]: "db.t4g.large" },
    message:
      'trading-platform:dataDbInstanceClass: "db.t4g.large" is burstable and not allowed in a prod stack; use db.r6g or db.r7g',
  },
  {
    title: "fewer than three database instances in prod",
    stack: "prod-eu-west-1",
    overrides: { [K("dataDbInstanceCount")]: 2 },
    message:
      "trading-platform:dataDbInstanceCount: must be at least 3 in a prod stack (a writer and two readers, one per AZ); got 2",
  },
  {
    title: "more database instances than Aurora holds",
    stack: "dev",
    overrides: { [K("dataDbInstanceCount")]: 17 },
    message: "trading-platform:dataDbInstanceCount: got 17; allowed 1–16",
  },
  {
    title: "no database instance at all",
    stack: "dev",
    overrides: { [K("dataDbInstanceCount")]: 0 },
    message: "trading-platform:dataDbInstanceCount: got 0; allowed 1–16",
  },
  {
    title: "less than a week of backups in prod",
    stack: "prod-us-east-1",
    overrides: { [K("dataBackupRetentionDays")]: 3 },
    message: "trading-platform:dataBackupRetentionDays: must be at least 7 in a prod stack; got 3",
  },
  {
    title: "more backup days than RDS keeps",
    stack: "dev",
    overrides: { [K("dataBackupRetentionDays")]: 40 },
    message: "trading-platform:dataBackupRetentionDays: got 40; allowed 1–35",
  },
  {
    title: "deletion protection off in prod",
    stack: "prod-us-east-1",
    overrides: { [K("dataDbDeletionProtection")]: false },
    message:
      "trading-platform:dataDbDeletionProtection: must be true in a prod stack: a prod database is never deleted by a deployment",
  },
  {
    title: "deletion protection given as text",
    stack: "dev",
    overrides: { [K("dataDbDeletionProtection")]: "yes" },
    message: 'trading-platform:dataDbDeletionProtection: expected boolean, got "yes"',
  },
  {
    title: "skipping final snapshots in prod",
    stack: "prod-eu-west-1",
    overrides: { [K("dataSkipFinalSnapshot")]: true },
    message:
      "trading-platform:dataSkipFinalSnapshot: must be false in a prod stack: deleting a prod data store keeps a final snapshot",
  },
  {
    title: "Enhanced Monitoring off in prod",
    stack: "prod-us-east-1",
    overrides: { [K("dataDbMonitoringIntervalSeconds")]: 0 },
    message: "trading-platform:dataDbMonitoringIntervalSeconds: must not be 0 in a prod stack: Enhanced Monitoring stays on",
  },
  {
    title: "a monitoring interval RDS does not offer",
    stack: "dev",
    overrides: { [K("dataDbMonitoringIntervalSeconds")]: 45 },
    message:
      "trading-platform:dataDbMonitoringIntervalSeconds: got 45; must be one of 0, 1, 5, 10, 15, 30, 60 (seconds; 0 turns Enhanced Monitoring off)",
  },
  {
    title: "a Performance Insights retention RDS does not offer",
    stack: "dev",
    overrides: { [K("dataDbPerformanceInsightsRetentionDays")]: 30 },
    message:
      "trading-platform:dataDbPerformanceInsightsRetentionDays: got 30; must be 7, a multiple of 31 up to 713, or 731 (days)",
  },
  {
    title: "a log retention CloudWatch does not offer",
    stack: "dev",
    overrides: { [K("dataLogRetentionDays")]: 10 },
    message: "trading-platform:dataLogRetentionDays: got 10; must be one of CloudWatch's retention periods: 1, 3, 5, 7, 14",
  },
  {
    title: "an unsupported cache engine",
    stack: "dev",
    overrides: { [K("dataCacheEngine")]: "memcached" },
    message: 'trading-platform:dataCacheEngine: "memcached" is not allowed; allowed: "valkey", "redis"',
  },
  {
    title: "a Valkey version for the Redis OSS engine",
    stack: "prod-us-east-1",
    overrides: { [K("dataCacheEngine")]: "redis", [K("dataCacheEngineVersion")]: "8.1" },
    message: 'trading-platform:dataCacheEngineVersion: "8.1" is not a supported redis version; allowed: 7.0, 7.1',
  },
  {
    title: "a cache version without IAM authentication",
    stack: "dev",
    overrides: { [K("dataCacheEngine")]: "redis", [K("dataCacheEngineVersion")]: "6.2" },
    message: 'trading-platform:dataCacheEngineVersion: "6.2" is not a supported redis version; allowed: 7.0, 7.1',
  },
  {
    title: "a cache node type outside the allow-list",
    stack: "dev",
    overrides: { [K("dataCacheNodeType")]: "cache.r6gd.xlarge" },
    message: 'trading-platform:dataCacheNodeType: "cache.r6gd.xlarge" is not allowed; allowed: "cache.t4g.micro"',
  },
  {
    title: "a burstable cache node type in prod",
    stack: "prod-eu-west-1",
    overrides: { [K("dataCacheNodeType")]: "cache.t4g.medium" },
    message:
      'trading-platform:dataCacheNodeType: "cache.t4g.medium" is burstable and not allowed in a prod stack; use cache.m* or cache.r*',
  },
  {
    title: "fewer than three cache nodes in prod",
    stack: "prod-us-east-1",
    overrides: { [K("dataCacheNodeCount")]: 1 },
    message:
      "trading-platform:dataCacheNodeCount: must be at least 3 in a prod stack (a primary and two replicas, one per AZ, for Multi-AZ failover); got 1",
  },
  {
    title: "more cache nodes than a replication group holds",
    stack: "dev",
    overrides: { [K("dataCacheNodeCount")]: 7 },
    message: "trading-platform:dataCacheNodeCount: got 7; allowed 1–6",
  },
  {
    title: "less than a week of cache snapshots in prod",
    stack: "prod-us-east-1",
    overrides: { [K("dataCacheSnapshotRetentionDays")]: 0 },
    message: "trading-platform:dataCacheSnapshotRetentionDays: must be at least 7 in a prod stack; got 0",
  },
  {
    // Aurora Global Database needs memory-optimised classes (catalog.ts, supportsGlobalDatabase).
    title: "a global database on a burstable class",
    stack: "dev",
    overrides: { [K("dataGlobalDatabase")]: true, [K("failoverPeerRegions")]: ["eu-west-1"] },
    message:
      'trading-platform:dataDbInstanceClass: "db.t4g.medium" cannot run an Aurora Global Database (dataGlobalDatabase: true): it needs a memory-optimised class such as db.r7g.large',
  },
  {
    title: "a prod replica whose database is not the global database's secondary",
    stack: "prod-eu-west-1",
    overrides: { [K("dataGlobalDatabase")]: false },
    message: "trading-platform:dataGlobalDatabase: must be true in a prod replica stack: its Aurora cluster is the secondary of the primary's global database",
  },
  {
    title: "a global database whose primary names no peer region",
    stack: "dev",
    overrides: { [K("dataGlobalDatabase")]: true, [K("dataDbInstanceClass")]: "db.r7g.large" },
    message: "trading-platform:dataGlobalDatabase: needs failoverPeerRegions on a primary stack",
  },
  {
    title: "a misspelt data key",
    stack: "dev",
    overrides: { [K("dataCacheNodes")]: 2 },
    message: "trading-platform:dataCacheNodes: is not a key of this project",
  },
];

describe("data tier config", () => {
  itRejectsEachBadConfig(BAD_CASES);

  it("reports every prod violation of a dev-sized data tier at once", () => {
    const devSized = {
      [K("dataDbInstanceClass")]: "db.t4g.medium",
      [K("dataDbInstanceCount")]: 1,
      [K("dataCacheNodeType")]: "cache.t4g.micro",
      [K("dataCacheNodeCount")]: 1,
    };
    expect(() => parseStackConfig("prod-us-east-1", stackConfig("prod-us-east-1", devSized)))
      .to.throw()
      .with.property("problems")
      .that.has.length(5);
    // The fifth: a burstable class cannot run the global database prod-us-east-1 owns.
    expect(() => parseStackConfig("prod-us-east-1", stackConfig("prod-us-east-1", devSized))).to.throw(/cannot run an Aurora Global Database/);
  });

  it("lets dev run one burstable instance and one cache node (no failover) when the stack says so", async () => {
    const run = await runStackFile("dev", {
      overrides: { [K("dataDbInstanceCount")]: 1, [K("dataCacheNodeCount")]: 1, [K("dataCacheNodeType")]: "cache.t4g.micro" },
    });
    expect(run.ofType("aws:rds/clusterInstance:ClusterInstance")).to.have.length(1);
    const cache = run.single("aws:elasticache/replicationGroup:ReplicationGroup");
    expect([cache.inputs.numCacheClusters, cache.inputs.automaticFailoverEnabled, cache.inputs.multiAzEnabled]).to.deep.equal([
      1,
      false,
      false,
    ]);
  });

  it("runs Redis OSS and an older Aurora major in prod, each with its own parameter family", async () => {
    const run = await runStackFile("prod-us-east-1", {
      preview: true,
      overrides: { [K("dataCacheEngine")]: "redis", [K("dataDbEngineVersion")]: "16.11" },
    });
    const cache = run.single("aws:elasticache/replicationGroup:ReplicationGroup");
    expect([cache.inputs.engine, cache.inputs.engineVersion]).to.deep.equal(["redis", "7.1"]);
    expect(run.single("aws:elasticache/parameterGroup:ParameterGroup").inputs.family).to.equal("redis7");
    expect(run.single("aws:elasticache/userGroup:UserGroup").inputs.engine).to.equal("redis");
    expect(run.single("aws:rds/cluster:Cluster").inputs.engineVersion).to.equal("16.11");
    expect(run.single("aws:rds/clusterParameterGroup:ClusterParameterGroup").inputs.family).to.equal("aurora-postgresql16");
  });
});
