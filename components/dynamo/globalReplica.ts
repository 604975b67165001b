import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { rotatingKmsKey } from "../shared/kmsKey";
import type { HotPathAccess } from "./access";
import { ScheduledCapacity } from "./capacity";
import { DaxCluster, daxClusterFor } from "./daxCluster";
import type { HotPathStreamArgs, RegionalTableArgs } from "./hotPath";
import { StreamConsumer } from "./streamConsumer";
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
  /**
   * This region's stream processor, on this replica's own stream. Its mapping starts disabled
   * unless `enabled` says otherwise (the primary is the initial write region); the failover command
   * enables it when this region becomes the write region.
   * @default - every field's default, disabled
   */
  readonly stream?: HotPathStreamArgs & { readonly enabled?: boolean };
}

/**
 * A replica of the primary's global table (version 2019.11.21) in this stack's region, with this
 * region's customer-managed KMS key and PITR, its own read auto scaling (write auto scaling is the
 * primary's: DynamoDB replicates it to every region)
 * and a regional DAX cluster (DAX does not replicate). The TableReplica has no `region` argument:
 * it is created by this stack's provider, i.e. in `aws:region` of the replica stack.
 *
 * The replica has its own stream processor on the replica's own stream (DynamoDB gives every
 * replica of a global table its own stream, carrying local and replicated writes alike), created
 * with its mapping disabled: only the write region's processor runs. The `dynamo` output keeps
 * naming the primary's stream, processor and queue (contract 1.0 meaning); this region's own are
 * in {@link localStream} and the `failover` output section.
 */
export class GlobalReplica extends pulumi.ComponentResource {
  /** Name of the replica table: global tables keep the primary's name in every region. */
  public readonly tableName: pulumi.Output<string>;
  /** ARN of the replica table in this region. */
  public readonly tableArn: pulumi.Output<string>;
  /** The global table this replica belongs to: the primary's table ARN (the TableReplica's `globalTableArn`). */
  public readonly globalTableArn: pulumi.Output<string>;
  /** ARNs of the GSIs of this region's replica. */
  public readonly indexArns: pulumi.Output<string[]>;
  /** This region's customer-managed key of the replica. */
  public readonly kmsKeyArn: pulumi.Output<string>;
  /** TLS discovery endpoint of this region's DAX cluster (daxs://...). */
  public readonly daxEndpoint: pulumi.Output<string>;
  /** ARN of this region's DAX cluster. */
  public readonly daxClusterArn: pulumi.Output<string>;
  /** What TradingCluster needs: this region's table, indexes and DAX. */
  public readonly access: HotPathAccess;
  /** The `dynamo` stack output (it names the primary's stream, processor and queue). */
  public readonly stackOutputs: DynamoStackOutputs;
  /** The TableReplica resource. */
  public readonly replica: aws.dynamodb.TableReplica;
  /** Read targets, policies and scheduled actions of this region's replica and its GSIs. */
  public readonly autoScaling: TableAutoScaling;
  /** This region's DAX cluster component. */
  public readonly dax: DaxCluster;
  /** This region's stream processor (mapping disabled at creation). */
  public readonly streamConsumer: StreamConsumer;
  /** This replica's own stream. */
  public readonly localStreamArn: pulumi.Output<string>;

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
        // Reads only. DynamoDB keeps a provisioned global table's write auto scaling the same in
        // every region ("the write settings (minimum, maximum, and target utilization) are
        // replicated across Regions", DynamoDB Developer Guide, "Throughput capacity planning for
        // DynamoDB global tables"; CloudFormation's GlobalTable takes one write policy "applied to
        // all replicas"), while read capacity is set per replica. The primary stack owns the write
        // targets; registering them here too would give two stacks the same settings, and
        // destroying this stack would deregister write scaling DynamoDB replicates everywhere.
        table: { read: args.tableRead },
        index: { read: args.indexRead },
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
        tableKmsKeyArn: key.arn,
      },
      parent,
    );
    this.daxEndpoint = this.dax.endpoint;
    this.daxClusterArn = this.dax.clusterArn;

    // TableReplica does not output the replica's stream ARN; the table in this region, read once
    // the replica exists, does (DescribeTable's LatestStreamArn).
    this.localStreamArn = aws.dynamodb.getTableOutput({ name: primary.tableName }, { parent: this, dependsOn: [this.replica] }).streamArn;
    const { enabled, ...streamSettings } = args.stream ?? {};
    this.streamConsumer = new StreamConsumer(
      `${name}-stream`,
      {
        tableName: this.tableName,
        tableArn: this.tableArn,
        streamArn: this.localStreamArn,
        kmsKeyArn: key.arn,
        ...streamSettings,
        enabled: enabled ?? false,
      },
      parent,
    );

    this.access = {
      tableName: this.tableName,
      tableArn: this.tableArn,
      indexArns: this.indexArns,
      daxClusterArn: this.daxClusterArn,
      daxEndpoint: this.daxEndpoint,
      kmsKeyArn: this.kmsKeyArn,
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
