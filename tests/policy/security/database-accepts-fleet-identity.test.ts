// database-accepts-fleet-identity, with its fixtures: a role granted rds-db:connect and elasticache:Connect, and the databases it connects to.
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { aurora, cache, T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

const AZS = ["use1-az1", "use1-az2", "use1-az4"];
const USER = "aws:elasticache/user:User";

function fleet(fx: Fixture, options: { iamAuth?: boolean; userMode?: string; userGroups?: boolean; connectCache?: boolean } = {}): void {
  const { cluster } = aurora(fx, AZS, options.iamAuth === false ? {} : { iamDatabaseAuthenticationEnabled: true });
  cache(fx, AZS, { replicationGroupId: "trading-cache", ...(options.userGroups === false ? {} : { userGroupIds: ["trading-users"] }) });
  fx.add(USER, "cache-default", { userId: "trading-default", userName: "default", engine: "redis", accessString: "off -@all", authenticationMode: { type: "no-password-required" } });
  fx.add(USER, "cache-app", { userId: "trading-app", userName: "trading-app", engine: "redis", accessString: "on ~* +@all", authenticationMode: { type: options.userMode ?? "iam" } });
  const role = fx.add(T.role, "instance", { assumeRolePolicy: "{}" });
  const statements: Record<string, unknown>[] = [
    { Sid: "ReferenceDatabase", Effect: "Allow", Action: ["rds-db:connect"], Resource: "arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABC/trading_app" },
  ];
  if (options.connectCache !== false) {
    statements.push({
      Sid: "ReferenceCache",
      Effect: "Allow",
      Action: "elasticache:Connect",
      Resource: ["arn:aws:elasticache:us-east-1:123456789012:replicationgroup:trading-cache", "arn:aws:elasticache:us-east-1:123456789012:user:trading-app"],
    });
  }
  fx.add(T.rolePolicy, "instance-policy", { role: fx.ref(role), policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }, { deps: { policy: [cluster] } });
}

describe("database-accepts-fleet-identity", () => {
  it("passes IAM database authentication on the cluster the grant was built from, and an IAM user on a group with users and TLS", async () => {
    const fx = new Fixture();
    fleet(fx);
    expect(messagesOf(await evaluate(securityPack, fx), "database-accepts-fleet-identity")).to.deep.equal([]);
  });

  it("reports a cluster without IAM authentication, a password user the role connects as, and a group without user groups", async () => {
    const fx = new Fixture();
    fleet(fx, { iamAuth: false, userMode: "password", userGroups: false });
    expect(messagesOf(await evaluate(securityPack, fx), "database-accepts-fleet-identity")).to.deep.equal([
      "Aurora/RDS cluster db does not enable IAM database authentication (iamDatabaseAuthenticationEnabled), but instance-policy grants rds-db:connect " +
        '(statement "ReferenceDatabase"): the fleet\'s tokens would be refused',
      'ElastiCache user cache-app authenticates by password, but instance-policy grants elasticache:Connect on it (statement "ReferenceCache"): set authenticationMode.type "iam"',
      "replication group cache has no user group (userGroupIds): IAM users cannot connect to it",
    ]);
  });

  it("judges nothing where no identity policy grants the connect actions", async () => {
    const fx = new Fixture();
    aurora(fx, AZS);
    fx.add(USER, "cache-app", { userId: "trading-app", engine: "redis", authenticationMode: { type: "password" } });
    expect(messagesOf(await evaluate(securityPack, fx), "database-accepts-fleet-identity")).to.deep.equal([]);
  });
});
