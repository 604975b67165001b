/**
 * DataTier in the three real stack files, as `pulumi up` (ids known) and, for prod, as
 * `pulumi preview` (ids and AZ names unknown: placement is followed through property dependencies
 * to the data subnets and their AZ IDs).
 */
import { expect } from "chai";
import { FakeAccount, FAKE_REGIONS, readStackFile, RecordedResource, runStackFile, StackRun } from "../support/mockCloud";
import { deployedStackRun } from "../support/stackRuns";

const PROD_STACKS = ["prod-us-east-1", "prod-eu-west-1"] as const;
const PRIMARY = "acme-markets/trading-platform/prod-us-east-1";

const T = {
  component: "trading:data:DataTier",
  cluster: "aws:rds/cluster:Cluster",
  instance: "aws:rds/clusterInstance:ClusterInstance",
  clusterParams: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
  dbSubnets: "aws:rds/subnetGroup:SubnetGroup",
  cache: "aws:elasticache/replicationGroup:ReplicationGroup",
  cacheSubnets: "aws:elasticache/subnetGroup:SubnetGroup",
  cacheUser: "aws:elasticache/user:User",
  cacheUserGroup: "aws:elasticache/userGroup:UserGroup",
  key: "aws:kms/key:Key",
  subnet: "aws:ec2/subnet:Subnet",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  role: "aws:iam/role:Role",
  globalCluster: "aws:rds/globalCluster:GlobalCluster",
  secret: "aws:secretsmanager/secret:Secret",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
} as const;

function configuredAzIds(stack: string): string[] {
  return readStackFile(stack)["trading-platform:azIds"] as string[];
}

function azIdOfName(region: string, name: unknown): string {
  const az = FAKE_REGIONS[region].find((a) => a.name === name);
  if (!az) {
    throw new Error(`${String(name)} is not an AZ name of ${region}`);
  }
  return az.id;
}

/** The data subnets a property's value came from. */
function subnetsBehind(run: StackRun, resource: RecordedResource, property: string): RecordedResource[] {
  const subnets = run.propertyDependencies(resource, property).filter((r) => r.type === T.subnet);
  for (const subnet of subnets) {
    expect((subnet.inputs.tags as Record<string, string>).Tier, `${subnet.name} behind ${resource.name}.${property}`).to.equal(
      "data",
    );
  }
  return subnets;
}

/** The one resource a property's value came from, of the given type. */
function only(run: StackRun, resource: RecordedResource, property: string, type: string): RecordedResource {
  const found = run.propertyDependencies(resource, property).filter((r) => r.type === type);
  expect(found, `${resource.name}.${property} → ${type}`).to.have.length(1);
  return found[0];
}

/** Every (key path, value) in a recorded input tree. */
function* entries(value: unknown, path: string): Generator<[string, unknown]> {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      yield* entries(item, `${path}[${i}]`);
    }
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      yield [`${path}.${key}`, item];
      yield* entries(item, `${path}.${key}`);
    }
  }
}

const CREDENTIAL_KEY = /password|passwd|authtoken|secretstring|secretbinary|passphrase/i;

function dataTierOf(run: StackRun): RecordedResource[] {
  return run.childrenOf(run.single(T.component), true);
}

/** The stores' groups, the app group, and the rules between them. */
function securityGroupsOf(run: StackRun) {
  const data = dataTierOf(run);
  const group = (name: string) => {
    const found = data.filter((r) => r.type === T.sg && r.name === name);
    expect(found, name).to.have.length(1);
    return found[0];
  };
  const rulesOn = (type: string, sg: RecordedResource) =>
    run.ofType(type).filter((rule) => run.propertyDependencies(rule, "securityGroupId").some((r) => r.urn === sg.urn));
  const clusterGroups = run.childrenOf(run.single("trading:cluster:ClusterSecurityGroups"), true).filter((r) => r.type === T.sg);
  const app = clusterGroups.filter((sg) => sg.name.endsWith("-app"));
  expect(app, "the cluster's app security group").to.have.length(1);
  return { db: group("trading-db"), cache: group("trading-cache"), app: app[0], rulesOn };
}

