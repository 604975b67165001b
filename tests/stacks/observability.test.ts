/**
 * Observability in the three real stack files, under the mock cloud: every alarm the issue asks
 * for exists with the documented namespace, metric and statistic, its dimensions resolve to the
 * identifiers of the real resource (through property dependencies, and to the resource's own output
 * values after an update), its threshold follows the stack config, and it notifies the stack's
 * topic on ALARM and OK; the composite alarm names existing alarms; the dashboard parses and shows
 * only resources of the stack; the topic is KMS-encrypted with a key CloudWatch and EventBridge may
 * use; an instance refresh that fails or is cancelled reaches the topic.
 */
import { expect } from "chai";
import { catalogProblem } from "../../components/observability/metricCatalog";
import { metricLineOptions, parseMetricLine } from "../../components/observability/dashboard";
import { DYNAMODB_OPERATIONS } from "../../components/observability/alarmPlan";
import { PolicyDocument } from "../../components/observability/notificationPolicies";
import { parseStackConfig, StackConfig } from "../../stacks/config";
import { isStreamProcessor, RecordedResource, runStackFile, stackConfig, StackRun } from "../support/mockCloud";
import { deployedStackRun } from "../support/stackRuns";

const T = {
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  composite: "aws:cloudwatch/compositeAlarm:CompositeAlarm",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  rule: "aws:cloudwatch/eventRule:EventRule",
  target: "aws:cloudwatch/eventTarget:EventTarget",
  topic: "aws:sns/topic:Topic",
  topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
  key: "aws:kms/key:Key",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  tg: "aws:lb/targetGroup:TargetGroup",
  asg: "aws:autoscaling/group:Group",
  subnet: "aws:ec2/subnet:Subnet",
  nat: "aws:ec2/natGateway:NatGateway",
  table: "aws:dynamodb/table:Table",
  tableReplica: "aws:dynamodb/tableReplica:TableReplica",
  dax: "aws:dax/cluster:Cluster",
  rdsCluster: "aws:rds/cluster:Cluster",
  rdsInstance: "aws:rds/clusterInstance:ClusterInstance",
  cache: "aws:elasticache/replicationGroup:ReplicationGroup",
  lambda: "aws:lambda/function:Function",
  queue: "aws:sqs/queue:Queue",
} as const;

const GSI = "open-orders-by-symbol";
const MIB = 1024 * 1024;

interface MetricSpec {
  namespace: string;
  metricName: string;
  stat: string;
  dimensions: Record<string, unknown>;
  period: number;
}

/** The metric(s) an alarm reads: its own, or the inputs of its metric math. */
function metricsOfAlarm(alarm: RecordedResource): MetricSpec[] {
  const queries = alarm.inputs.metricQueries as { metric?: { namespace: string; metricName: string; stat: string; dimensions: Record<string, unknown>; period: number } }[] | undefined;
  if (queries) {
    return queries.flatMap((q) => (q.metric ? [q.metric] : []));
  }
  const i = alarm.inputs;
  return [
    {
      namespace: String(i.namespace),
      metricName: String(i.metricName),
      stat: String(i.statistic ?? i.extendedStatistic),
      dimensions: i.dimensions as Record<string, unknown>,
      period: Number(i.period),
    },
  ];
}

/** The property holding the alarm's dimensions (metric math keeps them in metricQueries). */
function dimensionProperty(alarm: RecordedResource): string {
  return alarm.inputs.metricQueries ? "metricQueries" : "dimensions";
}

function alarmId(run: StackRun, alarm: RecordedResource): string {
  return String(alarm.inputs.name).slice(`trading-${run.stack}-`.length);
}

function alarmsById(run: StackRun): Map<string, RecordedResource> {
  return new Map(run.ofType(T.alarm).map((a) => [alarmId(run, a), a]));
}

function configOf(stack: string, overrides: Record<string, unknown> = {}): StackConfig {
  return parseStackConfig(stack, stackConfig(stack, overrides));
}

