/**
 * The IAM actions a consumer of the trading table, its indexes, its stream or its DAX cluster is
 * granted, kept beside the resources that own them (as aws-cdk-lib keeps its DynamoDB `perms.ts`
 * beside the table's grants), so every consumer's policy names actions from one list. Each list is
 * the least a consumer needs, in the order the policies state them.
 */
import * as pulumi from "@pulumi/pulumi";

/** Item operations the trading API performs on the table (transactions are authorised per item action). */
export const TABLE_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:ConditionCheckItem",
] as const;

/** The same operations through DAX (eventually consistent reads and all writes go there). */
export const DAX_ACTIONS = TABLE_ACTIONS.map((a) => a.replace("dynamodb:", "dax:"));

/** What is done on a global secondary index: indexes are only ever queried. */
export const INDEX_ACTIONS = ["dynamodb:Query"] as const;

/** Item and query operations DAX performs on the table and its indexes on the application's behalf. */
export const DAX_TABLE_ACTIONS = [
  "dynamodb:DescribeTable",
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:Scan",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
] as const;

/** Reading a stream's shards, on the stream's ARN. */
export const STREAM_READ_ACTIONS = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"] as const;

/** Finding the table's streams, on {@link tableStreamsArn}. */
export const STREAM_LIST_ACTION = "dynamodb:ListStreams";

/** `<table ARN>/stream/*`: every stream of the table, what {@link STREAM_LIST_ACTION} is authorised on. */
export function tableStreamsArn(tableArn: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.interpolate`${tableArn}/stream/*`;
}

/**
 * What the stream processor does to keep a position: read it (consistent), then one transaction
 * that marks the fill applied and puts the position.
 */
export const POSITION_UPKEEP_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:ConditionCheckItem",
] as const;
