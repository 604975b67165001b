import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  ATTRIBUTE_DEFINITIONS,
  GLOBAL_SECONDARY_INDEXES,
  STREAM_VIEW_TYPE,
  TABLE_KEY,
  TTL_ATTRIBUTE,
} from "../../services/table/schema";
import { rotatingKmsKey } from "../shared/kmsKey";
import type { HotPathAccess } from "./access";
import { CapacityPlan, indexesCoverTableWrites, ScheduledCapacity } from "./capacity";
import { DaxCluster, daxClusterFor, DaxPlacement, DaxSizing } from "./daxCluster";
import { DynamoStackOutputs, WriteScaling } from "./outputs";
import { StreamConsumer, StreamConsumerArgs } from "./streamConsumer";
import { ScalingSpec, TableAutoScaling } from "./tableAutoScaling";

/** Size and TTLs of the table's DAX cluster (>= 3 nodes in prod, one per data subnet's AZ). */
export type HotPathDaxArgs = DaxSizing;

/** Where DAX lives: shared by DynamoHotPath and GlobalReplica. */
export type HotPathNetworkArgs = DaxPlacement;

/** Stream consumer settings (defaults as in StreamConsumerArgs). */
export type HotPathStreamArgs = Pick<
  StreamConsumerArgs,
  "batchSize" | "batchingWindowSeconds" | "maxRetryAttempts" | "maxRecordAgeSeconds" | "memoryMb" | "logRetentionDays"
>;

/** What DynamoHotPath and GlobalReplica both take for this region's table (or replica). */
export interface RegionalTableArgs {
  /**
   * IANA time zone of the scheduled actions.
   * @default "UTC"
   */
  readonly scheduleTimezone?: string;
  /**
   * DynamoDB deletion protection of this region's table or replica (on in prod).
   * @default true
   */
  readonly deletionProtection?: pulumi.Input<boolean>;
  /** Where this region's DAX cluster lives. */
  readonly network: HotPathNetworkArgs;
  /** Size and TTLs of this region's DAX cluster. */
  readonly dax: HotPathDaxArgs;
}

/** Inputs of DynamoHotPath. */
export interface DynamoHotPathArgs extends RegionalTableArgs {
  /** Table name, from services/table/schema.ts `tableName()`. */
  readonly tableName: string;
  /** Capacity plan (planCapacity) for the table and every GSI of the schema. */
  readonly capacity: CapacityPlan;
  /**
   * Scheduled range changes for the table and every GSI.
   * @default - none
   */
  readonly scheduledActions?: ScheduledCapacity[];
  /**
   * Stream consumer settings.
   * @default - every field's default
   */
  readonly stream?: HotPathStreamArgs;
}

const spec = (s: ScalingSpec): ScalingSpec => ({ min: s.min, max: s.max, targetUtilization: s.targetUtilization });

/**
 * The primary region's DynamoDB hot path: the single trading table (provisioned, sparse sharded
 * GSI, stream NEW_AND_OLD_IMAGES, PITR, customer-managed KMS key with rotation, TTL), auto scaling
 * of reads and writes on the table and every GSI, the stream processor, and a DAX cluster. The
 * table owns the global table: replicas are added by GlobalReplica in other stacks, hence
 * `ignoreChanges: ["replicas"]`, and `globalTableArn` resolves only once write scaling exists.
 */
export class DynamoHotPath extends pulumi.ComponentResource {
  /** Name of the table (`tableName`). */
  public readonly tableName: pulumi.Output<string>;
  /** ARN of the table in this region. */
  public readonly tableArn: pulumi.Output<string>;
  /** The table's ARN, resolved only after every write auto scaling policy exists (see DynamoOutputs). */
  public readonly globalTableArn: pulumi.Output<string>;
  /** ARN of the table's stream (NEW_AND_OLD_IMAGES). */
  public readonly streamArn: pulumi.Output<string>;
  /** Names of the table's GSIs, in schema order. */
  public readonly indexNames: pulumi.Output<string[]>;
  /** ARNs of the table's GSIs (`<tableArn>/index/<name>`). */
  public readonly indexArns: pulumi.Output<string[]>;
  /** The table's customer-managed key. */
  public readonly kmsKeyArn: pulumi.Output<string>;
  /** TLS discovery endpoint of the DAX cluster (daxs://...). */
  public readonly daxEndpoint: pulumi.Output<string>;
  /** ARN of the DAX cluster. */
  public readonly daxClusterArn: pulumi.Output<string>;
  /** Name of the stream-processor Lambda. */
  public readonly streamProcessorFunctionName: pulumi.Output<string>;
  /** URL of the stream processor's on-failure queue. */
  public readonly dlqUrl: pulumi.Output<string>;
  /** What TradingCluster needs: table, indexes and DAX of this region. */
  public readonly access: HotPathAccess;
  /** The `dynamo` stack output. */
  public readonly stackOutputs: DynamoStackOutputs;
  /** The table resource. */
  public readonly table: aws.dynamodb.Table;
  /** Targets, policies and scheduled actions of the table and every GSI. */
  public readonly autoScaling: TableAutoScaling;
  /** The DAX cluster component. */
  public readonly dax: DaxCluster;
  /** The stream processor component (function, mapping, on-failure queue). */
  public readonly streamConsumer: StreamConsumer;

