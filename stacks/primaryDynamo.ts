/**
 * A replica stack's read of its primary: the primary's `dynamo` output (and, for a replica whose
 * database is a global database's secondary, its `data` output), read through the platform's
 * consumer helper (platformOutputs, the one StackReference reader) and checked against the rules
 * that relate it to this replica, before anything else is registered. The component (GlobalReplica,
 * via dynamoTier) takes the result as plain values and never sees the StackReference's reading.
 */
import * as pulumi from "@pulumi/pulumi";
import { DYNAMO_OUTPUT_KEY, type DynamoOutputs } from "../components/dynamo/outputs";
import type { DynamoPrimary, DynamoTierConfig } from "../components/dynamo/tier";
import type { DataOutputs } from "./outputs";
import { platformOutputs, PlatformOutputsError } from "./platformOutputs";

/** A replica's view of its primary: validated outputs and the StackReference they came from. */
export interface PrimaryDynamoRead extends DynamoPrimary {
  /** The fully qualified primary stack. */
  stack: string;
  source: pulumi.StackReference;
  /**
   * The primary's `data` output, read in the same StackReference when the replica's database joins
   * the primary's global database (`dataGlobalDatabase`); checked by stacks/primaryData.ts.
   */
  data?: DataOutputs;
}

/**
 * For a replica stack, reads and validates the primary's `dynamo` output; undefined for a primary.
 * Call it before registering anything else, so a missing or malformed primary output fails the
 * program before any resource is created. The helper checks the contract version, the primary's
 * role and the section's shape; the rules relating the section to this replica follow. Either
 * failure reads as a PrimaryOutputError (stack, problems, what to do).
 */
export async function readDynamoPrimary(config: DynamoTierConfig & { dataGlobalDatabase?: boolean }): Promise<PrimaryDynamoRead | undefined> {
  if (config.role !== "replica") {
    return undefined;
  }
  if (!config.primaryStack) {
    throw new Error("a replica stack needs trading-platform:primaryStack");
  }
  const stack = config.primaryStack;
  let reference: pulumi.StackReference | undefined;
  let data: DataOutputs | undefined;
  const outputs = await usablePrimaryDynamo(
    stack,
    async () => {
      // The reference keeps its logical name "primary": renaming it would replace it in every replica's
      // state. One reference reads every section the replica needs: a second one would need a second name.
      const sections = config.dataGlobalDatabase ? ([DYNAMO_OUTPUT_KEY, "data"] as const) : ([DYNAMO_OUTPUT_KEY] as const);
      const primary = await platformOutputs(stack, { role: "primary", sections, name: "primary" });
      reference = primary.reference;
      data = "data" in primary.values ? (primary.values as { data: DataOutputs }).data : undefined;
      return primary.values.dynamo;
    },
    config.region,
  );
  return { stack, outputs, source: reference as pulumi.StackReference, ...(data ? { data } : {}) };
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

/** A primary stack whose `dynamo` output is missing, incomplete or malformed. */
export class PrimaryOutputError extends pulumi.RunError {
  constructor(
    readonly primaryStack: string,
    readonly problems: string[],
  ) {
    super(
      `Cannot read the DynamoDB outputs of primary stack "${primaryStack}":\n` +
        problems.map((p) => `  - ${p}`).join("\n") +
        `\nDeploy the primary first (pulumi up -s ${primaryStack}) or fix trading-platform:primaryStack; nothing was deployed.`,
    );
    this.name = "PrimaryOutputError";
  }
}

/**
 * What a well-formed primary `dynamo` output can still get wrong for a replica in `replicaRegion`
 * (the rules that relate its fields to each other and to the replica); empty when it is usable.
 */
export function primaryDynamoProblems(outputs: DynamoOutputs, replicaRegion: string): string[] {
  const problems: string[] = [];
  if (outputs.region === replicaRegion) {
    problems.push(`output "${DYNAMO_OUTPUT_KEY}.region" is ${outputs.region}, the replica's own region; a replica must be in another region`);
  }
  const tableOf = (arn: string) => arn.split(":table/")[1]?.split("/")[0];
  if (tableOf(outputs.globalTableArn) !== outputs.tableName) {
    problems.push(`output "${DYNAMO_OUTPUT_KEY}.globalTableArn" names table "${tableOf(outputs.globalTableArn)}", not "${outputs.tableName}"`);
  }
  if (outputs.globalTableArn.split(":")[3] !== outputs.region) {
    problems.push(`output "${DYNAMO_OUTPUT_KEY}.globalTableArn" is not in the primary's region ${outputs.region}`);
  }
  if (new Set(outputs.indexNames).size !== outputs.indexNames.length) {
    problems.push(`output "${DYNAMO_OUTPUT_KEY}.indexNames" lists an index twice`);
  }
  if (outputs.writeScaling.index.min < outputs.writeScaling.table.min || outputs.writeScaling.index.max < outputs.writeScaling.table.max) {
    problems.push(`output "${DYNAMO_OUTPUT_KEY}.writeScaling.index" is below writeScaling.table; a GSI below its table throttles writes`);
  }
  return problems;
}
