/**
 * The `dynamo` stack output: what DynamoHotPath (primary) and GlobalReplica (replica) publish, and
 * what a replica stack reads back from its primary through a StackReference.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ScalingSpec } from "./tableAutoScaling";

/** Write auto scaling of the global table; DynamoDB keeps it the same in every region. */
export interface WriteScaling {
  readonly table: ScalingSpec;
  readonly index: ScalingSpec;
}

/** The `dynamo` stack output, as plain values. */
export interface DynamoOutputs {
  /** Region of this stack's table (or replica). */
  readonly region: string;
  /** Table name; global tables keep one name in every region. */
  readonly tableName: string;
  /** ARN of the table (or replica) in this region. */
  readonly tableArn: string;
  /**
   * ARN of the primary's table, which every replica is created from. In the primary it resolves
   * only after the write auto scaling policies of the table and every GSI exist: DynamoDB refuses a
   * replica of a provisioned table without them, and a replica stack reading this output therefore
   * cannot run ahead of them.
   */
  readonly globalTableArn: string;
  /**
   * Stream the stream processor consumes: the primary's. The processor runs in the primary region
   * only (every replica's stream also carries replicated fills), so a replica stack publishes the
   * primary's stream, function and queue here.
   */
  readonly streamArn: string;
  /** GSI names (from services/table/schema.ts). */
  readonly indexNames: string[];
  /** GSI ARNs in this region (`<tableArn>/index/<name>`). */
  readonly indexArns: string[];
  /** Customer-managed KMS key of this region's table (or replica). */
  readonly kmsKeyArn: string;
  /** This region's DAX TLS discovery endpoint (daxs://...). */
  readonly daxEndpoint: string;
  /** This region's DAX cluster ARN. */
  readonly daxClusterArn: string;
  /** Name of the stream-processor Lambda (primary region). */
  readonly streamProcessorFunctionName: string;
  /** URL of the stream processor's on-failure queue (primary region). */
  readonly dlqUrl: string;
  /** Write auto scaling of the table and of each GSI (the replica applies the same). */
  readonly writeScaling: WriteScaling;
}

/** The same, as the component outputs a program returns. */
export type DynamoStackOutputs = { [K in keyof DynamoOutputs]: pulumi.Output<DynamoOutputs[K]> };

/** The stack output key the DynamoDB tier publishes under. */
export const DYNAMO_OUTPUT_KEY = "dynamo";

const arnOf = (service: string, resource: RegExp) =>
  z.string().refine((v) => {
    const match = /^arn:aws[a-z-]*:([a-z0-9-]+):([a-z0-9-]+):(\d{12}):(.+)$/.exec(v);
    return match !== null && match[1] === service && resource.test(match[4]);
  }, `must be a ${service} ARN`);

const scalingSpec = z
  .object({
    min: z.number().int().min(1),
    max: z.number().int().min(1),
    targetUtilization: z.number().int().min(20).max(90),
  })
  .refine((s) => s.min <= s.max, "min must not exceed max");

/**
 * The `dynamo` output as a runtime schema: the stack contract (stacks/outputs.ts) embeds it, and the
 * consumer helper validates a referenced stack's `dynamo` output with it.
 */
export const dynamoOutputsSchema = z.object({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region name"),
  tableName: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, "must be a DynamoDB table name"),
  tableArn: arnOf("dynamodb", /^table\/[A-Za-z0-9_.-]+$/),
  globalTableArn: arnOf("dynamodb", /^table\/[A-Za-z0-9_.-]+$/),
  streamArn: arnOf("dynamodb", /^table\/[A-Za-z0-9_.-]+\/stream\/.+$/),
  indexNames: z.array(z.string().min(3)),
  indexArns: z.array(arnOf("dynamodb", /^table\/[A-Za-z0-9_.-]+\/index\/[A-Za-z0-9_.-]+$/)),
  kmsKeyArn: arnOf("kms", /^key\/.+$/),
  daxEndpoint: z.string().regex(/^daxs:\/\/\S+$/, "must be a TLS DAX endpoint (daxs://...)"),
  daxClusterArn: arnOf("dax", /^cache\/.+$/),
  streamProcessorFunctionName: z.string().min(1),
  dlqUrl: z.string().regex(/^https:\/\/\S+$/, "must be an https URL"),
  writeScaling: z.object({ table: scalingSpec, index: scalingSpec }),
});
