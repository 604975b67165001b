/**
 * The DynamoDB Local harness for the service tests and the benchmark. The server itself is started
 * by offline/local/servers/dynamoLocal.ts (the one implementation, shared with `npm run local`);
 * this file adds the run-wide instance.
 *
 * One instance serves each test process (the serial run, or each parallel worker):
 * {@link sharedDynamoLocal} starts it on first use and it is stopped after the process's last file
 * (./processEnd.ts); each test file creates its own table.
 */
import { startDynamoLocal, type DynamoLocal } from "../../offline/local/servers/dynamoLocal";
import { stopAtProcessEnd } from "./processEnd";

export { startDynamoLocal, type DynamoLocal } from "../../offline/local/servers/dynamoLocal";
export { freeLoopbackPort } from "../../offline/local/servers/ports";

let shared: Promise<DynamoLocal> | undefined;

/** The process-wide instance, started on first use. */
export function sharedDynamoLocal(): Promise<DynamoLocal> {
  shared ??= startDynamoLocal();
  return shared;
}

export async function stopSharedDynamoLocal(): Promise<void> {
  const instance = shared;
  shared = undefined;
  if (instance) await (await instance).stop();
}

// Outside mocha (the benchmark) nothing is registered and callers stop their own instance.
stopAtProcessEnd("DynamoDB Local", 15_000, stopSharedDynamoLocal);
