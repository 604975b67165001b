/**
 * The trading hot-path table: one DynamoDB table ("single-table design") shared by the trading API
 * and the stream processor. This module is the one source of truth for its shape: the service tests
 * create their DynamoDB Local table from {@link createTableInput}, and the infrastructure
 * (components/dynamo) declares the real table, its GSIs, TTL and stream from the same exports, so the
 * table the tests exercise is the table that gets deployed.
 *
 * It is deliberately pure (type-only imports) so Pulumi programs and policy code can import it
 * without pulling in the AWS SDK.
 *
 * ## Keys
 *
 * Table key: `pk` (S, partition) + `sk` (S, sort). Every item of one account shares
 * `pk = ACCT#<account>`: accounts are many and roughly uniform, so the partition key has high
 * cardinality, and one account's orders, fills and positions form one item collection that a single
 * Query reads. (There is no LSI, so the 10 GB item-collection limit does not apply.) A single account
 * is bounded by one partition's 1,000 WCU / 3,000 RCU; an account that needs more is a market maker
 * and belongs on its own table.
 *
 * ## Item types
 *
 * | item | pk | sk | other keys / notes |
 * | --- | --- | --- | --- |
 * | Order | `ACCT#<account>` | `ORDER#<orderId>` | `orderId` is time-ordered (ULID-style), so `sk` sorts orders by creation time. While the order is open it also carries `openPk = OPEN#<symbol>#<shard>` and `openSk = <B or S>#<price key>#<orderId>` (see the open-orders GSI); they are REMOVEd in the same write that fills or cancels it. `entity = ORDER`. |
 * | Client-order-id claim (idempotency) | `ACCT#<account>` | `CLORD#<clientOrderId>` | `orderId` of the order it created and a hash of the request. Written in the same transaction as the order with `attribute_not_exists(pk)`, which is what makes order placement idempotent. `expiresAt` ({@link TTL_ATTRIBUTE}, epoch seconds) lets DynamoDB delete the claim after the idempotency window; the service also treats an expired claim as absent, because TTL deletion can lag by days. `entity = CLIENT_ORDER`. |
 * | Fill | `ACCT#<account>` | `FILL#<orderId>#<fillId>` | One per execution; `fillId` comes from the venue, so a retried fill hits `attribute_not_exists(pk)`. Written in one transaction with the order update. `positionAppliedAt` is set by the stream processor when the fill has been added to the position (its idempotency marker). `entity = FILL`. |
 * | Position | `ACCT#<account>` | `POS#<symbol>` | Net, bought and sold quantity and notional as decimal strings (exact integer arithmetic; notional can exceed 2^53), `version` for optimistic locking. Written only by the stream processor. `entity = POSITION`. |
 *
 * ## Access patterns
 *
 * | # | pattern | operation and key |
 * | --- | --- | --- |
 * | 1 | Place an order, idempotent on (account, clientOrderId) | TransactWriteItems: Put claim `CLORD#…` + Put order `ORDER#…`, both `attribute_not_exists(pk)` |
 * | 2 | Retry of a placed order → the original | GetItem claim (strongly consistent) → GetItem order (strongly consistent) |
 * | 3 | Get one order | GetItem `pk = ACCT#a, sk = ORDER#id` |
 * | 4 | List an account's orders, newest first, optional status | Query `pk = ACCT#a AND begins_with(sk, "ORDER#")`, ScanIndexForward = false, FilterExpression on `status` |
 * | 5 | Cancel an open order | UpdateItem order, condition `status = open`, REMOVE `openPk, openSk` |
 * | 6 | Apply a fill | TransactWriteItems: Update order (condition `version = :read AND status = open`, REMOVE open keys when fully filled) + Put fill `attribute_not_exists(pk)` |
 * | 7 | An account's positions | Query `pk = ACCT#a AND begins_with(sk, "POS#")` |
 * | 8 | Open orders for a symbol in price-time priority | Query GSI `open-orders-by-symbol` on `openPk = OPEN#<symbol>#<s>` for every shard s in parallel, merge by `openSk` |
 * | 9 | Maintain positions from fills | DynamoDB Streams (NEW_AND_OLD_IMAGES) → Lambda filtered to fill INSERTs → TransactWriteItems: Update fill set `positionAppliedAt` (condition: not yet set) + Put position (condition on `version`) |
 * | 10 | Readiness probe | GetItem of a fixed key that never exists (`HEALTHCHECK`) |
 */
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

/** Table key attribute names. */
export const TABLE_KEY = { partitionKey: "pk", sortKey: "sk" } as const;

/** Attribute that tells item types apart; the stream filter matches on it. */
export const ENTITY_ATTRIBUTE = "entity";

/** Values of {@link ENTITY_ATTRIBUTE}. */
export const ENTITY = {
  order: "ORDER",
  clientOrder: "CLIENT_ORDER",
  fill: "FILL",
  position: "POSITION",
} as const;
export type Entity = (typeof ENTITY)[keyof typeof ENTITY];

/** TTL attribute (epoch seconds). Only client-order-id claims carry it. */
export const TTL_ATTRIBUTE = "expiresAt";

/** The stream carries both images so the processor sees every fill in full. */
export const STREAM_VIEW_TYPE = "NEW_AND_OLD_IMAGES" as const;

/** Name of the sparse "open orders by symbol" GSI. */
export const OPEN_ORDERS_INDEX = "open-orders-by-symbol";

/** GSI key attributes; present on an order only while it is open, which is what makes the index sparse. */
export const OPEN_ORDERS_KEY = { partitionKey: "openPk", sortKey: "openSk" } as const;

