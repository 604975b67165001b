/**
 * The mock cloud: runs the real program (or any program function) under Pulumi's mocks and records
 * every registration (offline/cloud/recorder.ts). The test suite (through tests/support) and the
 * offline plan both run stacks through it, so it lives with the product rather than under tests/.
 */
import { main } from "../../stacks/program";
import { parseStackConfig } from "../../stacks/config";
import * as pulumi from "@pulumi/pulumi";
import { ProgramRunFailure, RunOptions, StackRun, startRecording } from "./recorder";
import type { CloudQuirks } from "./fakeAccount";
import { withShortStacks } from "./shortStacks";
import { hasStackFile, readProjectFile, stackConfig } from "./stackFiles";

export {
  ProgramRunFailure,
  StackRun,
  startRecording,
  type RecordedInvoke,
  type RecordedResource,
  type Recording,
  type RunOptions,
} from "./recorder";

export interface StackFileRunOptions {
  preview?: boolean;
  /** Where the fake account should behave like a real one that the happy path hides. */
  quirks?: CloudQuirks;
  /** Config keys to change (`undefined` removes one), applied over the stack file. */
  overrides?: Record<string, unknown>;
  stackReferences?: Record<string, Record<string, unknown>>;
}

/**
 * Runs `program` as the Pulumi CLI would (inside a root Stack resource) under the mock cloud, with
 * short stack traces (see shortStacks.ts: the SDK's per-promise stack captures dominate a run).
 */
export function runProgram(
  program: () => Promise<Record<string, unknown> | undefined>,
  options: Omit<RunOptions, "project"> & { project?: string },
): Promise<StackRun> {
  return withShortStacks(() => runProgramWithStacks(program, options));
}

async function runProgramWithStacks(
  program: () => Promise<Record<string, unknown> | undefined>,
  options: Omit<RunOptions, "project"> & { project?: string },
): Promise<StackRun> {
  const recording = startRecording({ ...options, project: options.project ?? readProjectFile().name });
  // The program's own error is caught inside the stack: rethrown through the SDK's Stack resource
  // it would also surface as an unhandled rejection from the SDK's internal promises.
  let failure: unknown;
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        return (await program()) ?? undefined;
      } catch (err) {
        failure = err;
        return undefined;
      }
    });
    // Registrations may still be in flight after the program returns; wait for all of them.
    const run = await recording.collect();
    if (failure !== undefined) {
      throw new ProgramRunFailure(failure instanceof Error ? failure : new Error(String(failure)), run.resources);
    }
    return run;
  } finally {
    recording.end();
  }
}

/** Runs the real entry point for the real `Pulumi.<stack>.yaml` (with optional overrides). */
export async function runStackFile(stack: string, options: StackFileRunOptions = {}): Promise<StackRun> {
  const config = stackConfig(stack, options.overrides);
  return runProgram(main, {
    stack,
    config,
    preview: options.preview,
    quirks: options.quirks,
    stackReferences: await withPrimaryOutputs(stack, config, options.stackReferences),
  });
}

const primaryOutputs = new Map<string, Promise<Record<string, unknown>>>();

/**
 * A replica stack reads its primary through a StackReference. Unless the caller passes that
 * stack's outputs, they are the outputs of a real run (`pulumi up`) of the primary's stack file in
 * this repo, computed once per process, so a replica run can never see outputs its primary would
 * not produce.
 */
async function withPrimaryOutputs(
  stack: string,
  config: Record<string, string>,
  given: Record<string, Record<string, unknown>> = {},
): Promise<Record<string, Record<string, unknown>>> {
  const primary = config[`${readProjectFile().name}:primaryStack`];
  const primaryStackFile = primary?.split("/")[2];
  if (!primary || primary in given || !primaryStackFile || !hasStackFile(primaryStackFile)) {
    return given;
  }
  try {
    parseStackConfig(stack, config);
  } catch {
    return given; // the run fails on its own config before it reads the primary
  }
  let outputs = primaryOutputs.get(primaryStackFile);
  if (!outputs) {
    outputs = runStackFile(primaryStackFile).then((run) => run.outputs);
    primaryOutputs.set(primaryStackFile, outputs);
  }
  return { ...given, [primary]: await outputs };
}

/** Like runStackFile, for a stack expected to fail: returns the failure (error and registrations). */
export async function stackFileFailure(stack: string, options: StackFileRunOptions = {}): Promise<ProgramRunFailure> {
  try {
    await runStackFile(stack, options);
  } catch (err) {
    if (err instanceof ProgramRunFailure) {
      return err;
    }
    throw err;
  }
  throw new Error(`stack ${stack} was expected to fail but ran`);
}