/** The ids the list implies for a stack's configuration, derived here independently of the plan. */
function expectedAlarmIds(cfg: StackConfig, receivingRegions: string[]): string[] {
  const azs = cfg.azIds;
  const nats = cfg.natGatewayMode === "single" ? azs.slice(0, 1) : azs;
  const scopes = ["table", GSI];
  return [
    "alb-target-5xx-rate",
    "alb-elb-5xx",
    "alb-p99-latency",
    ...azs.map((az) => `alb-healthy-hosts-${az}`),
    ...nats.flatMap((az) => [`nat-port-allocation-${az}`, `nat-packets-dropped-${az}`]),
    "asg-in-service",
    "api-reject-rate",
    "api-p99-latency",
    ...scopes.flatMap((s) => ["read", "write"].map((d) => `dynamodb-${s}-${d}-throttles`)),
    ...scopes.flatMap((s) => ["read", "write"].map((d) => `dynamodb-${s}-${d}-capacity`)),
    ...receivingRegions.map((r) => `dynamodb-replication-${r}`),
    "dynamodb-system-errors",
    "dax-cpu",
    "dax-faults",
    "dax-evictions",
    "aurora-replica-lag",
    "aurora-deadlocks",
    // AWS publishes the global database's RPO lag for a secondary cluster only: a replica stack's.
    ...(cfg.role === "replica" && cfg.dataGlobalDatabase ? ["aurora-global-rpo-lag"] : []),
    ...Array.from({ length: cfg.dataDbInstanceCount }, (_, i) => [`aurora-${i}-cpu`, `aurora-${i}-freeable-memory`]).flat(),
    ...Array.from({ length: cfg.dataCacheNodeCount }, (_, i) => `00${i + 1}`).flatMap((n) => ["engine-cpu", "memory", "replication-lag", "connections"].map((m) => `cache-${n}-${m}`)),
    // Both roles run a stream processor (the replica's is enabled only after a failover).
    "stream-errors",
    "stream-iterator-age",
    "stream-dlq-not-empty",
  ];
}

const MEMORY_GIB: Record<string, number> = { "db.t4g.medium": 4, "db.r7g.large": 16 };

/** The threshold each alarm must have for `cfg`, in CloudWatch's unit for its metric. */
function expectedThreshold(id: string, cfg: StackConfig): number {
  const perAz = cfg.alarmMinHealthyHostsPerAz ?? Math.max(1, Math.floor(cfg.clusterMinSize / cfg.azIds.length));
  const maxOf = (scope: string, d: string) => {
    const key = `dynamo${scope === "table" ? "" : "Index"}${d === "read" ? "Read" : "Write"}MaxCapacity` as keyof StackConfig;
    // A replica's write scaling is its primary's.
    const source = d === "write" && cfg.role === "replica" ? configOf("prod-us-east-1") : cfg;
    return Number(source[key]);
  };
  const rules: [RegExp, (m: RegExpExecArray) => number][] = [
    [/^alb-target-5xx-rate$/, () => cfg.alarmAlbTarget5xxPercent],
    [/^alb-elb-5xx$/, () => cfg.alarmAlbElb5xxPerMinute],
    [/^alb-p99-latency$/, () => cfg.alarmAlbP99LatencyMs / 1000],
    [/^alb-healthy-hosts-/, () => perAz],
    [/^nat-port-allocation-/, () => cfg.alarmNatPortAllocationErrors],
    [/^nat-packets-dropped-/, () => cfg.alarmNatPacketsDroppedPerMinute],
    [/^asg-in-service$/, () => cfg.clusterMinSize],
    [/^api-reject-rate$/, () => cfg.alarmApiRejectPercent],
    [/^api-p99-latency$/, () => cfg.alarmApiP99LatencyMs],
    [/^dynamodb-.*-throttles$/, () => cfg.alarmDynamoThrottleEventsPerMinute],
    [/^dynamodb-(table|open-orders-by-symbol)-(read|write)-capacity$/, (m) => Math.round((cfg.alarmDynamoCapacityPercentOfMax / 100) * maxOf(m[1], m[2]) * 60)],
    [/^dynamodb-replication-/, () => cfg.alarmDynamoReplicationLatencyMs],
    [/^dynamodb-system-errors$/, () => cfg.alarmDynamoSystemErrorsPerMinute],
    [/^dax-cpu$/, () => cfg.alarmDaxCpuPercent],
    [/^dax-faults$/, () => cfg.alarmDaxFaultsPerMinute],
    [/^dax-evictions$/, () => cfg.alarmDaxEvictedMiBPer5Minutes * MIB],
    [/^aurora-replica-lag$/, () => cfg.alarmAuroraReplicaLagMs],
    [/^aurora-deadlocks$/, () => cfg.alarmAuroraDeadlocksPerMinute / 60],
    [/^aurora-global-rpo-lag$/, () => cfg.alarmAuroraGlobalRpoLagMs],
    [/^aurora-\d+-cpu$/, () => cfg.alarmAuroraCpuPercent],
    [/^aurora-\d+-freeable-memory$/, () => Math.round((cfg.alarmAuroraFreeableMemoryPercent / 100) * MEMORY_GIB[cfg.dataDbInstanceClass] * 1024 ** 3)],
    [/^cache-\d+-engine-cpu$/, () => cfg.alarmCacheEngineCpuPercent],
    [/^cache-\d+-memory$/, () => cfg.alarmCacheMemoryPercent],
    [/^cache-\d+-replication-lag$/, () => cfg.alarmCacheReplicationLagMs / 1000],
    [/^cache-\d+-connections$/, () => cfg.alarmCacheConnections],
    [/^stream-errors$/, () => cfg.alarmStreamErrorsPerMinute],
    [/^stream-iterator-age$/, () => cfg.alarmStreamIteratorAgeSeconds * 1000],
    [/^stream-dlq-not-empty$/, () => cfg.alarmStreamDlqMessages],
  ];
  for (const [pattern, value] of rules) {
    const m = pattern.exec(id);
    if (m) return value(m);
  }
  throw new Error(`no expected threshold for alarm ${id}`);
}

