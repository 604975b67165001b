/**
 * The pure parts of Observability: the alarm plan, the dashboard layout, the notification policies,
 * the metric catalog and the config checks, without Pulumi.
 */
import { expect } from "chai";
import { DB_INSTANCE_CLASSES } from "../../../components/data/catalog";
import {
  AlarmTargets,
  AlarmThresholds,
  DYNAMODB_OPERATIONS,
  degradedRule,
  isMetricMath,
  metricsOf,
  planAlarms,
  TIERS,
} from "../../../components/observability/alarmPlan";
import { checkObservabilityConfig, minHealthyHostsPerAz, observabilityConfigShape, ObservabilityConfig } from "../../../components/observability/config";
import { dashboardBody, metricLineOptions, parseMetricLine } from "../../../components/observability/dashboard";
import { AURORA_INSTANCE_MEMORY_GIB, auroraInstanceMemoryBytes } from "../../../components/observability/instanceMemory";
import { catalogProblem, METRIC_CATALOG } from "../../../components/observability/metricCatalog";
import { alarmTopicKeyPolicy, alarmTopicPolicy } from "../../../components/observability/notificationPolicies";
import { z } from "zod";
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";

/**
 * The DynamoDB operations the service and the stream processor call, read from their source: the
 * document client's methods (`get(`, `transactWrite(`, ...) called with a table or transaction
 * argument, mapped to the API operation each sends.
 */
function operationsCalledByServices(): string[] {
  const METHODS: Record<string, string> = {
    get: "GetItem",
    put: "PutItem",
    update: "UpdateItem",
    delete: "DeleteItem",
    query: "Query",
    scan: "Scan",
    batchGet: "BatchGetItem",
    batchWrite: "BatchWriteItem",
    transactGet: "TransactGetItems",
    transactWrite: "TransactWriteItems",
  };
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      const full = path.join(dir, entry);
      return statSync(full).isDirectory() ? files(full) : full.endsWith(".ts") ? [full] : [];
    });
  const root = path.resolve(__dirname, "../../../services");
  const found = new Set<string>();
  for (const file of [...files(path.join(root, "trading-api/src")), ...files(path.join(root, "stream-processor/src"))]) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/\.(get|put|update|delete|query|scan|batchGet|batchWrite|transactGet|transactWrite)\(\{\s*(TableName|TransactItems|RequestItems)\b/g)) {
      found.add(METHODS[m[1]]);
    }
  }
  expect(found.size, "the scan finds the data layer's calls").to.be.at.least(3);
  return [...found].sort();
}

const AZS = ["use1-az1", "use1-az2", "use1-az4"];

function targets(overrides: Partial<AlarmTargets<string>> = {}): AlarmTargets<string> {
  return {
    loadBalancer: { arnSuffix: "app/alb/1", targetGroupArnSuffix: "targetgroup/tg/2", zones: AZS.map((azId, i) => ({ azId, azName: `us-east-1${"abc"[i]}` })) },
    fleet: { autoScalingGroupName: "asg", minSize: 3 },
    natGateways: AZS.map((azId) => ({ azId, id: `nat-${azId}` })),
    serviceTable: "orders",
    table: { name: "orders", indexNames: ["by-symbol"], maxima: { table: { read: 4000, write: 2000 }, index: { read: 2000, write: 2000 } }, receivingRegions: ["eu-west-1"] },
    dax: { clusterName: "dax" },
    aurora: { clusterIdentifier: "db", instances: AZS.map((azId, i) => ({ azId, identifier: `db-${i}`, memoryBytes: 16 * 1024 ** 3 })) },
    cache: { members: AZS.map((azId, i) => ({ azId, cacheClusterId: `cache-00${i + 1}` })) },
    streamProcessor: { functionName: "fn", queueName: "dlq" },
    ...overrides,
  };
}

/** The config defaults, as the stack schema would fill them in. */
function defaults(): ObservabilityConfig {
  return z.object(observabilityConfigShape).parse({});
}

