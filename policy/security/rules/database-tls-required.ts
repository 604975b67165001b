// database-tls-required (security pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/security/encryption.ts.
import { StackValidationPolicy } from "@pulumi/policy";
import { GraphResource, ResourceGraph, TYPES } from "../../lib/graph";
import { TLS_PARAMETERS, requiresTls } from "../../lib/security/encryption";
import { peekString } from "../../lib/values";

export const databaseTlsRequired: StackValidationPolicy = {
  name: "database-tls-required",
  description:
    "Relational databases refuse unencrypted connections: PostgreSQL engines through a (cluster) parameter group with rds.force_ssl = 1, " +
    "MySQL engines with require_secure_transport = ON.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const graph = new ResourceGraph(args.resources);
    const check = (db: GraphResource, label: string, groupProperty: string, groupType: string) => {
      const engine = peekString(db.props, "engine");
      const rule = typeof engine === "string" ? TLS_PARAMETERS.find((r) => r.engine.test(engine)) : undefined;
      if (!rule) {
        return;
      }
      const group = graph.refs(db, groupProperty, [groupType], ["name", "id"]).resources[0];
      if (!requiresTls(group, rule.name, rule.values)) {
        const setting = `${rule.name} = ${rule.values[0]}`;
        const where = group
          ? `its parameter group ${group.name} does not set ${setting}`
          : `it uses no parameter group of this stack, and the engine's default does not set ${setting}`;
        reportViolation(`${label} ${db.name} accepts unencrypted connections: ${where}`, db.urn);
      }
    };
    for (const cluster of graph.ofType(TYPES.rdsCluster)) {
      check(cluster, "RDS cluster", "dbClusterParameterGroupName", TYPES.rdsClusterParameterGroup);
    }
    for (const instance of graph.ofType(TYPES.rdsInstance)) {
      check(instance, "DB instance", "parameterGroupName", TYPES.rdsParameterGroup);
    }
  },
};