function assertProdDataTier(stack: string, run: StackRun): void {
  const region = run.preview ? undefined : String(readStackFile(stack)["aws:region"]);
  const azIds = configuredAzIds(stack);

  // Aurora: one instance per AZ, three distinct AZs, placed through the data subnets' AZ names.
  const instances = run.ofType(T.instance);
  expect(instances).to.have.length(3);
  const instanceAzIds = instances.map((instance) => {
    const subnets = subnetsBehind(run, instance, "availabilityZone");
    expect(subnets, `${instance.name} AZ comes from one data subnet`).to.have.length(1);
    const azId = String(subnets[0].inputs.availabilityZoneId);
    if (region) {
      expect(azIdOfName(region, instance.inputs.availabilityZone), instance.name).to.equal(azId);
    }
    return azId;
  });
  expect(new Set(instanceAzIds).size, `instances in ${instanceAzIds.join(", ")}`).to.equal(3);
  expect(instanceAzIds).to.have.members(azIds.slice(0, 3));
  expect(instances.map((i) => i.inputs.promotionTier).sort()).to.deep.equal([0, 1, 2]);
  for (const instance of instances) {
    expect(instance.inputs.publiclyAccessible, instance.name).to.equal(false);
    expect(instance.inputs.performanceInsightsEnabled).to.equal(true);
    expect(only(run, instance, "performanceInsightsKmsKeyId", T.key).inputs.enableKeyRotation).to.equal(true);
    expect(instance.inputs.monitoringInterval).to.be.greaterThan(0);
    const role = only(run, instance, "monitoringRoleArn", T.role);
    expect(String(role.inputs.assumeRolePolicy)).to.contain("monitoring.rds.amazonaws.com");
  }

  // The cluster: encrypted with a rotating customer key of its own region, TLS forced, IAM auth. A
  // member of the global database: the primary owns the global cluster and the master secret
  // (RDS-managed secrets are not offered in a global database), the secondary has no master user.
  const cluster = run.single(T.cluster);
  expect(cluster.inputs.engine).to.equal("aurora-postgresql");
  expect(cluster.inputs.storageEncrypted).to.equal(true);
  const dbKey = only(run, cluster, "kmsKeyId", T.key);
  expect(dbKey.inputs.enableKeyRotation).to.equal(true);
  if (region) expect(String(cluster.inputs.kmsKeyId).split(":")[3], "the key is in the cluster's region").to.equal(region);
  expect(cluster.inputs.manageMasterUserPassword).to.equal(undefined);
  expect(cluster.inputs.masterPassword).to.equal(undefined);
  expect(cluster.ignoreChanges).to.include.members(["engineVersion", "replicationSourceIdentifier"]);
  if (readStackFile(stack)["trading-platform:role"] === "primary") {
    // The global cluster is made from the cluster (so an existing cluster joins in place), once its writer exists.
    const global = run.single(T.globalCluster);
    expect(only(run, global, "sourceDbClusterIdentifier", T.cluster).urn).to.equal(cluster.urn);
    expect(global.dependencies, "after the writer instance").to.include(run.ofType(T.instance).find((i) => i.name === "trading-db-0")?.urn);
    expect(cluster.inputs.globalClusterIdentifier, "the cluster does not name it itself").to.equal(undefined);
    expect(cluster.ignoreChanges).to.include("globalClusterIdentifier");
    expect(global.inputs.globalClusterIdentifier).to.equal("trading-prod-refdata");
    expect([global.inputs.engineVersion, global.inputs.forceDestroy]).to.deep.equal([cluster.inputs.engineVersion, true]);
    expect(global.protect && global.inputs.deletionProtection === true, "the global cluster is protected").to.equal(true);
    expect(cluster.inputs.masterUsername).to.equal("trading_admin");
    expect(cluster.inputs.masterPasswordWoVersion).to.equal(1);
    const secret = run.single(T.secret);
    expect(only(run, secret, "kmsKeyId", T.key).urn, "the master secret is encrypted with the tier's key").to.equal(dbKey.urn);
    expect(secret.inputs.replicas, "a copy in the secondary's region").to.deep.equal([{ region: "eu-west-1" }]);
  } else {
    expect(run.ofType(T.globalCluster), "the replica owns no global cluster").to.deep.equal([]);
    expect(cluster.inputs.globalClusterIdentifier).to.equal("trading-prod-refdata");
    for (const key of ["masterUsername", "masterPasswordWo", "databaseName", "masterUserSecretKmsKeyId"]) {
      expect(cluster.inputs[key], `a secondary has no ${key}`).to.equal(undefined);
    }
    expect(run.ofType(T.secret), "the secondary uses the primary's secret, replicated here").to.deep.equal([]);
    // An existing regional cluster cannot become a secondary in place: it is replaced, deleted first (fixed identifier).
    expect(cluster.deleteBeforeReplace).to.equal(true);
  }
  expect(cluster.inputs.iamDatabaseAuthenticationEnabled).to.equal(true);
  const params = only(run, cluster, "dbClusterParameterGroupName", T.clusterParams);
  const forceSsl = (params.inputs.parameters as { name: string; value: string }[]).filter((p) => p.name === "rds.force_ssl");
  expect(forceSsl.map((p) => p.value)).to.deep.equal(["1"]);
  const dbSubnetGroup = only(run, cluster, "dbSubnetGroupName", T.dbSubnets);
  expect(azIdOfSubnets(subnetsBehind(run, dbSubnetGroup, "subnetIds"))).to.have.members(azIds);

  // Backups, deletion protection and a final snapshot whose name is known in advance.
  expect(cluster.inputs.backupRetentionPeriod).to.be.at.least(7);
  expect(cluster.inputs.deletionProtection).to.equal(true);
  expect(cluster.protect).to.equal(true);
  expect(cluster.inputs.skipFinalSnapshot).to.equal(false);
  // Named per cluster generation (the hash of what forces a new cluster), unknown in a first preview.
  if (typeof cluster.inputs.finalSnapshotIdentifier === "string" || !run.preview) {
    expect(cluster.inputs.finalSnapshotIdentifier).to.match(new RegExp(`^trading-${stack}-db-[0-9a-f]{4}-final$`));
  }
  expect(cluster.inputs.deleteAutomatedBackups).to.equal(false);

  // The cache: a node in each of three AZs, failover and Multi-AZ on, encrypted at rest and in transit.
  const cache = run.single(T.cache);
  expect(cache.inputs.numCacheClusters).to.equal(3);
  expect(cache.inputs.preferredCacheClusterAzs).to.have.length(3);
  const cacheSubnets = subnetsBehind(run, cache, "preferredCacheClusterAzs");
  const cacheAzIds = azIdOfSubnets(cacheSubnets);
  expect(new Set(cacheAzIds).size, `cache nodes in ${cacheAzIds.join(", ")}`).to.equal(3);
  if (region) {
    const named = (cache.inputs.preferredCacheClusterAzs as string[]).map((name) => azIdOfName(region, name));
    expect(named).to.deep.equal(azIds.slice(0, 3));
  }
  expect(cache.inputs.automaticFailoverEnabled).to.equal(true);
  expect(cache.inputs.multiAzEnabled).to.equal(true);
  expect(cache.inputs.atRestEncryptionEnabled).to.equal(true);
  const cacheKey = only(run, cache, "kmsKeyId", T.key);
  expect(cacheKey.inputs.enableKeyRotation).to.equal(true);
  expect(cacheKey.urn).to.not.equal(dbKey.urn);
  expect(cache.inputs.transitEncryptionEnabled).to.equal(true);
  expect(cache.inputs.transitEncryptionMode).to.equal("required");
  expect(cache.inputs.snapshotRetentionLimit).to.be.at.least(7);
  // Named after the group's generation (the hash of the inputs that force a replacement), unknown in a first preview.
  if (typeof cache.inputs.replicationGroupId === "string") {
    expect(cache.inputs.replicationGroupId).to.match(new RegExp(`^trading-${stack}-cache-[0-9a-f]{4}$`));
    expect(cache.inputs.finalSnapshotIdentifier).to.equal(`${cache.inputs.replicationGroupId}-final`);
  }
  const cacheSubnetGroup = only(run, cache, "subnetGroupName", T.cacheSubnets);
  expect(azIdOfSubnets(subnetsBehind(run, cacheSubnetGroup, "subnetIds"))).to.have.members(azIds);
}

