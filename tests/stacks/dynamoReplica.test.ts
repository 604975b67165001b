/**
 * GlobalReplica in prod-eu-west-1, fed the outputs of a real run of prod-us-east-1 (so the replica
 * can only consume what the primary really publishes), as `pulumi up` and as `pulumi preview`; and
 * the failures when the primary's outputs are missing or malformed.
 */
import { expect } from "chai";
import { GLOBAL_SECONDARY_INDEXES } from "../../services/table/schema";
import { FAKE_REGIONS, readStackFile, RecordedResource, runStackFile, stackFileFailure, StackRun, isStreamProcessor } from "../support/mockCloud";
import { deployedStackRun } from "../support/stackRuns";

/** The stream processor, not the reference-data migration function that every stack also has. */

const PRIMARY = "acme-markets/trading-platform/prod-us-east-1";
const REPLICA = "prod-eu-west-1";
const INDEX_NAMES = GLOBAL_SECONDARY_INDEXES.map((i) => i.name);

const T = {
  replicaComponent: "trading:dynamo:GlobalReplica",
  stackReference: "pulumi:pulumi:StackReference",
  table: "aws:dynamodb/table:Table",
  replica: "aws:dynamodb/tableReplica:TableReplica",
  key: "aws:kms/key:Key",
  target: "aws:appautoscaling/target:Target",
  policy: "aws:appautoscaling/policy:Policy",
  scheduled: "aws:appautoscaling/scheduledAction:ScheduledAction",
  fn: "aws:lambda/function:Function",
  mapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
  dax: "aws:dax/cluster:Cluster",
  subnet: "aws:ec2/subnet:Subnet",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
} as const;

type DynamoOutputs = Record<string, unknown> & { writeScaling: { table: Record<string, number>; index: Record<string, number> } };

function source(run: StackRun, resource: RecordedResource, property: string, type: string): RecordedResource {
  const found = run.propertyDependencies(resource, property).filter((r) => r.type === type);
  expect(found, `${resource.name}.${property} → ${type}`).to.have.length(1);
  return found[0];
}

function azIdOfName(name: unknown): string {
  const az = FAKE_REGIONS["eu-west-1"].find((a) => a.name === name);
  if (!az) {
    throw new Error(`${String(name)} is not an AZ name of eu-west-1`);
  }
  return az.id;
}

