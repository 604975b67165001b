/**
 * The dynamo/dax stack config keys: every bad value fails the real stack file with one message that
 * names the key, the stack and what is allowed, before any resource is registered.
 */
import { expect } from "chai";
import { BadConfigCase, configKey, itRejectsEachBadConfig } from "../../support/badConfig";
import { capacitySettings, scheduledActions } from "../../../components/dynamo/config";
import { parseStackConfig } from "../../../stacks/config";
import { stackConfig } from "../../support/mockCloud";

const K = configKey;

const BAD_CASES: BadConfigCase[] = [
  {
    title: "a GSI write minimum below the table's",
    stack: "prod-us-east-1",
    overrides: { [K("dynamoIndexWriteMinCapacity")]: 10 },
    message:
      "trading-platform:dynamoIndexWriteMinCapacity: 10 is below dynamoWriteMinCapacity 50; a GSI with less write capacity than its table throttles the table's writes",
  },
  {
    title: "a GSI write maximum below the table's",
    stack: "dev",
    overrides: { [K("dynamoIndexWriteMaxCapacity")]: 20 },
    message: "trading-platform:dynamoIndexWriteMaxCapacity: 20 is below dynamoWriteMaxCapacity 50",
  },
  {
    title: "a scaling minimum above its maximum",
    stack: "dev",
    overrides: { [K("dynamoReadMinCapacity")]: 60 },
    message:
      "trading-platform:dynamoReadMinCapacity: 60 is greater than dynamoReadMaxCapacity 50; the table read minimum must not exceed its maximum",
  },
  {
    title: "an initial capacity outside the scaling range",
    stack: "prod-us-east-1",
    overrides: { [K("dynamoWriteCapacity")]: 5000 },
    message:
      "trading-platform:dynamoWriteCapacity: 5000 is outside dynamoWriteMinCapacity..dynamoWriteMaxCapacity (50..2000); the initial capacity must lie within the auto scaling range",
  },
  {
    title: "a target utilisation target tracking does not accept",
    stack: "dev",
    overrides: { [K("dynamoTargetUtilization")]: 95 },
    message: "trading-platform:dynamoTargetUtilization: got 95; allowed 20–90",
  },
  {
    title: "more capacity than a table's default quota",
    stack: "dev",
    overrides: { [K("dynamoReadMaxCapacity")]: 50_000 },
    message: "trading-platform:dynamoReadMaxCapacity: got 50000; allowed 1–40000",
  },
  {
    title: "a scheduled action that is not in the compact form",
    stack: "prod-us-east-1",
    overrides: { [K("dynamoScheduledActions")]: ["market-open cron(45 8 ? * MON-FRI *) read=400-4000", "open at 9"] },
    message:
      'trading-platform:dynamoScheduledActions[1]: "open at 9" does not match <name> <cron(...)|rate(...)|at(...)> [read=<min>-<max>] [write=<min>-<max>]',
  },
  {
    title: "a scheduled action with a five-field cron",
    stack: "prod-us-east-1",
    overrides: { [K("dynamoScheduledActions")]: ["open cron(45 8 * * MON-FRI) read=400-4000"] },
    message: "trading-platform:dynamoScheduledActions[0]: \"open cron(45 8 * * MON-FRI) read=400-4000\": cron(45 8 * * MON-FRI) needs 6 fields",
  },
  {
    title: "scheduled write capacity in a replica stack",
    stack: "prod-eu-west-1",
    overrides: { [K("dynamoScheduledActions")]: ["open cron(0 8 ? * MON-FRI *) read=50-2000", "burst cron(0 9 ? * MON-FRI *) write=100-200"] },
    message:
      "trading-platform:dynamoScheduledActions[1]: schedules write capacity, but a replica stack may only schedule read: DynamoDB keeps write scaling the same in every region",
  },
  {
    title: "an unknown schedule time zone",
    stack: "prod-us-east-1",
    overrides: { [K("dynamoScheduleTimezone")]: "New York" },
    message: 'trading-platform:dynamoScheduleTimezone: "New York" is not an IANA time zone name',
  },
  {
    title: "a bounded-retry setting of -1 (infinite)",
    stack: "dev",
    overrides: { [K("dynamoStreamMaxRetryAttempts")]: -1 },
    message: "trading-platform:dynamoStreamMaxRetryAttempts: got -1; allowed 0–10000",
  },
  {
    title: "a stream batch larger than DynamoDB Streams allows",
    stack: "dev",
    overrides: { [K("dynamoStreamBatchSize")]: 20_000 },
    message: "trading-platform:dynamoStreamBatchSize: got 20000; allowed 1–10000",
  },
  {
    title: "a log retention CloudWatch does not offer",
    stack: "dev",
    overrides: { [K("dynamoLogRetentionDays")]: 45 },
    message: "trading-platform:dynamoLogRetentionDays: got 45; must be one of CloudWatch's retention periods",
  },
  {
    title: "a DAX node type outside the allow-list",
    stack: "dev",
    overrides: { [K("daxNodeType")]: "dax.r4.large" },
    message: 'trading-platform:daxNodeType: "dax.r4.large" is not allowed; allowed: "dax.r5.large"',
  },
  {
    title: "a burstable DAX node type in prod",
    stack: "prod-us-east-1",
    overrides: { [K("daxNodeType")]: "dax.t3.medium" },
    message: 'trading-platform:daxNodeType: "dax.t3.medium" is a burstable type, not allowed in a prod stack',
  },
  {
    title: "fewer than three DAX nodes in prod",
    stack: "prod-eu-west-1",
    overrides: { [K("daxReplicationFactor")]: 2 },
    message: "trading-platform:daxReplicationFactor: must be at least 3 in a prod stack (nodes across AZs, so losing one AZ keeps the cache); got 2",
  },
  {
    title: "more DAX nodes than a cluster can have",
    stack: "dev",
    overrides: { [K("daxReplicationFactor")]: 12 },
    message: "trading-platform:daxReplicationFactor: got 12; allowed 1–11",
  },
  {
    title: "more DAX nodes than AZs",
    stack: "prod-us-east-1",
    overrides: { [K("daxReplicationFactor")]: 5 },
    message:
      "trading-platform:daxReplicationFactor: 5 is more than the 3 AZ IDs in azIds; nodes are placed one per AZ (the provider sends availabilityZones as a set)",
  },
  {
    title: "a query TTL longer than the item TTL",
    stack: "dev",
    overrides: { [K("daxQueryTtlMillis")]: 120_000 },
    message: "trading-platform:daxQueryTtlMillis: 120000 is longer than daxItemTtlMillis 60000",
  },
];

describe("dynamo and dax config keys", () => {
  itRejectsEachBadConfig(BAD_CASES);

  it("does not validate a replica's write keys, which it does not read (the primary's apply)", () => {
    const config = parseStackConfig(
      "prod-eu-west-1",
      stackConfig("prod-eu-west-1", { [K("dynamoWriteMinCapacity")]: 500, [K("dynamoIndexWriteMinCapacity")]: 5 }),
    );
    expect(capacitySettings(config, "replica")).to.include({ writeMinCapacity: 1, indexWriteMinCapacity: 1, readMinCapacity: 25 });
  });

  it("reads the prod primary's scheduled actions in New York time", () => {
    const config = parseStackConfig("prod-us-east-1", stackConfig("prod-us-east-1"));
    expect(config.dynamoScheduleTimezone).to.equal("America/New_York");
    expect(scheduledActions(config).map((a) => a.name)).to.deep.equal(["market-open", "market-close"]);
  });
});
