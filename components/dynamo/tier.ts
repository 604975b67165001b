/**
 * Step 3 of the composition: the DynamoDB tier of a stack, by role. A primary builds DynamoHotPath;
 * a replica reads its primary's `dynamo` output through a StackReference and builds GlobalReplica.
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
import { DynamoStackOutputs, readPrimaryDynamoOutputs } from "./outputs";

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
}

/** Builds the stack's DynamoDB tier; `name` prefixes every resource. */
export async function dynamoTier(name: string, config: DynamoTierConfig, network: HotPathNetworkArgs): Promise<DynamoTier> {
  const plan = planCapacity(capacitySettings(config, config.role));
  const dax: HotPathDaxArgs = {
    clusterName: daxClusterName(config.environment),
    nodeType: config.daxNodeType,
    replicationFactor: config.daxReplicationFactor,
    itemTtlMillis: config.daxItemTtlMillis,
    queryTtlMillis: config.daxQueryTtlMillis,
  };
  const schedule = { scheduledActions: scheduledActions(config), scheduleTimezone: config.dynamoScheduleTimezone };

  if (config.role === "replica") {
    if (!config.primaryStack) {
      throw new Error("a replica stack needs trading-platform:primaryStack");
    }
    const primary = await readPrimaryDynamoOutputs(config.primaryStack, config.region);
    const replica = new GlobalReplica(name, {
      primary: primary.outputs,
      primaryReference: primary.reference,
      tableRead: { min: plan.table.read.min, max: plan.table.read.max, targetUtilization: plan.table.read.targetUtilization },
      indexRead: { min: plan.index.read.min, max: plan.index.read.max, targetUtilization: plan.index.read.targetUtilization },
      ...schedule,
      deletionProtection: config.isProduction,
      network,
      dax,
    });
    return { access: replica.access, outputs: replica.stackOutputs, component: replica };
  }

  const hotPath = new DynamoHotPath(name, {
    tableName: tableName({ project: pulumi.getProject(), environment: config.environment }),
    capacity: plan,
    ...schedule,
    deletionProtection: config.isProduction,
    network,
    dax,
    stream: {
      batchSize: config.dynamoStreamBatchSize,
      batchingWindowSeconds: config.dynamoStreamBatchingWindowSeconds,
      maxRetryAttempts: config.dynamoStreamMaxRetryAttempts,
      maxRecordAgeSeconds: config.dynamoStreamMaxRecordAgeSeconds,
      memoryMb: config.dynamoStreamProcessorMemoryMb,
      logRetentionDays: config.dynamoLogRetentionDays,
    },
  });
  return { access: hotPath.access, outputs: hotPath.stackOutputs, component: hotPath };
}
