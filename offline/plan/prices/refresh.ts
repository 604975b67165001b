/**
 * The pure part of `npm run prices:refresh`: which AWS Price List products each figure of the price
 * snapshot (policy/lib/prices/aws-prices.json) comes from, and how a GetProducts response becomes
 * that figure. ./refreshCli.ts does the fetching; tests feed this module hand-made responses.
 *
 * The snapshot's format, regions and per-type lists are the policy lib's (it validates the result
 * with its own schema); a refresh re-prices what the snapshot already lists.
 *
 * Matching rules (Price List API, GetProducts):
 * - every query filters on `regionCode` and, where it narrows the result, on product attributes;
 * - the usage type is compared after removing a REGION prefix ("EU-", "USE1-", "APN2-": letters and
 *   a digit, or the legacy "EU"), never by suffix: "IA-ReadCapacityUnit-Hrs" (Standard-IA table
 *   class) and "ReplWriteCapacityUnit-Hrs" (global tables) must not pass for the Standard figures;
 * - the price is the on-demand term's USD price per unit, from the first non-zero tier (DynamoDB's
 *   free tier is a zero-priced first tier); several products with different prices are an error.
 */
import type { PriceSnapshot, RegionPrices } from "../../../policy/lib/prices";
import { parsePriceSnapshot } from "../../../policy/lib/prices";

/** One Price List product document (GetProducts returns these as JSON strings). */
export interface PriceListProduct {
  product: { sku?: string; productFamily?: string; attributes: Record<string, string> };
  terms: {
    OnDemand?: Record<
      string,
      {
        priceDimensions: Record<string, { unit?: string; beginRange?: string; pricePerUnit: Record<string, string>; description?: string }>;
      }
    >;
  };
}

/** A figure of the snapshot and the products it is read from. */
export interface PriceQuery {
  /** Stable id, also the snapshot path: "us-east-1 dynamodb.provisionedRcuHour", "eu-west-1 ec2InstanceHour.m7g.large". */
  id: string;
  region: string;
  /** Where the figure goes inside the region's prices. */
  path: string[];
  serviceCode: string;
  /** Sent as TERM_MATCH filters (regionCode included) and checked again on every product. */
  filters: Record<string, string>;
  /** The usage type without its region prefix. */
  usageType: string;
  /** Multiplier from the price per unit to the snapshot's unit (1e6 for per-million figures). */
  scale: number;
  /**
   * An account-wide product (CloudWatch dashboards: `location` Any, no region code), queried
   * without the regionCode filter and written into every region.
   */
  global?: boolean;
}

/** The instance and node types the snapshot prices, per region. */
export interface TypeLists {
  dax: string[];
  ec2: string[];
  aurora: string[];
  redis: string[];
  valkey: string[];
  /** Whether the snapshot prices Fargate (an optional section: refreshed only where it is present). */
  fargate?: boolean;
}

export function typeListsOf(prices: RegionPrices): TypeLists {
  return {
    dax: Object.keys(prices.daxNodeHour),
    ec2: Object.keys(prices.ec2InstanceHour),
    aurora: Object.keys(prices.auroraInstanceHour),
    redis: Object.keys(prices.elasticacheNodeHour.redis),
    valkey: Object.keys(prices.elasticacheNodeHour.valkey),
    fargate: prices.fargateArm !== undefined,
  };
}