/** The metric, statistic and the resource each dimension must name, per alarm id. */
interface Expectation {
  namespace: string;
  metrics: string[];
  stat: string;
  /** Dimension name → [resource, its output the value must equal] or a fixed value. */
  dimensions: Record<string, [RecordedResource, (r: RecordedResource) => unknown] | string>;
  /** A dimension whose fixed value differs per metric, in the order of `metrics` (SystemErrors' Operation). */
  perMetric?: { name: string; values: readonly string[] };
}

function expectationFor(run: StackRun, id: string): Expectation {
  const lb = run.single(T.lb);
  const tg = run.single(T.tg);
  const out = (key: string) => (r: RecordedResource) => r.outputs[key];
  const lbTg = { LoadBalancer: [lb, out("arnSuffix")], TargetGroup: [tg, out("arnSuffix")] } as Expectation["dimensions"];
  const replica = run.ofType(T.tableReplica)[0];
  const table: Expectation["dimensions"] = replica
    ? { TableName: [replica, () => String(replica.inputs.globalTableArn).split(":table/")[1]] }
    : { TableName: [run.single(T.table), out("name")] };
  const dax = { ClusterId: [run.single(T.dax), out("clusterName")] } as Expectation["dimensions"];
  const m = /^(alb-healthy-hosts|nat-port-allocation|nat-packets-dropped)-(.+)$/.exec(id);
  if (m && m[1] === "alb-healthy-hosts") {
    return {
      namespace: "AWS/ApplicationELB",
      metrics: ["HealthyHostCount"],
      stat: "Minimum",
      dimensions: { ...lbTg, AvailabilityZone: [run.byName(`trading-public-${m[2]}`), out("availabilityZone")] },
    };
  }
  if (m) {
    const nat = run.byName(`trading-nat-${m[2]}`);
    return { namespace: "AWS/NATGateway", metrics: [m[1] === "nat-port-allocation" ? "ErrorPortAllocation" : "PacketsDropCount"], stat: "Sum", dimensions: { NatGatewayId: [nat, (r) => r.id] } };
  }
  const scope = /^dynamodb-(table|open-orders-by-symbol)-(read|write)-(throttles|capacity)$/.exec(id);
  if (scope) {
    const Dim = scope[2] === "read" ? "Read" : "Write";
    return {
      namespace: "AWS/DynamoDB",
      metrics: [scope[3] === "throttles" ? `${Dim}ThrottleEvents` : `Consumed${Dim}CapacityUnits`],
      stat: "Sum",
      dimensions: scope[1] === "table" ? table : { ...table, GlobalSecondaryIndexName: GSI },
    };
  }
  const replication = /^dynamodb-replication-(.+)$/.exec(id);
  if (replication) {
    return { namespace: "AWS/DynamoDB", metrics: ["ReplicationLatency"], stat: "Average", dimensions: { ...table, ReceivingRegion: replication[1] } };
  }
  const aurora = /^aurora-(\d+)-(cpu|freeable-memory)$/.exec(id);
  if (aurora) {
    const instance = run.byName(`trading-db-${aurora[1]}`);
    return {
      namespace: "AWS/RDS",
      metrics: [aurora[2] === "cpu" ? "CPUUtilization" : "FreeableMemory"],
      stat: aurora[2] === "cpu" ? "Average" : "Minimum",
      dimensions: { DBInstanceIdentifier: [instance, out("identifier")] },
    };
  }
  const cache = /^cache-(\d+)-(engine-cpu|memory|replication-lag|connections)$/.exec(id);
  if (cache) {
    const group = run.single(T.cache);
    const index = Number(cache[1]) - 1;
    const metric = { "engine-cpu": "EngineCPUUtilization", memory: "DatabaseMemoryUsagePercentage", "replication-lag": "ReplicationLag", connections: "CurrConnections" }[cache[2]] as string;
    return {
      namespace: "AWS/ElastiCache",
      metrics: [metric],
      stat: cache[2] === "engine-cpu" ? "Average" : "Maximum",
      dimensions: { CacheClusterId: [group, (r) => [...(r.outputs.memberClusters as string[])].sort()[index]] },
    };
  }
  const cluster = { DBClusterIdentifier: [run.single(T.rdsCluster), out("clusterIdentifier")] } as Expectation["dimensions"];
  const fn = () => ({ FunctionName: [run.single(T.lambda, isStreamProcessor), out("name")] }) as Expectation["dimensions"];
  const service = { Table: table.TableName };
  const fixed: Record<string, () => Expectation> = {
    "alb-target-5xx-rate": () => ({ namespace: "AWS/ApplicationELB", metrics: ["RequestCount", "HTTPCode_Target_5XX_Count"], stat: "Sum", dimensions: lbTg }),
    "alb-elb-5xx": () => ({ namespace: "AWS/ApplicationELB", metrics: ["HTTPCode_ELB_5XX_Count"], stat: "Sum", dimensions: { LoadBalancer: lbTg.LoadBalancer } }),
    "alb-p99-latency": () => ({ namespace: "AWS/ApplicationELB", metrics: ["TargetResponseTime"], stat: "p99", dimensions: lbTg }),
    "asg-in-service": () => ({ namespace: "AWS/AutoScaling", metrics: ["GroupInServiceInstances"], stat: "Minimum", dimensions: { AutoScalingGroupName: [run.single(T.asg), out("name")] } }),
    "api-reject-rate": () => ({ namespace: "Trading/Api", metrics: ["OrdersAccepted", "OrdersRejected"], stat: "Sum", dimensions: service }),
    "api-p99-latency": () => ({ namespace: "Trading/Api", metrics: ["Latency"], stat: "p99", dimensions: service }),
    // Per operation: DynamoDB publishes SystemErrors with TableName and Operation only.
    "dynamodb-system-errors": () => ({
      namespace: "AWS/DynamoDB",
      metrics: DYNAMODB_OPERATIONS.map(() => "SystemErrors"),
      stat: "Sum",
      dimensions: table,
      perMetric: { name: "Operation", values: DYNAMODB_OPERATIONS },
    }),
    "dax-cpu": () => ({ namespace: "AWS/DAX", metrics: ["CPUUtilization"], stat: "Maximum", dimensions: dax }),
    "dax-faults": () => ({ namespace: "AWS/DAX", metrics: ["FaultRequestCount"], stat: "Sum", dimensions: dax }),
    "dax-evictions": () => ({ namespace: "AWS/DAX", metrics: ["EvictedSize"], stat: "Sum", dimensions: dax }),
    "aurora-replica-lag": () => ({ namespace: "AWS/RDS", metrics: ["AuroraReplicaLagMaximum"], stat: "Maximum", dimensions: cluster }),
    // The writer's deadlocks, not diluted by the readers' zeros.
    "aurora-deadlocks": () => ({ namespace: "AWS/RDS", metrics: ["Deadlocks"], stat: "Maximum", dimensions: { ...cluster, Role: "WRITER" } }),
    "aurora-global-rpo-lag": () => ({ namespace: "AWS/RDS", metrics: ["AuroraGlobalDBRPOLag"], stat: "Maximum", dimensions: cluster }),
    "stream-errors": () => ({ namespace: "AWS/Lambda", metrics: ["Errors"], stat: "Sum", dimensions: fn() }),
    "stream-iterator-age": () => ({ namespace: "AWS/Lambda", metrics: ["IteratorAge"], stat: "Maximum", dimensions: fn() }),
    "stream-dlq-not-empty": () => ({ namespace: "AWS/SQS", metrics: ["ApproximateNumberOfMessagesVisible"], stat: "Maximum", dimensions: { QueueName: [run.single(T.queue), out("name")] } }),
  };
  const make = fixed[id];
  if (!make) throw new Error(`no expectation for alarm ${id}`);
  return make();
}

