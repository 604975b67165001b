/**
 * The DynamoDB tier of a stack, by role. A primary builds DynamoHotPath; a replica builds
 * GlobalReplica from its primary's `dynamo` values, which the caller passes in (the stacks'
 * composition reads them through a StackReference; another program may get them another way).
 * Either way the result is the HotPathAccess TradingCluster takes and the `dynamo` stack output.
 */
import * as pulumi from "@pulumi/pulumi";
import { tableName } from "../../services/table/schema";
import type { HotPathAccess } from "./access";
import { planCapacity } from "./capacity";
import { capacitySettings, DynamoConfig, scheduledActions } from "./config";
import { daxClusterName } from "./daxPlan";
import { GlobalReplica } from "./globalReplica";
import { DynamoHotPath, HotPathDaxArgs, HotPathNetworkArgs } from "./hotPath";
import type { DynamoOutputs, DynamoStackOutputs } from "./outputs";

/** The stack settings the DynamoDB tier reads (a subset of the validated StackConfig). */
export type DynamoTierConfig = DynamoConfig & {
  role: "primary" | "replica";
  environment: string;
  isProduction: boolean;
  region: string;
  primaryStack?: string;
};

export interface DynamoTier {
  access: HotPathAccess;
  outputs: DynamoStackOutputs;
  component: DynamoHotPath | GlobalReplica;
  /** This region's own stream and stream processor (the failover command moves the consumer between regions). */
  localStream: LocalStream;
}

/** A region's own stream and the processor on it. */
export interface LocalStream {
  streamArn: pulumi.Output<string>;
  functionName: pulumi.Output<string>;
  mappingUuid: pulumi.Output<string>;
  dlqUrl: pulumi.Output<string>;
  /** Whether the mapping was created enabled: only in the initial write region (the primary). */
  enabledAtCreation: boolean;
}

/**
 * What a replica needs of its primary, as plain values: the primary's validated `dynamo` outputs and,
 * optionally, the resource they were read from (a StackReference in the stacks' composition), which
 * the replica's table depends on. The component does not care how the values were obtained.
 */
export interface DynamoPrimary {
  outputs: DynamoOutputs;
  source?: pulumi.Resource;
}

/**
 * Builds the stack's DynamoDB tier; `name` prefixes every resource. A replica needs `primary`.
 */
export function dynamoTier(
  name: string,
  config: DynamoTierConfig,
  network: HotPathNetworkArgs,
  primary: DynamoPrimary | undefined,
): DynamoTier {
  const plan = planCapacity(capacitySettings(config, config.role));
  const dax: HotPathDaxArgs = {
    clusterName: daxClusterName(config.environment),
    nodeType: config.daxNodeType,
    replicationFactor: config.daxReplicationFactor,
    itemTtlMillis: config.daxItemTtlMillis,
    queryTtlMillis: config.daxQueryTtlMillis,
    // A replaced prod cache empties every read path at once: refused unless asked for (create first).
    protect: config.isProduction && !config.daxAllowReplacement,
  };
  const schedule = { scheduledActions: scheduledActions(config), scheduleTimezone: config.dynamoScheduleTimezone };
  const stream = {
    batchSize: config.dynamoStreamBatchSize,
    batchingWindowSeconds: config.dynamoStreamBatchingWindowSeconds,
    maxRetryAttempts: config.dynamoStreamMaxRetryAttempts,
    maxRecordAgeSeconds: config.dynamoStreamMaxRecordAgeSeconds,
    memoryMb: config.dynamoStreamProcessorMemoryMb,
    logRetentionDays: config.dynamoLogRetentionDays,
  };

  if (config.role === "replica") {
    if (!primary) {
      throw new Error("dynamoTier: a replica stack needs its primary's dynamo outputs");
    }
    const replica = new GlobalReplica(name, {
      primary: primary.outputs,
      primaryReference: primary.source,
      tableRead: { min: plan.table.read.min, max: plan.table.read.max, targetUtilization: plan.table.read.targetUtilization },
      indexRead: { min: plan.index.read.min, max: plan.index.read.max, targetUtilization: plan.index.read.targetUtilization },
      ...schedule,
      deletionProtection: config.isProduction,
      network,
      dax,
      // The primary is the initial write region, so a replica's processor starts disabled.
      stream: { ...stream, enabled: false },
    });
    const consumer = replica.streamConsumer;
    return {
      access: replica.access,
      outputs: replica.stackOutputs,
      component: replica,
      localStream: {
        streamArn: replica.localStreamArn,
        functionName: consumer.functionName,
        mappingUuid: consumer.mappingUuid,
        dlqUrl: consumer.dlqUrl,
        enabledAtCreation: false,
      },
    };
  }

  const hotPath = new DynamoHotPath(name, {
    tableName: tableName({ project: pulumi.getProject(), environment: config.environment }),
    capacity: plan,
    ...schedule,
    deletionProtection: config.isProduction,
    network,
    dax,
    stream,
  });
  const consumer = hotPath.streamConsumer;
  return {
    access: hotPath.access,
    outputs: hotPath.stackOutputs,
    component: hotPath,
    localStream: {
      streamArn: hotPath.streamArn,
      functionName: consumer.functionName,
      mappingUuid: consumer.mappingUuid,
      dlqUrl: consumer.dlqUrl,
      enabledAtCreation: true,
    },
  };
}
