/**
 * The document clients the data layer talks to, built once per process (DAX and the SDK both keep
 * connection pools; a client per request would reconnect every time).
 *
 * Routing rule, implemented by {@link readClient} / {@link writeClient}:
 * - strongly consistent reads go to DynamoDB directly: DAX passes them through anyway, so going
 *   direct saves a hop and keeps correctness checks off the cache;
 * - eventually consistent reads and all writes go to DAX when DAX_ENDPOINT is set. Writing through
 *   DAX keeps its item cache current for this region's reads (it does not refresh the query cache,
 *   and replicated writes from other regions are only seen after the cache TTL).
 *
 * DAX itself is not exercised by the tests (there is no DAX emulator): the tests check the routing
 * decision with doubles and run every operation against DynamoDB Local through the same
 * DynamoDBDocument methods DaxDocument implements (it has no `send`).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";
import { DaxDocument } from "@amazon-dax-sdk/lib-dax";

export interface TableClients {
  /** DynamoDB itself. */
  readonly dynamo: DynamoDBDocument;
  /** DAX when configured, otherwise the same object as {@link dynamo}. */
  readonly cache: DynamoDBDocument;
  /** Releases sockets (and stops DAX's cluster-membership polling). */
  close(): void;
}

export function readClient(clients: TableClients, consistent: boolean): DynamoDBDocument {
  return consistent ? clients.dynamo : clients.cache;
}

export function writeClient(clients: TableClients): DynamoDBDocument {
  return clients.cache;
}

export interface ClientOptions {
  region: string;
  dynamoDbEndpoint?: string;
  daxEndpoint?: string;
  maxAttempts: number;
  timeoutMs: number;
}

export function createTableClients(options: ClientOptions): TableClients {
  const low = new DynamoDBClient({
    region: options.region,
    ...(options.dynamoDbEndpoint ? { endpoint: options.dynamoDbEndpoint } : {}),
    maxAttempts: options.maxAttempts,
    // Without throwOnRequestTimeout, requestTimeout only logs a plain-text warning and the request
    // goes on (NodeHttpHandlerOptions, https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/Package/-smithy-node-http-handler/Interface/NodeHttpHandlerOptions/):
    // with it, an attempt past the limit fails with a TimeoutError the SDK may retry, and no
    // non-JSON line reaches the service log. The per-request deadline (an abort signal passed to
    // each call) bounds the attempts together.
    requestHandler: {
      requestTimeout: options.timeoutMs,
      connectionTimeout: Math.min(options.timeoutMs, 1000),
      throwOnRequestTimeout: true,
    },
  });
  const dynamo = DynamoDBDocument.from(low);
  let cache: DynamoDBDocument = dynamo;
  if (options.daxEndpoint) {
    cache = new DaxDocument({
      endpoint: options.daxEndpoint,
      region: options.region,
      requestTimeout: options.timeoutMs,
      maxRetries: options.maxAttempts - 1,
    });
  }
  return {
    dynamo,
    cache,
    close() {
      if (cache !== dynamo) (cache as unknown as { shutdown?: () => void }).shutdown?.();
      dynamo.destroy();
    },
  };
}
