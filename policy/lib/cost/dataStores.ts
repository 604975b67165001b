/**
 * The data stores' nodes and instances: DAX nodes, Aurora instances (Serverless v2, storage, I/O
 * and a global database's replication are usage-based), ElastiCache (Redis, Valkey) nodes; RDS
 * DB instances and Multi-AZ DB clusters are not in the snapshot; Lambda is usage-based.
 */
import { TYPES } from "../graph";
import { peek, peekNumber, peekString, UNKNOWN } from "../values";
import { addItem, note, regionPrices, typedPrice, type Context } from "./context";

export 
function priceData(ctx: Context): void {
  for (const dax of ctx.graph.ofType(TYPES.daxCluster)) {
    const regional = regionPrices(ctx, dax);
    if (!regional) {
      continue;
    }
    const nodes = peekNumber(dax.props, "replicationFactor");
    const type = peekString(dax.props, "nodeType");
    const price = typedPrice(ctx, dax, regional.prices.daxNodeHour, type, "node type");
    if (typeof nodes !== "number") {
      ctx.unpriced.push(note(dax, "its replicationFactor is unknown"));
    } else if (price !== undefined) {
      addItem(ctx, dax, regional.region, `${nodes} x ${String(type)} DAX nodes`, nodes * ctx.hours, "node-hour", price);
    }
  }
  const clusters = ctx.graph.ofType(TYPES.rdsCluster);
  for (const cluster of clusters) {
    const engine = peekString(cluster.props, "engine");
    if (typeof engine === "string" && !engine.startsWith("aurora") && peek(cluster.props, "dbClusterInstanceClass") !== undefined) {
      ctx.unpriced.push(note(cluster, "Multi-AZ DB cluster instances are not in the price snapshot"));
    }
  }
  // Aurora Global Database: the secondaries' instances are priced with every other instance; what
  // replication adds is billed by use (replicated write I/Os per million, cross-region transfer).
  for (const global of ctx.graph.ofType(TYPES.rdsGlobalCluster)) {
    ctx.usageBased.push(note(global, "Aurora Global Database: each write I/O replicated to a secondary region is billed per million, plus the cross-region data transfer"));
  }
  for (const cluster of clusters.filter((c) => peekString(c.props, "globalClusterIdentifier") !== undefined)) {
    ctx.usageBased.push(note(cluster, "Aurora Global Database secondary: its replicated write I/Os and storage are billed by use in its region"));
  }
  for (const instance of ctx.graph.ofType(TYPES.rdsClusterInstance)) {
    const regional = regionPrices(ctx, instance);
    if (!regional) {
      continue;
    }
    const type = peekString(instance.props, "instanceClass");
    if (type === "db.serverless") {
      ctx.usageBased.push(note(instance, "Aurora Serverless v2: billed per ACU-hour used"));
      continue;
    }
    const price = typedPrice(ctx, instance, regional.prices.auroraInstanceHour, type, "instance class");
    if (price !== undefined) {
      addItem(ctx, instance, regional.region, `1 x ${String(type)} Aurora instance (storage and I/O are usage-based)`, ctx.hours, "instance-hour", price);
    }
  }
  for (const instance of ctx.graph.ofType(TYPES.rdsInstance)) {
    ctx.unpriced.push(note(instance, "RDS DB instances are not in the price snapshot"));
  }
  for (const group of ctx.graph.ofType(TYPES.cacheReplicationGroup)) {
    const regional = regionPrices(ctx, group);
    if (!regional) {
      continue;
    }
    const engine = peekString(group.props, "engine") ?? "redis";
    if (engine !== "redis" && engine !== "valkey") {
      ctx.unpriced.push(note(group, `cache engine ${String(engine)} is not in the price snapshot`));
      continue;
    }
    const shards = peekNumber(group.props, "numNodeGroups");
    const replicas = peekNumber(group.props, "replicasPerNodeGroup");
    const clusters = peekNumber(group.props, "numCacheClusters");
    const nodes =
      typeof clusters === "number"
        ? clusters
        : typeof replicas === "number"
          ? (typeof shards === "number" ? shards : 1) * (replicas + 1)
          : clusters === UNKNOWN || replicas === UNKNOWN
            ? undefined
            : 1;
    const type = peekString(group.props, "nodeType");
    const price = typedPrice(ctx, group, regional.prices.elasticacheNodeHour[engine], type, `${engine} node type`);
    if (nodes === undefined) {
      ctx.unpriced.push(note(group, "its node count is unknown"));
    } else if (price !== undefined) {
      addItem(ctx, group, regional.region, `${nodes} x ${String(type)} ${engine} nodes`, nodes * ctx.hours, "node-hour", price);
    }
  }
  for (const fn of ctx.graph.ofType("aws:lambda/function:Function")) {
    ctx.usageBased.push(note(fn, "Lambda: billed per request and GB-second"));
  }
}
