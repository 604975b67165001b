import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { rotatingKmsKey } from "../shared/kmsKey";
import type { HotPathAccess } from "./access";
import { ScheduledCapacity } from "./capacity";
import { DaxCluster, daxClusterFor } from "./daxCluster";
import type { RegionalTableArgs } from "./hotPath";
import { DynamoOutputs, DynamoStackOutputs } from "./outputs";
import { ScalingSpec, TableAutoScaling } from "./tableAutoScaling";

/** Inputs of GlobalReplica. */
export interface GlobalReplicaArgs extends RegionalTableArgs {
  /**
   * The primary's `dynamo` outputs, already validated by whoever read them (the stacks' composition
   * reads them through a StackReference).
   */
  readonly primary: DynamoOutputs;
  /**
   * The resource the outputs came from (a StackReference); the replica depends on it.
   * @default - none
   */
  readonly primaryReference?: pulumi.Resource;
  /** Read scaling of this region's replica table. */
  readonly tableRead: ScalingSpec;
  /** Read scaling of each of this region's replica GSIs. */
  readonly indexRead: ScalingSpec;
  /**
   * Scheduled read-range changes (write scaling follows the primary).
   * @default - none
   */
  readonly scheduledActions?: ScheduledCapacity[];
}

/**
 * A replica of the primary's global table (version 2019.11.21) in this stack's region, with this
 * region's customer-managed KMS key and PITR, its own auto scaling (reads from this stack's config,
 * writes as the primary publishes them, because DynamoDB keeps write scaling equal across regions)
 * and a regional DAX cluster (DAX does not replicate). The TableReplica has no `region` argument:
 * it is created by this stack's provider, i.e. in `aws:region` of the replica stack.
 *
 * The stream processor is not repeated here: it runs in the primary region only, so the stream
 * fields of the outputs name the primary's.
 */
export class GlobalReplica extends pulumi.ComponentResource {
  public readonly tableName: pulumi.Output<string>;
  /** ARN of the replica table in this region. */
  public readonly tableArn: pulumi.Output<string>;
  public readonly globalTableArn: pulumi.Output<string>;
  public readonly indexArns: pulumi.Output<string[]>;
  public readonly kmsKeyArn: pulumi.Output<string>;
  public readonly daxEndpoint: pulumi.Output<string>;
  public readonly daxClusterArn: pulumi.Output<string>;
  public readonly access: HotPathAccess;
  public readonly stackOutputs: DynamoStackOutputs;
  public readonly replica: aws.dynamodb.TableReplica;
  public readonly autoScaling: TableAutoScaling;
  public readonly dax: DaxCluster;

  constructor(name: string, args: GlobalReplicaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("trading:dynamo:GlobalReplica", name, {}, opts);
    const parent = { parent: this };
    const primary = args.primary;
    if ((args.scheduledActions ?? []).some((action) => action.write)) {
      throw new Error(`GlobalReplica ${name}: write capacity can only be scheduled in the primary stack`);
    }

    const key = rotatingKmsKey(
      `${name}-key`,
      {
        description: `Encrypts the ${primary.tableName} replica, its stream and backups in this region`,
        alias: { resourceName: `${name}-key-alias`, name: primary.tableName },
      },
      this,
    );

    this.replica = new aws.dynamodb.TableReplica(
      `${name}-replica`,
      {
        globalTableArn: primary.globalTableArn,
        kmsKeyArn: key.arn,
        pointInTimeRecovery: true,
        deletionProtectionEnabled: args.deletionProtection ?? true,
      },
      { parent: this, dependsOn: args.primaryReference ? [args.primaryReference] : [] },
    );

    // The scalable targets name the table, which exists in this region only once the replica does:
    // the name is derived from the replica's URN, which carries that dependency and, unlike its ARN,
    // is known in a preview (so the targets' resource ids are visible to the policy packs).
    const tableName = this.replica.urn.apply(() => primary.tableName);
    this.autoScaling = new TableAutoScaling(
      `${name}-scaling`,
      {
        tableName,
        indexNames: primary.indexNames,
        table: { read: args.tableRead, write: primary.writeScaling.table },
        index: { read: args.indexRead, write: primary.writeScaling.index },
        scheduledActions: args.scheduledActions,
        scheduleTimezone: args.scheduleTimezone,
      },
      parent,
    );

    this.tableName = tableName;
    this.tableArn = this.replica.arn;
    this.globalTableArn = this.replica.globalTableArn;
    this.indexArns = this.replica.arn.apply((arn) => primary.indexNames.map((index) => `${arn}/index/${index}`));
    this.kmsKeyArn = key.arn;

    // DAX's role needs only the replica's ARN, not the replica itself. Building that ARN from this
    // region and account (a global table keeps one name) lets the DAX cluster (~10 min) be created
    // alongside the replica (~10 min) instead of after it; readers still wait for both.
    const partition = aws.getPartitionOutput({}, parent).partition;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    const region = aws.getRegionOutput({}, parent).region;
    const regionalTableArn = pulumi.interpolate`arn:${partition}:dynamodb:${region}:${accountId}:table/${primary.tableName}`;
    this.dax = daxClusterFor(
      name,
      args.dax,
      args.network,
      {
        tableArn: regionalTableArn,
        indexArns: regionalTableArn.apply((arn) => primary.indexNames.map((index) => `${arn}/index/${index}`)),
      },
      parent,
    );
    this.daxEndpoint = this.dax.endpoint;
    this.daxClusterArn = this.dax.clusterArn;
    this.access = {
      tableName: this.tableName,
      tableArn: this.tableArn,
      indexArns: this.indexArns,
      daxClusterArn: this.daxClusterArn,
      daxEndpoint: this.daxEndpoint,
    };

    this.stackOutputs = {
      region,
      tableName: this.tableName,
      tableArn: this.tableArn,
      globalTableArn: this.globalTableArn,
      streamArn: pulumi.output(primary.streamArn),
      indexNames: pulumi.output(primary.indexNames),
      indexArns: this.indexArns,
      kmsKeyArn: this.kmsKeyArn,
      daxEndpoint: this.daxEndpoint,
      daxClusterArn: this.daxClusterArn,
      streamProcessorFunctionName: pulumi.output(primary.streamProcessorFunctionName),
      dlqUrl: pulumi.output(primary.dlqUrl),
      writeScaling: pulumi.output(primary.writeScaling),
    };
    this.registerOutputs({ ...this.stackOutputs });
  }
}