/**
 * Write shards per symbol on the open-orders GSI. A popular symbol would otherwise put all its open
 * orders in one GSI partition, capped at 1,000 WCU (and a throttled GSI throttles the table). Eight
 * shards give a symbol 8,000 WCU of index headroom, and a read costs eight parallel queries.
 * Changing it re-shards: orders keep the shard they were written with, so readers must query
 * max(old, new) shards until the old open orders are gone.
 */
export const OPEN_ORDER_SHARDS = 8;

export interface GlobalSecondaryIndexDefinition {
  name: string;
  partitionKey: string;
  sortKey?: string;
  projectionType: "ALL" | "KEYS_ONLY" | "INCLUDE";
  nonKeyAttributes?: string[];
  /** True when only some items carry the index keys (the index holds only those). */
  sparse: boolean;
  description: string;
}

/** Order attributes the open-orders view needs; projecting only these keeps index writes small. */
const OPEN_ORDER_PROJECTION = [
  "account",
  "orderId",
  "clientOrderId",
  "symbol",
  "side",
  "quantity",
  "filledQuantity",
  "limitPrice",
  "timeInForce",
  "status",
  "createdAt",
];

export const GLOBAL_SECONDARY_INDEXES: readonly GlobalSecondaryIndexDefinition[] = [
  {
    name: OPEN_ORDERS_INDEX,
    partitionKey: OPEN_ORDERS_KEY.partitionKey,
    sortKey: OPEN_ORDERS_KEY.sortKey,
    projectionType: "INCLUDE",
    nonKeyAttributes: OPEN_ORDER_PROJECTION,
    sparse: true,
    description:
      `Open orders by symbol in price-time priority. Partition OPEN#<symbol>#<shard 0..${OPEN_ORDER_SHARDS - 1}>, ` +
      "sort <B|S>#<price key>#<orderId> (bids best-first via price complement, asks ascending). " +
      "Keys exist only while an order is open, so fills and cancels drop it from the index.",
  },
];

/** Every key attribute of the table and its GSIs (DynamoDB requires exactly these). */
export const ATTRIBUTE_DEFINITIONS: { name: string; type: "S" | "N" }[] = [
  { name: TABLE_KEY.partitionKey, type: "S" },
  { name: TABLE_KEY.sortKey, type: "S" },
  { name: OPEN_ORDERS_KEY.partitionKey, type: "S" },
  { name: OPEN_ORDERS_KEY.sortKey, type: "S" },
];

/**
 * Shard of an order on the open-orders GSI: FNV-1a of the order id, modulo the shard count. Pure
 * and stable, so the writer and anyone recomputing it agree; order ids are random in their low
 * bits, so orders spread evenly whatever the symbol.
 */
export function openOrderShard(orderId: string, shards: number = OPEN_ORDER_SHARDS): number {
  if (!Number.isInteger(shards) || shards < 1) {
    throw new RangeError(`shards must be a positive integer, got ${shards}`);
  }
  let hash = 0x811c9dc5;
  for (let i = 0; i < orderId.length; i++) {
    hash ^= orderId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

const NAME_PART = /^[a-z][a-z0-9-]{0,62}[a-z0-9]$|^[a-z]$/;

/**
 * The one naming rule for the table: `<project>-<environment>-trading`.
 *
 * `environment` must be the same in every region of a global table (e.g. "prod", not the stack name
 * "prod-us-east-1"), because replicas share the table name.
 */
export function tableName(parts: { project: string; environment: string }): string {
  for (const [key, value] of Object.entries(parts)) {
    if (!NAME_PART.test(value)) {
      throw new Error(
        `tableName: ${key} "${value}" must be lowercase letters, digits and hyphens, start with a letter, ` +
          "not end with a hyphen, and be at most 64 characters",
      );
    }
  }
  return `${parts.project}-${parts.environment}-trading`;
}

/** Provisioned capacity applied to the table and to every GSI (a GSI below the table throttles writes). */
export interface TableCapacity {
  readCapacityUnits: number;
  writeCapacityUnits: number;
}

/**
 * CreateTable input built from the definitions above. Without `capacity` the table is on-demand
 * (what tests use); with it, provisioned for the table and each GSI. TTL is not part of CreateTable:
 * enable it with UpdateTimeToLive on {@link TTL_ATTRIBUTE}.
 */
export function createTableInput(name: string, capacity?: TableCapacity): CreateTableCommandInput {
  if (capacity) {
    for (const [key, value] of Object.entries(capacity)) {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(`createTableInput: ${key} must be a positive integer, got ${value}`);
      }
    }
  }
  const throughput = capacity
    ? { ReadCapacityUnits: capacity.readCapacityUnits, WriteCapacityUnits: capacity.writeCapacityUnits }
    : undefined;
  return {
    TableName: name,
    AttributeDefinitions: ATTRIBUTE_DEFINITIONS.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    KeySchema: [
      { AttributeName: TABLE_KEY.partitionKey, KeyType: "HASH" },
      { AttributeName: TABLE_KEY.sortKey, KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: GLOBAL_SECONDARY_INDEXES.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: "HASH" as const },
        ...(index.sortKey ? [{ AttributeName: index.sortKey, KeyType: "RANGE" as const }] : []),
      ],
      Projection: {
        ProjectionType: index.projectionType,
        ...(index.projectionType === "INCLUDE" ? { NonKeyAttributes: [...(index.nonKeyAttributes ?? [])] } : {}),
      },
      ...(throughput ? { ProvisionedThroughput: { ...throughput } } : {}),
    })),
    ...(throughput
      ? { BillingMode: "PROVISIONED" as const, ProvisionedThroughput: throughput }
      : { BillingMode: "PAY_PER_REQUEST" as const }),
    StreamSpecification: { StreamEnabled: true, StreamViewType: STREAM_VIEW_TYPE },
  };
}
