/**
 * Step 3 of the composition: the DynamoDB tier of a stack, by role. A primary builds DynamoHotPath;
 * a replica builds GlobalReplica from its primary's `dynamo` output, read with the platform's
 * consumer helper (stacks/platformOutputs.ts, the one StackReference reader) before anything else
 * is registered (readDynamoPrimary).
 * Either way the result is the HotPathAccess TradingCluster takes and the `dynamo` stack output.
 */
import * as pulumi from "@pulumi/pulumi";
import { tableName } from "../../services/table/schema";
import { platformOutputs, PlatformOutputsError } from "../../stacks/platformOutputs";
import type { HotPathAccess } from "./access";
import { planCapacity } from "./capacity";
import { capacitySettings, DynamoConfig, scheduledActions } from "./config";
import { daxClusterName } from "./daxPlan";
import { GlobalReplica } from "./globalReplica";
import { DynamoHotPath, HotPathDaxArgs, HotPathNetworkArgs } from "./hotPath";
import { DYNAMO_OUTPUT_KEY, DynamoOutputs, DynamoStackOutputs, primaryDynamoProblems, PrimaryOutputError } from "./outputs";

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

/** A replica's view of its primary: validated outputs and the StackReference they came from. */
export interface DynamoPrimary {
  /** The fully qualified primary stack. */
  stack: string;
  outputs: DynamoOutputs;
  reference: pulumi.StackReference;
}

/**
 * For a replica stack, reads and validates the primary's `dynamo` output; undefined for a primary.
 * Call it before registering anything else, so a missing or malformed primary output fails the
 * program before any resource is created. The helper checks the contract version, the primary's
 * role and the section's shape; the rules relating the section to this replica follow. Either
 * failure reads as a PrimaryOutputError (stack, problems, what to do).
 */
export async function readDynamoPrimary(config: DynamoTierConfig): Promise<DynamoPrimary | undefined> {
  if (config.role !== "replica") {
    return undefined;
  }
  if (!config.primaryStack) {
    throw new Error("a replica stack needs trading-platform:primaryStack");
  }
  const stack = config.primaryStack;
  let reference: pulumi.StackReference | undefined;
  const outputs = await usablePrimaryDynamo(
    stack,
    async () => {
      // The reference keeps its logical name "primary": renaming it would replace it in every replica's state.
      const primary = await platformOutputs(stack, { role: "primary", sections: [DYNAMO_OUTPUT_KEY], name: "primary" });
      reference = primary.reference;
      return primary.values.dynamo;
    },
    config.region,
  );
  return { stack, outputs, reference: reference as pulumi.StackReference };
}

/**
 * The primary's `dynamo` values as `read` returns them (through the consumer helper), checked for a
 * replica in `replicaRegion`; every problem, the helper's or the cross-field rules', becomes one
 * PrimaryOutputError naming the primary stack and each output key.
 */
export async function usablePrimaryDynamo(
  stack: string,
  read: () => Promise<DynamoOutputs> | DynamoOutputs,
  replicaRegion: string,
): Promise<DynamoOutputs> {
  let outputs: DynamoOutputs;
  try {
    outputs = await read();
  } catch (err) {
    throw err instanceof PlatformOutputsError ? new PrimaryOutputError(stack, err.problems) : err;
  }
  const problems = primaryDynamoProblems(outputs, replicaRegion);
  if (problems.length > 0) {
    throw new PrimaryOutputError(stack, problems);
  }
  return outputs;
}

/**
 * Builds the stack's DynamoDB tier; `name` prefixes every resource. A replica needs `primary`
 * (readDynamoPrimary).
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
  };
  const schedule = { scheduledActions: scheduledActions(config), scheduleTimezone: config.dynamoScheduleTimezone };

  if (config.role === "replica") {
    if (!primary) {
      throw new Error("dynamoTier: a replica stack needs its primary's outputs (readDynamoPrimary)");
    }
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
