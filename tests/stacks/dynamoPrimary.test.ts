/**
 * DynamoHotPath in the primary stack files (dev, prod-us-east-1), as `pulumi up` (ids known) and,
 * for prod, as `pulumi preview` (ids, ARNs and AZ names unknown: relations are followed through
 * property dependencies instead).
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { NODE_MAJOR } from "../../components/cluster/artifact";
import { STREAM_FILTER_CRITERIA } from "../../services/stream-processor/src/filter";
import {
  ATTRIBUTE_DEFINITIONS,
  GLOBAL_SECONDARY_INDEXES,
  STREAM_VIEW_TYPE,
  TABLE_KEY,
  tableName,
  TTL_ATTRIBUTE,
} from "../../services/table/schema";
import { FAKE_REGIONS, readStackFile, RecordedResource, runStackFile, StackRun, isStreamProcessor } from "../support/mockCloud";
import { deployedStackRun } from "../support/stackRuns";

/** The stream processor, not the reference-data migration function that every stack also has. */

const T = {
  hotPath: "trading:dynamo:DynamoHotPath",
  table: "aws:dynamodb/table:Table",
  key: "aws:kms/key:Key",
  target: "aws:appautoscaling/target:Target",
  policy: "aws:appautoscaling/policy:Policy",
  scheduled: "aws:appautoscaling/scheduledAction:ScheduledAction",
  fn: "aws:lambda/function:Function",
  mapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
  queue: "aws:sqs/queue:Queue",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  role: "aws:iam/role:Role",
  dax: "aws:dax/cluster:Cluster",
  daxSubnets: "aws:dax/subnetGroup:SubnetGroup",
  daxParams: "aws:dax/parameterGroup:ParameterGroup",
  subnet: "aws:ec2/subnet:Subnet",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
} as const;

const K = (key: string) => `trading-platform:${key}`;
const INDEX_NAMES = GLOBAL_SECONDARY_INDEXES.map((i) => i.name);

interface Case {
  stack: "dev" | "prod-us-east-1";
  preview: boolean;
}
const CASES: Case[] = [
  { stack: "dev", preview: false },
  { stack: "prod-us-east-1", preview: false },
  { stack: "prod-us-east-1", preview: true },
];

/** The one resource of `type` that `property` of `resource` came from. */
function source(run: StackRun, resource: RecordedResource, property: string, type: string): RecordedResource {
  const found = run.propertyDependencies(resource, property).filter((r) => r.type === type);
  expect(found, `${resource.name}.${property} → ${type}`).to.have.length(1);
  return found[0];
}

function hotPathResources(run: StackRun): RecordedResource[] {
  return run.childrenOf(run.single(T.hotPath), true);
}

function azIdOfName(region: string, name: unknown): string {
  const az = FAKE_REGIONS[region].find((a) => a.name === name);
  if (!az) {
    throw new Error(`${String(name)} is not an AZ name of ${region}`);
  }
  return az.id;
}

interface ScaledTarget {
  scope: string;
  dimension: "read" | "write";
  target: RecordedResource;
}

/** Scalable targets by (table or index name, dimension), from their resource ids. */
function scaledTargets(run: StackRun, name: string): ScaledTarget[] {
  return run.ofType(T.target).map((target) => {
    const id = String(target.inputs.resourceId);
    const match = new RegExp(`^table/${name}(?:/index/(.+))?$`).exec(id);
    expect(match, `${target.name} resource id ${id}`).to.not.equal(null);
    const dimension = String(target.inputs.scalableDimension);
    expect(dimension).to.match(/^dynamodb:(table|index):(Read|Write)CapacityUnits$/);
    expect(dimension.split(":")[1]).to.equal(match?.[1] ? "index" : "table");
    return { scope: match?.[1] ?? "table", dimension: dimension.includes(":Read") ? "read" : "write", target };
  });
}