function thresholds(overrides: Partial<AlarmThresholds> = {}): AlarmThresholds {
  const d = defaults();
  return {
    albTarget5xxPercent: d.alarmAlbTarget5xxPercent,
    albElb5xxPerMinute: d.alarmAlbElb5xxPerMinute,
    albP99LatencyMs: d.alarmAlbP99LatencyMs,
    minHealthyHostsPerAz: 1,
    dynamoThrottleEventsPerMinute: d.alarmDynamoThrottleEventsPerMinute,
    dynamoCapacityPercentOfMax: d.alarmDynamoCapacityPercentOfMax,
    dynamoReplicationLatencyMs: d.alarmDynamoReplicationLatencyMs,
    dynamoSystemErrorsPerMinute: d.alarmDynamoSystemErrorsPerMinute,
    daxCpuPercent: d.alarmDaxCpuPercent,
    daxFaultsPerMinute: d.alarmDaxFaultsPerMinute,
    daxEvictedMiBPer5Minutes: d.alarmDaxEvictedMiBPer5Minutes,
    auroraReplicaLagMs: d.alarmAuroraReplicaLagMs,
    auroraGlobalRpoLagMs: d.alarmAuroraGlobalRpoLagMs,
    auroraCpuPercent: d.alarmAuroraCpuPercent,
    auroraFreeableMemoryPercent: d.alarmAuroraFreeableMemoryPercent,
    auroraDeadlocksPerMinute: d.alarmAuroraDeadlocksPerMinute,
    cacheEngineCpuPercent: d.alarmCacheEngineCpuPercent,
    cacheMemoryPercent: d.alarmCacheMemoryPercent,
    cacheReplicationLagMs: d.alarmCacheReplicationLagMs,
    cacheConnections: d.alarmCacheConnections,
    streamErrorsPerMinute: d.alarmStreamErrorsPerMinute,
    streamIteratorAgeSeconds: d.alarmStreamIteratorAgeSeconds,
    streamDlqMessages: d.alarmStreamDlqMessages,
    natPortAllocationErrors: d.alarmNatPortAllocationErrors,
    natPacketsDroppedPerMinute: d.alarmNatPacketsDroppedPerMinute,
    apiRejectPercent: d.alarmApiRejectPercent,
    apiP99LatencyMs: d.alarmApiP99LatencyMs,
    ...overrides,
  };
}

