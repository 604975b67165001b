/**
 * Customer managed KMS keys: each costs a fixed amount per month whatever its use ("Each AWS KMS
 * key that you create in AWS KMS costs $1/month (prorated hourly)", https://aws.amazon.com/kms/pricing/);
 * requests and the extra backing keys of automatic rotation are listed as usage-based. AWS managed
 * keys are not resources of the program and cost nothing to keep.
 */
import { addItem, note, type Context } from "./context";

const KMS_KEY = "aws:kms/key:Key";

export function priceKeys(ctx: Context): void {
  const prices = ctx.prices.keys;
  for (const key of ctx.graph.ofType(KMS_KEY)) {
    if (!prices) {
      ctx.unpriced.push(note(key, "the price snapshot has no AWS KMS prices"));
      continue;
    }
    const region = ctx.graph.regionOf(key, ctx.options.defaultRegion) ?? "global";
    addItem(ctx, key, region, "KMS customer managed key", 1, "key-month", prices.kmsKeyMonth);
    ctx.usageBased.push(
      note(key, `KMS: $${prices.kmsRequestsPerTenThousand} per 10,000 requests after the free 20,000 a month; each automatic rotation adds $${prices.kmsKeyMonth}/month`),
    );
  }
}
