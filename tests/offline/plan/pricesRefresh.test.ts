import { expect } from "chai";
import { loadPriceSnapshot, parsePriceSnapshot, PriceSnapshot } from "../../../policy/lib/prices";
import { baseUsageType, priceFromProducts, priceQueries, snapshotFromProducts, typeListsOf } from "../../../offline/plan/prices/refresh";

/** A Price List product document as GetProducts returns it: a JSON string. */
function product(sku: string, family: string, attributes: Record<string, string>, tiers: [begin: string, usd: string][]): string {
  const priceDimensions = Object.fromEntries(
    tiers.map(([beginRange, usd], i) => [`${sku}.JRTCKXETXF.${i}`, { unit: "Hrs", beginRange, endRange: "Inf", pricePerUnit: { USD: usd }, description: "" }]),
  );
  return JSON.stringify({
    product: { sku, productFamily: family, attributes: { regionCode: "eu-west-1", ...attributes } },
    terms: { OnDemand: { [`${sku}.JRTCKXETXF`]: { priceDimensions } } },
    serviceCode: "x",
    version: "1",
  });
}

const one = (price: string): [string, string][] => [["0", price]];

// CloudWatch alarms (ten standard alarms free) and SNS requests and deliveries (each with a free tier).
const ALARMS = [
  product("W1", "Alarm", { usagetype: "EU-CW:AlarmMonitorUsage" }, [["0", "0"], ["10", "0.1000000000"]]),
  product("W2", "Alarm", { usagetype: "EU-CW:HighResAlarmMonitorUsage" }, one("0.3000000000")),
  product("W3", "Alarm", { usagetype: "EU-CW:CompositeAlarmMonitorUsage" }, one("0.5000000000")),
];
const SNS = [
  product("S1", "API Request", { usagetype: "EU-Requests-Tier1" }, [["0", "0"], ["1000000", "0.0000005000"]]),
  product("S2", "Message Delivery", { usagetype: "EU-DeliveryAttempts-SMTP" }, [["0", "0"], ["1000", "0.0000200000"]]),
  product("S3", "Message Delivery", { usagetype: "EU-DeliveryAttempts-HTTP" }, [["0", "0"], ["100000", "0.0000006000"]]),
  product("S4", "Message Delivery", { usagetype: "EU-DeliveryAttempts-SQS" }, one("0")),
];

// DynamoDB in eu-west-1, with what a suffix match would wrongly pick: the Standard-IA table class
// and global-table replicated writes share the suffixes; RCU/WCU have a zero-priced free tier.
const DYNAMO = [
  product("D1", "Provisioned IOPS", { usagetype: "EU-ReadCapacityUnit-Hrs" }, [["0", "0.0000000000"], ["25", "0.0001470000"]]),
  product("D2", "Provisioned IOPS", { usagetype: "EU-WriteCapacityUnit-Hrs" }, [["0", "0.0000000000"], ["25", "0.0007350000"]]),
  product("D3", "Provisioned IOPS", { usagetype: "EU-ReplWriteCapacityUnit-Hrs" }, one("0.0007350000")),
  product("D4", "Amazon DynamoDB PayPerRequest Throughput", { usagetype: "EU-ReadRequestUnits" }, one("0.0000001410")),
  product("D5", "Amazon DynamoDB PayPerRequest Throughput", { usagetype: "EU-WriteRequestUnits" }, one("0.0000007050")),
  product("D6", "Amazon DynamoDB PayPerRequest Throughput", { usagetype: "EU-ReplWriteRequestUnits" }, one("0.0000007050")),
  product("D7", "Provisioned IOPS", { usagetype: "EU-IA-ReadCapacityUnit-Hrs" }, one("0.0001840000")),
  product("D8", "Provisioned IOPS", { usagetype: "EU-IA-WriteCapacityUnit-Hrs" }, one("0.0009190000")),
  product("D9", "Amazon DynamoDB PayPerRequest Throughput", { usagetype: "EU-IA-WriteRequestUnits" }, one("0.0000008810")),
];
const ec2 = (usagetype: string, extra: Record<string, string>, price: string, sku: string) =>
  product(sku, "Compute Instance", { usagetype, instanceType: "m7g.large", operatingSystem: "Linux", tenancy: "Shared", preInstalledSw: "NA", capacitystatus: "Used", ...extra }, one(price));