const azIdOfSubnets = (subnets: RecordedResource[]) => subnets.map((s) => String(s.inputs.availabilityZoneId));

describe("DataTier in the stack files", () => {
  const runs: Record<string, StackRun> = {};
  before(async () => {
    runs["dev"] = await deployedStackRun("dev");
    runs["prod-us-east-1"] = await deployedStackRun("prod-us-east-1");
    // The replica reads the primary's outputs through a StackReference: hand it the primary's run.
    runs["prod-eu-west-1"] = await runStackFile("prod-eu-west-1", {
      stackReferences: { [PRIMARY]: runs["prod-us-east-1"].outputs },
    });
    runs["prod-us-east-1 preview"] = await runStackFile("prod-us-east-1", { preview: true });
  });

  for (const stack of PROD_STACKS) {
    it(`${stack}: Aurora instances and cache nodes in three distinct AZs, encrypted, TLS-only, protected, retained`, () => {
      assertProdDataTier(stack, runs[stack]);
    });
  }

  it("prod-us-east-1 preview: the same, read from property dependencies while ids and AZ names are unknown", () => {
    const run = runs["prod-us-east-1 preview"];
    const instance = run.ofType(T.instance)[0];
    expect(instance.inputs.availabilityZone, "AZ names are unknown in a preview").to.not.be.a("string");
    assertProdDataTier("prod-us-east-1", run);
  });

  for (const stack of ["dev", ...PROD_STACKS, "prod-us-east-1 preview"]) {
    it(`${stack}: 5432 and 6379 admit only the app security group, which gets the matching egress`, () => {
      const run = runs[stack];
      const { db, cache, app, rulesOn } = securityGroupsOf(run);
      for (const [store, sg, port] of [
        ["db", db, 5432],
        ["cache", cache, 6379],
      ] as const) {
        // Rules are separate resources only; an inline rule would be invisible to this check.
        expect(sg.inputs.ingress, `${store} inline ingress`).to.equal(undefined);
        expect(sg.inputs.egress, `${store} inline egress`).to.equal(undefined);
        // Aurora also admits the reference-data migration function (ReferenceDataMigrations), nothing else.
        const migrationGroup = run.ofType("aws:ec2/securityGroup:SecurityGroup").find((g) => g.name === "trading-fn");
        const ingress = rulesOn(T.ingress, sg).filter(
          (r) => store !== "db" || !run.propertyDependencies(r, "referencedSecurityGroupId").some((g) => g.urn === migrationGroup?.urn),
        );
        expect(ingress, `${store} ingress rules`).to.have.length(1);
        if (store === "db") expect(rulesOn(T.ingress, sg), "db ingress: the app and the migration function").to.have.length(2);
        const rule = ingress[0];
        expect([rule.inputs.ipProtocol, rule.inputs.fromPort, rule.inputs.toPort]).to.deep.equal(["tcp", port, port]);
        expect(run.propertyDependencies(rule, "referencedSecurityGroupId").map((r) => r.urn)).to.deep.equal([app.urn]);
        for (const open of ["cidrIpv4", "cidrIpv6", "prefixListId"]) {
          expect(rule.inputs[open], `${store} ingress ${open}`).to.equal(undefined);
        }
        expect(rulesOn(T.egress, sg), `${store} egress rules`).to.deep.equal([]);
        const toStore = rulesOn(T.egress, app).filter((r) =>
          run.propertyDependencies(r, "referencedSecurityGroupId").some((target) => target.urn === sg.urn),
        );
        expect(toStore, `app egress to ${store}`).to.have.length(1);
        expect([toStore[0].inputs.ipProtocol, toStore[0].inputs.fromPort, toStore[0].inputs.toPort]).to.deep.equal([
          "tcp",
          port,
          port,
        ]);
      }
    });

    it(`${stack}: no password, token or secret value in any input of the data tier`, () => {
      const run = runs[stack];
      const data = [run.single(T.component), ...dataTierOf(run)];
      const found: string[] = [];
      for (const resource of data) {
        for (const [path, value] of entries(resource.inputs, resource.name)) {
          if (CREDENTIAL_KEY.test(path.split(".").pop() ?? "") && typeof value !== "boolean" && value !== undefined) {
            found.push(`${path} = ${JSON.stringify(value)}`);
          }
        }
      }
      if (stack.startsWith("prod-us-east-1")) {
        // The global database's primary: RDS offers no managed secret for a member of a global
        // database, so the generated password goes, write-only and as a Pulumi secret, to the
        // cluster and to the tier's own secret, and nowhere else.
        expect(found.map((f) => f.split(" = ")[0])).to.have.members([
          "trading-db-master.secretStringWo",
          "trading-db-master.secretStringWoVersion",
          "trading-db.masterPasswordWo",
          "trading-db.masterPasswordWoVersion",
        ]);
        if (!run.preview) {
          for (const [type, key] of [
            [T.cluster, "masterPasswordWo"],
            [T.secretVersion, "secretStringWo"],
          ] as const) {
            const value = run.single(type).inputs[key];
            expect(JSON.stringify(value), `${type}.${key} is a Pulumi secret`).to.contain("4dabf18193072939515e22adb298388d");
          }
          expect(JSON.stringify(run.outputs), "the password reaches no stack output").to.not.contain("FakeMasterPassword");
        }
        expect(data.filter((r) => r.type.startsWith("aws:secretsmanager/")).map((r) => r.type)).to.have.members([T.secret, T.secretVersion]);
      } else {
        expect(found).to.deep.equal([]);
        // Nothing that holds a secret value is created at all: RDS keeps the master password (dev),
        // the secondary has none (prod-eu-west-1), and the cache has no password (an
        // IAM-authenticated user and a disabled default user).
        expect(data.filter((r) => r.type.startsWith("aws:secretsmanager/"))).to.deep.equal([]);
      }
      const users = run.ofType(T.cacheUser);
      expect(users.map((u) => [u.inputs.userName === "default", (u.inputs.authenticationMode as { type: string }).type])).to.have.deep.members([
        [true, "no-password-required"],
        [false, "iam"],
      ]);
      const defaultUser = users.find((u) => u.inputs.userName === "default") as RecordedResource;
      expect(String(defaultUser.inputs.accessString).split(" ")[0], "the default user is switched off").to.equal("off");
      const appUser = users.find((u) => u.inputs.userName !== "default") as RecordedResource;
      expect(appUser.inputs.userName, "IAM auth needs user name = user id").to.equal(appUser.inputs.userId);
      const group = run.single(T.cacheUserGroup);
      expect(run.propertyDependencies(group, "userIds").map((r) => r.urn)).to.have.members(users.map((u) => u.urn));
      expect(run.propertyDependencies(run.single(T.cache), "userGroupIds").map((r) => r.urn)).to.deep.equal([group.urn]);
    });
  }

  it("dev: runs smaller and fewer nodes, still spread over distinct AZs, without blocking teardown", () => {
    const run = runs["dev"];
    const instances = run.ofType(T.instance);
    expect(instances).to.have.length(2);
    expect(new Set(instances.map((i) => azIdOfName("us-east-1", i.inputs.availabilityZone))).size).to.equal(2);
    expect(instances.map((i) => i.inputs.instanceClass)).to.deep.equal(["db.t4g.medium", "db.t4g.medium"]);
    const cache = run.single(T.cache);
    expect(cache.inputs.nodeType).to.equal("cache.t4g.small");
    expect(cache.inputs.numCacheClusters).to.equal(2);
    expect(new Set(cache.inputs.preferredCacheClusterAzs as string[]).size).to.equal(2);
    expect(cache.inputs.automaticFailoverEnabled).to.equal(true);
    const cluster = run.single(T.cluster);
    expect(cluster.inputs.deletionProtection).to.equal(false);
    expect(cluster.protect).to.equal(false);
    expect(cluster.inputs.skipFinalSnapshot).to.equal(true);
    // dev stays one regional cluster (dataGlobalDatabase defaults to false) with RDS's managed secret.
    expect(run.ofType(T.globalCluster)).to.deep.equal([]);
    expect(cluster.inputs.globalClusterIdentifier).to.equal(undefined);
    expect(cluster.inputs.manageMasterUserPassword).to.equal(true);
    expect(cluster.ignoreChanges).to.deep.equal([]);
  });

  it("exports the data outputs of every stack under data", () => {
    for (const stack of ["dev", ...PROD_STACKS]) {
      const data = runs[stack].outputs.data as Record<string, unknown>;
      const region = String(readStackFile(stack)["aws:region"]);
      expect(data.dbWriterEndpoint, stack).to.equal(`trading-${stack}-db.cluster-cfake0000000.${region}.rds.amazonaws.com`);
      expect(data.dbReaderEndpoint, stack).to.equal(`trading-${stack}-db.cluster-ro-cfake0000000.${region}.rds.amazonaws.com`);
      expect(data.dbPort).to.equal(5432);
      // dev: RDS's managed secret; prod: the global database's own secret, in each region (a replica).
      expect(data.dbMasterSecretArn).to.match(
        new RegExp(stack === "dev" ? `^arn:aws:secretsmanager:${region}:\\d{12}:secret:rds!cluster-` : `^arn:aws:secretsmanager:${region}:\\d{12}:secret:trading-prod-us-east-1-db-master-`),
      );
      expect(data.dbClusterArn).to.equal(`arn:aws:rds:${region}:123456789012:cluster:trading-${stack}-db`);
      expect(data.dbGlobalClusterIdentifier, stack).to.equal(stack === "dev" ? undefined : "trading-prod-refdata");
      expect(data.dbGlobalWriterEndpoint, stack).to.equal(stack === "dev" ? undefined : "trading-prod-refdata.global-fake0000000.global.rds.amazonaws.com");
      expect(data.cachePrimaryEndpoint).to.match(new RegExp(`^master\\.trading-${stack}-cache-[0-9a-f]{4}\\.fake00\\.${region}\\.cache\\.amazonaws\\.com$`));
      expect(data.cacheReaderEndpoint).to.match(new RegExp(`^replica\\.trading-${stack}-cache-[0-9a-f]{4}\\.fake00\\.${region}\\.cache\\.amazonaws\\.com$`));
      expect(data.cachePort).to.equal(6379);
      expect(data.cacheUserName).to.equal(`trading-${stack}-cache-app`);
    }
  });
});