/** Every query that prices one region of the snapshot. */
export function priceQueries(region: string, types: TypeLists): PriceQuery[] {
  const q = (path: string[], serviceCode: string, usageType: string, filters: Record<string, string> = {}, scale = 1): PriceQuery => ({
    id: `${region} ${path.join(".")}`,
    region,
    path,
    serviceCode,
    filters: { regionCode: region, ...filters },
    usageType,
    scale,
  });
  const dynamo = (field: string, usageType: string, scale = 1) => q(["dynamodb", field], "AmazonDynamoDB", usageType, {}, scale);
  const cloudwatch = (field: string, usageType: string) => q(["cloudwatch", field], "AmazonCloudWatch", usageType);
  const sns = (field: string, usageType: string, scale: number) => q(["sns", field], "AmazonSNS", usageType, {}, scale);
  return [
    dynamo("provisionedRcuHour", "ReadCapacityUnit-Hrs"),
    dynamo("provisionedWcuHour", "WriteCapacityUnit-Hrs"),
    dynamo("replicatedWcuHour", "ReplWriteCapacityUnit-Hrs"),
    dynamo("onDemandReadPerMillion", "ReadRequestUnits", 1e6),
    dynamo("onDemandWritePerMillion", "WriteRequestUnits", 1e6),
    dynamo("onDemandReplicatedWritePerMillion", "ReplWriteRequestUnits", 1e6),
    ...types.dax.map((t) => q(["daxNodeHour", t], "AmazonDAX", `NodeUsage:${t}`)),
    q(["natGatewayHour"], "AmazonEC2", "NatGateway-Hours", { productFamily: "NAT Gateway" }),
    q(["natGatewayPerGb"], "AmazonEC2", "NatGateway-Bytes", { productFamily: "NAT Gateway" }),
    q(["publicIpv4Hour"], "AmazonVPC", "PublicIPv4:InUseAddress"),
    q(["albHour"], "AWSELB", "LoadBalancerUsage", { productFamily: "Load Balancer-Application" }),
    q(["albLcuHour"], "AWSELB", "LCUUsage", { productFamily: "Load Balancer-Application" }),
    ...types.ec2.map((t) =>
      q(["ec2InstanceHour", t], "AmazonEC2", `BoxUsage:${t}`, {
        instanceType: t,
        operatingSystem: "Linux",
        tenancy: "Shared",
        preInstalledSw: "NA",
        capacitystatus: "Used",
      }),
    ),
    q(["ebsGp3GbMonth"], "AmazonEC2", "EBS:VolumeUsage.gp3", { volumeApiName: "gp3" }),
    // Fargate on ARM64 (Graviton), Linux, as the AmazonECS price list names its usage types
    // ("<region>-Fargate-ARM-vCPU-Hours:perCPU", "<region>-Fargate-ARM-GB-Hours"); not yet checked
    // against a live Price List response.
    ...(types.fargate
      ? [q(["fargateArm", "vcpuHour"], "AmazonECS", "Fargate-ARM-vCPU-Hours:perCPU"), q(["fargateArm", "gbHour"], "AmazonECS", "Fargate-ARM-GB-Hours")]
      : []),
    // Aurora Standard (I/O-Optimized instances are "InstanceUsageIOOptimized:...").
    ...types.aurora.map((t) => q(["auroraInstanceHour", t], "AmazonRDS", `InstanceUsage:${t}`, { instanceType: t, databaseEngine: "Aurora PostgreSQL" })),
    ...types.redis.map((t) => q(["elasticacheNodeHour", "redis", t], "AmazonElastiCache", `NodeUsage:${t}`, { instanceType: t, cacheEngine: "Redis" })),
    ...types.valkey.map((t) => q(["elasticacheNodeHour", "valkey", t], "AmazonElastiCache", `NodeUsage:${t}`, { instanceType: t, cacheEngine: "Valkey" })),
    // Usage types as CloudWatch and SNS bill them (AWS Billing "usage types" of CloudWatch; SNS
    // "DeliveryAttempts-<protocol>"); each figure is the first tier that is not free.
    cloudwatch("alarmMetricMonth", "CW:AlarmMonitorUsage"),
    cloudwatch("highResolutionAlarmMetricMonth", "CW:HighResAlarmMonitorUsage"),
    cloudwatch("compositeAlarmMonth", "CW:CompositeAlarmMonitorUsage"),
    cloudwatch("customMetricMonth", "CW:MetricMonitorUsage"),
    // More than 50 metrics per dashboard ("DashboardsUsageHour-Basic" is the 50-or-fewer variant).
    { ...q(["cloudwatch", "dashboardMonth"], "AmazonCloudWatch", "DashboardsUsageHour"), filters: {}, global: true },
    cloudwatch("logsIngestionPerGb", "DataProcessing-Bytes"),
    sns("publishPerMillion", "Requests-Tier1", 1e6),
    sns("emailPer100k", "DeliveryAttempts-SMTP", 1e5),
    sns("httpsPerMillion", "DeliveryAttempts-HTTP", 1e6),
  ];
}

