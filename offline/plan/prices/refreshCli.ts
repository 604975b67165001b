/**
 * `npm run prices:refresh [-- --dry-run] [--out FILE]`: rebuilds the committed price snapshot
 * (policy/lib/prices/aws-prices.json) from the AWS Price List API, for a user with AWS credentials
 * allowed `pricing:GetProducts`. Re-prices the regions and types the snapshot already lists; writes
 * nothing unless every figure was found. Tests never run this file (see ./refresh.ts for the part
 * they test).
 */
import { GetProductsCommandInput, paginateGetProducts, PricingClient } from "@aws-sdk/client-pricing";
import { writeFileSync } from "node:fs";
import { loadPriceSnapshot, PRICE_SNAPSHOT_FILE } from "../../../policy/lib/prices";
import { nameAwsCalls } from "../../../services/cli/awsCalls";
import { explainError } from "../../../services/cli/explain";
import { parseCliArgs, UsageError } from "../../../services/cli/usage";
import { priceQueries, PriceQuery, snapshotFromProducts, typeListsOf } from "./refresh";

/** The Price List Query API is served from a few regions only; us-east-1 is one. */
const PRICING_REGION = "us-east-1";

async function fetchProducts(client: PricingClient, query: PriceQuery): Promise<unknown[]> {
  const input: GetProductsCommandInput = {
    ServiceCode: query.serviceCode,
    FormatVersion: "aws_v1",
    Filters: Object.entries(query.filters).map(([Field, Value]) => ({ Type: "TERM_MATCH", Field, Value })),
  };
  const products: unknown[] = [];
  for await (const page of paginateGetProducts({ client }, input)) {
    products.push(...((page.PriceList as unknown[] | undefined) ?? []));
  }
  return products;
}

async function main(): Promise<number> {
  const { values } = parseCliArgs({ args: process.argv.slice(2), options: { "dry-run": { type: "boolean", default: false }, out: { type: "string" } } });
  const previous = loadPriceSnapshot();
  const client = nameAwsCalls(new PricingClient({ region: PRICING_REGION }));
  const queries = Object.entries(previous.regions).flatMap(([region, prices]) => priceQueries(region, typeListsOf(prices)));
  const products = new Map<string, unknown[]>();
  for (const [i, query] of queries.entries()) {
    process.stderr.write(`[${i + 1}/${queries.length}] ${query.id}\n`);
    products.set(query.id, await fetchProducts(client, query));
  }
  const date = new Date().toISOString().slice(0, 10);
  const snapshot = snapshotFromProducts(previous, products, date);
  const text = `${JSON.stringify(snapshot, null, 2)}\n`;
  if (values["dry-run"]) {
    process.stdout.write(text);
    return 0;
  }
  const out = values.out ?? PRICE_SNAPSHOT_FILE;
  writeFileSync(out, text);
  process.stderr.write(`wrote ${out} (prices of ${date}); review the diff before committing it\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // explainError names the call (pricing:GetProducts in us-east-1) and, without credentials, how to get them.
    process.stderr.write(`prices:refresh (the snapshot was not changed): ${explainError(err)}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
