/**
 * The failover command against moto_server (SSM, Lambda event source mappings, CloudWatch, Route 53,
 * Auto Scaling, ECS, RDS global clusters), with two real trading-api instances per region, each named by the instance id of
 * its region's Auto Scaling group in moto and polling that region's flag in moto, behind a local
 * HTTPS load balancer whose certificate is for the API's name only (as the production edge's is):
 * a normal failover and failback, the old region on Fargate (its members the running tasks of an
 * ECS service in moto, named by task ARN), a dry run (through `npm run failover`), an interrupted run
 * resumed, the old region unreachable, and the replication lag above the threshold; in each the
 * reference database's global cluster (trading-prod-refdata, one member cluster per region) is
 * switched over once, or failed over with data loss under --force with its writer's region gone.
 *
 * Every moto API the command uses is emulated, including GetMetricData over data put with
 * PutMetricData, except two: moto has no SwitchoverGlobalCluster and no FailoverGlobalCluster, so
 * tests/failover/rdsGlobalFake.ts fakes exactly those two calls in front of moto with AWS's
 * documented states ("switching-over" / "failing-over" and FailoverState, then the target IsWriter).
 * moto flips a mapping's state at once (no Enabling/Disabling), so the waiting loop for those states
 * is exercised by the in-memory cloud of tests/region/writeRegionStates.test.ts.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { motoFleet, motoService } from "../failover/motoFleet";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  GetEventSourceMappingCommand,
  LambdaClient,
  UpdateEventSourceMappingCommand,
} from "@aws-sdk/client-lambda";
import { CreateHostedZoneCommand, GetHealthCheckCommand, Route53Client } from "@aws-sdk/client-route-53";
import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { CreateDBClusterCommand, CreateGlobalClusterCommand, DescribeGlobalClustersCommand, RDSClient } from "@aws-sdk/client-rds";
import type { FastifyInstance } from "fastify";
import { createFailoverRecord } from "../failover/failoverRecords";
import { freeLoopbackPort } from "../support/dynamoLocal";
import { MOTO_CREDENTIALS, sharedMoto, type Moto } from "../support/moto";
import {
  formatWriteRegionFlag,
  parseWriteRegionFlag,
  regionInfoParameterName,
  WRITE_REGION_HEADER,
  writeRegionParameterName,
  type RegionInfo,
} from "../../services/trading-api/src/contract";
import { ssmWriteRegionSource, WriteRegionGate, type WriteMode } from "../../services/trading-api/src/writeRegion";
import { awsCloud, type FailoverCloud } from "../../services/failover/src/cloud";
import { environmentRegions, runCli } from "../../services/failover/src/cli";
import { orderBody, testApp } from "./fixtures";
import { localLoadBalancer, throwawayCertificates, type Certificates, type LocalLoadBalancer } from "../failover/edge";
import { rdsGlobalFake, type GlobalDatabaseFake } from "../failover/rdsGlobalFake";

const PROJECT = "trading-platform";
const ENV = "prod";
const PRIMARY = "us-east-1";
const REPLICA = "eu-west-1";
const REGIONS = [PRIMARY, REPLICA];
const TABLE = "trading-platform-prod";
const FLAG = writeRegionParameterName(PROJECT, ENV);
const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** The API's DNS name: the load balancers' certificate is for it, not for their address. */
const API_NAME = "api.trading.acme-markets.example";
const INSTANCES_PER_REGION = 2;
/** Short bounds so the suite stays fast: the gate polls every 100 ms and fences after 400 ms. */
// Short bounds keep the suite fast; the read timeout is half the poll interval, so the poll must
// leave moto_server room to answer on a loaded machine (at 100 ms, reads timed out and fenced).
const GATE = { pollIntervalMs: 400, fenceAfterMs: 1600 };
// The command waits out the fence bound (GATE.fenceAfterMs + a poll) when a region cannot be fenced.
const FAST = [
  ...["--fence-wait-seconds", "2", "--in-flight-seconds", "0.1", "--consumer-drain-seconds", "0.1", "--wait-timeout-seconds", "5", "--probes", "4", "--probe-interval-ms", "50"],
  ...["--db-wait-seconds", "10", "--db-poll-ms", "100"],
];
/** The reference database's global cluster and each region's member (the stacks' names). */
const GLOBAL_DB = "trading-prod-refdata";
const clusterArnOf = (region: string) => `arn:aws:rds:${region}:123456789012:cluster:trading-prod-${region}-db`;

interface Region {
  name: string;
  apps: FastifyInstance[];
  gates: WriteRegionGate[];
  /** The fleet's member ids, one per gate: the Auto Scaling group's InService instance ids, or the ECS service's task ARNs. */
  instanceIds: string[];
  edge: LocalLoadBalancer;
  mappingUuid: string;
  healthCheckId: string;
}

