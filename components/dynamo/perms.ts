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

/**
 * What a caller of the table does with the table's customer-managed key, always through DynamoDB
 * (`kms:ViaService` dynamodb.<region>.amazonaws.com): DynamoDB uses the key with the credentials of
 * the principal that calls it, so every reader and writer of a CMK-encrypted table needs these on
 * the key as well as the table actions (aws-cdk-lib's TableGrants grant the same set to a writer;
 * DynamoDB Developer Guide, "DynamoDB encryption at rest": the key policy or the caller's IAM policy
 * must allow the use). The keys keep AWS's default key policy, which lets IAM policies grant this.
 */
export const TABLE_KEY_ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"] as const;

/** The `kms:ViaService` condition that limits {@link TABLE_KEY_ACTIONS} to DynamoDB in `region`. */
export function viaDynamoDb(region: pulumi.Input<string>): pulumi.Output<{ StringEquals: { "kms:ViaService": string } }> {
  return pulumi.interpolate`dynamodb.${region}.amazonaws.com`.apply((service) => ({ StringEquals: { "kms:ViaService": service } }));
}

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
