import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { STREAM_BATCH_TIMEOUT_SECONDS, STREAM_FILTER_CRITERIA, STREAM_MAPPING } from "../../services/stream-processor/src/filter";
import { KEY_ENCRYPT_DECRYPT_ACTIONS } from "../shared/kmsKey";
import { LOG_WRITE_ACTIONS, logStreamsArn, retainedLogGroup } from "../shared/logGroup";
import { ARCHIVE_HANDLER, handlerArchive, STREAM_PROCESSOR_ENTRY } from "./bundle";
import { POSITION_UPKEEP_ACTIONS, STREAM_LIST_ACTION, STREAM_READ_ACTIONS, tableStreamsArn } from "./perms";

/** Inputs of StreamConsumer. */
export interface StreamConsumerArgs {
  /** Table the processor writes positions to. */
  readonly tableName: pulumi.Input<string>;
  readonly tableArn: pulumi.Input<string>;
  /** The table's stream (NEW_AND_OLD_IMAGES). */
  readonly streamArn: pulumi.Input<string>;
  /** Customer-managed key that encrypts the on-failure queue. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /**
   * Records per invocation, 1-10000.
   * @default 100
   */
  readonly batchSize?: pulumi.Input<number>;
  /**
   * Seconds to gather records before invoking, 0-300.
   * @default 1
   */
  readonly batchingWindowSeconds?: pulumi.Input<number>;
  /**
   * Retries of a failing batch before it goes to the on-failure queue.
   * @default 5
   */
  readonly maxRetryAttempts?: pulumi.Input<number>;
  /**
   * Oldest record Lambda still delivers, seconds (60-604800); older ones go to the on-failure queue.
   * Keep it at the stream's retention: a standby region's mapping enabled at a failover starts at
   * TRIM_HORIZON, up to 24 hours back, and a lower age sends every older record (fills the old
   * region applied long ago) to the queue at each failover (see STREAM_MAPPING in the service's
   * filter.ts, which decides it).
   * @default 86400 (DynamoDB Streams' retention, STREAM_MAPPING.maximumRecordAgeInSeconds)
   */
  readonly maxRecordAgeSeconds?: pulumi.Input<number>;
  /**
   * Memory of the function, MB.
   * @default 256
   */
  readonly memoryMb?: pulumi.Input<number>;
  /**
   * Retention of the function's log group, days.
   * @default 90
   */
  readonly logRetentionDays?: pulumi.Input<number>;
  /**
   * Handler module to bundle.
   * @default - services/stream-processor/src/handler.ts
   */
  readonly entry?: string;
  /**
   * Whether the event source mapping starts enabled: true only in the environment's initial write
   * region. Operational state after creation: the failover command moves it and `pulumi up` never
   * changes it back (`ignoreChanges: ["enabled"]`).
   * @default true
   */
  readonly enabled?: boolean;
}

/** Seconds a record batch may run (the failover command waits this long after stopping a consumer). */
const TIMEOUT_SECONDS = STREAM_BATCH_TIMEOUT_SECONDS;

/**
 * The stream processor: a Lambda (Node.js 24, arm64) bundled from services/stream-processor, fed by
 * an event source mapping on the table's stream that only invokes it for fill INSERTs (the filter
 * the service exports), reports partial batch failures, bisects failing batches, bounds retries and
 * record age, and sends what it gives up on to a KMS-encrypted SQS queue. The role can read this
 * stream, read and write this table, write its own log group and send to its queue: nothing else.
 *
 * Every region of a global table has its own processor on its own replica's stream (each replica's
 * stream carries every write, replicated ones included), but only the write region's mapping is
 * enabled: two regions applying the same fills concurrently would race on the same position items
 * across regions, where a transaction's conditions do not hold. The failover command moves it.
 */
export class StreamConsumer extends pulumi.ComponentResource {
  public readonly functionName: pulumi.Output<string>;
  public readonly functionArn: pulumi.Output<string>;
  public readonly dlqUrl: pulumi.Output<string>;
  public readonly dlqArn: pulumi.Output<string>;
  /** The QueueName dimension of the queue's CloudWatch metrics. */
  public readonly dlqName: pulumi.Output<string>;
  public readonly logGroupName: pulumi.Output<string>;
  public readonly function: aws.lambda.Function;
  public readonly mapping: aws.lambda.EventSourceMapping;
  /** The mapping's UUID, which the failover command enables and disables. */
  public readonly mappingUuid: pulumi.Output<string>;