  constructor(name: string, args: DynamoHotPathArgs, opts?: pulumi.ComponentResourceOptions) {
    super("trading:dynamo:DynamoHotPath", name, {}, opts);
    const parent = { parent: this };
    const plan = args.capacity;
    if (!indexesCoverTableWrites(plan)) {
      throw new Error(`DynamoHotPath ${name}: every GSI needs at least the table's write capacity (it throttles the table otherwise)`);
    }

    const key = rotatingKmsKey(
      `${name}-key`,
      {
        description: `Encrypts DynamoDB table ${args.tableName}, its stream and backups, and the stream processor's failure queue`,
        alias: { resourceName: `${name}-key-alias`, name: args.tableName },
      },
      this,
    );

    this.table = new aws.dynamodb.Table(
      `${name}-table`,
      {
        name: args.tableName,
        billingMode: "PROVISIONED",
        hashKey: TABLE_KEY.partitionKey,
        rangeKey: TABLE_KEY.sortKey,
        attributes: ATTRIBUTE_DEFINITIONS.map((attribute) => ({ name: attribute.name, type: attribute.type })),
        readCapacity: plan.table.read.initial,
        writeCapacity: plan.table.write.initial,
        globalSecondaryIndexes: GLOBAL_SECONDARY_INDEXES.map((index) => ({
          name: index.name,
          keySchemas: [
            { attributeName: index.partitionKey, keyType: "HASH" },
            ...(index.sortKey ? [{ attributeName: index.sortKey, keyType: "RANGE" }] : []),
          ],
          projectionType: index.projectionType,
          ...(index.projectionType === "INCLUDE" ? { nonKeyAttributes: [...(index.nonKeyAttributes ?? [])] } : {}),
          readCapacity: plan.index.read.initial,
          writeCapacity: plan.index.write.initial,
        })),
        streamEnabled: true,
        streamViewType: STREAM_VIEW_TYPE,
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
        ttl: { attributeName: TTL_ATTRIBUTE, enabled: true },
        deletionProtectionEnabled: args.deletionProtection ?? true,
      },
      {
        parent: this,
        // Auto scaling owns the capacity after creation; replicas are added by the replica stacks.
        ignoreChanges: [
          "readCapacity",
          "writeCapacity",
          "globalSecondaryIndexes[*].readCapacity",
          "globalSecondaryIndexes[*].writeCapacity",
          "replicas",
        ],
      },
    );

    const indexNames = GLOBAL_SECONDARY_INDEXES.map((index) => index.name);
    this.autoScaling = new TableAutoScaling(
      `${name}-scaling`,
      {
        tableName: this.table.name,
        indexNames,
        table: { read: spec(plan.table.read), write: spec(plan.table.write) },
        index: { read: spec(plan.index.read), write: spec(plan.index.write) },
        scheduledActions: args.scheduledActions,
        scheduleTimezone: args.scheduleTimezone,
      },
      parent,
    );

    this.streamConsumer = new StreamConsumer(
      `${name}-stream`,
      {
        tableName: this.table.name,
        tableArn: this.table.arn,
        streamArn: this.table.streamArn,
        kmsKeyArn: key.arn,
        ...args.stream,
      },
      parent,
    );

    this.tableName = this.table.name;
    this.tableArn = this.table.arn;
    this.indexNames = pulumi.output(indexNames);
    this.indexArns = this.table.arn.apply((arn) => indexNames.map((index) => `${arn}/index/${index}`));

    this.dax = daxClusterFor(name, args.dax, args.network, { tableArn: this.tableArn, indexArns: this.indexArns, tableKmsKeyArn: key.arn }, parent);

    // A replica of a provisioned table needs write auto scaling on the table and every GSI first;
    // publishing the ARN only once those policies exist makes that order explicit for replica stacks.
    this.globalTableArn = pulumi.all([this.table.arn, this.autoScaling.writePolicyArns]).apply(([arn]) => arn);
    this.streamArn = this.table.streamArn;
    this.kmsKeyArn = key.arn;
    this.daxEndpoint = this.dax.endpoint;
    this.daxClusterArn = this.dax.clusterArn;
    this.streamProcessorFunctionName = this.streamConsumer.functionName;
    this.dlqUrl = this.streamConsumer.dlqUrl;
    this.access = {
      tableName: this.tableName,
      tableArn: this.tableArn,
      indexArns: this.indexArns,
      daxClusterArn: this.daxClusterArn,
      daxEndpoint: this.daxEndpoint,
      kmsKeyArn: this.kmsKeyArn,
    };

    const writeScaling: WriteScaling = {
      table: spec(plan.table.write),
      index: spec(plan.index.write),
    };
    this.stackOutputs = {
      region: aws.getRegionOutput({}, parent).region,
      tableName: this.tableName,
      tableArn: this.tableArn,
      globalTableArn: this.globalTableArn,
      streamArn: this.streamArn,
      indexNames: this.indexNames,
      indexArns: this.indexArns,
      kmsKeyArn: this.kmsKeyArn,
      daxEndpoint: this.daxEndpoint,
      daxClusterArn: this.daxClusterArn,
      streamProcessorFunctionName: this.streamProcessorFunctionName,
      dlqUrl: this.dlqUrl,
      writeScaling: pulumi.output(writeScaling),
    };
    this.registerOutputs({ ...this.stackOutputs });
  }
}