/** The stack's alarm topic (created) and what every action must equal. */
function topicOf(run: StackRun): RecordedResource {
  return run.single(T.topic);
}

const runs: Record<string, StackRun> = {};
const receiving: Record<string, string[]> = { dev: [], "prod-us-east-1": ["eu-west-1"], "prod-eu-west-1": ["us-east-1"] };

describe("Observability in the real stack files", function () {
  this.timeout(180_000);

  before(async () => {
    runs.dev = await deployedStackRun("dev");
    runs["prod-us-east-1"] = await deployedStackRun("prod-us-east-1");
    runs["prod-eu-west-1"] = await deployedStackRun("prod-eu-west-1");
    runs["prod-us-east-1 preview"] = await runStackFile("prod-us-east-1", { preview: true });
  });

  for (const stack of ["dev", "prod-us-east-1", "prod-eu-west-1"]) {
    describe(stack, () => {
      it("has every alarm of the issue's list for this stack's shape, and no other", () => {
        const ids = [...alarmsById(runs[stack]).keys()];
        expect([...ids].sort()).to.deep.equal(expectedAlarmIds(configOf(stack), receiving[stack]).sort());
      });

      it("watches each resource on its documented metric, statistic and dimensions, resolved through property dependencies to the resource's own identifiers", () => {
        const run = runs[stack];
        for (const [id, alarm] of alarmsById(run)) {
          const want = expectationFor(run, id);
          const metrics = metricsOfAlarm(alarm);
          expect(metrics.map((m) => m.metricName), id).to.deep.equal(want.metrics);
          const deps = run.propertyDependencies(alarm, dimensionProperty(alarm)).map((r) => r.urn);
          for (const [index, metric] of metrics.entries()) {
            expect(metric.namespace, id).to.equal(want.namespace);
            expect(metric.stat, id).to.equal(want.stat);
            const perMetric = want.perMetric;
            expect(Object.keys(metric.dimensions).sort(), id).to.deep.equal([...Object.keys(want.dimensions), ...(perMetric ? [perMetric.name] : [])].sort());
            if (perMetric) expect(metric.dimensions[perMetric.name], `${id} ${perMetric.name}`).to.equal(perMetric.values[index]);
            for (const [name, expected] of Object.entries(want.dimensions)) {
              if (typeof expected === "string") {
                expect(metric.dimensions[name], `${id} ${name}`).to.equal(expected);
                continue;
              }
              const [resource, valueOf] = expected;
              expect(deps, `${id}: ${name} comes from ${resource.name}`).to.include(resource.urn);
              expect(valueOf(resource), `${id}: ${resource.name} has a value for ${name}`).to.be.a("string").and.not.equal("");
              expect(metric.dimensions[name], `${id} ${name}`).to.equal(valueOf(resource));
            }
          }
        }
      });

      it("uses only metrics, dimension sets and statistics AWS documents (metric catalog), and names no unit", () => {
        for (const alarm of runs[stack].ofType(T.alarm)) {
          for (const m of metricsOfAlarm(alarm)) {
            expect(catalogProblem(m.namespace, m.metricName, Object.keys(m.dimensions), m.stat), alarm.name).to.equal(undefined);
          }
          // CloudWatch API Reference, PutMetricAlarm, Unit: with a unit not appropriate for the
          // metric "the CloudWatch alarm can get stuck in the INSUFFICIENT DATA state"; none is set.
          expect(alarm.inputs, alarm.name).to.not.have.property("unit");
          for (const q of (alarm.inputs.metricQueries as { metric?: Record<string, unknown> }[] | undefined) ?? []) {
            expect(q.metric ?? {}, alarm.name).to.not.have.property("unit");
          }
        }
      });

      it("takes every threshold from the stack config", () => {
        const cfg = configOf(stack);
        for (const [id, alarm] of alarmsById(runs[stack])) {
          expect(alarm.inputs.threshold, id).to.equal(expectedThreshold(id, cfg));
        }
      });

      it("publishes in its outputs the topic its alarms notify, its alarms, its composite alarm and its dashboard (contract 1.2.0)", () => {
        const run = runs[stack];
        const published = run.outputs.observability as Record<string, unknown>;
        expect(published.alarmTopicArn).to.equal(topicOf(run).outputs.arn);
        expect(published.alarmNames).to.have.members(run.ofType(T.alarm).map((a) => a.inputs.name ?? a.outputs.name));
        expect(published.degradedAlarmName).to.equal(run.single(T.composite).outputs.alarmName);
        expect(published.dashboardName).to.equal(run.single(T.dashboard).outputs.dashboardName);
        expect(published.serviceMetricsNamespace).to.equal("Trading/Api");
      });

      it("notifies the stack's KMS-encrypted topic on both ALARM and OK, every alarm", () => {
        const run = runs[stack];
        const topic = topicOf(run);
        for (const alarm of [...run.ofType(T.alarm), run.single(T.composite)]) {
          for (const property of ["alarmActions", "okActions"]) {
            expect(alarm.inputs[property], `${alarm.name} ${property}`).to.deep.equal([topic.outputs.arn]);
            expect(run.propertyDependencies(alarm, property).map((r) => r.urn), `${alarm.name} ${property}`).to.deep.equal([topic.urn]);
          }
          expect(alarm.inputs.actionsEnabled, alarm.name).to.equal(true);
        }
        const key = run.propertyDependencies(topic, "kmsMasterKeyId");
        expect(key.map((k) => k.type)).to.deep.equal([T.key]);
        expect(key[0].inputs.enableKeyRotation).to.equal(true);
      });

      it("lets CloudWatch alarms and EventBridge use the topic's key, and this account's alarms and the stack's rule publish", () => {
        const run = runs[stack];
        const topic = topicOf(run);
        const [key] = run.propertyDependencies(topic, "kmsMasterKeyId");
        const keyPolicy = JSON.parse(String(key.inputs.policy)) as PolicyDocument;
        for (const service of ["cloudwatch.amazonaws.com", "events.amazonaws.com"]) {
          const grant = keyPolicy.Statement.find((s) => s.Effect === "Allow" && JSON.stringify(s.Principal) === JSON.stringify({ Service: service }));
          expect(grant?.Action, service).to.have.members(["kms:GenerateDataKey*", "kms:Decrypt"]);
        }
        const rule = run.single(T.rule);
        const topicPolicy = run.single(T.topicPolicy);
        expect(run.propertyDependencies(topicPolicy, "arn").map((r) => r.urn)).to.deep.equal([topic.urn]);
        const policy = JSON.parse(String(topicPolicy.inputs.policy)) as PolicyDocument;
        const events = policy.Statement.find((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: "events.amazonaws.com" }));
        expect(events?.Condition).to.deep.equal({ ArnEquals: { "aws:SourceArn": [rule.outputs.arn] } });
        const alarms = policy.Statement.find((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: "cloudwatch.amazonaws.com" }));
        expect(alarms?.Action).to.equal("sns:Publish");
        expect(alarms?.Condition?.StringEquals).to.deep.equal({ "aws:SourceAccount": "123456789012" });
      });

      it("subscribes the configured addresses", () => {
        const run = runs[stack];
        const subscriptions = run.ofType(T.subscription);
        expect(subscriptions.map((s) => [s.inputs.protocol, s.inputs.endpoint])).to.deep.equal(
          configOf(stack).alarmEmailAddresses.map((address) => ["email", address]),
        );
        for (const s of subscriptions) expect(run.propertyDependencies(s, "topic").map((r) => r.urn)).to.deep.equal([topicOf(run).urn]);
      });

      it("sends instance refresh failures and cancellations of this fleet's group to the topic", () => {
        const run = runs[stack];
        const rule = run.single(T.rule);
        const asg = run.single(T.asg);
        expect(JSON.parse(String(rule.inputs.eventPattern))).to.deep.equal({
          source: ["aws.autoscaling"],
          "detail-type": ["EC2 Auto Scaling Instance Refresh Failed", "EC2 Auto Scaling Instance Refresh Cancelled"],
          detail: { AutoScalingGroupName: [asg.outputs.name] },
        });
        expect(run.propertyDependencies(rule, "eventPattern").map((r) => r.urn)).to.deep.equal([asg.urn]);
        const target = run.single(T.target);
        expect(run.propertyDependencies(target, "rule").map((r) => r.urn)).to.deep.equal([rule.urn]);
        expect(run.propertyDependencies(target, "arn").map((r) => r.urn)).to.deep.equal([topicOf(run).urn]);
        expect(asg.inputs.enabledMetrics).to.include("GroupInServiceInstances");
      });

      it("has a composite 'trading degraded' alarm whose rule names existing critical alarms only", () => {
        const run = runs[stack];
        const composite = run.single(T.composite);
        const rule = String(composite.inputs.alarmRule);
        const named = [...rule.matchAll(/ALARM\("([^"]+)"\)/g)].map((m) => m[1]);
        expect(rule).to.equal(named.map((n) => `ALARM("${n}")`).join(" OR "));
        const byName = new Map(run.ofType(T.alarm).map((a) => [String(a.outputs.name), a]));
        for (const name of named) expect(byName.has(name), name).to.be.true;
        expect(run.propertyDependencies(composite, "alarmRule").map((r) => r.urn).sort()).to.deep.equal(named.map((n) => (byName.get(n) as RecordedResource).urn).sort());
        const ids = named.map((n) => n.slice(`trading-${stack}-`.length));
        expect(ids).to.include.members(["alb-target-5xx-rate", "alb-elb-5xx", "asg-in-service", "dynamodb-table-write-throttles", "dax-faults", "api-p99-latency"]);
        expect(ids.filter((id) => id.startsWith("alb-healthy-hosts-"))).to.have.length(configOf(stack).azIds.length);
        if (stack !== "prod-eu-west-1") expect(ids).to.include.members(["stream-dlq-not-empty", "stream-iterator-age"]);
        expect(ids.filter((id) => id.startsWith("cache-") || id.startsWith("aurora-")), "the order path does not wait on Aurora or the cache").to.deep.equal([]);
      });

      it("has a dashboard whose JSON parses and names only this stack's resources and documented metrics, edge before fleet before data", () => {
        const run = runs[stack];
        const dashboard = run.single(T.dashboard);
        const body = JSON.parse(String(dashboard.inputs.dashboardBody)) as { widgets: { type: string; y: number; properties: Record<string, unknown> }[] };
        // Every identifier a recorded resource exposes, and the names the plan fixes (GSI, regions).
        const known = new Set<unknown>([GSI, ...receiving[stack]]);
        // A table replica's name is the global table's (the last part of its ARN).
        for (const replica of run.ofType(T.tableReplica)) known.add(String(replica.inputs.globalTableArn).split(":table/")[1]);
        for (const r of run.resources) {
          for (const key of ["name", "arnSuffix", "clusterName", "clusterIdentifier", "identifier", "availabilityZone"]) known.add(r.outputs[key]);
          if (r.id) known.add(r.id);
          for (const member of (r.outputs.memberClusters as string[] | undefined) ?? []) known.add(member);
        }
        // Dimension values the plan fixes rather than a resource: the operations, the writer role.
        for (const fixed of [...DYNAMODB_OPERATIONS, "WRITER"]) known.add(fixed);
        const metricWidgets = body.widgets.filter((w) => w.type === "metric");
        const lines = metricWidgets.flatMap((w) =>
          (w.properties.metrics as unknown[][]).map((l) => ({ l, stat: String(metricLineOptions(l).stat ?? w.properties.stat) })),
        );
        expect(lines.length).to.be.greaterThan(30);
        for (const { l: lineValue, stat } of lines) {
          if (typeof metricLineOptions(lineValue).expression === "string") continue;
          const metric = parseMetricLine(lineValue);
          expect(catalogProblem(metric.namespace, metric.metricName, Object.keys(metric.dimensions), stat), JSON.stringify(lineValue)).to.equal(undefined);
          for (const [name, value] of Object.entries(metric.dimensions)) expect(known.has(value), `${metric.metricName} ${name}=${String(value)}`).to.be.true;
        }
        for (const w of body.widgets.filter((w) => w.type === "metric")) expect(w.properties.region).to.equal(run.single(T.lb).region);
        const composite = run.single(T.composite);
        expect(body.widgets.filter((w) => w.type === "alarm").flatMap((w) => w.properties.alarms as string[])).to.deep.equal([composite.outputs.arn]);
        const headers = body.widgets.filter((w) => w.type === "text").map((w) => String(w.properties.markdown));
        const position = (prefix: string) => headers.findIndex((h) => h.startsWith(prefix));
        expect(position("## Edge")).to.be.lessThan(position("## Fleet"));
        expect(position("## Fleet")).to.be.lessThan(position("## Data"));
        const deps = new Set(run.propertyDependencies(dashboard, "dashboardBody").map((r) => r.type));
        for (const type of [T.lb, T.tg, T.asg, T.subnet, T.dax, T.rdsCluster, T.rdsInstance, T.cache, T.composite]) expect(deps.has(type), type).to.be.true;
      });

      it("lays out one row per AZ for per-AZ metrics: targets and NAT at the edge, Aurora and cache in the data tier", () => {
        const run = runs[stack];
        const cfg = configOf(stack);
        const body = JSON.parse(String(run.single(T.dashboard).inputs.dashboardBody)) as { widgets: { type: string; y: number; properties: { title?: string } }[] };
        cfg.azIds.forEach((az, zone) => {
          const rows = new Set(body.widgets.filter((w) => w.properties.title?.startsWith(`${az}:`)).map((w) => `${w.y}`));
          // Nodes are placed round-robin over the AZs in azIds order.
          const hasData = zone < cfg.dataDbInstanceCount || zone < cfg.dataCacheNodeCount;
          // One edge row (targets, and the NAT where the AZ has one) and, where nodes are placed, one data row.
          expect(rows.size, az).to.equal(hasData ? 2 : 1);
          const natTitle = body.widgets.some((w) => w.properties.title === `${az}: NAT gateway errors and drops`);
          expect(natTitle, `${az} NAT panel`).to.equal(cfg.natGatewayMode === "perAz" || zone === 0);
        });
      });
    });
  }

  it("in a preview (ids unknown) every alarm still names its resource through property dependencies", () => {
    const run = runs["prod-us-east-1 preview"];
    const deployed = runs["prod-us-east-1"];
    for (const [id, alarm] of alarmsById(run)) {
      const want = expectationFor(run, id);
      const deps = run.propertyDependencies(alarm, dimensionProperty(alarm)).map((r) => r.name);
      for (const expected of Object.values(want.dimensions)) {
        if (typeof expected !== "string") expect(deps, id).to.include(expected[0].name);
      }
    }
    expect([...alarmsById(run).keys()].sort()).to.deep.equal([...alarmsById(deployed).keys()].sort());
  });

  it("follows every threshold key when the stack file changes it", async () => {
    const overrides: Record<string, number> = {
      clusterMinSize: 6,
      clusterDesiredCapacity: 6,
      alarmAlbTarget5xxPercent: 7,
      alarmAlbElb5xxPerMinute: 33,
      alarmAlbP99LatencyMs: 1234,
      alarmMinHealthyHostsPerAz: 2,
      alarmDynamoThrottleEventsPerMinute: 17,
      alarmDynamoCapacityPercentOfMax: 65,
      alarmDynamoReplicationLatencyMs: 45_000,
      alarmDynamoSystemErrorsPerMinute: 4,
      alarmDaxCpuPercent: 61,
      alarmDaxFaultsPerMinute: 9,
      alarmDaxEvictedMiBPer5Minutes: 100,
      alarmAuroraReplicaLagMs: 750,
      alarmAuroraCpuPercent: 70,
      alarmAuroraFreeableMemoryPercent: 15,
      alarmAuroraDeadlocksPerMinute: 3,
      alarmCacheEngineCpuPercent: 66,
      alarmCacheMemoryPercent: 77,
      alarmCacheReplicationLagMs: 2500,
      alarmCacheConnections: 1200,
      alarmStreamErrorsPerMinute: 2,
      alarmStreamIteratorAgeSeconds: 300,
      alarmStreamDlqMessages: 5,
      alarmNatPortAllocationErrors: 3,
      alarmNatPacketsDroppedPerMinute: 1000,
      alarmApiRejectPercent: 12,
      alarmApiP99LatencyMs: 90,
    };
    const qualified = Object.fromEntries(Object.entries(overrides).map(([k, v]) => [`trading-platform:${k}`, v]));
    const run = await runStackFile("prod-us-east-1", { overrides: qualified });
    const cfg = configOf("prod-us-east-1", qualified);
    const alarms = alarmsById(run);
    for (const [id, alarm] of alarms) {
      expect(alarm.inputs.threshold, id).to.equal(expectedThreshold(id, cfg));
      expect(alarm.inputs.threshold, `${id} moved off its default`).to.not.equal(alarmsById(runs["prod-us-east-1"]).get(id)?.inputs.threshold);
    }
  });

  it("notifies an existing topic instead of creating one when alarmTopicArn is set", async () => {
    const arn = "arn:aws:sns:us-east-1:123456789012:platform-pager";
    const run = await runStackFile("prod-us-east-1", {
      overrides: { "trading-platform:alarmTopicArn": arn, "trading-platform:alarmEmailAddresses": [] },
    });
    expect(run.ofType(T.topic)).to.deep.equal([]);
    expect(run.ofType(T.key).filter((k) => k.name.includes("alarms"))).to.deep.equal([]);
    for (const alarm of [...run.ofType(T.alarm), run.single(T.composite)]) {
      expect(alarm.inputs.alarmActions, alarm.name).to.deep.equal([arn]);
      expect(alarm.inputs.okActions, alarm.name).to.deep.equal([arn]);
    }
    expect(run.single(T.target).inputs.arn).to.equal(arn);
  });

  it("lets the accounts in alarmSubscriberAccountIds subscribe to the created topic, and no one else by default", async () => {
    const run = await runStackFile("prod-us-east-1", { overrides: { "trading-platform:alarmSubscriberAccountIds": ["210987654321"] } });
    const statements = (JSON.parse(run.single(T.topicPolicy).inputs.policy as string) as PolicyDocument).Statement;
    expect(statements.find((s) => s.Sid === "OtherAccountsSubscribe")).to.include({ Action: "sns:Subscribe" }).and.to.have.deep.property("Principal", { AWS: ["arn:aws:iam::210987654321:root"] });
    const byDefault = (JSON.parse(runs["prod-us-east-1"].single(T.topicPolicy).inputs.policy as string) as PolicyDocument).Statement;
    expect(byDefault.map((s) => s.Sid)).to.not.include("OtherAccountsSubscribe");
  });
});
