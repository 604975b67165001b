import { expect } from "chai";
import type { GraphResource } from "../../../policy/lib/graph";
import { parsePriceSnapshot, PriceSnapshot } from "../../../policy/lib/prices";
import { costReport } from "../../../offline/plan/cost";
import {
  breakEvenUtilization,
  compareOnDemand,
  consumedUnitsPerSecond,
  DEFAULT_WORKLOAD,
  scaledCapacities,
  Workload,
} from "../../../offline/plan/dynamoCost";
import { plannedStack } from "./support";

/** Round figures so every expectation below can be checked by hand. */
function regionPrices(scale: number) {
  const typed = (type: string, price: number) => ({ [type]: price * scale });
  return {
    dynamodb: {
      provisionedRcuHour: 0.0001 * scale,
      provisionedWcuHour: 0.0005 * scale,
      replicatedWcuHour: 0.0005 * scale,
      onDemandReadPerMillion: 0.1 * scale,
      onDemandWritePerMillion: 0.5 * scale,
      onDemandReplicatedWritePerMillion: 0.5 * scale,
    },
    daxNodeHour: typed("dax.r5.large", 0.25),
    natGatewayHour: 0.05 * scale,
    natGatewayPerGb: 0.05 * scale,
    publicIpv4Hour: 0.005 * scale,
    albHour: 0.02 * scale,
    albLcuHour: 0.01 * scale,
    ec2InstanceHour: typed("m7g.large", 0.1),
    ebsGp3GbMonth: 0.1 * scale,
    auroraInstanceHour: typed("db.r7g.large", 0.3),
    elasticacheNodeHour: { redis: typed("cache.r7g.large", 0.2), valkey: typed("cache.r7g.large", 0.16) },
    cloudwatch: {
      alarmMetricMonth: 0.1 * scale,
      highResolutionAlarmMetricMonth: 0.3 * scale,
      compositeAlarmMonth: 0.5 * scale,
      customMetricMonth: 0.3 * scale,
      dashboardMonth: 3,
      logsIngestionPerGb: 0.5 * scale,
    },
    sns: { publishPerMillion: 0.5, emailPer100k: 2, httpsPerMillion: 0.6 },
  };
}

const PRICES: PriceSnapshot = parsePriceSnapshot({
  snapshotDate: "2026-01-01",
  currency: "USD",
  hoursPerMonth: 730,
  basis: "test figures",
  notes: [],
  sources: { dynamodb: ["hand-made for this test"] },
  regions: { "us-east-1": regionPrices(1), "eu-west-1": regionPrices(2) },
});

let counter = 0;
function resource(type: string, name: string, props: Record<string, unknown>, extra: Partial<GraphResource> = {}): GraphResource {
  counter += 1;
  return { type, name, props, urn: `urn:pulumi:test::p::${type}::${name}-${counter}`, dependencies: [], propertyDependencies: {}, ...extra };
}

const provider = (region: string) => ({ type: "pulumi:providers:aws", name: `aws-${region}`, urn: `urn:provider:${region}`, props: { region } });

function target(table: GraphResource, dimension: string, resourceId: string, min: number, max: number): GraphResource {
  return resource(
    "aws:appautoscaling/target:Target",
    `${resourceId}-${dimension}`,
    { serviceNamespace: "dynamodb", scalableDimension: dimension, resourceId, minCapacity: min, maxCapacity: max },
    { propertyDependencies: { resourceId: [table] } },
  );
}

function policy(scaled: GraphResource, targetValue: number): GraphResource {
  return resource(
    "aws:appautoscaling/policy:Policy",
    `${scaled.name}-policy`,
    {
      resourceId: scaled.props.resourceId,
      scalableDimension: scaled.props.scalableDimension,
      policyType: "TargetTrackingScaling",
      targetTrackingScalingPolicyConfiguration: { targetValue },
    },
    { propertyDependencies: { resourceId: [scaled], scalableDimension: [scaled] } },
  );
}

/**
 * A primary table "orders" in us-east-1 with one GSI "open":
 *   table read  10..100 @ 50%     table write 5..100 @ 70%
 *   index read   2..20  @ 70%     index write 5..100 (no policy: 70% assumed)
 */
function primaryTable(): GraphResource[] {
  const table = resource(
    "aws:dynamodb/table:Table",
    "orders",
    { name: "orders", billingMode: "PROVISIONED", globalSecondaryIndexes: [{ name: "open", readCapacity: 2, writeCapacity: 5 }] },
    { provider: provider("us-east-1") },
  );
  const tr = target(table, "dynamodb:table:ReadCapacityUnits", "table/orders", 10, 100);
  const tw = target(table, "dynamodb:table:WriteCapacityUnits", "table/orders", 5, 100);
  const ir = target(table, "dynamodb:index:ReadCapacityUnits", "table/orders/index/open", 2, 20);
  const iw = target(table, "dynamodb:index:WriteCapacityUnits", "table/orders/index/open", 5, 100);
  return [table, tr, tw, ir, iw, policy(tr, 50), policy(tw, 70), policy(ir, 70)];
}