for (const { stack, preview } of CASES) {
  describe(`DynamoHotPath in ${stack}${preview ? " (preview: ids unknown)" : ""}`, () => {
    let run: StackRun;
    const file = readStackFile(stack);
    const prod = file[K("environment")] === "prod";
    const azIds = file[K("azIds")] as string[];
    const name = tableName({ project: "trading-platform", environment: String(file[K("environment")]) });
    let table: RecordedResource;

    before(async () => {
      run = await (preview ? runStackFile(stack, { preview }) : deployedStackRun(stack));
      table = run.single(T.table);
    });

    describe("table", () => {
      it("is the schema's table: name, keys, attributes and sparse GSIs from services/table/schema.ts", () => {
        expect(table.inputs.name).to.equal(name);
        expect(table.inputs).to.include({ hashKey: TABLE_KEY.partitionKey, rangeKey: TABLE_KEY.sortKey });
        expect(table.inputs.attributes).to.deep.equal(ATTRIBUTE_DEFINITIONS.map((a) => ({ name: a.name, type: a.type })));
        const gsis = table.inputs.globalSecondaryIndexes as Record<string, unknown>[];
        expect(gsis.map((g) => g.name)).to.deep.equal(INDEX_NAMES);
        for (const [i, index] of GLOBAL_SECONDARY_INDEXES.entries()) {
          expect(gsis[i].keySchemas).to.deep.equal([
            { attributeName: index.partitionKey, keyType: "HASH" },
            ...(index.sortKey ? [{ attributeName: index.sortKey, keyType: "RANGE" }] : []),
          ]);
          expect(gsis[i].projectionType).to.equal(index.projectionType);
        }
        expect(GLOBAL_SECONDARY_INDEXES.some((i) => i.sparse)).to.equal(true);
      });

      it("is PROVISIONED, with every GSI starting at least at the table's write capacity", () => {
        expect(table.inputs.billingMode).to.equal("PROVISIONED");
        expect(table.inputs.readCapacity).to.equal(file[K("dynamoReadCapacity")] ?? 5);
        expect(table.inputs.writeCapacity).to.equal(file[K("dynamoWriteCapacity")] ?? 5);
        for (const gsi of table.inputs.globalSecondaryIndexes as Record<string, number>[]) {
          expect(gsi.writeCapacity).to.be.at.least(table.inputs.writeCapacity as number);
          expect(gsi.readCapacity).to.be.a("number");
        }
      });

      it("streams NEW_AND_OLD_IMAGES (what global tables and the processor need)", () => {
        expect(table.inputs).to.include({ streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES" });
        expect(STREAM_VIEW_TYPE).to.equal("NEW_AND_OLD_IMAGES");
      });

      it("has point-in-time recovery, TTL on the schema's attribute, and deletion protection in prod only", () => {
        expect(table.inputs.pointInTimeRecovery).to.deep.equal({ enabled: true });
        expect(table.inputs.ttl).to.deep.equal({ attributeName: TTL_ATTRIBUTE, enabled: true });
        expect(table.inputs.deletionProtectionEnabled).to.equal(prod);
      });

      it("is encrypted with a customer-managed KMS key that rotates", () => {
        const sse = table.inputs.serverSideEncryption as { enabled: boolean; kmsKeyArn: unknown };
        expect(sse.enabled).to.equal(true);
        const key = source(run, table, "serverSideEncryption", T.key);
        expect(key.inputs.enableKeyRotation).to.equal(true);
        expect(key.parent).to.equal(run.single(T.hotPath).urn);
        if (!preview) {
          expect(sse.kmsKeyArn).to.equal(key.outputs.arn);
        }
      });

      it("leaves capacity to auto scaling and replicas to the replica stacks (ignoreChanges)", () => {
        expect(table.ignoreChanges).to.have.members([
          "readCapacity",
          "writeCapacity",
          "globalSecondaryIndexes[*].readCapacity",
          "globalSecondaryIndexes[*].writeCapacity",
          "replicas",
        ]);
      });
    });

    describe("auto scaling", () => {
      it("has a target and a target-tracking policy for read and write on the table and on every GSI", () => {
        const targets = scaledTargets(run, name);
        const expected = ["table", ...INDEX_NAMES].flatMap((scope) => [`${scope}/read`, `${scope}/write`]);
        expect(targets.map((t) => `${t.scope}/${t.dimension}`)).to.have.members(expected);
        expect(targets).to.have.length(expected.length);
        for (const { target, dimension } of targets) {
          // The target waits for the table: its resource id comes from the table resource.
          expect(run.propertyDependencies(target, "resourceId").map((r) => r.urn)).to.include(table.urn);
          const policies = run.ofType(T.policy).filter((p) => source(run, p, "resourceId", T.target).urn === target.urn);
          expect(policies, `policies on ${target.name}`).to.have.length(1);
          const policy = policies[0];
          expect(source(run, policy, "scalableDimension", T.target).urn).to.equal(target.urn);
          expect(policy.inputs.policyType).to.equal("TargetTrackingScaling");
          expect(policy.inputs.targetTrackingScalingPolicyConfiguration).to.deep.equal({
            targetValue: file[K("dynamoTargetUtilization")] ?? 70,
            predefinedMetricSpecification: {
              predefinedMetricType: dimension === "read" ? "DynamoDBReadCapacityUtilization" : "DynamoDBWriteCapacityUtilization",
            },
          });
        }
      });

      it("keeps every GSI's write range at or above the table's (a GSI below the table throttles it)", () => {
        const targets = scaledTargets(run, name);
        const tableWrite = targets.find((t) => t.scope === "table" && t.dimension === "write")?.target as RecordedResource;
        const indexWrites = targets.filter((t) => t.scope !== "table" && t.dimension === "write");
        expect(indexWrites).to.have.length(INDEX_NAMES.length);
        for (const { target } of indexWrites) {
          expect(target.inputs.minCapacity).to.be.at.least(tableWrite.inputs.minCapacity as number);
          expect(target.inputs.maxCapacity).to.be.at.least(tableWrite.inputs.maxCapacity as number);
        }
      });

      it("uses the configured ranges", () => {
        const targets = scaledTargets(run, name);
        const range = (scope: string, dimension: string) => {
          const t = targets.find((x) => (scope === "table" ? x.scope === "table" : x.scope !== "table") && x.dimension === dimension);
          return [t?.target.inputs.minCapacity, t?.target.inputs.maxCapacity];
        };
        const cfg = (key: string, fallback: number) => (file[K(key)] as number | undefined) ?? fallback;
        expect(range("table", "read")).to.deep.equal([cfg("dynamoReadMinCapacity", 5), cfg("dynamoReadMaxCapacity", 200)]);
        expect(range("table", "write")).to.deep.equal([cfg("dynamoWriteMinCapacity", 5), cfg("dynamoWriteMaxCapacity", 200)]);
        expect(range("index", "read")).to.deep.equal([cfg("dynamoIndexReadMinCapacity", 5), cfg("dynamoIndexReadMaxCapacity", 200)]);
        expect(range("index", "write")).to.deep.equal([cfg("dynamoIndexWriteMinCapacity", 5), cfg("dynamoIndexWriteMaxCapacity", 200)]);
      });

      if (stack === "prod-us-east-1") {
        it("raises the minimum before the market opens and lowers it after the close, on the table and every GSI, in New York time", () => {
          const actions = run.ofType(T.scheduled);
          // 2 actions × (table + GSIs) × (read + write)
          expect(actions).to.have.length(2 * (1 + INDEX_NAMES.length) * 2);
          for (const action of actions) {
            expect(action.inputs.timezone).to.equal("America/New_York");
            expect(run.propertyDependencies(action, "resourceId").map((r) => r.type)).to.include(T.target);
          }
          const open = actions.filter((a) => a.inputs.name === "market-open");
          expect(open.map((a) => a.inputs.schedule)).to.satisfy((s: string[]) => s.every((x) => x === "cron(45 8 ? * MON-FRI *)"));
          const writes = open.filter((a) => String(a.inputs.scalableDimension).endsWith("WriteCapacityUnits"));
          expect(writes.map((a) => a.inputs.scalableTargetAction)).to.deep.equal(
            writes.map(() => ({ minCapacity: 200, maxCapacity: 2000 })),
          );
        });
      } else {
        it("has no scheduled actions when none are configured", () => {
          expect(run.ofType(T.scheduled)).to.deep.equal([]);
        });
      }
    });

    describe("stream consumer", () => {
      it("runs the bundled stream processor on the current Node.js runtime on arm64", async () => {
        const fn = run.single(T.fn, isStreamProcessor);
        expect(fn.inputs).to.include({ runtime: `nodejs${NODE_MAJOR}.x`, handler: "index.handler" });
        expect(fn.inputs.architectures).to.deep.equal(["arm64"]);
        const archive = fn.inputs.code as pulumi.asset.AssetArchive;
        const assets = await archive.assets;
        expect(Object.keys(assets)).to.deep.equal(["index.js"]);
        expect(await (assets["index.js"] as pulumi.asset.StringAsset).text).to.contain("positionAppliedAt");
        expect((fn.inputs.environment as { variables: Record<string, unknown> }).variables.TABLE_NAME).to.equal(name);
      });

      it("is fed by the table's stream with batching, bisect, bounded retries and age, partial failures and the service's filter", () => {
        const mapping = run.single(T.mapping);
        expect(source(run, mapping, "eventSourceArn", T.table).urn).to.equal(table.urn);
        expect(source(run, mapping, "functionName", T.fn).urn).to.equal(run.single(T.fn, isStreamProcessor).urn);
        expect(mapping.inputs).to.include({
          startingPosition: "TRIM_HORIZON",
          batchSize: file[K("dynamoStreamBatchSize")] ?? 100,
          maximumBatchingWindowInSeconds: 1,
          bisectBatchOnFunctionError: true,
          maximumRetryAttempts: 5,
          maximumRecordAgeInSeconds: 86400,
        });
        expect(mapping.inputs.functionResponseTypes).to.deep.equal(["ReportBatchItemFailures"]);
        expect(mapping.inputs.filterCriteria).to.deep.equal(STREAM_FILTER_CRITERIA);
      });

      it("sends what it gives up on to an SQS queue encrypted with the table's key", () => {
        const mapping = run.single(T.mapping);
        const queue = source(run, mapping, "destinationConfig", T.queue);
        const key = source(run, table, "serverSideEncryption", T.key);
        expect(source(run, queue, "kmsMasterKeyId", T.key).urn).to.equal(key.urn);
      });

      it("logs to its own log group with the configured retention", () => {
        const fn = run.single(T.fn, isStreamProcessor);
        const logGroup = source(run, fn, "loggingConfig", T.logGroup);
        expect(logGroup.inputs.retentionInDays).to.equal(file[K("dynamoLogRetentionDays")] ?? 90);
      });

      if (!preview) {
        it("has a role that reaches only this stream, this table, its queue, key and log group", () => {
          const fn = run.single(T.fn, isStreamProcessor);
          const role = source(run, fn, "role", T.role);
          const policy = run.ofType(T.rolePolicy).find((p) => source(run, p, "role", T.role).urn === role.urn) as RecordedResource;
          const document = JSON.parse(String(policy.inputs.policy)) as { Statement: { Action: string | string[]; Resource: string }[] };
          const resources = document.Statement.map((s) => s.Resource);
          expect(resources.some((r) => r.includes("*") && !r.endsWith("/stream/*") && !r.endsWith(":*"))).to.equal(false);
          const byAction = (action: string) => document.Statement.filter((s) => ([] as string[]).concat(s.Action).includes(action));
          expect(byAction("dynamodb:GetRecords").map((s) => s.Resource)).to.deep.equal([table.outputs.streamArn]);
          expect(byAction("dynamodb:PutItem").map((s) => s.Resource)).to.deep.equal([table.outputs.arn]);
          expect(byAction("dynamodb:DeleteItem")).to.deep.equal([]);
          expect(byAction("sqs:SendMessage").map((s) => s.Resource)).to.deep.equal([run.single(T.queue).outputs.arn]);
        });
      }
    });

    describe("DAX", () => {
      const replicationFactor = (file[K("daxReplicationFactor")] as number | undefined) ?? 3;

      it(`has ${replicationFactor} node(s), one AZ per node, placed by the stack's AZ IDs through the data subnets`, () => {
        const cluster = run.single(T.dax);
        expect(cluster.inputs.replicationFactor).to.equal(replicationFactor);
        const subnets = run.propertyDependencies(cluster, "availabilityZones").filter((r) => r.type === T.subnet);
        expect(subnets.map((s) => (s.inputs.tags as Record<string, string>).Tier)).to.deep.equal(subnets.map(() => "data"));
        expect(subnets.map((s) => s.inputs.availabilityZoneId)).to.have.members(azIds);
        if (!preview) {
          const zones = cluster.inputs.availabilityZones as string[];
          expect(zones).to.have.length(replicationFactor);
          expect(new Set(zones.map((z) => azIdOfName("us-east-1", z))).size).to.equal(Math.min(replicationFactor, azIds.length));
          for (const zone of zones) {
            expect(azIds).to.include(azIdOfName("us-east-1", zone));
          }
        }
      });

      if (prod) {
        it("has at least 3 nodes in 3 distinct AZs in prod", () => {
          const cluster = run.single(T.dax);
          expect(cluster.inputs.replicationFactor).to.be.at.least(3);
          if (!preview) {
            expect(new Set(cluster.inputs.availabilityZones as string[]).size).to.be.at.least(3);
          }
        });
      }

      it("encrypts at rest and serves TLS only", () => {
        const cluster = run.single(T.dax);
        expect(cluster.inputs.serverSideEncryption).to.deep.equal({ enabled: true });
        expect(cluster.inputs.clusterEndpointEncryptionType).to.equal("TLS");
      });

      it("uses a subnet group over the data subnets and a parameter group with the configured TTLs", () => {
        const cluster = run.single(T.dax);
        const subnetGroup = source(run, cluster, "subnetGroupName", T.daxSubnets);
        const subnets = run.propertyDependencies(subnetGroup, "subnetIds");
        expect(subnets.map((s) => s.inputs.availabilityZoneId)).to.have.members(azIds);
        expect(subnets.every((s) => (s.inputs.tags as Record<string, string>).Tier === "data")).to.equal(true);
        const params = source(run, cluster, "parameterGroupName", T.daxParams);
        expect(params.inputs.parameters).to.have.deep.members([
          { name: "record-ttl-millis", value: "60000" },
          { name: "query-ttl-millis", value: "1000" },
        ]);
      });

      it("admits the DAX TLS port only from the app security group, which gets the matching egress rule", () => {
        const cluster = run.single(T.dax);
        const [daxSg] = run.propertyDependencies(cluster, "securityGroupIds").filter((r) => r.type === T.sg);
        const appSg = run.single(T.sg, (sg) => sg.name === "trading-app");
        const ingress = run.ofType(T.ingress).filter((r) => source(run, r, "securityGroupId", T.sg).urn === daxSg.urn);
        expect(ingress).to.have.length(1);
        expect(ingress[0].inputs).to.include({ ipProtocol: "tcp", fromPort: 9111, toPort: 9111 });
        expect(source(run, ingress[0], "referencedSecurityGroupId", T.sg).urn).to.equal(appSg.urn);
        const egress = run.ofType(T.egress).filter((r) => run.propertyDependencies(r, "referencedSecurityGroupId").some((s) => s.urn === daxSg.urn));
        expect(egress).to.have.length(1);
        expect(source(run, egress[0], "securityGroupId", T.sg).urn).to.equal(appSg.urn);
        expect(egress[0].inputs).to.include({ fromPort: 9111, toPort: 9111 });
        expect(run.ofType(T.egress).filter((r) => source(run, r, "securityGroupId", T.sg).urn === daxSg.urn)).to.deep.equal([]);
      });

      it("runs with a role that reaches only this table and its indexes", () => {
        const cluster = run.single(T.dax);
        const role = source(run, cluster, "iamRoleArn", T.role);
        expect(String(role.inputs.assumeRolePolicy)).to.satisfy((p: string) => preview || p.includes("dax.amazonaws.com"));
        const policy = run.ofType(T.rolePolicy).find((p) => source(run, p, "role", T.role).urn === role.urn) as RecordedResource;
        expect(run.propertyDependencies(policy, "policy").map((r) => r.urn)).to.include(table.urn);
        if (!preview) {
          const document = JSON.parse(String(policy.inputs.policy)) as { Statement: { Resource: string[]; Action: string[] }[] };
          // The table actions name the table and its indexes; the one KMS statement names the table's key.
          document.Statement = document.Statement.filter((s) => !s.Action.some((a) => a.startsWith("kms:")));
          const arn = String(table.outputs.arn);
          expect(document.Statement.flatMap((s) => s.Resource)).to.have.members([arn, ...INDEX_NAMES.map((i) => `${arn}/index/${i}`)]);
        }
      });
    });

    describe("outputs", () => {
      it("publishes the dynamo outputs the replica and other teams need", () => {
        const dynamo = run.outputs.dynamo as Record<string, unknown>;
        expect(Object.keys(dynamo)).to.have.members([
          "region",
          "tableName",
          "tableArn",
          "globalTableArn",
          "streamArn",
          "indexNames",
          "indexArns",
          "kmsKeyArn",
          "daxEndpoint",
          "daxClusterArn",
          "streamProcessorFunctionName",
          "dlqUrl",
          "writeScaling",
        ]);
        expect(dynamo.tableName).to.equal(name);
        expect(dynamo.indexNames).to.deep.equal(INDEX_NAMES);
        if (!preview) {
          expect(dynamo.globalTableArn).to.equal(table.outputs.arn);
          expect(dynamo.streamArn).to.equal(table.outputs.streamArn);
          expect(String(dynamo.daxEndpoint)).to.match(/^daxs:\/\//);
          expect(dynamo.region).to.equal("us-east-1");
        }
      });

      it("builds every DynamoDB resource inside the DynamoHotPath component", () => {
        const inside = new Set(hotPathResources(run).map((r) => r.urn));
        for (const type of [T.table, T.target, T.policy, T.fn, T.mapping, T.queue, T.dax]) {
          expect(run.ofType(type).filter((r) => type !== T.fn || isStreamProcessor(r)).every((r) => inside.has(r.urn)), type).to.equal(true);
        }
      });
    });
  });
}
