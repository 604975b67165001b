/**
 * Operational state survives a deploy. What an operator or a service flips in production — the
 * write-region flag (the failover command's PutParameter), each stream consumer's `enabled`
 * (UpdateEventSourceMapping), the failover records' health checks (UpdateHealthCheck Disabled and
 * Inverted), the capacity Application Auto Scaling sets on tables and groups, the replicas the
 * replica stack adds to the global table — must not be reverted by the next `pulumi up`, so each
 * such resource carries Pulumi's `ignoreChanges` on exactly those properties: without one, `up`
 * puts the old value back (a failback nobody ordered); with more, a code change to a property
 * nobody else writes would silently never deploy. The rule reads the resource options the policy
 * framework hands every resource (`opts.ignoreChanges`, the engine's AnalyzerResourceOptions).
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { GraphResource, ResourceGraph, TYPES } from "../../lib/graph";
import { globToRegExp } from "../../lib/suppressions";
import { peek, peekString, UNKNOWN } from "../../lib/values";

const SSM_PARAMETER = "aws:ssm/parameter:Parameter";
const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";
const RECORD = "aws:route53/record:Record";

export interface OperationalStateEntry {
  /** The resource type the entry applies to. */
  type: string;
  /**
   * Which resources of the type: all; those whose `name` matches `namePattern`; the health checks of
   * failover records; the members of an Aurora global database that name it (globalClusterIdentifier);
   * the cluster a global database was made from (a GlobalCluster's sourceDbClusterIdentifier).
   */
  select: "all" | "name" | "failover-health-check" | "global-member" | "global-source";
  namePattern?: string;
  /** The properties written outside `pulumi up`, exactly as ignoreChanges names them. */
  properties: string[];
  /** Who writes them, for the message. */
  writtenBy: string;
}

interface OperationalStateConfig {
  operationalState: OperationalStateEntry[];
}

/** The platform's operational state: what the failover command, auto scaling and the replica stack write. */
export const OPERATIONAL_STATE: OperationalStateEntry[] = [
  { type: SSM_PARAMETER, select: "name", namePattern: "*/write-region", properties: ["insecureValue"], writtenBy: "the failover command (ssm:PutParameter)" },
  { type: TYPES.eventSourceMapping, select: "all", properties: ["enabled"], writtenBy: "the failover command (lambda:UpdateEventSourceMapping Enabled)" },
  { type: HEALTH_CHECK, select: "failover-health-check", properties: ["disabled", "invertHealthcheck"], writtenBy: "the failover command (route53:UpdateHealthCheck Disabled, Inverted)" },
  {
    type: TYPES.dynamoTable,
    select: "all",
    properties: ["readCapacity", "writeCapacity", "globalSecondaryIndexes[*].readCapacity", "globalSecondaryIndexes[*].writeCapacity", "replicas"],
    writtenBy: "Application Auto Scaling (capacity) and the replica stack's TableReplica (replicas)",
  },
  { type: TYPES.autoscalingGroup, select: "all", properties: ["desiredCapacity"], writtenBy: "the group's scaling policies and scheduled actions" },
  {
    // The failover command's SwitchoverGlobalCluster / FailoverGlobalCluster moves the writer, and RDS
    // sets a secondary's replicationSourceIdentifier; a member's engine version follows the global
    // cluster's upgrades (Pulumi's aws.rds.GlobalCluster documentation: ignore both on members).
    type: TYPES.rdsCluster,
    select: "global-member",
    properties: ["engineVersion", "replicationSourceIdentifier"],
    writtenBy: "RDS for a global database member (the failover command's switchover or failover moves the writer; upgrades go through the global cluster)",
  },
  {
    // A global cluster made from an existing cluster sets that cluster's globalClusterIdentifier
    // (Pulumi's aws.rds.GlobalCluster documentation, "New Global Cluster From Existing DB Cluster").
    type: TYPES.rdsCluster,
    select: "global-source",
    properties: ["engineVersion", "replicationSourceIdentifier", "globalClusterIdentifier"],
    writtenBy: "RDS for the cluster a global database was made from (the global cluster joins it; switchover moves the writer; upgrades go through the global cluster)",
  },
];

const GLOBAL_CLUSTER = "aws:rds/globalCluster:GlobalCluster";