const REGION_PREFIX = /^(?:[A-Z]{2,4}[0-9]|EU)-/;

/** A usage type without its region prefix: "EU-NatGateway-Hours" → "NatGateway-Hours"; "IA-…" stays. */
export function baseUsageType(usageType: string): string {
  return usageType.replace(REGION_PREFIX, "");
}

function parseProduct(item: unknown): PriceListProduct {
  return (typeof item === "string" ? JSON.parse(item) : item) as PriceListProduct;
}

/** The on-demand USD price per unit of a product: its first non-zero tier. */
function onDemandPrice(product: PriceListProduct): number | undefined {
  const tiers = Object.values(product.terms.OnDemand ?? {})
    .flatMap((term) => Object.values(term.priceDimensions))
    .map((d) => ({ begin: Number(d.beginRange ?? "0"), usd: Number(d.pricePerUnit.USD) }))
    .filter((d) => Number.isFinite(d.usd) && d.usd > 0)
    .sort((a, b) => a.begin - b.begin);
  return tiers[0]?.usd;
}

/** Rounds away binary noise from scaling (0.000000125 x 1e6 → 0.125). */
function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

/** The figure for one query from the products GetProducts returned for it (strings or objects). */
export function priceFromProducts(query: PriceQuery, items: readonly unknown[]): number {
  const matching = items.map(parseProduct).filter((p) => {
    const attrs = p.product.attributes;
    const family = p.product.productFamily;
    return (
      baseUsageType(attrs.usagetype ?? "") === query.usageType &&
      Object.entries(query.filters).every(([k, v]) => (k === "productFamily" ? family === v || attrs[k] === v : attrs[k] === v))
    );
  });
  const prices = new Map<number, string[]>();
  for (const p of matching) {
    const usd = onDemandPrice(p);
    if (usd !== undefined) {
      prices.set(usd, [...(prices.get(usd) ?? []), p.product.sku ?? "(no sku)"]);
    }
  }
  if (prices.size === 0) {
    throw new Error(
      `${query.id}: no ${query.serviceCode} product with usage type ${query.usageType} and a non-zero on-demand price ` +
        `(${matching.length} matched of ${items.length} returned)`,
    );
  }
  if (prices.size > 1) {
    const listed = [...prices.entries()].map(([usd, skus]) => `${usd} (${skus.join(", ")})`).join("; ");
    throw new Error(`${query.id}: products with different prices match: ${listed}`);
  }
  return tidy([...prices.keys()][0] * query.scale);
}

function setPath(target: Record<string, unknown>, path: string[], value: number): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

export const PRICE_LIST_SOURCE = "AWS Price List Query API (pricing:GetProducts, on-demand terms)";

/**
 * A new snapshot: the previous one's regions and types re-priced from `products` (by query id),
 * dated `date`, validated with the policy lib's schema. Throws naming every figure that failed.
 */
export function snapshotFromProducts(previous: PriceSnapshot, products: ReadonlyMap<string, readonly unknown[]>, date: string): PriceSnapshot {
  const regions: Record<string, Record<string, unknown>> = {};
  const problems: string[] = [];
  for (const [region, prices] of Object.entries(previous.regions)) {
    const fresh: Record<string, unknown> = {};
    for (const query of priceQueries(region, typeListsOf(prices))) {
      try {
        setPath(fresh, query.path, priceFromProducts(query, products.get(query.id) ?? []));
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    regions[region] = fresh;
  }
  if (problems.length > 0) {
    throw new Error(`cannot rebuild the price snapshot:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  const note = `Fetched from the ${PRICE_LIST_SOURCE} on ${date} by npm run prices:refresh.`;
  return parsePriceSnapshot({
    ...previous,
    snapshotDate: date,
    notes: [note, ...previous.notes.filter((n) => !n.startsWith("Transcribed by hand") && !n.startsWith("Fetched from the AWS Price List"))],
    sources: { ...previous.sources, priceListApi: [`https://pricing.us-east-1.amazonaws.com (${PRICE_LIST_SOURCE})`] },
    regions,
  });
}