/** What GetProducts would return for each query of the test snapshot (filters applied server-side, loosely). */
const RESPONSES: Record<string, string[]> = {
  "dynamodb.provisionedRcuHour": DYNAMO,
  "dynamodb.provisionedWcuHour": DYNAMO,
  "dynamodb.replicatedWcuHour": DYNAMO,
  "dynamodb.onDemandReadPerMillion": DYNAMO,
  "dynamodb.onDemandWritePerMillion": DYNAMO,
  "dynamodb.onDemandReplicatedWritePerMillion": DYNAMO,
  "daxNodeHour.dax.r5.large": [
    product("X1", "DAX", { usagetype: "EU-NodeUsage:dax.r5.large", instanceType: "dax.r5.large" }, one("0.2970000000")),
    product("X2", "DAX", { usagetype: "EU-NodeUsage:dax.r5.xlarge", instanceType: "dax.r5.xlarge" }, one("0.5940000000")),
  ],
  natGatewayHour: [
    product("N1", "NAT Gateway", { usagetype: "EU-NatGateway-Hours" }, one("0.0480000000")),
    product("N2", "NAT Gateway", { usagetype: "EU-NatGateway-Bytes" }, one("0.0480000000")),
  ],
  natGatewayPerGb: [product("N2", "NAT Gateway", { usagetype: "EU-NatGateway-Bytes" }, one("0.0480000000"))],
  publicIpv4Hour: [
    product("V1", "", { usagetype: "EU-PublicIPv4:InUseAddress" }, one("0.0050000000")),
    product("V2", "", { usagetype: "EU-PublicIPv4:IdleAddress" }, one("0.0050000000")),
  ],
  albHour: [
    product("L1", "Load Balancer-Application", { usagetype: "EU-LoadBalancerUsage" }, one("0.0252000000")),
    product("L2", "Load Balancer-Application", { usagetype: "EU-LCUUsage" }, one("0.0080000000")),
  ],
  albLcuHour: [product("L2", "Load Balancer-Application", { usagetype: "EU-LCUUsage" }, one("0.0080000000"))],
  "ec2InstanceHour.m7g.large": [
    ec2("EU-BoxUsage:m7g.large", {}, "0.0892000000", "E1"),
    ec2("EU-Reservation:m7g.large", { capacitystatus: "UnusedCapacityReservation" }, "0.0892000000", "E2"),
    ec2("EU-BoxUsage:m7g.large", { operatingSystem: "RHEL" }, "0.1492000000", "E3"),
  ],
  ebsGp3GbMonth: [product("B1", "Storage", { usagetype: "EU-EBS:VolumeUsage.gp3", volumeApiName: "gp3" }, one("0.0880000000"))],
  "auroraInstanceHour.db.r7g.large": [
    product("R1", "Database Instance", { usagetype: "EU-InstanceUsage:db.r7g.large", instanceType: "db.r7g.large", databaseEngine: "Aurora PostgreSQL" }, one("0.3040000000")),
    product("R2", "Database Instance", { usagetype: "EU-InstanceUsageIOOptimized:db.r7g.large", instanceType: "db.r7g.large", databaseEngine: "Aurora PostgreSQL" }, one("0.3950000000")),
    product("R3", "Database Instance", { usagetype: "EU-InstanceUsage:db.r7g.large", instanceType: "db.r7g.large", databaseEngine: "Aurora MySQL" }, one("0.3000000000")),
  ],
  "elasticacheNodeHour.redis.cache.r7g.large": [
    product("C1", "Cache Instance", { usagetype: "EU-NodeUsage:cache.r7g.large", instanceType: "cache.r7g.large", cacheEngine: "Redis" }, one("0.2420000000")),
  ],
  "elasticacheNodeHour.valkey.cache.r7g.large": [
    product("C2", "Cache Instance", { usagetype: "EU-NodeUsage:cache.r7g.large", instanceType: "cache.r7g.large", cacheEngine: "Valkey" }, one("0.1936000000")),
  ],
  ...Object.fromEntries(["alarmMetricMonth", "highResolutionAlarmMetricMonth", "compositeAlarmMonth"].map((field) => [`cloudwatch.${field}`, ALARMS])),
  // Custom metrics: ten free, then tiered; the first priced tier is the figure.
  "cloudwatch.customMetricMonth": [
    product("W4", "Metric", { usagetype: "EU-CW:MetricMonitorUsage" }, [["0", "0"], ["10", "0.3000000000"], ["10000", "0.1000000000"]]),
  ],
  // Dashboards are an account-wide product with no region code, in a 50-metrics-or-fewer variant too.
  "cloudwatch.dashboardMonth": [
    product("W5", "Dashboard", { usagetype: "DashboardsUsageHour", regionCode: "" }, [["0", "0"], ["3", "3.0000000000"]]),
    product("W6", "Dashboard", { usagetype: "DashboardsUsageHour-Basic", regionCode: "" }, [["0", "0"], ["3", "3.0000000000"]]),
  ],
  "cloudwatch.logsIngestionPerGb": [
    product("W7", "Data Payload", { usagetype: "EU-DataProcessing-Bytes" }, [["0", "0"], ["5", "0.5700000000"]]),
    product("W8", "Data Payload", { usagetype: "EU-DataProcessingIA-Bytes" }, one("0.2850000000")),
  ],
  "sns.publishPerMillion": SNS,
  "sns.emailPer100k": SNS,
  "sns.httpsPerMillion": SNS,
};