/** Health checks a failover record points at (its healthCheckId, by dependency or id). */
function failoverHealthChecks(graph: ResourceGraph): Set<GraphResource> {
  const checks = new Set<GraphResource>();
  for (const record of graph.ofType(RECORD)) {
    const policies = peek(record.props, "failoverRoutingPolicies");
    const failover = policies === UNKNOWN || (Array.isArray(policies) && policies.length > 0);
    if (!failover) {
      continue;
    }
    for (const check of graph.refs(record, "healthCheckId", [HEALTH_CHECK]).resources) {
      checks.add(check);
    }
  }
  return checks;
}

function selected(graph: ResourceGraph, entry: OperationalStateEntry, failoverChecks: Set<GraphResource>): GraphResource[] {
  const ofType = graph.ofType(entry.type);
  switch (entry.select) {
    case "all":
      return ofType;
    case "name": {
      const pattern = globToRegExp(entry.namePattern ?? "*");
      return ofType.filter((r) => {
        const name = peekString(r.props, "name");
        return typeof name === "string" && pattern.test(name);
      });
    }
    case "failover-health-check":
      return ofType.filter((r) => failoverChecks.has(r));
    case "global-member":
      return ofType.filter((r) => {
        const id = peek(r.props, "globalClusterIdentifier");
        return id === UNKNOWN || (typeof id === "string" && id !== "") || (r.propertyDependencies.globalClusterIdentifier ?? []).length > 0;
      });
    case "global-source": {
      const sources = new Set(graph.ofType(GLOBAL_CLUSTER).flatMap((g) => graph.refs(g, "sourceDbClusterIdentifier", [TYPES.rdsCluster], ["arn", "clusterIdentifier"]).resources));
      return ofType.filter((r) => sources.has(r));
    }
  }
}

export const operationalStateSurvivesDeploy: StackValidationPolicy = {
  name: "operational-state-survives-deploy",
  description:
    "Every resource holding operational state (`operationalState`: the write-region flag's value, each stream consumer's enabled, the failover " +
    "records' health-check disabled/inverted, auto scaled capacity, the global table's replicas, an Aurora global member's writer and version) " +
    "has Pulumi ignoreChanges on exactly the " +
    "properties written outside `pulumi up`: none missing (up would revert them), none extra (a code change would never deploy).",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      operationalState: {
        type: "array",
        default: OPERATIONAL_STATE,
        description: "Entries {type, select (all | name | failover-health-check | global-member | global-source), namePattern?, properties, writtenBy}. Default: the platform's list.",
        items: {
          type: "object",
          required: ["type", "select", "properties", "writtenBy"],
          additionalProperties: false,
          properties: {
            type: { type: "string" },
            select: { type: "string", enum: ["all", "name", "failover-health-check", "global-member", "global-source"] },
            namePattern: { type: "string" },
            properties: { type: "array", items: { type: "string" }, minItems: 1 },
            writtenBy: { type: "string", minLength: 1 },
          },
        },
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { operationalState } = args.getConfig<OperationalStateConfig>();
    const graph = new ResourceGraph(args.resources);
    const failoverChecks = failoverHealthChecks(graph);
    const byResource = new Map<GraphResource, OperationalStateEntry[]>();
    for (const entry of operationalState) {
      for (const resource of selected(graph, entry, failoverChecks)) {
        byResource.set(resource, [...(byResource.get(resource) ?? []), entry]);
      }
    }
    const optionsOf = new Map(args.resources.map((r) => [r.urn, r.opts]));
    for (const [resource, entries] of byResource) {
      const ignored = optionsOf.get(resource.urn)?.ignoreChanges ?? [];
      for (const entry of entries) {
        const missing = entry.properties.filter((p) => !ignored.includes(p));
        if (missing.length > 0) {
          reportViolation(
            `${resource.name} (${entry.type.split(":").pop()}) does not ignore changes to ${missing.join(", ")}, which ${entry.writtenBy} writes: ` +
              "the next pulumi up would put the old value back (add them to the resource's ignoreChanges option)",
            resource.urn,
          );
        }
      }
      const expected = new Set(entries.flatMap((e) => e.properties));
      const extra = ignored.filter((p) => !expected.has(p));
      if (extra.length > 0) {
        reportViolation(
          `${resource.name} (${resource.type.split(":").pop()}) ignores changes to ${extra.join(", ")}, which nothing outside pulumi up writes: ` +
            "a code change to them would never deploy (ignore exactly the operational properties)",
          resource.urn,
        );
      }
    }
  },
};
