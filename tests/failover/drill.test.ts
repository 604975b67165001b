/**
 * The failover drill (issue 26, item 5; on Fargate, issue 29): the whole journey with real processes,
 * on both compute platforms.
 *
 * - moto_server for SSM (the write-region flags and the region-info parameters), Lambda event source
 *   mappings (the stream consumers), CloudWatch (the ReplicationLatency the command checks), Route 53
 *   (the failover pair's health checks), the fleet (EC2: each region's Auto Scaling group, whose
 *   InService instance ids name the processes; Fargate: each region's ECS cluster and service, whose
 *   running task ARNs name them: tests/failover/motoFleet.ts) and the RDS global cluster
 *   (trading-prod-refdata, one member cluster per region). moto lacks SwitchoverGlobalCluster and
 *   FailoverGlobalCluster: tests/failover/rdsGlobalFake.ts fakes those two calls in front of moto
 *   with AWS's documented states, and nothing else.
 * - One DynamoDB Local (-sharedDb) stands for the global table: both regions' instances write to
 *   the same table. Its cross-region replication is the one thing not exercised (there is no second
 *   copy to replicate to); the command's lag check reads the ReplicationLatency put into moto.
 * - Two trading-api processes per region: the real services/trading-api/src/main.ts, polling its
 *   region's flag and the other's in moto (WRITE_REGION_*), with shorter bounds than production so
 *   the drill fits its budget (poll 400 ms, fence 1.6 s, request deadline 1.2 s). On EC2 each is
 *   named by an instance id (WRITE_REGION_INSTANCE, as the boot script writes it); on Fargate each
 *   reads its task ARN from its own ECS task metadata endpoint (a loopback server standing for the
 *   link-local one: tests/failover/taskMetadata.ts), as a task does. Authentication and risk checks
 *   are off (AUTHENTICATION=disabled, RISK_CHECKS=disabled): both read reference data from
 *   PostgreSQL and Valkey, which this drill does not stand up per region, and neither takes part in
 *   moving the write region; they are tested on their own (tests/services/auth*.test.ts,
 *   risk*.test.ts, and the probe through the edge in probe.test.ts).
 * - In front of each region a local HTTPS load balancer whose certificate is for the API's name
 *   only (tests/failover/edge.ts), round robin per connection, as the ALB; the clients and the
 *   command's probe present the API's name and trust the test CA (NODE_EXTRA_CA_CERTS for the CLI).
 * - Clients write orders to both regions all the time (a new connection per request).
 *
 * The environment (everything but the fleets) is set up once; each platform then brings its own
 * fleet and clients. The real CLI (services/failover/src/main.ts, what `npm run failover` runs):
 * - on EC2: us-east-1 -> eu-west-1 and back, then once more to eu-west-1 killed (SIGKILL) after each
 *   of its step lines in turn, and while the reference database switches over, each time re-run,
 *   until a run finishes by itself; then once more, which must change nothing;
 * - on Fargate: one switch, from wherever the write region is to the other region. What differs on
 *   Fargate is whose answers prove the old region stopped (tasks listed by ecs:ListTasks and
 *   ecs:DescribeTasks, named by their ARN); the steps, their re-runs and their kills are the same
 *   code on both platforms and are walked on EC2, so the drill does not spend them twice.
 *
 * Asserted on both platforms: the command proved the old region stopped writing by hearing from
 * every member of its fleet (not by waiting out the bound); from every instance's own request log
 * (Fastify's "request completed" lines: method, url, status, time; one clock, all processes run
 * here), no admitted write of one region overlaps one of the other region in time; every order
 * answered 201 is in the table afterwards; writes resume in the target within the bound the README
 * states, scaled to the drill's settings (printed); the reference database's writer member follows
 * the write region (moto does not replicate data, and the drill runs no PostgreSQL: the global
 * cluster's membership is what can be asserted). On EC2 also: a re-run after success changes nothing.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateEventSourceMappingCommand, CreateFunctionCommand, GetEventSourceMappingCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CreateDBClusterCommand, CreateGlobalClusterCommand, DescribeGlobalClustersCommand, RDSClient } from "@aws-sdk/client-rds";
import { CreateHostedZoneCommand, GetHealthCheckCommand, Route53Client } from "@aws-sdk/client-route-53";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { formatWriteRegionFlag, parseWriteRegionFlag, regionInfoParameterName, writeRegionParameterName, type RegionInfo } from "../../services/trading-api/src/contract";
import { defaultReadTimeoutMs } from "../../services/trading-api/src/writeRegion";
import { MOTO_CREDENTIALS, sharedMoto, type Moto } from "../support/moto";
import { CURSOR_SECRET } from "../services/fixtures";
import { admittedWrites, handOver, overlaps, type AdmittedWrite } from "./drillLogs";
import { startRegionFleet, type DrillInstance, type Platform, type RegionFleet } from "./drillFleet";
import { createFailoverRecord } from "./failoverRecords";
import { throwawayCertificates, type Certificates } from "./edge";
import { rdsGlobalFake, type GlobalDatabaseFake } from "./rdsGlobalFake";
import { sharedTable, type SharedTable } from "./sharedTable";
import { taskMetadataEndpoint, type TaskMetadataEndpoint } from "./taskMetadata";

const PROJECT = "trading-platform";
const ENV = "prod";
const PRIMARY = "us-east-1";
const REPLICA = "eu-west-1";
const REGIONS = [PRIMARY, REPLICA];
const TABLE = "trading-platform-prod";
const FLAG = writeRegionParameterName(PROJECT, ENV);
const REPO_ROOT = path.resolve(__dirname, "..", "..");
const MAIN = path.join(REPO_ROOT, "services", "failover", "src", "main.ts");
const API_NAME = "api.trading.acme-markets.example";
const GLOBAL_DB = "trading-prod-refdata";
const clusterArnOf = (region: string) => `arn:aws:rds:${region}:123456789012:cluster:trading-prod-${region}-db`;
const INSTANCES_PER_REGION = 2;
const CLIENTS_PER_REGION = 1;

/** The fleet's settings in the drill: production's shape, shorter (the service's defaults are 5 s / 15 s / 5 s). */
const SERVICE = { pollMs: 400, fenceMs: 1600, requestDeadlineMs: 1200, dynamoTimeoutMs: 400, dynamoAttempts: 3 };
const READ_TIMEOUT_MS = defaultReadTimeoutMs(SERVICE.pollMs);
const LONGEST_WRITE_MS = Math.max(SERVICE.requestDeadlineMs, SERVICE.dynamoAttempts * SERVICE.dynamoTimeoutMs);
/** The two-writer bound for these settings (services/failover/src/bounds.ts: fence + poll + longest write). */
const TWO_WRITER_BOUND_MS = SERVICE.fenceMs + SERVICE.pollMs + LONGEST_WRITE_MS;
const LAG_MS = 200;
/**
 * The README's bound on the time no region admits writes (services/failover/README.md, "What a
 * failover costs"): from the fence until the target's instances read the flipped flag, at most the
 * two-writer bound + the lag + the longest write + a poll interval + a read timeout, plus the
 * command's own calls between (a mapping update, a flag write): a second here, on a loaded machine.
 */