function previousSnapshot(): PriceSnapshot {
  const stale = (x: number) => x;
  return parsePriceSnapshot({
    snapshotDate: "2025-01-01",
    currency: "USD",
    hoursPerMonth: 730,
    basis: "On-demand list prices",
    notes: ["Transcribed by hand from the pricing pages.", "Valkey is priced below Redis OSS."],
    sources: { dynamodb: ["https://aws.amazon.com/dynamodb/pricing/"] },
    regions: {
      "eu-west-1": {
        dynamodb: {
          provisionedRcuHour: stale(1),
          provisionedWcuHour: stale(1),
          replicatedWcuHour: stale(1),
          onDemandReadPerMillion: stale(1),
          onDemandWritePerMillion: stale(1),
          onDemandReplicatedWritePerMillion: stale(1),
        },
        daxNodeHour: { "dax.r5.large": 1 },
        natGatewayHour: 1,
        natGatewayPerGb: 1,
        publicIpv4Hour: 1,
        albHour: 1,
        albLcuHour: 1,
        ec2InstanceHour: { "m7g.large": 1 },
        ebsGp3GbMonth: 1,
        auroraInstanceHour: { "db.r7g.large": 1 },
        elasticacheNodeHour: { redis: { "cache.r7g.large": 1 }, valkey: { "cache.r7g.large": 1 } },
        cloudwatch: { alarmMetricMonth: 1, highResolutionAlarmMetricMonth: 1, compositeAlarmMonth: 1, customMetricMonth: 1, dashboardMonth: 1, logsIngestionPerGb: 1 },
        sns: { publishPerMillion: 1, emailPer100k: 1, httpsPerMillion: 1 },
      },
    },
  });
}

const responses = () => new Map(Object.entries(RESPONSES).map(([path, items]) => [`eu-west-1 ${path}`, items]));

