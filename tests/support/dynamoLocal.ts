/**
 * The DynamoDB Local harness for the service tests and the benchmark. The server itself is started
 * by offline/local/servers/dynamoLocal.ts (the one implementation, shared with `npm run local`);
 * this file adds the run-wide instance.
 *
 * One instance serves the whole mocha run: {@link sharedDynamoLocal} starts it on first use and a
 * root-level `after` hook registered below stops it; each test file creates its own table.
 */
import { startDynamoLocal, type DynamoLocal } from "../../offline/local/servers/dynamoLocal";

export { startDynamoLocal, type DynamoLocal } from "../../offline/local/servers/dynamoLocal";
export { freeLoopbackPort } from "../../offline/local/servers/ports";

let shared: Promise<DynamoLocal> | undefined;

/** The run-wide instance, started on first use. */
export function sharedDynamoLocal(): Promise<DynamoLocal> {
  shared ??= startDynamoLocal();
  return shared;
}

export async function stopSharedDynamoLocal(): Promise<void> {
  const instance = shared;
  shared = undefined;
  if (instance) await (await instance).stop();
}

// Root-level hook: runs once after every suite of the run (mocha attaches it to the root suite).
// Outside mocha (the benchmark) `after` does not exist and callers stop their own instance.
if (typeof after === "function") {
  after(async function () {
    this.timeout(15_000);
    await stopSharedDynamoLocal();
  });
}
