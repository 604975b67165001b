/**
 * The tests' entry to the mock cloud (offline/cloud/mockCloud.ts): run a real stack file or any
 * program under Pulumi's mocks and query what it registered.
 */
export {
  ProgramRunFailure,
  runProgram,
  runStackFile,
  stackFileFailure,
  StackRun,
  type RecordedInvoke,
  type RecordedResource,
  type RunOptions,
  type StackFileRunOptions,
} from "../../offline/cloud/mockCloud";
export { STACKS, stackConfig, readProjectFile, readStackFile, type StackName } from "../../offline/cloud/stackFiles";
export { FAKE_ACCOUNT_ID, FAKE_CLIENT_SECRET_PREFIX, FAKE_REGIONS, azNameForId } from "../../offline/cloud/fakeAws";
export { FakeAccount, type CloudQuirks } from "../../offline/cloud/fakeAccount";

/**
 * Tells the stream processor's Lambda from the reference-data migration function
 * (components/data/migrations.ts names it `<name>-refdata-migrations`): a stack has both.
 */
export const isStreamProcessor = (r: { inputs: Record<string, unknown> }): boolean =>
  !String(r.inputs.name ?? "").endsWith("-refdata-migrations");
