import { expect } from "chai";
import {
  generationOf,
  AURORA_POSTGRES_VERSIONS,
  auroraParameterFamily,
  CACHE_ENGINE_VERSIONS,
  CACHE_NODE_TYPES,
  cacheParameterFamily,
  DB_INSTANCE_CLASSES,
  DEFAULT_CACHE_ENGINE_VERSION,
  isBurstable,
  isPerformanceInsightsRetention,
  physicalId,
  promotionTier,
  spreadOverZones,
  AURORA_GLOBAL_POSTGRES_VERSIONS,
  DEFAULT_AURORA_POSTGRES_VERSION,
  DEFAULT_DB_INSTANCE_CLASS,
  supportsGlobalDatabase,
} from "../../../components/data/catalog";

describe("data catalog", () => {
  describe("spreadOverZones", () => {
    it("puts the first nodes in distinct AZs, in AZ order", () => {
      expect(spreadOverZones(3, 3)).to.deep.equal([0, 1, 2]);
    });

    it("wraps round robin, so no AZ holds two nodes while another holds none", () => {
      expect(spreadOverZones(5, 3)).to.deep.equal([0, 1, 2, 0, 1]);
      expect(spreadOverZones(2, 3)).to.deep.equal([0, 1]);
    });

    it("refuses to place nodes without an AZ", () => {
      expect(() => spreadOverZones(3, 0)).to.throw("at least one AZ");
    });
  });

  describe("promotionTier", () => {
    it("orders the failover targets and stops at Aurora's last tier, 15", () => {
      expect([0, 1, 2].map(promotionTier)).to.deep.equal([0, 1, 2]);
      expect(promotionTier(15)).to.equal(15);
      expect(promotionTier(16)).to.equal(15);
    });
  });

  describe("parameter group families", () => {
    it("follow the Aurora PostgreSQL major version", () => {
      expect(auroraParameterFamily("17.5")).to.equal("aurora-postgresql17");
      expect(auroraParameterFamily("16.8")).to.equal("aurora-postgresql16");
      for (const version of AURORA_POSTGRES_VERSIONS) {
        expect(auroraParameterFamily(version)).to.match(/^aurora-postgresql1[67]$/);
      }
    });

    it("follow the cache engine and its major version", () => {
      expect(cacheParameterFamily("valkey", "8.1")).to.equal("valkey8");
      expect(cacheParameterFamily("valkey", "7.2")).to.equal("valkey7");
      expect(cacheParameterFamily("redis", "7.1")).to.equal("redis7");
    });

    it("refuse a version that is not major.minor", () => {
      expect(() => auroraParameterFamily("17")).to.throw('"17" is not an Aurora PostgreSQL version like 17.6');
      expect(() => cacheParameterFamily("redis", "6.x")).to.throw('"6.x" is not a redis version like 8.1');
    });
  });

  it("offers only cache versions that support IAM authentication (Valkey 7.2+, Redis OSS 7.0+)", () => {
    for (const version of CACHE_ENGINE_VERSIONS.valkey) {
      expect(Number(version), `valkey ${version}`).to.be.at.least(7.2);
    }
    for (const version of CACHE_ENGINE_VERSIONS.redis) {
      expect(Number(version), `redis ${version}`).to.be.at.least(7.0);
    }
    expect(CACHE_ENGINE_VERSIONS.valkey).to.include(DEFAULT_CACHE_ENGINE_VERSION.valkey);
    expect(CACHE_ENGINE_VERSIONS.redis).to.include(DEFAULT_CACHE_ENGINE_VERSION.redis);
  });

  it("tells burstable classes from the rest", () => {
    expect(isBurstable("db.t4g.medium")).to.equal(true);
    expect(isBurstable("cache.t4g.small")).to.equal(true);
    expect(isBurstable("db.r7g.large")).to.equal(false);
    expect(isBurstable("cache.m7g.large")).to.equal(false);
    // Every allow-list holds both kinds, so the prod rule has something to refuse and to accept.
    expect(DB_INSTANCE_CLASSES.filter(isBurstable)).to.not.be.empty;
    expect(DB_INSTANCE_CLASSES.filter((c) => !isBurstable(c))).to.not.be.empty;
    expect(CACHE_NODE_TYPES.filter(isBurstable)).to.not.be.empty;
    expect(CACHE_NODE_TYPES.filter((c) => !isBurstable(c))).to.not.be.empty;
  });

  it("accepts exactly the Performance Insights retention periods RDS does", () => {
    for (const ok of [7, 31, 62, 713, 731]) {
      expect(isPerformanceInsightsRetention(ok), String(ok)).to.equal(true);
    }
    for (const bad of [0, 1, 30, 32, 744, 730, 732]) {
      expect(isPerformanceInsightsRetention(bad), String(bad)).to.equal(false);
    }
  });

  describe("physicalId", () => {
    it("turns a stack name into a valid lower-case identifier", () => {
      expect(physicalId(["trading", "prod-us-east-1", "cache"], 40)).to.equal("trading-prod-us-east-1-cache");
      expect(physicalId(["Trading", "My_Stack.v2", "db"], 63)).to.equal("trading-my-stack-v2-db");
      expect(physicalId(["trading-", "-dev", "db"], 63)).to.equal("trading-dev-db");
    });

    it("fails with the name when it would not fit the service's limit", () => {
      expect(() => physicalId(["trading", "prod-ap-southeast-2-blue-green", "cache"], 40)).to.throw(
        'identifier "trading-prod-ap-southeast-2-blue-green-cache" is 44 characters; at most 40 are allowed',
      );
    });

    it("fails when the identifier would not start with a letter", () => {
      expect(() => physicalId(["1trading", "dev"], 40)).to.throw('identifier "1trading-dev" must start with a letter');
    });
  });

  describe("generationOf", () => {
    const cluster = { clusterId: "trading-prod-us-east-1-db", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/a", dbSubnetGroupName: "trading-db-subnets-a1b2c3d" };
    it("is the same for the same inputs, so an update keeps the names", () => {
      expect(generationOf(cluster)).to.match(/^[0-9a-f]{4}$/);
      expect(generationOf({ ...cluster })).to.equal(generationOf(cluster));
    });
    it("changes with an input that forces a replacement, so the new generation's final snapshot has a new name", () => {
      const replaced = [
        { ...cluster, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/b" },
        { ...cluster, dbSubnetGroupName: "trading-db-subnets-z9y8x7w" },
        { ...cluster, clusterId: "trading-dev-db" },
      ].map(generationOf);
      expect(new Set([generationOf(cluster), ...replaced]).size).to.equal(4);
    });
  });
  describe("Aurora Global Database", () => {
    it("takes the memory-optimised classes of the allow-list and refuses the burstable ones", () => {
      expect(DB_INSTANCE_CLASSES.filter(supportsGlobalDatabase)).to.deep.equal(DB_INSTANCE_CLASSES.filter((c) => /^db\.r[67]g\./.test(c)));
      expect(DB_INSTANCE_CLASSES.filter((c) => !supportsGlobalDatabase(c))).to.deep.equal(["db.t4g.medium", "db.t4g.large"]);
      expect(supportsGlobalDatabase(DEFAULT_DB_INSTANCE_CLASS)).to.equal(true);
      expect(supportsGlobalDatabase("db.x2g.large")).to.equal(true);
      expect(supportsGlobalDatabase("db.m7g.large")).to.equal(false);
    });

    it("lists only allowed engine versions, the default among them", () => {
      for (const v of AURORA_GLOBAL_POSTGRES_VERSIONS) expect(AURORA_POSTGRES_VERSIONS as readonly string[]).to.include(v);
      expect(AURORA_GLOBAL_POSTGRES_VERSIONS).to.include(DEFAULT_AURORA_POSTGRES_VERSION);
    });
  });
});