describe("GlobalReplica in prod-eu-west-1", () => {
  let primaryOutputs: Record<string, unknown>;
  let primaryDynamo: DynamoOutputs;
  const runs: Record<string, StackRun> = {};
  const file = readStackFile(REPLICA);
  const azIds = file["trading-platform:azIds"] as string[];

  before(async () => {
    primaryOutputs = (await deployedStackRun("prod-us-east-1")).outputs;
    primaryDynamo = primaryOutputs.dynamo as DynamoOutputs;
    const stackReferences = { [PRIMARY]: primaryOutputs };
    runs.up = await runStackFile(REPLICA, { stackReferences });
    runs.preview = await runStackFile(REPLICA, { stackReferences, preview: true });
  });

  for (const mode of ["up", "preview"] as const) {
    describe(mode === "up" ? "pulumi up" : "pulumi preview (ids unknown)", () => {
      const run = () => runs[mode];

      it("reads the primary through a StackReference named by primaryStack, and the replica depends on it", () => {
        // The mock cloud answers a StackReference only for the stack names it was given (here just
        // PRIMARY), so a replica built from those values read them through a reference to PRIMARY.
        expect(file["trading-platform:primaryStack"]).to.equal(PRIMARY);
        const references = run()
          .single(T.replica)
          .dependencies.filter((urn) => urn.includes(`${T.stackReference}::`));
        expect(references).to.have.length(1);
        expect(run().single(T.replica).inputs.globalTableArn).to.equal(primaryDynamo.globalTableArn);
      });

      it("creates the replica from the primary's global table ARN, in this stack's own region", () => {
        const replica = run().single(T.replica);
        expect(replica.inputs.globalTableArn).to.equal(primaryDynamo.globalTableArn);
        expect(String(replica.inputs.globalTableArn)).to.contain(":us-east-1:");
        // No region argument: the replica is created by this stack's provider, in aws:region.
        expect(replica.inputs.region).to.equal(undefined);
        expect(replica.provider).to.equal(undefined);
        expect(replica.region).to.equal("eu-west-1");
        expect(file["aws:region"]).to.equal("eu-west-1");
      });

      it("encrypts the replica with this region's rotating customer-managed key, with PITR and deletion protection", () => {
        const replica = run().single(T.replica);
        const key = source(run(), replica, "kmsKeyArn", T.key);
        expect(key.region).to.equal("eu-west-1");
        expect(key.inputs.enableKeyRotation).to.equal(true);
        expect(replica.inputs).to.include({ pointInTimeRecovery: true, deletionProtectionEnabled: true });
        if (mode === "up") {
          expect(replica.inputs.kmsKeyArn).to.equal(key.outputs.arn);
          expect(replica.inputs.kmsKeyArn).to.not.equal(primaryDynamo.kmsKeyArn);
        }
      });

      it("does not create a table or anything else the primary owns", () => {
        expect(run().ofType(T.table)).to.deep.equal([]);
      });

      it("has its own stream processor on the replica's own stream, created disabled, `enabled` left to the failover command", () => {
        const fn = run().single(T.fn, isStreamProcessor);
        const mapping = run().single(T.mapping);
        expect(fn.region).to.equal("eu-west-1");
        expect(mapping.region).to.equal("eu-west-1");
        expect(mapping.inputs.enabled).to.equal(false);
        expect(mapping.ignoreChanges).to.deep.equal(["enabled"]);
        // The replica's stream, read from the table in this region after the replica exists: never the primary's.
        const getTable = run().invokes.filter((i) => i.token === "aws:dynamodb/getTable:getTable");
        expect(getTable.map((i) => [i.inputs.name, i.region])).to.deep.equal(mode === "up" ? [[primaryDynamo.tableName, "eu-west-1"]] : []);
        if (mode === "up") {
          expect(String(mapping.inputs.eventSourceArn)).to.match(/^arn:aws:dynamodb:eu-west-1:\d{12}:table\/.+\/stream\//);
          expect(mapping.inputs.eventSourceArn).to.not.equal(primaryDynamo.streamArn);
          const tableEnv = (fn.inputs.environment as { variables: Record<string, unknown> }).variables.TABLE_NAME;
          expect(tableEnv).to.equal(primaryDynamo.tableName);
        }
      });

      it("scales reads (not writes: DynamoDB replicates the primary's write scaling) of the replica table and every GSI, after the replica exists", () => {
        const replica = run().single(T.replica);
        const targets = run().ofType(T.target);
        const name = String(primaryDynamo.tableName);
        const expected = ["table", ...INDEX_NAMES].flatMap((scope) =>
          ["Read"].map((d) =>
            scope === "table"
              ? `table/${name} dynamodb:table:${d}CapacityUnits`
              : `table/${name}/index/${scope} dynamodb:index:${d}CapacityUnits`,
          ),
        );
        expect(targets.map((t) => `${String(t.inputs.resourceId)} ${String(t.inputs.scalableDimension)}`)).to.have.members(expected);
        expect(targets).to.have.length(expected.length);
        for (const target of targets) {
          expect(target.region, target.name).to.equal("eu-west-1");
          expect(target.inputs.region).to.equal(undefined);
          expect(source(run(), target, "resourceId", T.replica).urn).to.equal(replica.urn);
          const policies = run().ofType(T.policy).filter((p) => source(run(), p, "resourceId", T.target).urn === target.urn);
          expect(policies, `policy on ${target.name}`).to.have.length(1);
          expect(policies[0].inputs.policyType).to.equal("TargetTrackingScaling");
          expect(policies[0].region).to.equal("eu-west-1");
        }
      });

      it("takes read ranges from its own config and registers no write range (DynamoDB keeps the primary's in every region)", () => {
        const range = (dimension: "table" | "index", kind: "Read" | "Write") => {
          const target = run()
            .ofType(T.target)
            .find((t) => t.inputs.scalableDimension === `dynamodb:${dimension}:${kind}CapacityUnits`) as RecordedResource;
          return { min: target.inputs.minCapacity, max: target.inputs.maxCapacity };
        };
        expect(range("table", "Read")).to.deep.equal({ min: file["trading-platform:dynamoReadMinCapacity"], max: file["trading-platform:dynamoReadMaxCapacity"] });
        expect(range("index", "Read")).to.deep.equal({
          min: file["trading-platform:dynamoIndexReadMinCapacity"],
          max: file["trading-platform:dynamoIndexReadMaxCapacity"],
        });
        const { table, index } = primaryDynamo.writeScaling;
        // No write target here: the primary's write scaling is the global table's.
        expect(run().ofType(T.target).filter((t) => String(t.inputs.scalableDimension).endsWith("WriteCapacityUnits"))).to.deep.equal([]);
        expect(index.min).to.be.at.least(table.min);
        expect(readStackFile("prod-us-east-1")["trading-platform:dynamoWriteMinCapacity"]).to.equal(table.min);
      });

      it("has its own DAX cluster in this region: 3 nodes in the 3 distinct AZs of its data subnets, TLS", () => {
        const cluster = run().single(T.dax);
        expect(cluster.region).to.equal("eu-west-1");
        expect(cluster.inputs.replicationFactor).to.be.at.least(3);
        expect(cluster.inputs.clusterEndpointEncryptionType).to.equal("TLS");
        expect(cluster.inputs.serverSideEncryption).to.deep.equal({ enabled: true });
        const subnets = run().propertyDependencies(cluster, "availabilityZones").filter((r) => r.type === T.subnet);
        expect(subnets.map((s) => s.inputs.availabilityZoneId)).to.have.members(azIds);
        if (mode === "up") {
          const zones = cluster.inputs.availabilityZones as string[];
          expect(zones).to.have.length(cluster.inputs.replicationFactor as number);
          expect(new Set(zones.map(azIdOfName))).to.deep.equal(new Set(azIds));
        }
      });

      it("scopes the DAX role to the replica table in this region and its indexes, without waiting for the replica", () => {
        const cluster = run().single(T.dax);
        const role = source(run(), cluster, "iamRoleArn", T.role);
        const policy = run().ofType(T.rolePolicy).find((p) => source(run(), p, "role", T.role).urn === role.urn) as RecordedResource;
        // The ARN is built from region, account and table name, so DAX is created alongside the replica.
        expect(run().propertyDependencies(policy, "policy").map((r) => r.type)).to.not.include(T.replica);
        expect(run().propertyDependencies(cluster, "iamRoleArn").map((r) => r.type)).to.not.include(T.replica);
        if (mode === "up") {
          const arn = String(run().single(T.replica).outputs.arn);
          expect(arn).to.match(/^arn:aws:dynamodb:eu-west-1:/);
          const document = JSON.parse(String(policy.inputs.policy)) as { Statement: { Resource: string[]; Action: string[] }[] };
          // The table actions name the table and its indexes; the one KMS statement names the table's key.
          document.Statement = document.Statement.filter((s) => !s.Action.some((a) => a.startsWith("kms:")));
          expect(document.Statement.flatMap((s) => s.Resource)).to.have.members([arn, ...INDEX_NAMES.map((i) => `${arn}/index/${i}`)]);
        }
      });

      it("publishes dynamo outputs of the same shape as the primary's, naming this region's table and DAX", () => {
        const dynamo = run().outputs.dynamo as Record<string, unknown>;
        expect(Object.keys(dynamo)).to.have.members(Object.keys(primaryDynamo));
        expect(dynamo.tableName).to.equal(primaryDynamo.tableName);
        expect(dynamo.globalTableArn).to.equal(primaryDynamo.globalTableArn);
        expect(dynamo.streamProcessorFunctionName).to.equal(primaryDynamo.streamProcessorFunctionName);
        expect(dynamo.indexNames).to.deep.equal(INDEX_NAMES);
        if (mode === "up") {
          expect(dynamo.region).to.equal("eu-west-1");
          expect(String(dynamo.tableArn)).to.match(/^arn:aws:dynamodb:eu-west-1:/);
          expect(String(dynamo.daxClusterArn)).to.match(/^arn:aws:dax:eu-west-1:/);
          expect(dynamo.daxEndpoint).to.not.equal(primaryDynamo.daxEndpoint);
        }
      });
    });
  }

  it("by default reads the outputs of a real run of the primary stack file", async () => {
    const run = await deployedStackRun(REPLICA);
    expect(run.single(T.replica).inputs.globalTableArn).to.equal(primaryDynamo.globalTableArn);
  });

  describe("a missing or malformed primary output", () => {
    const withDynamo = (change: (dynamo: Record<string, unknown>) => unknown) => ({
      stackReferences: { [PRIMARY]: { ...primaryOutputs, dynamo: change({ ...(primaryOutputs.dynamo as Record<string, unknown>) }) } },
    });

    const cases: [string, (dynamo: Record<string, unknown>) => unknown, string][] = [
      ["no dynamo output at all", () => undefined, 'output "dynamo" is missing: the stack has not been deployed'],
      [
        "a missing global table ARN",
        (d) => ({ ...d, globalTableArn: undefined }),
        'output "dynamo.globalTableArn" is missing',
      ],
      [
        "a global table ARN that is not an ARN",
        (d) => ({ ...d, globalTableArn: "trading-platform-prod-trading" }),
        'output "dynamo.globalTableArn" must be a dynamodb ARN (got "trading-platform-prod-trading")',
      ],
      [
        "write scaling without its index part",
        (d) => ({ ...d, writeScaling: { table: (d.writeScaling as Record<string, unknown>).table } }),
        'output "dynamo.writeScaling.index" is missing',
      ],
      [
        "a primary in the replica's own region",
        (d) => ({ ...d, region: "eu-west-1" }),
        'output "dynamo.region" is eu-west-1, the replica\'s own region',
      ],
    ];
    for (const [title, change, message] of cases) {
      it(`fails on ${title}, naming the primary stack and the output, before creating anything`, async () => {
        const failure = await stackFileFailure(REPLICA, withDynamo(change));
        expect(failure.message).to.contain(`Cannot read the DynamoDB outputs of primary stack "${PRIMARY}"`);
        expect(failure.message).to.contain(message);
        // Only the root stack (the StackReference is a read): the network and everything else is never registered.
        expect(failure.registered.map((r) => r.type)).to.deep.equal(["pulumi:pulumi:Stack"]);
      });
    }
  });
});