describe("prices:refresh: Price List responses to the snapshot (no AWS call)", () => {
  it("re-prices every figure from its product, ignoring free tiers, IA and replicated look-alikes, other OSes and engines", () => {
    const snapshot = snapshotFromProducts(previousSnapshot(), responses(), "2026-11-25");
    expect(snapshot.regions["eu-west-1"]).to.deep.equal({
      dynamodb: {
        provisionedRcuHour: 0.000147,
        provisionedWcuHour: 0.000735,
        replicatedWcuHour: 0.000735,
        onDemandReadPerMillion: 0.141,
        onDemandWritePerMillion: 0.705,
        onDemandReplicatedWritePerMillion: 0.705,
      },
      daxNodeHour: { "dax.r5.large": 0.297 },
      natGatewayHour: 0.048,
      natGatewayPerGb: 0.048,
      publicIpv4Hour: 0.005,
      albHour: 0.0252,
      albLcuHour: 0.008,
      ec2InstanceHour: { "m7g.large": 0.0892 },
      ebsGp3GbMonth: 0.088,
      auroraInstanceHour: { "db.r7g.large": 0.304 },
      elasticacheNodeHour: { redis: { "cache.r7g.large": 0.242 }, valkey: { "cache.r7g.large": 0.1936 } },
      cloudwatch: { alarmMetricMonth: 0.1, highResolutionAlarmMetricMonth: 0.3, compositeAlarmMonth: 0.5, customMetricMonth: 0.3, dashboardMonth: 3, logsIngestionPerGb: 0.57 },
      sns: { publishPerMillion: 0.5, emailPer100k: 2, httpsPerMillion: 0.6 },
    });
  });

  it("dates the snapshot, replaces the hand-transcription note and names the API as a source", () => {
    const snapshot = snapshotFromProducts(previousSnapshot(), responses(), "2026-11-25");
    expect(snapshot.snapshotDate).to.equal("2026-11-25");
    expect(snapshot.notes).to.deep.equal([
      "Fetched from the AWS Price List Query API (pricing:GetProducts, on-demand terms) on 2026-11-25 by npm run prices:refresh.",
      "Valkey is priced below Redis OSS.",
    ]);
    expect(snapshot.sources.priceListApi).to.deep.equal(["https://pricing.us-east-1.amazonaws.com (AWS Price List Query API (pricing:GetProducts, on-demand terms))"]);
    expect(snapshot.sources.dynamodb).to.deep.equal(["https://aws.amazon.com/dynamodb/pricing/"]);
  });

  it("fails, naming each figure, when a product is missing, and writes nothing half-done", () => {
    const partial = responses();
    partial.delete("eu-west-1 daxNodeHour.dax.r5.large");
    partial.set("eu-west-1 albLcuHour", []);
    expect(() => snapshotFromProducts(previousSnapshot(), partial, "2026-11-25")).to.throw(
      "cannot rebuild the price snapshot:\n" +
        "  - eu-west-1 daxNodeHour.dax.r5.large: no AmazonDAX product with usage type NodeUsage:dax.r5.large and a non-zero on-demand price (0 matched of 0 returned)\n" +
        "  - eu-west-1 albLcuHour: no AWSELB product with usage type LCUUsage and a non-zero on-demand price (0 matched of 0 returned)",
    );
  });

  it("refuses to choose between matching products with different prices", () => {
    const [query] = priceQueries("eu-west-1", { dax: [], ec2: ["m7g.large"], aurora: [], redis: [], valkey: [] }).filter((q) => q.path[0] === "ec2InstanceHour");
    const twoPrices = [ec2("EU-BoxUsage:m7g.large", {}, "0.0892000000", "E1"), ec2("EU-BoxUsage:m7g.large", { licenseModel: "x" }, "0.1000000000", "E9")];
    expect(() => priceFromProducts(query, twoPrices)).to.throw("eu-west-1 ec2InstanceHour.m7g.large: products with different prices match: 0.0892 (E1); 0.1 (E9)");
  });

  it("strips region prefixes only, never a product variant", () => {
    expect(baseUsageType("EU-NatGateway-Hours")).to.equal("NatGateway-Hours");
    expect(baseUsageType("USE1-PublicIPv4:InUseAddress")).to.equal("PublicIPv4:InUseAddress");
    expect(baseUsageType("APN2-IA-ReadCapacityUnit-Hrs")).to.equal("IA-ReadCapacityUnit-Hrs");
    expect(baseUsageType("IA-ReadCapacityUnit-Hrs")).to.equal("IA-ReadCapacityUnit-Hrs");
    expect(baseUsageType("ReadCapacityUnit-Hrs")).to.equal("ReadCapacityUnit-Hrs");
  });

  it("has a query for every figure of the committed snapshot, and for nothing else", () => {
    const committed = loadPriceSnapshot();
    const leaves = (value: unknown, path: string[] = []): string[] =>
      value !== null && typeof value === "object"
        ? Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]))
        : [path.join(".")];
    for (const [region, prices] of Object.entries(committed.regions)) {
      const queried = priceQueries(region, typeListsOf(prices)).map((q) => q.path.join("."));
      expect(queried.sort(), region).to.deep.equal(leaves(prices).sort());
      for (const q of priceQueries(region, typeListsOf(prices))) {
        // Account-wide products (dashboards) have no region code; every other query names its region.
        expect(q.filters.regionCode, q.id).to.equal(q.global ? undefined : region);
      }
    }
  });
});
