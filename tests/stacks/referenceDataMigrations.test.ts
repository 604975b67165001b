/**
 * `pulumi up` alone creates the reference-data schema and the application roles: under the mock
 * cloud, every stack registers the migration function in the app subnets, and the stack whose
 * cluster holds the writer an invocation that re-runs exactly when the migration set changes, after
 * the writer instance exists. In prod the writer is the global database's: the fake account answers
 * `aws.rds.getGlobalCluster` from its state, so a switchover (as the failover command runs it)
 * moves the invocation to the replica's stack on its next `pulumi up`. (The SQL itself runs against
 * a real PostgreSQL in tests/services/referenceData.test.ts.)
 */
import { expect } from "chai";
import { migrationFiles, migrationSetHash } from "../../services/reference-data/contract";
import { FakeAccount, runStackFile, type StackRun } from "../support/mockCloud";
import { deployedStackRun } from "../support/stackRuns";

const T = {
  fn: "aws:lambda/function:Function",
  invocation: "aws:lambda/invocation:Invocation",
  subnet: "aws:ec2/subnet:Subnet",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  instance: "aws:rds/clusterInstance:ClusterInstance",
} as const;

describe("reference-data migrations in the stacks (mock cloud)", function () {
  this.timeout(120_000);
  const runs: Record<string, StackRun> = {};
  before(async () => {
    for (const stack of ["dev", "prod-us-east-1", "prod-eu-west-1"]) runs[stack] = await deployedStackRun(stack);
  });

  it("prod-eu-west-1: deploys the function but never invokes it against the read-only secondary", () => {
    const run = runs["prod-eu-west-1"];
    expect(run.ofType(T.invocation)).to.deep.equal([]);
    const fn = run.single(T.fn, (r) => String(r.inputs.name).endsWith("-refdata-migrations"));
    expect(fn.inputs.name).to.equal("trading-prod-eu-west-1-refdata-migrations");
    // Ready for a switchover: its own region's cluster endpoint and its region's copy of the master secret.
    const env = (fn.inputs.environment as { variables: Record<string, unknown> }).variables;
    expect(env.DB_HOST).to.equal("trading-prod-eu-west-1-db.cluster-cfake0000000.eu-west-1.rds.amazonaws.com");
    expect(env.DB_MASTER_SECRET_ARN).to.equal("arn:aws:secretsmanager:eu-west-1:123456789012:secret:trading-prod-us-east-1-db-master-AbCdEf");
  });

  it("after a switchover the replica's stack migrates and the primary's stops invoking; back again, the primary migrates", async () => {
    const account = new FakeAccount();
    const global = account.globalCluster("trading-prod-refdata");
    expect(global?.members.map((m) => [m.region, m.isWriter])).to.deep.equal([
      ["us-east-1", true],
      ["eu-west-1", false],
    ]);
    const replicaArn = "arn:aws:rds:eu-west-1:123456789012:cluster:trading-prod-eu-west-1-db";
    const primaryArn = "arn:aws:rds:us-east-1:123456789012:cluster:trading-prod-us-east-1-db";
    try {
      account.switchOverGlobalCluster("trading-prod-refdata", replicaArn);
      const replica = await runStackFile("prod-eu-west-1", { quirks: { account } });
      const invocation = replica.single(T.invocation);
      const writer = replica.ofType(T.instance).find((i) => i.name === "trading-db-0");
      expect(invocation.dependencies, "waits for the local writer instance").to.include(writer?.urn);
      const primary = await runStackFile("prod-us-east-1", { quirks: { account } });
      expect(primary.ofType(T.invocation), "the old primary is a secondary now").to.deep.equal([]);
      // Its cluster stays in the program as it was: a no-change update, not a second join with credentials.
      expect(primary.single("aws:rds/cluster:Cluster").inputs.masterUsername).to.equal("trading_admin");
    } finally {
      account.switchOverGlobalCluster("trading-prod-refdata", primaryArn);
    }
    const back = await runStackFile("prod-us-east-1", { quirks: { account } });
    expect(back.single(T.invocation).inputs.functionName).to.not.equal(undefined);
    expect((await runStackFile("prod-eu-west-1", { quirks: { account } })).ofType(T.invocation)).to.deep.equal([]);
  });

  for (const stack of ["dev", "prod-us-east-1", "prod-eu-west-1"]) {
    // Where the writer is: dev's regional cluster and the global database's primary.
    if (stack !== "prod-eu-west-1") it(`${stack}: invokes the migration function when the migration set changes, after the writer exists`, () => {
      const run = runs[stack];
      const invocation = run.single(T.invocation);
      const fn = run.single(T.fn, (r) => String(r.inputs.name).endsWith("-refdata-migrations"));
      const expected = migrationSetHash(migrationFiles());
      expect(JSON.parse(String(invocation.inputs.input))).to.deep.equal({ migrationSetSha256: expected });
      expect((invocation.inputs.triggers as Record<string, string>).migrationSetSha256).to.equal(expected);
      expect(run.propertyDependencies(invocation, "functionName").map((r) => r.urn)).to.deep.equal([fn.urn]);
      expect(run.propertyDependencies(invocation, "qualifier").map((r) => r.urn), "invokes the published version").to.deep.equal([fn.urn]);
      expect(invocation.inputs.lifecycleScope ?? "CREATE_ONLY").to.equal("CREATE_ONLY");
      const writer = run.ofType(T.instance).find((i) => i.name === "trading-db-0");
      expect(invocation.dependencies, "waits for the writer instance").to.include(writer?.urn);
      expect(fn.inputs.publish).to.equal(true);
      expect(fn.inputs.runtime).to.equal("nodejs24.x");
    });

    it(`${stack}: the function runs in the app subnets, reaches only Aurora and HTTPS, and reads only the master secret`, () => {
      const run = runs[stack];
      const fn = run.single(T.fn, (r) => String(r.inputs.name).endsWith("-refdata-migrations"));
      const subnets = run.propertyDependencies(fn, "vpcConfig").filter((r) => r.type === T.subnet);
      expect(subnets.map((s) => s.name).sort()).to.deep.equal(subnets.map((s) => s.name).filter((n) => n.includes("-app-")).sort());
      expect(subnets.length).to.be.at.least(2);
      const env = (fn.inputs.environment as { variables: Record<string, unknown> }).variables;
      // Exactly these: nothing else (in particular not the local test's CA override, migrationTls.ts).
      expect(Object.keys(env).sort()).to.deep.equal(["DB_HOST", "DB_MASTER_SECRET_ARN", "DB_NAME", "DB_PORT", "NODE_OPTIONS"]);
      expect(JSON.stringify(fn.inputs), "no password in the function's inputs").to.not.match(/password/i);
      const group = run.single(T.sg, (g) => g.name === "trading-fn");
      const egress = run.ofType(T.egress).filter((r) => run.propertyDependencies(r, "securityGroupId").some((g) => g.urn === group.urn));
      expect(egress.map((r) => [r.inputs.fromPort, r.inputs.toPort]).sort()).to.deep.equal([[443, 443], [5432, 5432]]);
      const policy = run.single(T.rolePolicy, (p) => p.name === "trading-fn-secret");
      const document = JSON.parse(String(policy.inputs.policy)) as { Statement: { Action: string[]; Resource: string }[] };
      expect(document.Statement.map((s) => s.Action).flat().sort()).to.deep.equal(["kms:Decrypt", "secretsmanager:GetSecretValue"]);
      for (const s of document.Statement) expect(s.Resource).to.not.equal("*");
    });
  }
});