const READ_ONLY_BOUND_MS = TWO_WRITER_BOUND_MS + LAG_MS + LONGEST_WRITE_MS + SERVICE.pollMs + READ_TIMEOUT_MS + 1000;
const CLI_ARGS = [
  ...["--fence-wait-seconds", String(TWO_WRITER_BOUND_MS / 1000), "--in-flight-seconds", String(LONGEST_WRITE_MS / 1000)],
  ...["--consumer-drain-seconds", "0.1", "--wait-timeout-seconds", "10", "--probes", "2", "--probe-interval-ms", "50"],
  ...["--db-wait-seconds", "20", "--db-poll-ms", "100"],
];


interface Answer {
  region: string;
  status: number;
  account?: string;
  orderId?: string;
  at: number;
}

interface CliRun {
  code: number | string;
  /** How many step lines had been printed when it was killed (undefined: not killed). */
  killedAtStep?: number;
  /** Every stdout and stderr line with the time it arrived. */
  lines: { at: number; text: string }[];
  startedAt: number;
}

/** One platform's part of the drill: its fleets in both regions, the clients writing to them, what those were answered. */
interface Drill {
  platform: Platform;
  fleets: Record<string, RegionFleet>;
  instances: DrillInstance[];
  answers: Answer[];
  writing: boolean;
  writers: Promise<void>[];
  figures: string[];
}

