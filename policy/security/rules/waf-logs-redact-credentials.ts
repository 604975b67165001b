/**
 * WAF logs never hold credentials. A WAF log record carries the request's headers, so without
 * redaction every bearer token the ALB verified (Authorization) and any session cookie would sit in
 * the log group for its whole retention, readable by whoever reads logs. The logging configuration's
 * redactedFields can name single headers (WAF Developer Guide, "Log fields redaction": only
 * SingleHeader, Method, QueryString and UriPath can be redacted; a redacted field is logged as
 * REDACTED). The destination's retention must be set, so even redacted records expire: a log group
 * with no retentionInDays keeps them forever (CloudWatch Logs API Reference, PutRetentionPolicy).
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { GraphResource, ResourceGraph, TYPES } from "../../lib/graph";
import { knownStrings, peekArray, peekNumber, peekString, UNKNOWN } from "../../lib/values";

const WAF_LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration";

interface WafLoggingConfig {
  redactedHeaders: string[];
}

/** Header names (lower case) the configuration redacts; UNKNOWN when the list is. */
function redactedHeaders(logging: GraphResource): string[] | typeof UNKNOWN {
  const fields = peekArray(logging.props, "redactedFields");
  if (fields === UNKNOWN) {
    return UNKNOWN;
  }
  return (fields ?? []).flatMap((field) => {
    const name = peekString(field, "singleHeader", "name");
    return typeof name === "string" ? [name.toLowerCase()] : [];
  });
}

/** The log group a destination ARN names: a dependency of logDestinationConfigs, or the group named in the ARN. */
function destinationLogGroups(graph: ResourceGraph, logging: GraphResource): { groups: GraphResource[]; others: string[] } {
  const groups = new Map<string, GraphResource>();
  for (const dep of logging.propertyDependencies.logDestinationConfigs ?? []) {
    if (dep.type === TYPES.logGroup) {
      groups.set(dep.urn, dep);
    }
  }
  const others: string[] = [];
  for (const arn of knownStrings(logging.props, "logDestinationConfigs").values) {
    const match = /:log-group:([^:]+)(:\*)?$/.exec(arn);
    const group = match ? graph.ofType(TYPES.logGroup).find((g) => peekString(g.props, "name") === match[1] || peekString(g.props, "arn") === arn) : undefined;
    if (group) {
      groups.set(group.urn, group);
    } else if (!match || groups.size === 0) {
      others.push(arn);
    }
  }
  return { groups: [...groups.values()], others };
}

export const wafLogsRedactCredentials: StackValidationPolicy = {
  name: "waf-logs-redact-credentials",
  description:
    "Every WAF logging configuration redacts each header of `redactedHeaders` (the bearer token and any cookie: single-header redactedFields), " +
    "and logs to a CloudWatch log group of the stack that sets retentionInDays, so no log keeps credentials and nothing is kept forever.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      redactedHeaders: {
        type: "array",
        items: { type: "string", minLength: 1 },
        default: ["authorization", "cookie"],
        description: 'Headers every WAF logging configuration must redact (case-insensitive). Default ["authorization", "cookie"].',
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { redactedHeaders: required } = args.getConfig<WafLoggingConfig>();
    const graph = new ResourceGraph(args.resources);
    for (const logging of graph.ofType(WAF_LOGGING)) {
      const redacted = redactedHeaders(logging);
      if (redacted !== UNKNOWN) {
        const missing = required.filter((h) => !redacted.includes(h.toLowerCase()));
        if (missing.length > 0) {
          reportViolation(
            `WAF logging ${logging.name} does not redact ${missing.join(", ")} (redactedFields: [{ singleHeader: { name: "${missing[0].toLowerCase()}" } }]): ` +
              "its log records would hold the credential",
            logging.urn,
          );
        }
      }
      const { groups, others } = destinationLogGroups(graph, logging);
      for (const group of groups) {
        const retention = peekNumber(group.props, "retentionInDays");
        if (retention !== UNKNOWN && (retention === undefined || retention <= 0)) {
          reportViolation(`WAF logging ${logging.name} writes to log group ${group.name}, which keeps its events forever (no retentionInDays)`, logging.urn);
        }
      }
      for (const destination of others) {
        reportViolation(`WAF logging ${logging.name} writes to ${destination}, not a log group of this stack: its retention cannot be checked`, logging.urn);
      }
    }
  },
};
