import * as pulumi from "@pulumi/pulumi";

/**
 * What the application tier needs to reach the regional DynamoDB hot path. DynamoHotPath (primary
 * role) and GlobalReplica (replica role) both expose it, so TradingCluster is composed the same way
 * in every stack and its IAM policy can name exactly these resources.
 */
export interface HotPathAccess {
  /** Name of the table (or of this region's replica: global tables keep one name). */
  readonly tableName: pulumi.Output<string>;
  /** ARN of the table in this region. */
  readonly tableArn: pulumi.Output<string>;
  /** ARNs of the table's global secondary indexes in this region (`<tableArn>/index/<name>`). */
  readonly indexArns: pulumi.Output<string[]>;
  /** ARN of this region's DAX cluster. */
  readonly daxClusterArn: pulumi.Output<string>;
  /** TLS discovery endpoint of this region's DAX cluster (daxs://...). */
  readonly daxEndpoint: pulumi.Output<string>;
}