  constructor(name: string, args: StreamConsumerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("trading:dynamo:StreamConsumer", name, {}, opts);
    const parent = { parent: this };

    // Holds only the metadata of failed batches (shard, sequence numbers), kept the longest SQS allows.
    const dlq = new aws.sqs.Queue(
      `${name}-failures`,
      {
        kmsMasterKeyId: args.kmsKeyArn,
        kmsDataKeyReusePeriodSeconds: 300,
        messageRetentionSeconds: 1_209_600,
      },
      parent,
    );
    const logGroup = retainedLogGroup(
      `${name}-logs`,
      { namePrefix: `/aws/lambda/${name}-`, retentionInDays: args.logRetentionDays ?? 90 },
      this,
    );

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: "Stream processor: read the trading table's stream, maintain positions",
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      },
      parent,
    );
    const permissions = new aws.iam.RolePolicy(
      `${name}-permissions`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "ReadStream",
              Effect: "Allow",
              Action: [...STREAM_READ_ACTIONS],
              Resource: args.streamArn,
            },
            { Sid: "ListStreams", Effect: "Allow", Action: STREAM_LIST_ACTION, Resource: tableStreamsArn(args.tableArn) },
            {
              // Read the position (consistent), then one transaction: mark the fill, put the position.
              Sid: "MaintainPositions",
              Effect: "Allow",
              Action: [...POSITION_UPKEEP_ACTIONS],
              Resource: args.tableArn,
            },
            { Sid: "OnFailureQueue", Effect: "Allow", Action: "sqs:SendMessage", Resource: dlq.arn },
            { Sid: "OnFailureQueueKey", Effect: "Allow", Action: [...KEY_ENCRYPT_DECRYPT_ACTIONS], Resource: args.kmsKeyArn },
            {
              Sid: "Logs",
              Effect: "Allow",
              Action: [...LOG_WRITE_ACTIONS],
              Resource: logStreamsArn(logGroup.arn),
            },
          ],
        }),
      },
      parent,
    );

    this.function = new aws.lambda.Function(
      `${name}-function`,
      {
        description: "Applies fills from the trading table's stream to positions",
        runtime: aws.lambda.Runtime.NodeJS24dX,
        architectures: ["arm64"],
        handler: ARCHIVE_HANDLER,
        code: handlerArchive(args.entry ?? STREAM_PROCESSOR_ENTRY),
        role: role.arn,
        memorySize: args.memoryMb ?? 256,
        timeout: TIMEOUT_SECONDS,
        environment: { variables: { TABLE_NAME: args.tableName } },
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      },
      // The role needs its log permissions before the first invocation writes a line.
      { parent: this, dependsOn: [permissions] },
    );

    this.mapping = new aws.lambda.EventSourceMapping(
      `${name}-mapping`,
      {
        eventSourceArn: args.streamArn,
        functionName: this.function.arn,
        // Every fill the stream still keeps, not only those after the mapping first polls: what a
        // standby region's consumer needs at a failover (STREAM_MAPPING says why, with its sources).
        startingPosition: STREAM_MAPPING.startingPosition,
        batchSize: args.batchSize ?? 100,
        maximumBatchingWindowInSeconds: args.batchingWindowSeconds ?? 1,
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: args.maxRetryAttempts ?? 5,
        maximumRecordAgeInSeconds: args.maxRecordAgeSeconds ?? STREAM_MAPPING.maximumRecordAgeInSeconds,
        functionResponseTypes: ["ReportBatchItemFailures"],
        destinationConfig: { onFailure: { destinationArn: dlq.arn } },
        filterCriteria: STREAM_FILTER_CRITERIA,
        enabled: args.enabled ?? true,
      },
      // Lambda checks the role's stream permissions when the mapping is created. `enabled` is
      // operational state (the failover command owns it): an update must never flip it back.
      { parent: this, dependsOn: [permissions], ignoreChanges: ["enabled"] },
    );

    this.functionName = this.function.name;
    this.functionArn = this.function.arn;
    this.dlqUrl = dlq.url;
    this.dlqArn = dlq.arn;
    this.dlqName = dlq.name;
    this.logGroupName = logGroup.name;
    this.mappingUuid = this.mapping.uuid;
    this.registerOutputs({
      mappingUuid: this.mappingUuid,
      functionName: this.functionName,
      functionArn: this.functionArn,
      dlqUrl: this.dlqUrl,
      dlqArn: this.dlqArn,
      dlqName: this.dlqName,
      logGroupName: this.logGroupName,
    });
  }
}