describe("plan: DynamoDB cost arithmetic (hand-computed)", () => {
  it("prices every scaled capacity at its minimum and its maximum", () => {
    const range = scaledCapacities(primaryTable(), PRICES);
    expect(range.unreadable).to.deep.equal([]);
    expect(range.capacities.map((c) => [c.what, c.kind, c.min, c.max, c.targetUtilization])).to.deep.equal([
      ["orders", "read", 10, 100, 50],
      ["orders", "write", 5, 100, 70],
      ["orders / index open", "read", 2, 20, 70],
      ["orders / index open", "write", 5, 100, 70],
    ]);
    // (10 x 0.0001 + 5 x 0.0005 + 2 x 0.0001 + 5 x 0.0005) x 730 = 0.0062 x 730
    expect(range.monthlyAtMinUsd).to.be.closeTo(4.526, 1e-9);
    // (100 x 0.0001 + 100 x 0.0005 + 20 x 0.0001 + 100 x 0.0005) x 730 = 0.112 x 730
    expect(range.monthlyAtMaxUsd).to.be.closeTo(81.76, 1e-9);
  });

  it("computes the break-even utilisation from the snapshot's prices", () => {
    // 0.0001 / (3600 x 0.1e-6) = 0.0005 / (3600 x 0.5e-6) = 5/18
    const be = breakEvenUtilization(PRICES.regions["us-east-1"]);
    expect(be.read).to.be.closeTo(5 / 18, 1e-12);
    expect(be.write).to.be.closeTo(5 / 18, 1e-12);
    expect(be.replicatedWrite).to.be.closeTo(5 / 18, 1e-12);
  });

  it("with the committed snapshot: provisioned wins above about 29% (DESIGN.md: on-demand is ~3.5x fully used provisioned)", async () => {
    const cost = (await plannedStack("prod-us-east-1")).cost;
    const od = cost.dynamo.onDemand;
    expect(od).to.not.equal(undefined);
    expect(od?.breakEven.write).to.be.closeTo(0.289, 0.001);
    expect(od?.breakEven.read).to.be.closeTo(0.289, 0.001);
  });

  it("counts request units as DynamoDB bills them", () => {
    const w: Workload = { writesPerSecond: 20, readsPerSecond: 400, itemSizeKb: 3, daxHitRatio: 0.75 };
    expect(consumedUnitsPerSecond({ kind: "write", level: "table" }, w)).to.equal(60); // 20 x ceil(3 KB / 1 KB)
    expect(consumedUnitsPerSecond({ kind: "write", level: "index" }, w)).to.equal(60);
    expect(consumedUnitsPerSecond({ kind: "read", level: "table" }, w)).to.equal(50); // 400 x 25% misses x 0.5 (eventually consistent, <= 4 KB)
    expect(consumedUnitsPerSecond({ kind: "read", level: "index" }, w)).to.equal(0);
    expect(consumedUnitsPerSecond({ kind: "read", level: "table" }, { ...w, itemSizeKb: 9 })).to.equal(150); // ceil(9 / 4) = 3 x 0.5
  });

  it("compares provisioned (as auto scaling would settle) with on-demand at a workload", () => {
    const w: Workload = { writesPerSecond: 20, readsPerSecond: 400, itemSizeKb: 3, daxHitRatio: 0.75 };
    const od = compareOnDemand(scaledCapacities(primaryTable(), PRICES), PRICES, w);
    if (!od) {
      throw new Error("expected a comparison");
    }
    // Provisioned: read ceil(50 / 0.5) = 100; writes ceil(60 / 0.7) = 86; index read stays at its minimum 2.
    expect(od.lines.map((l) => [l.what, l.kind, l.consumedPerSecond, l.provisioned, l.exceedsMax])).to.deep.equal([
      ["orders", "read", 50, 100, false],
      ["orders", "write", 60, 86, false],
      ["orders / index open", "read", 0, 2, false],
      ["orders / index open", "write", 60, 86, false],
    ]);
    // 100 x 0.0001 x 730 + 2 x 86 x 0.0005 x 730 + 2 x 0.0001 x 730 = 7.3 + 62.78 + 0.146
    expect(od.provisionedMonthlyUsd).to.be.closeTo(70.226, 1e-9);
    // 2,628,000 s x (50 x 0.1e-6 + 2 x 60 x 0.5e-6) = 13.14 + 157.68
    expect(od.onDemandMonthlyUsd).to.be.closeTo(170.82, 1e-9);
    expect(od.lines[0].utilization).to.equal(0.5);
    expect(od.cheaper).to.equal("provisioned");
  });

  it("caps provisioned capacity at the auto scaling maximum and says the workload would throttle", () => {
    const w: Workload = { ...DEFAULT_WORKLOAD, writesPerSecond: 100, itemSizeKb: 3 };
    const od = compareOnDemand(scaledCapacities(primaryTable(), PRICES), PRICES, w);
    const write = od?.lines.find((l) => l.what === "orders" && l.kind === "write");
    expect(write?.provisioned).to.equal(100); // wanted ceil(300 / 0.7) = 429
    expect(write?.exceedsMax).to.equal(true);
    expect(write?.utilization).to.equal(1);
  });

  it("prices a replica's table writes as replicated writes in the replica's region, its index writes as ordinary writes", () => {
    const replica = resource(
      "aws:dynamodb/tableReplica:TableReplica",
      "orders-replica",
      { globalTableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/orders" },
      { provider: provider("eu-west-1") },
    );
    const tw = target(replica, "dynamodb:table:WriteCapacityUnits", "table/orders", 5, 10);
    const iw = target(replica, "dynamodb:index:WriteCapacityUnits", "table/orders/index/open", 5, 10);
    const range = scaledCapacities([replica, tw, iw], PRICES);
    expect(range.capacities.map((c) => [c.what, c.kind, c.region, c.unitHourUsd])).to.deep.equal([
      ["orders", "replicatedWrite", "eu-west-1", 0.001],
      ["orders / index open", "write", "eu-west-1", 0.001],
    ]);
    // 10 units x 0.001 (eu-west-1 is priced at twice us-east-1 here) x 730
    expect(range.monthlyAtMinUsd).to.be.closeTo(7.3, 1e-9);
    const od = compareOnDemand(range, PRICES, { writesPerSecond: 1, readsPerSecond: 0, itemSizeKb: 1, daxHitRatio: 0 });
    // 2,628,000 s x 1 unit/s x 1.0e-6 (replicated, eu-west-1) for the table, the same again for the index
    expect(od?.onDemandMonthlyUsd).to.be.closeTo(5.256, 1e-9);
  });

  it("reports a target whose bounds are unknown instead of pricing it at zero", () => {
    const [table] = primaryTable();
    const unknownBounds = resource(
      "aws:appautoscaling/target:Target",
      "t",
      { serviceNamespace: "dynamodb", scalableDimension: "dynamodb:table:ReadCapacityUnits", resourceId: "table/orders" },
      { propertyDependencies: { resourceId: [table] } },
    );
    const range = scaledCapacities([table, unknownBounds], PRICES);
    expect(range.capacities).to.deep.equal([]);
    expect(range.unreadable).to.deep.equal(["orders read: bounds unknown until the update"]);
  });
});

describe("plan: cost report", () => {
  it("adds the maximum to the policy lib's minimum footprint, consistently", () => {
    const resources = primaryTable();
    const report = costReport(resources, { workload: DEFAULT_WORKLOAD, albBaselineLcu: 1, prices: PRICES });
    // The lib prices the same four capacities at their minimum.
    expect(report.minimum.totalMonthlyUsd).to.be.closeTo(4.526, 1e-9);
    expect(report.totalWithDynamoAtMaxUsd).to.be.closeTo(81.76, 1e-9);
    expect(report.snapshotDate).to.equal("2026-01-01");
    expect(report.sources).to.deep.equal({ dynamodb: ["hand-made for this test"] });
  });

  it("for the real prod stack: the DynamoDB minimum equals the lib's DynamoDB line items, and the maximum is above it", async () => {
    const cost = (await plannedStack("prod-us-east-1")).cost;
    const dynamoItems = cost.minimum.items.filter((i) => i.resourceType === "aws:dynamodb/table:Table");
    const sum = dynamoItems.reduce((s, i) => s + i.monthlyUsd, 0);
    expect(cost.dynamo.range.monthlyAtMinUsd).to.be.closeTo(sum, 1e-9);
    expect(cost.dynamo.range.monthlyAtMaxUsd).to.be.greaterThan(cost.dynamo.range.monthlyAtMinUsd);
    expect(cost.totalWithDynamoAtMaxUsd - cost.minimum.totalMonthlyUsd).to.be.closeTo(
      cost.dynamo.range.monthlyAtMaxUsd - cost.dynamo.range.monthlyAtMinUsd,
      1e-9,
    );
    const components = cost.byComponent.map((c) => c.componentType);
    for (const type of ["trading:network:HaNetwork", "trading:data:DataTier", "trading:cluster:TradingCluster", "trading:dynamo:DaxCluster"]) {
      expect(components, type).to.include(type);
    }
    expect(cost.minimum.unpriced).to.deep.equal([]);
  });

  it("for the replica: only its reads are its own; its writes follow the primary's write scaling, and the plan says so", async () => {
    const cost = (await plannedStack("prod-eu-west-1")).cost;
    expect(cost.dynamo.range.capacities.map((c) => c.kind)).to.include("read").and.not.include("replicatedWrite").and.not.include("write");
    expect(cost.dynamo.range.capacities.every((c) => c.region === "eu-west-1")).to.equal(true);
    expect(cost.dynamo.range.unreadable.join("\n")).to.match(/write: follows the global table's write auto scaling/);
  });
});
