/**
 * DynamoDB provisioned capacity at its auto scaling minimum: each table and GSI, read and write,
 * and each replica's replicated write capacity; on-demand tables are usage-based.
 */
import { billingMode, dynamoScalingTargets, replicaTableName, ScalingTargetInfo, tableGsis } from "../dynamo";
import { GraphResource, TYPES } from "../graph";
import { RegionPrices } from "../prices";
import { peekNumber, UNKNOWN } from "../values";
import { addItem, note, regionPrices, type Context } from "./context";

export function priceDynamo(ctx: Context): void {
  const targets = dynamoScalingTargets(ctx.graph);
  const capacityUnit = (dimension: "read" | "write", replica: boolean) => (dimension === "read" ? "RCU-hour" : replica ? "rWCU-hour" : "WCU-hour");
  const unitPrice = (prices: RegionPrices, dimension: "read" | "write", replica: boolean) =>
    dimension === "read" ? prices.dynamodb.provisionedRcuHour : replica ? prices.dynamodb.replicatedWcuHour : prices.dynamodb.provisionedWcuHour;

  const priceCapacity = (owner: GraphResource, replica: boolean, what: string, dimension: "read" | "write", units: unknown) => {
    const regional = regionPrices(ctx, owner);
    if (!regional) {
      return;
    }
    if (typeof units !== "number") {
      ctx.unpriced.push(note(owner, `${what} ${dimension} capacity is ${units === UNKNOWN ? "unknown until the update" : "not set"}`));
      return;
    }
    if (units > 0) {
      addItem(ctx, owner, regional.region, `${what}: ${units} ${dimension} capacity units (minimum)`, units * ctx.hours, capacityUnit(dimension, replica), unitPrice(regional.prices, dimension, replica));
    }
  };
  const minOf = (found: ScalingTargetInfo[]) => (found.length > 0 ? found[0].minCapacity : undefined);

  const tables = ctx.graph.ofType(TYPES.dynamoTable);
  for (const table of tables) {
    if (billingMode(table) === "PAY_PER_REQUEST") {
      ctx.usageBased.push(note(table, "on-demand table: billed per request, no minimum"));
      continue;
    }
    for (const dimension of ["read", "write"] as const) {
      const own = targets.filter((t) => t.table === table && t.level === "table" && t.dimension === dimension);
      const provisioned = peekNumber(table.props, dimension === "read" ? "readCapacity" : "writeCapacity");
      priceCapacity(table, false, `table ${table.name}`, dimension, own.length > 0 ? minOf(own) : provisioned);
    }
    const gsis = tableGsis(table);
    for (const gsi of gsis) {
      const label = `index ${typeof gsi.name === "string" ? gsi.name : "(unknown name)"} of ${table.name}`;
      for (const dimension of ["read", "write"] as const) {
        const own = targets.filter(
          (t) => t.table === table && t.level === "index" && t.dimension === dimension && (t.indexName === gsi.name || (t.indexName === UNKNOWN && gsis.length === 1)),
        );
        priceCapacity(table, false, label, dimension, own.length > 0 ? minOf(own) : dimension === "read" ? gsi.readCapacity : gsi.writeCapacity);
      }
    }
  }
  for (const replica of ctx.graph.ofType(TYPES.dynamoTableReplica)) {
    const own = targets.filter((t) => t.table === replica);
    if (own.length === 0) {
      ctx.unpriced.push(note(replica, "no auto scaling target in this stack shows its capacity (it follows the global table)"));
      continue;
    }
    const name = replicaTableName(replica);
    if (!own.some((t) => t.dimension === "write")) {
      ctx.unpriced.push(note(replica, "its replicated write capacity follows the global table's write auto scaling, owned by the primary stack"));
    }
    for (const t of own) {
      const what = t.level === "table" ? `replica ${typeof name === "string" ? name : replica.name}` : `replica index ${typeof t.indexName === "string" ? t.indexName : "(unknown)"}`;
      priceCapacity(replica, true, what, t.dimension, t.minCapacity);
    }
  }
}