describe("observability plan (pure)", () => {
  describe("planAlarms", () => {
    it("orders alarms edge, fleet, data, with unique ids and a config key and readable threshold each", () => {
      const plan = planAlarms(targets(), thresholds());
      const tiers = plan.map((a) => TIERS.indexOf(a.tier));
      expect(tiers, "tiers never go back").to.deep.equal([...tiers].sort((a, b) => a - b));
      expect(new Set(plan.map((a) => a.id)).size).to.equal(plan.length);
      for (const alarm of plan) {
        expect(alarm.configKey, alarm.id).to.match(/^(alarm[A-Z]\w+|clusterMinSize)$/);
        expect(alarm.thresholdText, alarm.id).to.match(/^[<>]/);
        expect(alarm.datapointsToAlarm, alarm.id).to.be.within(1, alarm.evaluationPeriods);
      }
    });

    it("converts each config unit to the metric's: ms to seconds, MiB to bytes, percent of a per-second maximum to units per minute", () => {
      const plan = new Map(planAlarms(targets(), thresholds({ albP99LatencyMs: 750, daxEvictedMiBPer5Minutes: 2, dynamoCapacityPercentOfMax: 50, cacheReplicationLagMs: 250, streamIteratorAgeSeconds: 90, auroraDeadlocksPerMinute: 6 })).map((a) => [a.id, a]));
      expect(plan.get("alb-p99-latency")?.threshold).to.equal(0.75);
      expect(plan.get("dax-evictions")?.threshold).to.equal(2 * 1024 * 1024);
      expect(plan.get("dynamodb-table-read-capacity")?.threshold).to.equal(0.5 * 4000 * 60);
      expect(plan.get("dynamodb-by-symbol-write-capacity")?.threshold).to.equal(0.5 * 2000 * 60);
      expect(plan.get("cache-002-replication-lag")?.threshold).to.equal(0.25);
      expect(plan.get("stream-iterator-age")?.threshold).to.equal(90_000);
      expect(plan.get("aurora-deadlocks")?.threshold).to.equal(0.1);
      expect(plan.get("aurora-0-freeable-memory")?.threshold).to.equal(Math.round(0.1 * 16 * 1024 ** 3));
    });

    it("watches each AZ's healthy targets by AZ name, each NAT gateway, each Aurora instance and each cache member", () => {
      const plan = planAlarms(targets(), thresholds({ minHealthyHostsPerAz: 2 }));
      const healthy = plan.filter((a) => a.id.startsWith("alb-healthy-hosts-"));
      expect(healthy.map((a) => (isMetricMath(a.metric) ? undefined : a.metric.dimensions.AvailabilityZone))).to.deep.equal(["us-east-1a", "us-east-1b", "us-east-1c"]);
      expect(healthy.every((a) => a.threshold === 2 && a.comparison === "LessThanThreshold" && a.treatMissingData === "breaching")).to.be.true;
      expect(plan.filter((a) => a.group === "NAT")).to.have.length(6);
      expect(plan.filter((a) => /^aurora-\d/.test(a.id))).to.have.length(6);
      expect(plan.filter((a) => a.group === "Cache")).to.have.length(12);
    });

    it("leaves out the stream processor where it does not run, and replication where nothing is received", () => {
      const plan = planAlarms(targets({ streamProcessor: undefined, table: { ...targets().table, receivingRegions: [] } }), thresholds());
      expect(plan.filter((a) => a.group === "Stream processor" || a.id.startsWith("dynamodb-replication"))).to.deep.equal([]);
    });

    it("guards both rates with a minimum volume and names only defined metric ids in the expression", () => {
      for (const alarm of planAlarms(targets(), thresholds()).filter((a) => isMetricMath(a.metric))) {
        if (!isMetricMath(alarm.metric)) continue;
        const ids = Object.keys(alarm.metric.metrics);
        expect(ids.every((id) => /^[a-z][a-zA-Z0-9_]*$/.test(id)), alarm.id).to.be.true;
        const used = new Set([...alarm.metric.expression.matchAll(/\b([a-z][a-zA-Z0-9_]*)\b/g)].map((m) => m[1]));
        for (const id of ids) expect(used.has(id), `${alarm.id} uses ${id}`).to.be.true;
        // CloudWatch: an alarm on a metric math expression reads at most 10 metrics.
        expect(ids.length, alarm.id).to.be.at.most(10);
        if (alarm.id.endsWith("-rate")) expect(alarm.metric.expression, alarm.id).to.match(/^IF\(/);
      }
    });

    it("uses only metrics, dimension sets and statistics the catalog documents", () => {
      for (const alarm of planAlarms(targets(), thresholds())) {
        for (const m of metricsOf(alarm)) expect(catalogProblem(m.namespace, m.metricName, Object.keys(m.dimensions), m.stat), alarm.id).to.equal(undefined);
      }
    });

    it("sums DynamoDB SystemErrors over every operation the service and the stream processor call (directly or through DAX), each with its Operation", () => {
      const alarm = planAlarms(targets(), thresholds()).find((a) => a.id === "dynamodb-system-errors");
      if (!alarm || !isMetricMath(alarm.metric)) throw new Error("dynamodb-system-errors is a metric math alarm");
      const metrics = Object.values(alarm.metric.metrics);
      expect(metrics.map((m) => m.metricName)).to.deep.equal(metrics.map(() => "SystemErrors"));
      const operations = metrics.map((m) => m.dimensions.Operation);
      expect(operations).to.deep.equal([...DYNAMODB_OPERATIONS]);
      for (const m of metrics) expect(m.dimensions).to.deep.equal({ TableName: "orders", Operation: m.dimensions.Operation });
      for (const operation of operationsCalledByServices()) expect(operations, `the services call ${operation}`).to.include(operation);
      // DAX fills its item cache after a TransactWriteItems with TransactGetItems of its own.
      expect(operations).to.include("TransactGetItems");
      expect(metrics.every((m) => m.stat === "Sum")).to.equal(true);
      const { expression } = alarm.metric;
      expect(Object.keys(alarm.metric.metrics).every((id) => expression.includes(`FILL(${id}, 0)`))).to.equal(true);
      expect(alarm.threshold).to.equal(thresholds().dynamoSystemErrorsPerMinute);
    });

    it("watches Aurora deadlocks on the writer with a statistic the cluster's idle readers cannot dilute", () => {
      const alarm = planAlarms(targets(), thresholds({ auroraDeadlocksPerMinute: 6 })).find((a) => a.id === "aurora-deadlocks");
      if (!alarm || isMetricMath(alarm.metric)) throw new Error("aurora-deadlocks is a single-metric alarm");
      expect(alarm.metric.dimensions).to.deep.equal({ DBClusterIdentifier: "db", Role: "WRITER" });
      expect(alarm.metric.stat).to.equal("Maximum");
      // Deadlocks is a per-second average: 6 a minute is 0.1 a second.
      expect(alarm.threshold).to.equal(0.1);
    });

    it("combines critical alarms with OR, refusing an empty rule", () => {
      expect(degradedRule(["a", "b"])).to.equal('ALARM("a") OR ALARM("b")');
      expect(() => degradedRule([])).to.throw("no critical alarm");
    });
  });

  describe("metric catalog", () => {
    it("names AWS's page for each AWS namespace and rejects misspelt metrics and undocumented dimension sets", () => {
      for (const [namespace, ns] of Object.entries(METRIC_CATALOG)) {
        if (namespace.startsWith("AWS/")) expect(ns.source, namespace).to.match(/^https:\/\/docs\.aws\.amazon\.com\//);
      }
      expect(catalogProblem("AWS/ElastiCache", "CurrentConnections", ["CacheClusterId"])).to.contain("no documented metric CurrentConnections");
      expect(catalogProblem("AWS/DynamoDB", "ReplicationLatency", ["TableName"])).to.contain("not published with dimensions [TableName]");
      expect(catalogProblem("AWS/Nope", "X", [])).to.contain("not in the metric catalog");
      expect(catalogProblem("Trading/Api", "OrdersRejected", ["Table", "Reason"])).to.equal(undefined);
    });

    it("knows DynamoDB publishes SystemErrors per table and operation only", () => {
      expect(catalogProblem("AWS/DynamoDB", "SystemErrors", ["TableName"])).to.contain("not published with dimensions [TableName]");
      expect(catalogProblem("AWS/DynamoDB", "SystemErrors", ["TableName", "Operation"], "Sum")).to.equal(undefined);
    });

    it("refuses a statistic the metric's page does not document, and takes any percentile where it documents percentiles", () => {
      expect(catalogProblem("AWS/DynamoDB", "ReadThrottleEvents", ["TableName"], "Average")).to.contain("statistic Average");
      expect(catalogProblem("AWS/DynamoDB", "SystemErrors", ["TableName", "Operation"], "p99")).to.contain("statistic p99");
      expect(catalogProblem("AWS/ApplicationELB", "TargetResponseTime", ["LoadBalancer", "TargetGroup"], "p99.9")).to.equal(undefined);
      expect(catalogProblem("AWS/ApplicationELB", "RequestCount", ["LoadBalancer", "TargetGroup"], "Sum")).to.equal(undefined);
      expect(catalogProblem("AWS/NATGateway", "ActiveConnectionCount", ["NatGatewayId"], "Sum")).to.contain("statistic Sum");
    });

    it("records, for every AWS metric, the page it was checked against and the unit that page gives", () => {
      for (const [namespace, ns] of Object.entries(METRIC_CATALOG)) {
        for (const [name, doc] of Object.entries(ns.metrics)) {
          expect(doc.dimensions.length, `${namespace} ${name}`).to.be.greaterThan(0);
          if (namespace.startsWith("AWS/")) expect(doc.unit, `${namespace} ${name}`).to.be.a("string");
        }
      }
      expect(METRIC_CATALOG["AWS/RDS"].metrics.Deadlocks.unit).to.equal("Count/Second");
      expect(METRIC_CATALOG["AWS/ElastiCache"].metrics.ReplicationLag.unit).to.equal("Seconds");
      expect(METRIC_CATALOG["AWS/ApplicationELB"].metrics.TargetResponseTime.unit).to.equal("Seconds");
    });
  });

  describe("dashboard", () => {
    const body = dashboardBody({ title: "t", region: "us-east-1", targets: targets(), degradedAlarmArn: "arn:alarm" });

    it("fits the 24-column grid without overlapping widgets", () => {
      const cells = new Set<string>();
      for (const w of body.widgets) {
        expect(w.x + w.width).to.be.at.most(24);
        for (let x = w.x; x < w.x + w.width; x++) {
          for (let y = w.y; y < w.y + w.height; y++) {
            const cell = `${x},${y}`;
            expect(cells.has(cell), `overlap at ${cell}`).to.be.false;
            cells.add(cell);
          }
        }
      }
    });

    it("shows only catalogued metrics, each line parseable back to namespace, name and dimensions", () => {
      const widgets = body.widgets.flatMap((w) => (w.type === "metric" ? [w.properties] : []));
      for (const widget of widgets) {
        const ids = new Set(widget.metrics.map((l) => metricLineOptions(l).id).filter((id) => id !== undefined));
        for (const l of widget.metrics) {
          const expression = metricLineOptions(l).expression;
          if (typeof expression === "string") {
            // An expression line names only metrics of its own widget, which are hidden.
            const used = [...expression.matchAll(/\b([a-z][a-zA-Z0-9_]*)\b/g)].map((m) => m[1]).filter((w) => !["FILL"].includes(w));
            for (const id of used) expect(ids.has(id), `${widget.title}: ${id}`).to.equal(true);
            continue;
          }
          const m = parseMetricLine(l);
          const stat = String(metricLineOptions(l).stat ?? widget.stat);
          expect(catalogProblem(m.namespace, m.metricName, Object.keys(m.dimensions), stat), JSON.stringify(l)).to.equal(undefined);
        }
      }
      expect(parseMetricLine(["AWS/X", "M", "A", "1", "B", "2", { stat: "p99" }])).to.deep.equal({ namespace: "AWS/X", metricName: "M", dimensions: { A: "1", B: "2" } });
    });

    it("graphs DynamoDB system errors as the sum over the operations, and Aurora deadlocks on the writer", () => {
      const lines = body.widgets.flatMap((w) => (w.type === "metric" ? w.properties.metrics : []));
      const systemErrors = lines.filter((l) => l[1] === "SystemErrors").map((l) => parseMetricLine(l).dimensions);
      expect(systemErrors).to.deep.equal(DYNAMODB_OPERATIONS.map((Operation) => ({ TableName: "orders", Operation })));
      const hidden = lines.filter((l) => l[1] === "SystemErrors").map((l) => metricLineOptions(l));
      expect(hidden.every((o) => o.visible === false && o.stat === "Sum")).to.equal(true);
      const sum = lines.map((l) => metricLineOptions(l)).find((o) => typeof o.expression === "string" && o.expression.includes(String(hidden[0].id)));
      expect(sum?.expression).to.equal(hidden.map((o) => `FILL(${String(o.id)}, 0)`).join(" + "));
      const deadlocks = lines.filter((l) => l[1] === "Deadlocks");
      expect(deadlocks.map((l) => parseMetricLine(l).dimensions)).to.deep.equal([{ DBClusterIdentifier: "db", Role: "WRITER" }]);
      expect(metricLineOptions(deadlocks[0]).stat).to.equal("Maximum");
    });
  });

  describe("notification policies", () => {
    const account = { partition: "aws", region: "us-east-1", accountId: "123456789012" };

    it("keep the account in control of the key and let the alarm and event services use it", () => {
      const policy = alarmTopicKeyPolicy(account);
      expect(policy.Statement.map((s) => [s.Sid, s.Principal])).to.deep.equal([
        ["AccountAdministersKey", { AWS: "arn:aws:iam::123456789012:root" }],
        ["CloudWatchAlarmsEncrypt", { Service: "cloudwatch.amazonaws.com" }],
        ["InstanceRefreshEventsEncrypt", { Service: "events.amazonaws.com" }],
      ]);
    });

    it("let only this account's alarms and the named rules publish", () => {
      const policy = alarmTopicPolicy(account, "arn:aws:sns:us-east-1:123456789012:t", ["arn:aws:events:us-east-1:123456789012:rule/r"]);
      const bySid = new Map(policy.Statement.map((s) => [s.Sid, s]));
      expect(bySid.get("ThisAccountsAlarmsPublish")?.Condition).to.deep.equal({
        StringEquals: { "aws:SourceAccount": "123456789012" },
        ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*" },
      });
      expect(bySid.get("StackEventRulesPublish")?.Condition).to.deep.equal({ ArnEquals: { "aws:SourceArn": ["arn:aws:events:us-east-1:123456789012:rule/r"] } });
      expect(alarmTopicPolicy(account, "arn:t", []).Statement.map((s) => s.Sid)).to.not.include("StackEventRulesPublish");
    });

    it("let the configured other accounts subscribe, and do nothing else; no statement without them", () => {
      const policy = alarmTopicPolicy(account, "arn:aws:sns:us-east-1:123456789012:t", [], ["210987654321", "111122223333"]);
      const subscribe = policy.Statement.find((s) => s.Sid === "OtherAccountsSubscribe");
      expect(subscribe).to.deep.equal({
        Sid: "OtherAccountsSubscribe",
        Effect: "Allow",
        Principal: { AWS: ["arn:aws:iam::210987654321:root", "arn:aws:iam::111122223333:root"] },
        Action: "sns:Subscribe",
        Resource: "arn:aws:sns:us-east-1:123456789012:t",
      });
      expect(alarmTopicPolicy(account, "arn:t", []).Statement.map((s) => s.Sid)).to.not.include("OtherAccountsSubscribe");
    });
  });

  describe("config", () => {
    function problems(overrides: Partial<ObservabilityConfig>, stack: { region?: string; isProduction?: boolean } = {}): string[] {
      const found: string[] = [];
      checkObservabilityConfig({ ...defaults(), ...overrides, region: stack.region ?? "us-east-1", isProduction: stack.isProduction ?? true }, (key, message) => found.push(`${key}: ${message}`));
      return found;
    }

    it("accepts a prod stack with one subscriber, and a topic of its own region alone", () => {
      expect(problems({ alarmEmailAddresses: ["oncall@example.com"] })).to.deep.equal([]);
      expect(problems({ alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:pager" })).to.deep.equal([]);
    });

    it("refuses a prod stack nobody would hear from, malformed subscribers, and a topic alarms cannot reach", () => {
      expect(problems({})).to.deep.equal(["alarmEmailAddresses: a prod stack must notify someone: set alarmEmailAddresses, alarmHttpsEndpoints or alarmTopicArn"]);
      expect(problems({}, { isProduction: false })).to.deep.equal([]);
      expect(problems({ alarmEmailAddresses: ["not-an-address"], alarmHttpsEndpoints: ["http://hooks.example.com/x"] })).to.deep.equal([
        'alarmEmailAddresses[0]: "not-an-address" is not an email address',
        'alarmHttpsEndpoints[0]: "http://hooks.example.com/x" is not an https:// URL (SNS delivers alarms only over HTTPS here)',
      ]);
      expect(problems({ alarmTopicArn: "arn:aws:sns:eu-west-1:123456789012:pager" })[0]).to.contain("must name a topic of the alarm's own region (us-east-1)");
      expect(problems({ alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:pager", alarmEmailAddresses: ["a@b.co"] })[0]).to.contain("is set together with");
      expect(problems({ alarmEmailAddresses: ["a@b.co"], alarmReplicaRegions: ["us-east-1", "mars"] })).to.deep.equal([
        "alarmReplicaRegions[0]: is this stack's own region; list the regions the table replicates to",
        'alarmReplicaRegions[1]: "mars" is not an AWS region name',
      ]);
      expect(problems({ alarmEmailAddresses: ["a@b.co"], alarmSubscriberAccountIds: ["210987654321", "12345"] })).to.deep.equal([
        'alarmSubscriberAccountIds[1]: "12345" is not an AWS account id (12 digits)',
      ]);
      expect(problems({ alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:pager", alarmSubscriberAccountIds: ["210987654321"] })).to.deep.equal([
        "alarmSubscriberAccountIds: is set together with alarmTopicArn; this stack does not write an existing topic's policy: grant the accounts where the topic is managed",
      ]);
    });

    it("defaults the per-AZ healthy-target minimum to the fleet minimum spread over the AZs", () => {
      expect(minHealthyHostsPerAz({ clusterMinSize: 3, azIds: AZS })).to.equal(1);
      expect(minHealthyHostsPerAz({ clusterMinSize: 7, azIds: AZS })).to.equal(2);
      expect(minHealthyHostsPerAz({ clusterMinSize: 2, azIds: AZS })).to.equal(1);
      expect(minHealthyHostsPerAz({ clusterMinSize: 9, azIds: AZS, alarmMinHealthyHostsPerAz: 1 })).to.equal(1);
    });

    it("knows the memory of every Aurora class the data tier allows", () => {
      expect(Object.keys(AURORA_INSTANCE_MEMORY_GIB).sort()).to.deep.equal([...DB_INSTANCE_CLASSES].sort());
      expect(auroraInstanceMemoryBytes("db.r7g.large")).to.equal(16 * 1024 ** 3);
      expect(() => auroraInstanceMemoryBytes("db.x2g.large")).to.throw("no memory figure");
    });
  });
});