describe("failover drill: real processes, both regions writing, the CLI between us-east-1 and eu-west-1, on both compute platforms", function () {
  this.timeout(90_000);
  let moto: Moto;
  let fake: GlobalDatabaseFake;
  let table: SharedTable;
  let certificates: Certificates;
  let metadata: TaskMetadataEndpoint;
  let caDir: string;
  let hostedZoneId: string;
  const mappings: Record<string, string> = {};
  const healthChecks: Record<string, string> = {};
  const clients = (region: string) => ({ region, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  const ssm = (region: string) => new SSMClient(clients(region));
  const functionNameOf = (region: string) => `trading-stream-${region}`;

  // The environment both platforms share: flags, stream consumers, DNS, the global database, the lag metric.
  before(async function () {
    this.timeout(60_000);
    [moto, certificates, table, metadata] = await Promise.all([sharedMoto(), throwawayCertificates([API_NAME]), sharedTable(TABLE), taskMetadataEndpoint()]);
    await moto.reset();
    fake = await rdsGlobalFake(moto.endpoint, { switchoverMs: 1000, failoverMs: 800 });
    caDir = mkdtempSync(path.join(tmpdir(), "drill-ca-"));
    writeFileSync(path.join(caDir, "ca.pem"), certificates.ca);

    const roleArn = await moto.createRole("stream-processor");
    const route53 = new Route53Client(clients(PRIMARY));
    const zone = await route53.send(new CreateHostedZoneCommand({ Name: "acme-markets.example", CallerReference: `drill-${Date.now()}` }));
    hostedZoneId = String(zone.HostedZone?.Id).replace("/hostedzone/", "");
    await new RDSClient(clients(PRIMARY)).send(new CreateGlobalClusterCommand({ GlobalClusterIdentifier: GLOBAL_DB, Engine: "aurora-postgresql", EngineVersion: "16.4" }));
    for (const region of REGIONS) {
      await new RDSClient(clients(region)).send(
        new CreateDBClusterCommand({
          DBClusterIdentifier: `trading-prod-${region}-db`,
          Engine: "aurora-postgresql",
          EngineVersion: "16.4",
          GlobalClusterIdentifier: GLOBAL_DB,
          ...(region === PRIMARY ? { MasterUsername: "trading_admin", MasterUserPassword: "not-a-secret-moto-only" } : {}),
        }),
      );
      // moto's table only gives the mapping a stream ARN; the instances write to DynamoDB Local.
      const streamTable = await new DynamoDBClient(clients(region)).send(
        new CreateTableCommand({
          TableName: TABLE,
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          BillingMode: "PAY_PER_REQUEST",
          StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
        }),
      );
      const functionName = functionNameOf(region);
      const lambda = new LambdaClient(clients(region));
      await lambda.send(new CreateFunctionCommand({ FunctionName: functionName, Runtime: "nodejs22.x", Role: roleArn, Handler: "index.handler", Code: { ZipFile: Buffer.from("stub") } }));
      const mapping = await lambda.send(
        new CreateEventSourceMappingCommand({ EventSourceArn: streamTable.TableDescription?.LatestStreamArn, FunctionName: functionName, StartingPosition: "TRIM_HORIZON", Enabled: region === PRIMARY }),
      );
      mappings[region] = String(mapping.UUID);
      healthChecks[region] = await createFailoverRecord(route53, { zoneId: zone.HostedZone?.Id, apiName: API_NAME, region, primaryRegion: PRIMARY, callerPrefix: "drill-hc" });
      await ssm(region).send(new PutParameterCommand({ Name: FLAG, Value: formatWriteRegionFlag({ writeRegion: PRIMARY, epoch: 0 }), Type: "String" }));
      await new CloudWatchClient(clients(region)).send(
        new PutMetricDataCommand({
          Namespace: "AWS/DynamoDB",
          MetricData: [
            {
              MetricName: "ReplicationLatency",
              Dimensions: [{ Name: "TableName", Value: TABLE }, { Name: "ReceivingRegion", Value: region === PRIMARY ? REPLICA : PRIMARY }],
              Value: LAG_MS,
              Unit: "Milliseconds",
              Timestamp: new Date(),
            },
          ],
        }),
      );
    }
  });

  after(async function () {
    this.timeout(30_000);
    await fake?.close();
    await table?.stop();
    await metadata?.close();
    if (caDir) rmSync(caDir, { recursive: true, force: true });
  });

  /** The service's environment in `region`, its identity apart (the platform gives it). */
  const serviceEnvironment = (region: string) => (port: number) => ({
    PORT: String(port),
    HOST: "127.0.0.1",
    AWS_REGION: region,
    TABLE_NAME: TABLE,
    DYNAMODB_ENDPOINT: table.endpoint,
    CURSOR_SECRET,
    AUTHENTICATION: "disabled",
    RISK_CHECKS: "disabled",
    LOG_LEVEL: "info",
    REQUEST_DEADLINE_MS: String(SERVICE.requestDeadlineMs),
    DYNAMODB_TIMEOUT_MS: String(SERVICE.dynamoTimeoutMs),
    DYNAMODB_MAX_ATTEMPTS: String(SERVICE.dynamoAttempts),
    SHUTDOWN_DRAIN_MS: "0",
    SHUTDOWN_GRACE_MS: "1000",
    WRITE_REGION_PARAMETER: FLAG,
    WRITE_REGION_PEERS: REGIONS.filter((r) => r !== region).join(","),
    WRITE_REGION_POLL_MS: String(SERVICE.pollMs),
    WRITE_REGION_FENCE_MS: String(SERVICE.fenceMs),
    SSM_ENDPOINT: moto.endpoint,
  });

  /** The platform's fleet in each region and the region-info parameter naming it, as `pulumi up` writes it. */
  async function startDrill(platform: Platform): Promise<Drill> {
    const drill: Drill = { platform, fleets: {}, instances: [], answers: [], writing: false, writers: [], figures: [] };
    for (const region of REGIONS) {
      const fleet = await startRegionFleet({
        platform,
        region,
        size: INSTANCES_PER_REGION,
        client: clients(region),
        environment: serviceEnvironment(region),
        certificates,
        metadata,
      });
      drill.fleets[region] = fleet;
      drill.instances.push(...fleet.instances);
      const info: RegionInfo = {
        region,
        role: region === PRIMARY ? "primary" : "replica",
        environment: ENV,
        writeRegionParameter: FLAG,
        tableName: TABLE,
        streamConsumer: { functionName: functionNameOf(region), mappingUuid: mappings[region] },
        apiEndpoint: fleet.edge.endpoint,
        ...fleet.info,
        dns: { domainName: API_NAME, hostedZoneId, failoverRole: region === PRIMARY ? "PRIMARY" : "SECONDARY", healthCheckId: healthChecks[region] },
        globalDatabase: { globalClusterIdentifier: GLOBAL_DB, clusterArn: clusterArnOf(region) },
      };
      await ssm(region).send(new PutParameterCommand({ Name: regionInfoParameterName(PROJECT, ENV), Value: JSON.stringify(info), Type: "String", Overwrite: true }));
    }
    await Promise.all(drill.instances.map((i) => i.process.waitReady(i.port, 30_000, (body) => body.includes('"mode":"write"') || body.includes('"mode":"read-only"'))));
    return drill;
  }

  async function stopDrill(drill: Drill | undefined) {
    if (!drill) return;
    drill.writing = false;
    await Promise.all(drill.writers);
    await Promise.all(drill.instances.map((i) => i.process.stop(3000)));
    for (const fleet of Object.values(drill.fleets)) await fleet.edge.close();
  }

  /** An HTTPS request to the region's edge under the API's name, on a new connection. */
  function throughEdge(drill: Drill, region: string, method: string, urlPath: string, body?: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve) => {
      const req = httpsRequest(
        {
          host: "127.0.0.1",
          port: drill.fleets[region].edge.port,
          servername: API_NAME,
          ca: certificates.ca,
          method,
          path: urlPath,
          agent: false,
          timeout: 5000,
          headers: { host: API_NAME, "user-agent": "drill-client", ...(body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {}) },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", () => resolve({ status: 0, text: "" }));
      req.end(body);
    });
  }

  /** POST /v1/orders through the region's edge. */
  async function placeOrder(drill: Drill, region: string, n: number): Promise<Answer> {
    const account = `drill-${drill.platform}-${region}-${n}`;
    const body = JSON.stringify({ account, clientOrderId: `cl-${region}-${n}`, symbol: "ACME", side: "buy", quantity: 100, limitPrice: 12_345, timeInForce: "GTC" });
    const { status, text } = await throughEdge(drill, region, "POST", "/v1/orders", body);
    const orderId = status === 201 ? String((JSON.parse(text) as { orderId: string }).orderId) : undefined;
    return { region, status, account, ...(orderId ? { orderId } : {}), at: Date.now() };
  }

  function startWriting(drill: Drill) {
    drill.writing = true;
    let n = 0;
    for (const region of REGIONS) {
      for (let c = 0; c < CLIENTS_PER_REGION; c++) {
        drill.writers.push(
          (async () => {
            while (drill.writing) {
              const answer = await placeOrder(drill, region, n++);
              drill.answers.push(answer);
              // A refused write is retried after a pause, as a client honouring Retry-After would (shorter here).
              await sleep(answer.status === 201 ? 15 : 60);
            }
          })(),
        );
      }
    }
  }

  /** The real CLI as a child process; SIGKILL once `killWhen` says so for a line. */
  function runCliProcess(args: string[], killWhen?: (text: string, stepLines: number) => boolean): Promise<CliRun> {
    const startedAt = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: "true",
        // Every AWS client of the command goes to moto (through the fake of its two missing RDS calls).
        AWS_ENDPOINT_URL: fake.endpoint,
        // The operator's way to trust a private CA; verification stays on.
        NODE_EXTRA_CA_CERTS: path.join(caDir, "ca.pem"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: CliRun["lines"] = [];
    let steps = 0;
    let killed = false;
    let killedAtStep: number | undefined;
    const take = (stream: NodeJS.ReadableStream) => {
      let rest = "";
      stream.on("data", (chunk: Buffer) => {
        rest += chunk.toString();
        const parts = rest.split("\n");
        rest = parts.pop() ?? "";
        for (const text of parts) {
          lines.push({ at: Date.now(), text });
          if (/^ {2}\[[^\]]+\] /.test(text)) steps++;
          if (!killed && killWhen?.(text, steps)) {
            killed = true;
            killedAtStep = steps;
            child.kill("SIGKILL");
          }
        }
      });
    };
    take(child.stdout);
    take(child.stderr);
    return new Promise((resolve) =>
      child.on("close", (code, signal) => resolve({ code: code ?? String(signal), lines, startedAt, ...(killedAtStep !== undefined ? { killedAtStep } : {}) })),
    );
  }

  const text = (run: CliRun) => run.lines.map((l) => l.text).join("\n");
  const lineAt = (run: CliRun, pattern: RegExp) => run.lines.find((l) => pattern.test(l.text))?.at;

  const describeWriter = async () => {
    const answer = await new RDSClient({ region: REPLICA, endpoint: fake.endpoint, credentials: MOTO_CREDENTIALS }).send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: GLOBAL_DB }));
    const cluster = answer.GlobalClusters?.find((g) => g.GlobalClusterIdentifier === GLOBAL_DB);
    return { status: cluster?.Status, writer: cluster?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn };
  };

  const operationalState = async () => {
    const out: Record<string, unknown> = {};
    for (const region of REGIONS) {
      const flag = (await ssm(region).send(new GetParameterCommand({ Name: FLAG }))).Parameter;
      const mapping = await new LambdaClient(clients(region)).send(new GetEventSourceMappingCommand({ UUID: mappings[region] }));
      const check = (await new Route53Client(clients(PRIMARY)).send(new GetHealthCheckCommand({ HealthCheckId: healthChecks[region] }))).HealthCheck;
      out[region] = { flag: flag?.Value, version: flag?.Version, mapping: mapping.State, healthCheck: [check?.HealthCheckConfig?.Disabled ?? false, check?.HealthCheckConfig?.Inverted ?? false] };
    }
    return { ...out, database: await describeWriter(), calls: [...fake.calls] };
  };

  /** The proof line: every member of `from`'s fleet answered read-only (not the bound waited out), each named. */
  function expectProvedByEveryMember(drill: Drill, run: CliRun, from: string) {
    const fleet = drill.fleets[from];
    const proof = run.lines.find((l) => l.text.startsWith(`  [done] wait until ${from} stops writing: `))?.text ?? "";
    const whose = fleet.info.ecsService
      ? `every running task of ECS service ${fleet.info.ecsService.serviceName} (cluster ${fleet.info.ecsService.clusterName})`
      : `every InService instance of ${fleet.info.autoScalingGroupName}`;
    expect(proof, text(run)).to.contain(`${whose} answered read-only at epoch >= `);
    for (const member of fleet.instances) expect(proof, text(run)).to.contain(member.id);
  }

  /** One uninterrupted failover; pushes the figures measured from the instances' logs. */
  async function failover(drill: Drill, from: string, to: string): Promise<CliRun> {
    const run = await runCliProcess(["--env", ENV, "--to", to, ...CLI_ARGS]);
    if (process.env.DRILL_DEBUG) console.log(run.lines.map((l) => `${l.at - run.startedAt} ${l.text}`).join("\n"));
    expect(run.code, text(run)).to.equal(0);
    expectProvedByEveryMember(drill, run, from);
    const fencedAt = lineAt(run, new RegExp(`\\[done\\] fence ${from}`)) as number;
    expect(fencedAt, text(run)).to.be.a("number");
    expect(text(run)).to.contain(`[done] move the reference database's writer to ${to}: switchover of ${GLOBAL_DB}: writer ${clusterArnOf(from)} -> ${clusterArnOf(to)}`);
    expect(await describeWriter()).to.deep.equal({ status: "available", writer: clusterArnOf(to) });
    // The service flushes its log at least every 200 ms (logDestination.ts).
    await sleep(400);
    const { firstTarget, lastOld } = handOver(admittedWrites(drill.instances), from, to, run.startedAt);
    expect(firstTarget, `no write admitted in ${to} after the failover`).to.not.equal(undefined);
    const toWrites = Math.round((firstTarget as AdmittedWrite).start - fencedAt);
    const readOnly = Math.round((firstTarget as AdmittedWrite).start - (lastOld?.end ?? fencedAt));
    drill.figures.push(
      `${drill.platform}, ${from} -> ${to}: writes in ${to} ${toWrites} ms after the fence (${Math.round((firstTarget as AdmittedWrite).start - run.startedAt)} ms after the command started); no region admitted writes for ${readOnly} ms; the command took ${(run.lines.at(-1)?.at ?? run.startedAt) - run.startedAt} ms`,
    );
    expect(toWrites, drill.figures.at(-1)).to.be.at.most(READ_ONLY_BOUND_MS);
    return run;
  }

  /**
   * Stops the clients, then: no admitted write of one region overlaps one of the other (from every
   * instance's own log), and every order answered 201 is in the table, read back through `readFrom`'s edge.
   */
  async function expectOneWriterAndEveryOrder(drill: Drill, readFrom: string, minimumPerRegion: number) {
    await sleep(500);
    drill.writing = false;
    await Promise.all(drill.writers);
    // The service writes its log in batches, flushed at least every 200 ms (logDestination.ts).
    await sleep(600);

    const writes = admittedWrites(drill.instances);
    expect(writes.filter((w) => w.region === PRIMARY).length).to.be.greaterThan(minimumPerRegion);
    expect(writes.filter((w) => w.region === REPLICA).length).to.be.greaterThan(minimumPerRegion);
    expect(overlaps(writes, REGIONS), "admitted writes of both regions overlapping").to.deep.equal([]);
    // Every 201 a client got is an admitted write in some instance's log (the check sees them all).
    const created = drill.answers.filter((a) => a.status === 201);
    expect(writes.length).to.be.at.least(created.length);

    expect(created.length).to.be.greaterThan(2 * minimumPerRegion);
    const missing: string[] = [];
    for (let i = 0; i < created.length; i += 25) {
      await Promise.all(
        created.slice(i, i + 25).map(async (order) => {
          const { status } = await throughEdge(drill, readFrom, "GET", `/v1/accounts/${order.account}/orders/${order.orderId}`);
          if (status !== 200) missing.push(`${order.account}/${order.orderId}: ${status}`);
        }),
      );
    }
    expect(missing).to.deep.equal([]);
    const refused = drill.answers.filter((a) => a.status === 503).length;
    return `orders: ${created.length} answered 201 (all present afterwards), ${refused} answered 503 while their region was read-only or fenced; ${writes.length} admitted writes in the instances' logs, none of two regions overlapping`;
  }

  const printFigures = (drill: Drill, orders: string, started: number) =>
    console.log(
      [
        `      drill figures on ${drill.platform} (poll ${SERVICE.pollMs} ms, fence ${SERVICE.fenceMs} ms, longest write ${LONGEST_WRITE_MS} ms, lag ${LAG_MS} ms; two-writer bound ${TWO_WRITER_BOUND_MS} ms; README bound on writes resuming ${READ_ONLY_BOUND_MS} ms):`,
        ...drill.figures.map((f) => `        ${f}`),
        `        ${orders}`,
        `        ${drill.platform} drill took ${Date.now() - started} ms`,
      ].join("\n"),
    );

  describe("on EC2: the Auto Scaling groups' instances; there and back, then killed after every step and mid-switchover", () => {
    let drill: Drill | undefined;
    before(async function () {
      this.timeout(60_000);
      drill = await startDrill("ec2");
    });
    after(async function () {
      this.timeout(30_000);
      await stopDrill(drill);
    });

    it("moves the write region and the reference database's writer with never two regions writing, loses no acknowledged order, and a re-run after success changes nothing", async () => {
      const d = drill as Drill;
      const drillStarted = Date.now();
      startWriting(d);
      await sleep(500);

      await failover(d, PRIMARY, REPLICA);
      await failover(d, REPLICA, PRIMARY);

      // Once more to eu-west-1, killed after each step line in turn (and once while the reference
      // database switches over), each time run again, until a run finishes by itself. A line saying
      // a step was already so (done by an earlier run) is no new place to die: the kill moves to the next.
      const journeyStarted = Date.now();
      let killAfter = 1;
      let killedInDatabaseWait = false;
      const runs: CliRun[] = [];
      for (;;) {
        const n = killAfter;
        const run = await runCliProcess(["--env", ENV, "--to", REPLICA, ...CLI_ARGS], (line, steps) => {
          if (!killedInDatabaseWait && line.includes("waiting for the reference database")) {
            killedInDatabaseWait = true;
            return true;
          }
          return steps >= n && /^ {2}\[/.test(line) && !line.startsWith("  [already so]");
        });
        runs.push(run);
        if (run.code === 0) break;
        expect(run.code, text(run)).to.equal("SIGKILL");
        killAfter = (run.killedAtStep ?? killAfter) + 1;
        expect(runs.length, "the killed journey does not end").to.be.below(20);
      }
      // Killed after each of the steps that did something (the lag check, fence, wait, stop, drain,
      // flip, start, DNS, confirm) and once mid-switchover.
      expect(runs.length).to.be.at.least(9);
      expect(killedInDatabaseWait).to.equal(true);
      expect(text(runs.at(-1) as CliRun)).to.contain(`${REPLICA} is the write region of prod.`);
      // The switchover begun by a killed run was waited for by the next, never asked for twice.
      expect(fake.calls).to.deep.equal([`SwitchoverGlobalCluster ${clusterArnOf(REPLICA)}`, `SwitchoverGlobalCluster ${clusterArnOf(PRIMARY)}`, `SwitchoverGlobalCluster ${clusterArnOf(REPLICA)}`]);
      expect(await describeWriter()).to.deep.equal({ status: "available", writer: clusterArnOf(REPLICA) });
      await sleep(400);
      const journey = handOver(admittedWrites(d.instances), PRIMARY, REPLICA, journeyStarted);
      expect(journey.firstTarget).to.not.equal(undefined);
      d.figures.push(
        `ec2, ${PRIMARY} -> ${REPLICA} killed ${runs.length - 1} times: writes in ${REPLICA} ${Math.round((journey.firstTarget as AdmittedWrite).start - journeyStarted)} ms after the first run started; no region admitted writes for ${Math.round((journey.firstTarget as AdmittedWrite).start - (journey.lastOld?.end ?? journeyStarted))} ms`,
      );

      // A re-run after success changes nothing.
      const before = await operationalState();
      const again = await runCliProcess(["--env", ENV, "--to", REPLICA, ...CLI_ARGS]);
      expect(again.code, text(again)).to.equal(0);
      expect(again.lines.filter((l) => l.text.includes("[done]")).map((l) => l.text.split(":")[0].trim())).to.deep.equal([
        "[done] check replication lag",
        `[done] wait until ${REPLICA}'s instances report write mode`,
      ]);
      expect(await operationalState()).to.deep.equal(before);

      printFigures(d, await expectOneWriterAndEveryOrder(d, REPLICA, 20), drillStarted);
    });
  });

  describe("on Fargate: the ECS services' running tasks, each named by the task ARN from its metadata endpoint; one switch", () => {
    let drill: Drill | undefined;
    before(async function () {
      this.timeout(60_000);
      drill = await startDrill("fargate");
    });
    after(async function () {
      this.timeout(30_000);
      await stopDrill(drill);
    });

    it("moves the write region, proved by every running task of the old region's service, with never two regions writing and no acknowledged order lost", async () => {
      const d = drill as Drill;
      const started = Date.now();
      // Each process asked its own metadata endpoint for its task (what names it in /healthz).
      expect(new Set(metadata.asked).size).to.be.at.least(d.instances.length);
      // Wherever the EC2 part left the write region (or the first value, run alone), to the other region.
      const from = parseWriteRegionFlag(String((await ssm(PRIMARY).send(new GetParameterCommand({ Name: FLAG }))).Parameter?.Value)).writeRegion;
      const to = REGIONS.find((r) => r !== from) as string;
      startWriting(d);
      await sleep(500);
      await failover(d, from, to);
      printFigures(d, await expectOneWriterAndEveryOrder(d, to, 5), started);
    });
  });
});