describe("an existing regional prod-us-east-1 becomes the global database's primary in place (one fake account)", function () {
  this.timeout(120_000);

  it("the second pulumi up keeps the cluster (same identifier, no in-place add refused) and makes the global cluster from it", async () => {
    const account = new FakeAccount();
    const regional = await runStackFile("prod-us-east-1", { quirks: { account }, overrides: { "trading-platform:dataGlobalDatabase": false } });
    expect(regional.ofType(T.globalCluster)).to.deep.equal([]);
    expect(regional.single(T.cluster).inputs.manageMasterUserPassword).to.equal(true);
    const global = await runStackFile("prod-us-east-1", { quirks: { account } });
    const cluster = global.single(T.cluster);
    expect(cluster.inputs.clusterIdentifier).to.equal(regional.single(T.cluster).inputs.clusterIdentifier);
    expect(cluster.inputs.manageMasterUserPassword).to.equal(undefined);
    expect(account.globalCluster("trading-prod-refdata")?.members.find((m) => m.isWriter)?.dbClusterArn).to.equal(
      "arn:aws:rds:us-east-1:123456789012:cluster:trading-prod-us-east-1-db",
    );
  });
});

describe("final snapshots across cluster generations (one fake account)", function () {
  this.timeout(120_000);

  it("prod-us-east-1 deployed, destroyed, deployed again and destroyed again: each deletion's final snapshot has a name of its own", async () => {
    const account = new FakeAccount();
    const names: string[] = [];
    for (const generation of [1, 2]) {
      const run = await runStackFile("prod-us-east-1", { quirks: { account } });
      names.push(String(run.single(T.cluster).inputs.finalSnapshotIdentifier), String(run.single(T.cache).inputs.finalSnapshotIdentifier));
      // Fails with DBClusterSnapshotAlreadyExistsFault when the second deletion asks for the first's snapshot name.
      account.destroy("prod-us-east-1", run.resources);
      expect(account.finalSnapshots("us-east-1", T.cluster), `after destroy ${generation}`).to.have.length(generation);
      expect(account.finalSnapshots("us-east-1", T.cache), `after destroy ${generation}`).to.have.length(generation);
    }
    expect(new Set(names).size).to.equal(4);
  });
});
