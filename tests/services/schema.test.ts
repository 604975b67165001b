import { expect } from "chai";
import { CreateTableCommand, DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import {
  ATTRIBUTE_DEFINITIONS,
  GLOBAL_SECONDARY_INDEXES,
  OPEN_ORDERS_INDEX,
  OPEN_ORDER_SHARDS,
  STREAM_VIEW_TYPE,
  TABLE_KEY,
  TTL_ATTRIBUTE,
  createTableInput,
  openOrderShard,
  tableName,
} from "../../services/table/schema";
import { MAX_PRICE_MINOR, openOrderIndexAttributes, openOrdersSortKey } from "../../services/table/keys";
import { newOrderId, ORDER_ID_PATTERN, RandomPool } from "../../services/trading-api/src/ids";
import { sharedDynamoLocal } from "../support/dynamoLocal";

describe("services/table schema", () => {
  describe("createTableInput", () => {
    it("keys the table on TABLE_KEY and defines exactly the key attributes of the table and its GSIs", () => {
      const input = createTableInput("t");
      expect(input.KeySchema).to.deep.equal([
        { AttributeName: TABLE_KEY.partitionKey, KeyType: "HASH" },
        { AttributeName: TABLE_KEY.sortKey, KeyType: "RANGE" },
      ]);
      const used = new Set([
        TABLE_KEY.partitionKey,
        TABLE_KEY.sortKey,
        ...GLOBAL_SECONDARY_INDEXES.flatMap((i) => [i.partitionKey, ...(i.sortKey ? [i.sortKey] : [])]),
      ]);
      // DynamoDB rejects both a missing and an unused attribute definition.
      expect(new Set(ATTRIBUTE_DEFINITIONS.map((a) => a.name))).to.deep.equal(used);
      expect(input.AttributeDefinitions?.map((a) => a.AttributeName)).to.have.members([...used]);
    });

    it("declares a sparse open-orders GSI that projects what the open-orders view reads", () => {
      const index = GLOBAL_SECONDARY_INDEXES.find((i) => i.name === OPEN_ORDERS_INDEX);
      expect(index?.sparse).to.equal(true);
      expect(index?.projectionType).to.equal("INCLUDE");
      expect(index?.nonKeyAttributes).to.include.members([
        "account",
        "orderId",
        "clientOrderId",
        "side",
        "limitPrice",
        "quantity",
        "filledQuantity",
        "timeInForce",
        "createdAt",
      ]);
      const declared = createTableInput("t").GlobalSecondaryIndexes?.find((i) => i.IndexName === OPEN_ORDERS_INDEX);
      expect(declared?.Projection?.NonKeyAttributes).to.deep.equal(index?.nonKeyAttributes);
    });

    it("turns the stream on with both images and is on-demand without capacity", () => {
      const input = createTableInput("t");
      expect(input.StreamSpecification).to.deep.equal({ StreamEnabled: true, StreamViewType: STREAM_VIEW_TYPE });
      expect(STREAM_VIEW_TYPE).to.equal("NEW_AND_OLD_IMAGES");
      expect(input.BillingMode).to.equal("PAY_PER_REQUEST");
      expect(input.ProvisionedThroughput).to.equal(undefined);
      expect(TTL_ATTRIBUTE).to.be.a("string").and.not.equal("");
    });

    it("provisions the same capacity on the table and every GSI, so no GSI throttles table writes", () => {
      const input = createTableInput("t", { readCapacityUnits: 50, writeCapacityUnits: 20 });
      expect(input.BillingMode).to.equal("PROVISIONED");
      expect(input.ProvisionedThroughput).to.deep.equal({ ReadCapacityUnits: 50, WriteCapacityUnits: 20 });
      for (const index of input.GlobalSecondaryIndexes ?? []) {
        expect(index.ProvisionedThroughput).to.deep.equal({ ReadCapacityUnits: 50, WriteCapacityUnits: 20 });
      }
      expect(() => createTableInput("t", { readCapacityUnits: 0, writeCapacityUnits: 1 })).to.throw(/readCapacityUnits/);
      expect(() => createTableInput("t", { readCapacityUnits: 1, writeCapacityUnits: 1.5 })).to.throw(/writeCapacityUnits/);
    });

    it("is accepted by DynamoDB Local in its provisioned form too", async function () {
      this.timeout(90_000);
      const ddb = await sharedDynamoLocal();
      const name = `schema-provisioned-${process.pid}`;
      await ddb.client.send(new CreateTableCommand(createTableInput(name, { readCapacityUnits: 5, writeCapacityUnits: 5 })));
      const table = (await ddb.client.send(new DescribeTableCommand({ TableName: name }))).Table;
      expect(table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).to.deep.equal([OPEN_ORDERS_INDEX]);
      expect(table?.StreamSpecification?.StreamViewType).to.equal("NEW_AND_OLD_IMAGES");
      expect(table?.ProvisionedThroughput?.WriteCapacityUnits).to.equal(5);
    });
  });

  describe("tableName", () => {
    it("applies the one naming rule", () => {
      expect(tableName({ project: "trading-platform", environment: "prod" })).to.equal("trading-platform-prod-trading");
    });

    it("rejects parts that would make an invalid or ambiguous name", () => {
      expect(() => tableName({ project: "Trading", environment: "prod" })).to.throw(/project "Trading"/);
      expect(() => tableName({ project: "trading", environment: "prod_1" })).to.throw(/environment "prod_1"/);
      expect(() => tableName({ project: "trading-", environment: "prod" })).to.throw(/project/);
      expect(() => tableName({ project: "", environment: "prod" })).to.throw(/project/);
    });
  });

  describe("open-order write sharding", () => {
    it("is deterministic and within range", () => {
      const id = newOrderId();
      expect(openOrderShard(id)).to.equal(openOrderShard(id));
      expect(openOrderShard(id)).to.be.within(0, OPEN_ORDER_SHARDS - 1);
      expect(() => openOrderShard(id, 0)).to.throw(RangeError);
    });

    it("spreads one symbol's orders evenly over the shards, even when placed in the same millisecond", () => {
      const counts = new Array<number>(OPEN_ORDER_SHARDS).fill(0);
      const n = 16_000;
      for (let i = 0; i < n; i++) counts[openOrderShard(newOrderId(1_700_000_000_000))]++;
      const mean = n / OPEN_ORDER_SHARDS;
      for (const count of counts) expect(count).to.be.within(mean * 0.9, mean * 1.1);
    });

    it("puts the shard into the GSI partition key of an open order", () => {
      const orderId = newOrderId();
      const attrs = openOrderIndexAttributes({ symbol: "ACME", side: "sell", limitPrice: 5, orderId });
      expect(attrs.openPk).to.equal(`OPEN#ACME#${openOrderShard(orderId)}`);
    });
  });

  describe("open-order sort key", () => {
    it("orders bids best (highest) first and asks best (lowest) first, then by arrival", () => {
      const early = newOrderId(1000);
      const late = newOrderId(2000);
      const bids = [
        openOrdersSortKey("buy", 100, late),
        openOrdersSortKey("buy", 101, early),
        openOrdersSortKey("buy", 100, early),
        openOrdersSortKey("buy", MAX_PRICE_MINOR, late),
        openOrdersSortKey("buy", 1, early),
      ];
      expect([...bids].sort()).to.deep.equal([bids[3], bids[1], bids[2], bids[0], bids[4]]);
      const asks = [openOrdersSortKey("sell", 100, late), openOrdersSortKey("sell", 99, late), openOrdersSortKey("sell", 100, early)];
      expect([...asks].sort()).to.deep.equal([asks[1], asks[2], asks[0]]);
    });

    it("refuses prices the fixed width cannot order", () => {
      expect(() => openOrdersSortKey("buy", 0, "x")).to.throw(RangeError);
      expect(() => openOrdersSortKey("sell", MAX_PRICE_MINOR + 1, "x")).to.throw(RangeError);
      expect(() => openOrdersSortKey("sell", 1.5, "x")).to.throw(RangeError);
    });
  });

  describe("order ids", () => {
    it("are 26 Crockford characters that sort by creation time", () => {
      const ids = [newOrderId(5), newOrderId(1_000), newOrderId(1_700_000_000_000), newOrderId(2 ** 48 - 1)];
      for (const id of ids) expect(id).to.match(ORDER_ID_PATTERN);
      expect([...ids].sort()).to.deep.equal(ids);
      expect(newOrderId(7)).to.not.equal(newOrderId(7));
    });

    it("never repeat a random tail, across refills of the random pool", () => {
      // 4 KiB holds 409 ids' worth of random bytes: 5 000 ids refill the pool a dozen times.
      const tails = new Set(Array.from({ length: 5000 }, () => newOrderId(1_700_000_000_000).slice(10)));
      expect(tails.size).to.equal(5000);
    });
  });

  describe("random pool", () => {
    it("hands out each byte once and refills from the CSPRNG when a take would run past the end", () => {
      const pool = new RandomPool(32);
      const first = Buffer.from(pool.take(10));
      const second = Buffer.from(pool.take(10));
      const third = Buffer.from(pool.take(10));
      expect(first.equals(second) || second.equals(third)).to.equal(false);
      // 30 of 32 bytes used: the next 10 cannot fit, so the pool refills and starts again at 0.
      const afterRefill = Buffer.from(pool.take(10));
      expect([first, second, third].some((b) => b.equals(afterRefill))).to.equal(false);
      expect(() => pool.take(33)).to.throw(RangeError);
      expect(() => new RandomPool(4)).to.throw(RangeError);
    });
  });
});