/** A region's mode as clients see it: write while any of its instances is in write mode. */
function modeOf(region: Region): WriteMode {
  const modes = region.gates.map((gate) => gate.mode);
  return modes.includes("write") ? "write" : modes.includes("read-only") ? "read-only" : "fenced";
}

describe("failover command against moto_server", function () {
  this.timeout(60_000);
  let moto: Moto;
  /** moto behind the fake of its two missing RDS calls: the command's endpoint. */
  let rdsFake: GlobalDatabaseFake;
  const regions: Record<string, Region> = {};
  /** Regions whose instances cannot reach their SSM (a region outage as the instances see it). */
  const down = new Set<string>();
  const clients = (region: string) => ({ region, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS });
  const ssm = (region: string) => new SSMClient(clients(region));
  const lambda = (region: string) => new LambdaClient(clients(region));
  const route53 = () => new Route53Client(clients("us-east-1"));
  let certificates: Certificates;
  let caDir: string;
  /** The command as the operator runs it, but trusting the test CA (verification stays on). */
  const io = () => {
    const lines: string[] = [];
    return {
      lines,
      out: (l: string) => void lines.push(l),
      err: (l: string) => void lines.push(l),
      repoRoot: REPO_ROOT,
      cloud: (options: Parameters<typeof awsCloud>[0]) => awsCloud({ ...options, trustedCa: certificates.ca }),
    };
  };
  const endpointArgs = () => ["--endpoint-url", rdsFake.endpoint];
  /** The global cluster's writer as DescribeGlobalClusters answers (through the fake, which holds the moves). */
  const writerNow = async () => {
    const answer = await new RDSClient({ ...clients(REPLICA), endpoint: rdsFake.endpoint }).send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: GLOBAL_DB }));
    const found = answer.GlobalClusters?.find((g) => g.GlobalClusterIdentifier === GLOBAL_DB);
    return { status: found?.Status, writer: found?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn };
  };

  // The command reads credentials from the environment as it does in AWS; they are put back after,
  // because other suites' clients read the same variables (DynamoDB Local keeps tables per access key).
  const savedCredentials = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  before(async function () {
    this.timeout(60_000);
    moto = await sharedMoto();
    rdsFake = await rdsGlobalFake(moto.endpoint, { switchoverMs: 600, failoverMs: 300 });
    certificates = await throwawayCertificates([API_NAME]);
    caDir = mkdtempSync(path.join(tmpdir(), "failover-ca-"));
    writeFileSync(path.join(caDir, "ca.pem"), certificates.ca);
    process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
  });
  after(async () => {
    await rdsFake.close();
    rmSync(caDir, { recursive: true, force: true });
    if (savedCredentials.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = savedCredentials.id;
    if (savedCredentials.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = savedCredentials.secret;
  });

  beforeEach(async function () {
    this.timeout(30_000);
    await moto.reset();
    rdsFake.reset();
    down.clear();
    // The reference database: the primary's cluster creates the global cluster's writer, the replica's joins it as a secondary.
    await new RDSClient(clients(PRIMARY)).send(new CreateGlobalClusterCommand({ GlobalClusterIdentifier: GLOBAL_DB, Engine: "aurora-postgresql", EngineVersion: "16.4" }));
    for (const name of REGIONS) {
      const cluster = await new RDSClient(clients(name)).send(
        new CreateDBClusterCommand({
          DBClusterIdentifier: `trading-prod-${name}-db`,
          Engine: "aurora-postgresql",
          EngineVersion: "16.4",
          GlobalClusterIdentifier: GLOBAL_DB,
          ...(name === PRIMARY ? { MasterUsername: "trading_admin", MasterUserPassword: "not-a-secret-moto-only" } : {}),
        }),
      );
      expect(cluster.DBCluster?.DBClusterArn).to.equal(clusterArnOf(name));
    }
    const roleArn = await moto.createRole("stream-processor");
    const zone = await route53().send(new CreateHostedZoneCommand({ Name: "acme-markets.example", CallerReference: `zone-${Date.now()}` }));
    for (const name of REGIONS) {
      const table = await new DynamoDBClient(clients(name)).send(
        new CreateTableCommand({
          TableName: TABLE,
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "S" }],
          BillingMode: "PAY_PER_REQUEST",
          StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
        }),
      );
      const functionName = `trading-stream-${name}`;
      await lambda(name).send(
        new CreateFunctionCommand({ FunctionName: functionName, Runtime: "nodejs22.x", Role: roleArn, Handler: "index.handler", Code: { ZipFile: Buffer.from("stub") } }),
      );
      const mapping = await lambda(name).send(
        new CreateEventSourceMappingCommand({
          EventSourceArn: table.TableDescription?.LatestStreamArn,
          FunctionName: functionName,
          StartingPosition: "TRIM_HORIZON",
          Enabled: name === PRIMARY,
        }),
      );
      // Each stack's record of the failover pair, as RegionFailover declares it.
      const healthCheckId = await createFailoverRecord(route53(), { zoneId: zone.HostedZone?.Id, apiName: API_NAME, region: name, primaryRegion: PRIMARY, callerPrefix: "hc" });
      await ssm(name).send(new PutParameterCommand({ Name: FLAG, Value: formatWriteRegionFlag({ writeRegion: PRIMARY, epoch: 0 }), Type: "String" }));
      await startInstance(name, String(mapping.UUID), healthCheckId, String(zone.HostedZone?.Id));
    }
    await putLag(PRIMARY, REPLICA, 850);
    await putLag(REPLICA, PRIMARY, 700);
    await waitForModes({ [PRIMARY]: "write", [REPLICA]: "read-only" });
  });

  afterEach(async () => {
    for (const region of Object.values(regions)) {
      for (const gate of region.gates) gate.stop();
      await region.edge.close();
      for (const app of region.apps) await app.close();
    }
  });

  /**
   * The trading-api instances of `name` behind its load balancer, each gate reading `name`'s flag in
   * moto, and the region-info parameter; on `fargate` the fleet is an ECS service in moto whose
   * gates are named by their task ARNs (what a task reads from its metadata endpoint).
   */
  async function startInstance(name: string, mappingUuid: string, healthCheckId: string, hostedZoneId: string, platform: "ec2" | "fargate" = "ec2") {
    // A region that is down can read neither its own flag nor the other region's.
    const flagIn = (region: string) => {
      const source = ssmWriteRegionSource(ssm(region), FLAG);
      return { read: (signal: AbortSignal) => (down.has(name) ? Promise.reject(new Error("connect ECONNREFUSED (region down)")) : source.read(signal)) };
    };
    let instanceIds: string[];
    let fleet: Pick<RegionInfo, "autoScalingGroupName" | "ecsService">;
    if (platform === "ec2") {
      const group = await motoFleet(clients(name), INSTANCES_PER_REGION);
      instanceIds = group.instanceIds;
      // The fleet's group, whose every InService instance must answer read-only before the command flips early.
      fleet = { autoScalingGroupName: group.groupName };
    } else {
      const service = await motoService(clients(name), INSTANCES_PER_REGION);
      instanceIds = service.taskArns;
      // The fleet's ECS service, whose every running task must answer read-only before the command flips early.
      fleet = { ecsService: { clusterName: service.clusterName, serviceName: service.serviceName } };
    }
    const doc = DynamoDBDocument.from(new DynamoDBClient(clients(name)));
    const gates: WriteRegionGate[] = [];
    const apps: FastifyInstance[] = [];
    for (const instanceId of instanceIds) {
      // Named by its member id (instance id or task ARN), as /healthz must name it for the command to count it.
      const gate = new WriteRegionGate({
        region: name,
        ...GATE,
        instance: instanceId,
        source: flagIn(name),
        peers: REGIONS.filter((r) => r !== name).map((r) => ({ region: r, source: flagIn(r) })),
      });
      await gate.start();
      gates.push(gate);
      const app = testApp(doc, TABLE, { writeGate: gate });
      await app.ready();
      apps.push(app);
    }
    const edge = await localLoadBalancer(apps, certificates);
    const endpoint = edge.endpoint;
    regions[name] = { name, apps, gates, instanceIds, edge, mappingUuid, healthCheckId };
    const info: RegionInfo = {
      region: name,
      role: name === PRIMARY ? "primary" : "replica",
      environment: ENV,
      writeRegionParameter: FLAG,
      tableName: TABLE,
      streamConsumer: { functionName: `trading-stream-${name}`, mappingUuid },
      apiEndpoint: endpoint,
      dns: { domainName: API_NAME, hostedZoneId, failoverRole: name === PRIMARY ? "PRIMARY" : "SECONDARY", healthCheckId },
      ...fleet,
      globalDatabase: { globalClusterIdentifier: GLOBAL_DB, clusterArn: clusterArnOf(name) },
    };
    await ssm(name).send(new PutParameterCommand({ Name: regionInfoParameterName(PROJECT, ENV), Value: JSON.stringify(info), Type: "String", Overwrite: true }));
  }

  async function putLag(source: string, receiving: string, ms: number) {
    await new CloudWatchClient(clients(source)).send(
      new PutMetricDataCommand({
        Namespace: "AWS/DynamoDB",
        MetricData: [
          {
            MetricName: "ReplicationLatency",
            Dimensions: [{ Name: "TableName", Value: TABLE }, { Name: "ReceivingRegion", Value: receiving }],
            Value: ms,
            Unit: "Milliseconds",
            Timestamp: new Date(),
          },
        ],
      }),
    );
  }

  async function state() {
    const out: Record<string, { flag: string; mapping: string; healthCheck: { disabled: boolean; inverted: boolean }; mode: WriteMode }> = {};
    for (const name of REGIONS) {
      const flag = parseWriteRegionFlag(String((await ssm(name).send(new GetParameterCommand({ Name: FLAG }))).Parameter?.Value)).writeRegion;
      const mapping = String((await lambda(name).send(new GetEventSourceMappingCommand({ UUID: regions[name].mappingUuid }))).State);
      const config = (await route53().send(new GetHealthCheckCommand({ HealthCheckId: regions[name].healthCheckId }))).HealthCheck?.HealthCheckConfig;
      out[name] = { flag, mapping, healthCheck: { disabled: config?.Disabled ?? false, inverted: config?.Inverted ?? false }, mode: modeOf(regions[name]) };
    }
    return out;
  }

  async function waitForModes(wanted: Record<string, WriteMode>) {
    for (let i = 0; i < 100; i++) {
      if (Object.entries(wanted).every(([name, mode]) => modeOf(regions[name]) === mode)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`modes not reached: ${JSON.stringify(Object.fromEntries(REGIONS.map((n) => [n, regions[n].gates.map((g) => g.mode)])))}`);
  }

  /** Samples both gates every 5 ms while `run` runs; returns the result and every sample where two regions were writing. */
  async function watchingWriters<T>(run: () => Promise<T>): Promise<{ result: T; doubleWriters: number; samples: number }> {
    let doubleWriters = 0;
    let samples = 0;
    const timer = setInterval(() => {
      samples++;
      if (REGIONS.filter((name) => modeOf(regions[name]) === "write").length > 1) doubleWriters++;
    }, 5);
    try {
      return { result: await run(), doubleWriters, samples };
    } finally {
      clearInterval(timer);
    }
  }

  const NORMAL = { disabled: false, inverted: false };
  const FORCED = { disabled: true, inverted: true };

  it("fails over to the replica and back: flags, stream consumers, DNS and the instances' modes follow, never two writers", async () => {
    const out = io();
    const { result: code, doubleWriters, samples } = await watchingWriters(() => runCli(["--env", ENV, "--to", REPLICA, ...endpointArgs(), ...FAST], out));
    expect(code, out.lines.join("\n")).to.equal(0);
    expect(samples).to.be.greaterThan(20);
    expect(doubleWriters).to.equal(0);
    expect(await state()).to.deep.equal({
      [PRIMARY]: { flag: REPLICA, mapping: "Disabled", healthCheck: FORCED, mode: "read-only" },
      [REPLICA]: { flag: REPLICA, mapping: "Enabled", healthCheck: NORMAL, mode: "write" },
    });
    const text = out.lines.join("\n");
    expect(text).to.contain("[done] check replication lag: worst 850 ms, threshold 5000 ms").and.to.not.contain("BEST EFFORT");
    expect(text).to.contain(`[done] fence ${PRIMARY}`);
    // Proved by every InService instance of the old region's group, by id, through the HTTPS edge.
    expect(text).to.contain(
      `[done] wait until ${PRIMARY} stops writing: every InService instance of trading-api-${PRIMARY} answered read-only at epoch >= 1 (${regions[PRIMARY].instanceIds.join(", ")})`,
    );
    expect(text).to.contain(`${REPLICA} is the write region of prod.`);
    // The reference database's writer moved with it, by a switchover (no data loss), after the flip.
    expect(text).to.contain(`[done] move the reference database's writer to ${REPLICA}: switchover of ${GLOBAL_DB}: writer ${clusterArnOf(PRIMARY)} -> ${clusterArnOf(REPLICA)}`);
    expect(text).to.match(/waiting for the reference database: global cluster trading-prod-refdata switching-over/);
    expect(text.indexOf("move the reference database")).to.be.greaterThan(text.indexOf(`flip ${REPLICA}'s flag`));
    expect(rdsFake.calls).to.deep.equal([`SwitchoverGlobalCluster ${clusterArnOf(REPLICA)}`]);
    expect(await writerNow()).to.deep.equal({ status: "available", writer: clusterArnOf(REPLICA) });
    // Every probe presented the API's name and a User-Agent with the project's version.
    for (const name of REGIONS) {
      expect(regions[name].edge.seen.length).to.be.greaterThan(0);
      for (const seen of regions[name].edge.seen) {
        expect(seen).to.deep.include({ servername: API_NAME, host: `${API_NAME}:${regions[name].edge.port}`, userAgent: "trading-platform-failover/0.1.0", url: "/healthz" });
      }
    }
    // The old region now refuses writes and names the new one.
    const refused = await regions[PRIMARY].apps[0].inject({ method: "POST", url: "/v1/orders", payload: orderBody() });
    expect(refused.statusCode).to.equal(503);
    expect(refused.headers[WRITE_REGION_HEADER]).to.equal(REPLICA);

    // Running it again changes nothing: every step is already so.
    const again = io();
    expect(await runCli(["--env", ENV, "--to", REPLICA, ...endpointArgs(), ...FAST], again)).to.equal(0);
    expect(again.lines.filter((l) => l.includes("[done]")).map((l) => l.split(":")[0].trim())).to.deep.equal([
      "[done] check replication lag",
      `[done] wait until ${REPLICA}'s instances report write mode`,
    ]);
    expect(again.lines.join("\n")).to.contain(`[already so] move the reference database's writer to ${REPLICA}: ${clusterArnOf(REPLICA)} is the writer of global cluster ${GLOBAL_DB}`);
    expect(rdsFake.calls).to.have.length(1);

    // Failing back is the same command.
    const back = await watchingWriters(() => runCli(["--env", ENV, "--to", PRIMARY, ...endpointArgs(), ...FAST], io()));
    expect(back.result).to.equal(0);
    expect(back.doubleWriters).to.equal(0);
    expect(await state()).to.deep.equal({
      [PRIMARY]: { flag: PRIMARY, mapping: "Enabled", healthCheck: NORMAL, mode: "write" },
      [REPLICA]: { flag: PRIMARY, mapping: "Disabled", healthCheck: NORMAL, mode: "read-only" },
    });
    expect(rdsFake.calls).to.deep.equal([`SwitchoverGlobalCluster ${clusterArnOf(REPLICA)}`, `SwitchoverGlobalCluster ${clusterArnOf(PRIMARY)}`]);
    expect((await writerNow()).writer).to.equal(clusterArnOf(PRIMARY));
  });

  it("on Fargate: plans, then proves the old region stopped writing by every running task of its ECS service (by task ARN), never two writers", async () => {
    // The primary's fleet becomes an ECS service: its gates now named by task ARNs, its region-info naming the service.
    const old = regions[PRIMARY];
    for (const gate of old.gates) gate.stop();
    await old.edge.close();
    for (const app of old.apps) await app.close();
    const info = JSON.parse(String((await ssm(PRIMARY).send(new GetParameterCommand({ Name: regionInfoParameterName(PROJECT, ENV) }))).Parameter?.Value)) as RegionInfo;
    await startInstance(PRIMARY, old.mappingUuid, old.healthCheckId, String(info.dns?.hostedZoneId), "fargate");
    await waitForModes({ [PRIMARY]: "write", [REPLICA]: "read-only" });
    const tasks = regions[PRIMARY].instanceIds;
    const service = `ECS service trading-api (cluster trading-prod-${PRIMARY}-api)`;

    const dry = io();
    expect(await runCli(["--env", ENV, "--to", REPLICA, "--dry-run", ...endpointArgs(), ...FAST], dry)).to.equal(0);
    expect(dry.lines.join("\n")).to.contain(`[would] wait until ${PRIMARY} stops writing: until every running task of ${service} answers read-only at epoch 1`);

    const out = io();
    const { result: code, doubleWriters } = await watchingWriters(() => runCli(["--env", ENV, "--to", REPLICA, ...endpointArgs(), ...FAST], out));
    expect(code, out.lines.join("\n")).to.equal(0);
    expect(doubleWriters).to.equal(0);
    expect(out.lines.join("\n")).to.contain(`[done] wait until ${PRIMARY} stops writing: every running task of ${service} answered read-only at epoch >= 1 (${tasks.join(", ")})`);
    expect((await state())[REPLICA]).to.deep.include({ flag: REPLICA, mode: "write" });
  });

  it("dry run (npm run failover): prints the state and the plan of steps and changes nothing", async function () {
    this.timeout(60_000);
    const before = await state();
    const child = spawn("npm", ["run", "--silent", "failover", "--", "--env", ENV, "--to", REPLICA, "--dry-run", ...endpointArgs()], {
      cwd: REPO_ROOT,
      // The operator's way to trust a private CA (Node's NODE_EXTRA_CA_CERTS); verification stays on.
      env: { ...process.env, AWS_REGION: "us-east-1", NODE_EXTRA_CA_CERTS: path.join(caDir, "ca.pem") },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code, stderr).to.equal(0);
    expect(stdout).to.contain("Failover of prod to eu-west-1 (dry run: nothing is changed)");
    expect(stdout).to.contain("us-east-1: flag=us-east-1 (epoch 0) [names itself], stream consumer Enabled, DNS PRIMARY (normal), instances: 2 write");
    expect(stdout).to.contain("eu-west-1 (target): flag=us-east-1 (epoch 0), stream consumer Disabled, DNS SECONDARY (normal), instances: 2 read-only");
    for (const step of [
      `[would] fence ${PRIMARY} (its flag -> ${REPLICA}): set ${PRIMARY}'s flag from ${PRIMARY} (epoch 0) to ${REPLICA} (epoch 1)`,
      `[would] stop the stream consumer in ${PRIMARY}`,
      `[would] flip ${REPLICA}'s flag: set from ${PRIMARY} (epoch 0) to ${REPLICA} (epoch 1)`,
      `[would] start the stream consumer in ${REPLICA}`,
      `[would] DNS: ${PRIMARY}'s PRIMARY health check forced unhealthy`,
      `[already so] DNS: ${REPLICA}'s SECONDARY health check normal`,
      `[would] wait until ${REPLICA}'s instances report write mode`,
      `[would] move the reference database's writer to ${REPLICA}: SwitchoverGlobalCluster (planned: the secondaries are synchronised first, RPO 0; minutes): ${GLOBAL_DB}'s writer ${clusterArnOf(PRIMARY)} -> ${clusterArnOf(REPLICA)}`,
    ]) {
      expect(stdout).to.contain(step);
    }
    expect(stdout).to.contain("Dry run: 9 step(s) planned, nothing changed");
    expect(rdsFake.calls).to.deep.equal([]);
    expect((await writerNow()).writer).to.equal(clusterArnOf(PRIMARY));
    expect(stdout + stderr).to.not.match(/re-run/i);
    expect(await state()).to.deep.equal(before);
  });

  it("a run that stops before changing anything says so and never says re-run to resume; a dry run never does", async () => {
    // The target's flag is gone (a region half deployed): reading the state stops both runs.
    await ssm(REPLICA).send(new DeleteParameterCommand({ Name: FLAG }));
    const missing = `ssm:GetParameter in ${REPLICA}: parameter ${FLAG} does not exist`;
    const dry = io();
    expect(await runCli(["--env", ENV, "--to", REPLICA, "--dry-run", ...endpointArgs(), ...FAST], dry)).to.equal(1);
    expect(dry.lines.join("\n")).to.contain(`Dry run stopped (it changes nothing): ${missing}`).and.to.not.match(/re-run/i);
    const real = io();
    expect(await runCli(["--env", ENV, "--to", REPLICA, ...endpointArgs(), ...FAST], real)).to.equal(1);
    expect(real.lines.join("\n")).to.contain(`Stopped before changing anything: ${missing}`).and.to.not.match(/re-run/i);
    const primaryFlag = await ssm(PRIMARY).send(new GetParameterCommand({ Name: FLAG }));
    expect(parseWriteRegionFlag(String(primaryFlag.Parameter?.Value))).to.deep.equal({ writeRegion: PRIMARY, epoch: 0 });
  });

  it("an interrupted run (the command dies after the flip) leaves one writer, and the same command finishes it", async () => {
    // The first run loses its connection when it comes to start the target's stream consumer.
    const interrupted = (options: Parameters<typeof awsCloud>[0]): FailoverCloud => {
      const cloud = awsCloud(options);
      return {
        ...cloud,
        async setMappingEnabled(region, uuid, enabled) {
          if (enabled) throw new Error("the operator's laptop lost its connection");
          return cloud.setMappingEnabled(region, uuid, enabled);
        },
      };
    };
    const first = io();
    expect(await runCli(["--env", ENV, "--to", REPLICA, ...endpointArgs(), ...FAST], { ...first, cloud: interrupted })).to.equal(1);
    // This run had changed things (both flags) when it stopped: re-running is what finishes it.
    expect(first.lines.join("\n")).to.contain("Failed: the operator's laptop lost its connection\nNothing after the last step shown was done: re-run to resume.");
    await waitForModes({ [PRIMARY]: "read-only", [REPLICA]: "write" });
    const halfway = await state();
    expect(halfway[PRIMARY]).to.deep.include({ flag: REPLICA, mapping: "Disabled" });
    expect(halfway[REPLICA]).to.deep.include({ flag: REPLICA, mapping: "Disabled", mode: "write" });

    const resumed = io();
    expect(await runCli(["--env", ENV, "--to", REPLICA, ...endpointArgs(), ...FAST], resumed)).to.equal(0);
    const text = resumed.lines.join("\n");
    expect(text).to.contain(`[already so] fence ${PRIMARY}`);
    expect(text).to.contain(`[already so] flip ${REPLICA}'s flag`);
    expect(text).to.contain(`[done] start the stream consumer in ${REPLICA}`);
    expect(text).to.contain(`[done] DNS: ${PRIMARY}'s PRIMARY health check forced unhealthy`);
    expect((await state())[REPLICA]).to.deep.include({ mapping: "Enabled", mode: "write" });
  });

  it("killed while the reference database switches over: the same command waits for that switchover, asks for no second one, and a re-run after changes nothing", async () => {
    let switchoverAsked = false;
    const dying = (options: Parameters<typeof awsCloud>[0]): FailoverCloud => {
      const cloud = awsCloud(options);
      return {
        ...cloud,
        async switchoverGlobalDatabase(region, identifier, target) {
          await cloud.switchoverGlobalDatabase(region, identifier, target);
          switchoverAsked = true;
        },
        async describeGlobalDatabase(region, identifier) {
          if (switchoverAsked) throw new Error("the operator's laptop lost its connection");
          return cloud.describeGlobalDatabase(region, identifier);
        },
      };
    };
    // Long enough that the re-run, which first finds every earlier step done, still meets the
    // switchover running on a loaded machine (the suite's default of 600 ms was sometimes over by then).
    rdsFake.setDurations({ switchoverMs: 4000 });
    const first = io();
    expect(await runCli(["--env", ENV, "--to", REPLICA, ...endpointArgs(), ...FAST], { ...first, cloud: dying })).to.equal(1);
    expect(first.lines.join("\n")).to.contain("re-run to resume");
    expect(await writerNow()).to.deep.include({ status: "switching-over" });
    const resumed = io();
    expect(await runCli(["--env", ENV, "--to", REPLICA, ...endpointArgs(), ...FAST], resumed)).to.equal(0);
    expect(resumed.lines.join("\n")).to.contain(`[done] move the reference database's writer to ${REPLICA}: the operation in progress (global cluster ${GLOBAL_DB} switching-over`);
    expect(rdsFake.calls).to.deep.equal([`SwitchoverGlobalCluster ${clusterArnOf(REPLICA)}`]);
    expect(await writerNow()).to.deep.equal({ status: "available", writer: clusterArnOf(REPLICA) });
    const again = io();
    expect(await runCli(["--env", ENV, "--to", REPLICA, ...endpointArgs(), ...FAST], again)).to.equal(0);
    expect(again.lines.join("\n")).to.contain(`[already so] move the reference database's writer to ${REPLICA}`);
    expect(rdsFake.calls).to.have.length(1);
  });

  it("without a global database in the region-info parameter (dev's one regional cluster) the step is skipped and said so", async () => {
    const name = regionInfoParameterName(PROJECT, ENV);
    for (const region of REGIONS) {
      const info = JSON.parse(String((await ssm(region).send(new GetParameterCommand({ Name: name }))).Parameter?.Value)) as RegionInfo;
      delete info.globalDatabase;
      await ssm(region).send(new PutParameterCommand({ Name: name, Value: JSON.stringify(info), Type: "String", Overwrite: true }));
    }
    const out = io();
    expect(await runCli(["--env", ENV, "--to", REPLICA, ...endpointArgs(), ...FAST], out)).to.equal(0);
    expect(out.lines.join("\n")).to.contain(`[n/a] move the reference database's writer to ${REPLICA}: no Aurora global database in this environment`);
    expect(rdsFake.calls).to.deep.equal([]);
  });

  it("old region unreachable: refused without --force (lag unknown); with it, fences best effort, says so, and waits out the fence bound", async () => {
    const closed = `http://127.0.0.1:${await freeLoopbackPort()}`;
    // The region is down: the command cannot reach it, and its instances cannot read their flag.
    down.add(PRIMARY);
    rdsFake.regionsDown.add(PRIMARY);
    const unreachable = ["--endpoint-url", rdsFake.endpoint, "--region-endpoint", `${PRIMARY}=${closed}`];
    const refused = io();
    expect(await runCli(["--env", ENV, "--to", REPLICA, ...unreachable, ...FAST], refused)).to.equal(1);
    expect(refused.lines.join("\n")).to.contain(`Refused: ${PRIMARY} unreachable: its ReplicationLatency to ${REPLICA} is unknown`);
    expect((await state())[REPLICA]).to.deep.include({ flag: PRIMARY, mapping: "Disabled" });

    const forced = io();
    const { result: code, doubleWriters } = await watchingWriters(() => runCli(["--env", ENV, "--to", REPLICA, "--force", ...unreachable, ...FAST], forced));
    expect(code, forced.lines.join("\n")).to.equal(0);
    expect(doubleWriters).to.equal(0);
    const text = forced.lines.join("\n");
    expect(text).to.match(new RegExp(`${PRIMARY}: UNREACHABLE`));
    expect(text).to.contain(`[BEST EFFORT] fence ${PRIMARY} (its flag -> ${REPLICA}): could not write ${PRIMARY}'s flag`);
    expect(text).to.contain(`[BEST EFFORT] stop the stream consumer in ${PRIMARY}`);
    expect(text).to.contain("step(s) were best effort: re-run this command when every region answers");
    // Its primary cluster cannot be synchronised: a failover with data loss, asked in the target region.
    expect(text).to.contain(`[done] move the reference database's writer to ${REPLICA}: failover of ${GLOBAL_DB}: writer ${clusterArnOf(PRIMARY)} -> ${clusterArnOf(REPLICA)}`);
    expect(text).to.contain("(data loss allowed: what had not replicated from the old writer is lost)");
    expect(rdsFake.calls).to.deep.equal([`FailoverGlobalCluster ${clusterArnOf(REPLICA)} AllowDataLoss`]);
    const after = await state();
    expect(after[REPLICA]).to.deep.include({ flag: REPLICA, mapping: "Enabled", mode: "write" });
    // Unchanged in the unreachable region (the command could not get there); its instances fenced themselves.
    expect(after[PRIMARY]).to.deep.include({ flag: PRIMARY, mapping: "Enabled", mode: "fenced", healthCheck: FORCED });

    // The region comes back: the same command now fences it and stops its consumer.
    down.delete(PRIMARY);
    const healed = io();
    expect(await runCli(["--env", ENV, "--to", REPLICA, ...endpointArgs(), ...FAST], healed)).to.equal(0);
    expect(healed.lines.join("\n")).to.contain(`[done] fence ${PRIMARY}`);
    expect(healed.lines.join("\n")).to.contain(`[already so] move the reference database's writer to ${REPLICA}`);
    expect(rdsFake.calls).to.have.length(1);
    await waitForModes({ [PRIMARY]: "read-only" });
    expect((await state())[PRIMARY]).to.deep.include({ flag: REPLICA, mapping: "Disabled", mode: "read-only" });
  });

  it("refuses while the replication lag into the target is above the threshold, and goes on with --force", async () => {
    await putLag(PRIMARY, REPLICA, 1200);
    const refused = io();
    expect(await runCli(["--env", ENV, "--to", REPLICA, "--max-lag-seconds", "1", ...endpointArgs(), ...FAST], refused), refused.lines.join("\n")).to.equal(1);
    expect(refused.lines.join("\n")).to.contain(`Refused: ${PRIMARY} -> ${REPLICA} ReplicationLatency is 1200 ms, above 1000 ms`);
    expect(refused.lines.join("\n")).to.contain("Re-run with --force to accept that.");
    expect((await state())[PRIMARY]).to.deep.include({ flag: PRIMARY, mapping: "Enabled", mode: "write" });
    const forced = io();
    expect(await runCli(["--env", ENV, "--to", REPLICA, "--max-lag-seconds", "1", "--force", ...endpointArgs(), ...FAST], forced)).to.equal(0);
    const text = forced.lines.join("\n");
    expect(text).to.contain("[done] check replication lag: forced past: us-east-1 -> eu-west-1 ReplicationLatency is 1200 ms");
    // The drain waits for the worst lag observed before the target's flag flips.
    expect(text).to.contain("[done] wait for replication into the target: waited 1300 ms (worst lag 1200 ms + 100 ms)");
    // --force past the lag is no reason to lose reference data: the old writer answers, so a switchover.
    expect(text).to.contain(`--force: ${PRIMARY} answers, so the reference database is switched over (no data loss), not failed over`);
    expect(rdsFake.calls).to.deep.equal([`SwitchoverGlobalCluster ${clusterArnOf(REPLICA)}`]);
    expect((await state())[REPLICA]).to.deep.include({ flag: REPLICA, mode: "write" });
  });

  it("warns before starting a target consumer whose age limit is below the stream's retention (its on-failure queue would get the older records)", async () => {
    await lambda(REPLICA).send(new UpdateEventSourceMappingCommand({ UUID: regions[REPLICA].mappingUuid, MaximumRecordAgeInSeconds: 3600 }));
    const out = io();
    expect(await runCli(["--env", ENV, "--to", REPLICA, "--dry-run", ...endpointArgs(), ...FAST], out)).to.equal(0);
    expect(out.lines.join("\n")).to.contain(
      `WARNING: ${REPLICA}'s stream mapping discards records older than 3600 s (MaximumRecordAgeInSeconds) but reads its stream from up to 86400 s back`,
    );
    // At the stream's retention nothing is said.
    await lambda(REPLICA).send(new UpdateEventSourceMappingCommand({ UUID: regions[REPLICA].mappingUuid, MaximumRecordAgeInSeconds: 86_400 }));
    const quiet = io();
    expect(await runCli(["--env", ENV, "--to", REPLICA, "--dry-run", ...endpointArgs(), ...FAST], quiet)).to.equal(0);
    expect(quiet.lines.join("\n")).to.not.contain("WARNING");
  });

  it("takes the environment's regions from the stack files", async () => {
    expect(environmentRegions(REPO_ROOT, PROJECT, "prod")).to.deep.equal([PRIMARY, REPLICA]);
    expect(environmentRegions(REPO_ROOT, PROJECT, "dev")).to.deep.equal([PRIMARY]);
    const out = io();
    expect(await runCli(["--env", "dev", "--to", PRIMARY], out)).to.equal(1);
    expect(out.lines.join("\n")).to.contain("environment dev has 1 region(s) (us-east-1); a failover needs two");
  });
});
