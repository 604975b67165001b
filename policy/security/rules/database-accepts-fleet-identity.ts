/**
 * The database accepts the identity the fleet uses. A role granted `rds-db:connect` connects with an
 * IAM authentication token, which the database refuses unless IAM database authentication is on
 * (Aurora User Guide, "IAM database authentication": enable it on the DB cluster, then grant
 * rds-db:connect on arn:aws:rds-db:<region>:<account>:dbuser:<cluster resource id>/<db user>). A
 * role granted `elasticache:Connect` signs in as an ElastiCache user, which must use IAM
 * authentication (authenticationMode type "iam"; ElastiCache User Guide, "Authenticating with IAM":
 * the user and the replication group are the resources of elasticache:Connect, and IAM
 * authentication needs a user group on the replication group and in-transit encryption).
 * Without these, `pulumi up` succeeds and every instance fails to connect at boot.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { GraphResource, ResourceGraph, TYPES } from "../../lib/graph";
import { grants, parseStatements, type ParsedStatement } from "../../lib/security/iam";
import { peek, peekArray, peekBoolean, peekString, UNKNOWN } from "../../lib/values";

const CACHE_USER = "aws:elasticache/user:User";

interface Grant {
  /** The policy resource holding the statement. */
  holder: GraphResource;
  statement: ParsedStatement;
}

/** Every Allow statement of the stack's identity policies (role policies, managed policies, roles' inline policies). */
function statements(graph: ResourceGraph): Grant[] {
  const found: Grant[] = [];
  for (const holder of [...graph.ofType(TYPES.iamRolePolicy), ...graph.ofType(TYPES.iamPolicy)]) {
    for (const statement of parseStatements(peek(holder.props, "policy"))) {
      found.push({ holder, statement });
    }
  }
  for (const role of graph.ofType(TYPES.iamRole)) {
    const inlines = peekArray(role.props, "inlinePolicies");
    for (const inline of Array.isArray(inlines) ? inlines : []) {
      for (const statement of parseStatements(peek(inline, "policy"))) {
        found.push({ holder: role, statement });
      }
    }
  }
  return found;
}

/** The resources of `types` a grant is about: those its document was built from, else all of them. */
function targets(graph: ResourceGraph, grant: Grant, types: readonly string[]): GraphResource[] {
  const key = grant.holder.type === TYPES.iamRole ? "inlinePolicies" : "policy";
  const fromDocument = (grant.holder.propertyDependencies[key] ?? []).filter((d) => types.includes(d.type));
  return fromDocument.length > 0 ? fromDocument : graph.resources.filter((r) => types.includes(r.type));
}

/** The ElastiCache users an elasticache:Connect statement names (by user id in the ARN, or its document's dependencies), or every user for "*". */
function cacheUsersOf(graph: ResourceGraph, grant: Grant): GraphResource[] {
  const users = graph.ofType(CACHE_USER);
  if (grant.statement.resources.some((r) => r === "*" || /:user:\*$/.test(r))) {
    return users;
  }
  const ids = grant.statement.resources.flatMap((r) => /:user:([^:/]+)$/.exec(r)?.[1] ?? []);
  const key = grant.holder.type === TYPES.iamRole ? "inlinePolicies" : "policy";
  const dependedOn = (grant.holder.propertyDependencies[key] ?? []).filter((d) => d.type === CACHE_USER);
  return users.filter((u) => ids.includes(peekString(u.props, "userId") as string) || dependedOn.includes(u));
}

/** The replication groups an elasticache:Connect statement names, or every group for "*". */
function cacheGroupsOf(graph: ResourceGraph, grant: Grant): GraphResource[] {
  const groups = graph.ofType(TYPES.cacheReplicationGroup);
  if (grant.statement.resources.includes("*")) {
    return groups;
  }
  const ids = grant.statement.resources.flatMap((r) => /:replicationgroup:([^:/]+)$/.exec(r)?.[1] ?? []);
  return groups.filter((g) => ids.includes(peekString(g.props, "replicationGroupId") as string));
}

export const databaseAcceptsFleetIdentity: StackValidationPolicy = {
  name: "database-accepts-fleet-identity",
  description:
    "When an identity policy of the stack grants rds-db:connect, the RDS/Aurora clusters and instances it is built from (else all of them) have " +
    'iamDatabaseAuthenticationEnabled; when one grants elasticache:Connect, the ElastiCache users it names use authenticationMode "iam" and the ' +
    "replication groups it names have a user group and in-transit encryption.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const graph = new ResourceGraph(args.resources);
    const all = statements(graph);
    const reported = new Set<string>();
    const once = (key: string, message: string, urn: string) => {
      if (!reported.has(key)) {
        reported.add(key);
        reportViolation(message, urn);
      }
    };
    for (const grant of all.filter((g) => grants(g.statement, "rds-db:connect"))) {
      for (const db of targets(graph, grant, [TYPES.rdsCluster, TYPES.rdsInstance])) {
        const enabled = peekBoolean(db.props, "iamDatabaseAuthenticationEnabled");
        if (enabled !== true && enabled !== UNKNOWN) {
          once(
            `rds:${db.urn}`,
            `${db.type === TYPES.rdsCluster ? "Aurora/RDS cluster" : "DB instance"} ${db.name} does not enable IAM database authentication ` +
              `(iamDatabaseAuthenticationEnabled), but ${grant.holder.name} grants rds-db:connect (statement ${grant.statement.label}): the fleet's tokens would be refused`,
            db.urn,
          );
        }
      }
    }
    for (const grant of all.filter((g) => grants(g.statement, "elasticache:Connect"))) {
      for (const user of cacheUsersOf(graph, grant)) {
        const mode = peekString(user.props, "authenticationMode", "type");
        if (mode !== "iam" && mode !== UNKNOWN) {
          once(
            `user:${user.urn}`,
            `ElastiCache user ${user.name} authenticates by ${mode ?? "(not set)"}, but ${grant.holder.name} grants elasticache:Connect on it ` +
              `(statement ${grant.statement.label}): set authenticationMode.type "iam"`,
            user.urn,
          );
        }
      }
      for (const group of cacheGroupsOf(graph, grant)) {
        const userGroups = peekArray(group.props, "userGroupIds");
        if (userGroups !== UNKNOWN && (userGroups ?? []).length === 0) {
          once(`rg:${group.urn}`, `replication group ${group.name} has no user group (userGroupIds): IAM users cannot connect to it`, group.urn);
        }
        if (peekBoolean(group.props, "transitEncryptionEnabled") === false || peek(group.props, "transitEncryptionEnabled") === undefined) {
          once(`tls:${group.urn}`, `replication group ${group.name} has no in-transit encryption, which IAM authentication requires`, group.urn);
        }
      }
    }
  },
};
