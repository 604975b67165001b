/**
 * The IAM role an AWS FIS experiment template runs as, and every policy document the stack gives it:
 * its inline policies, the role policies naming it, and the managed policies attached to it. FIS
 * performs the template's actions with this role's permissions ("How AWS Fault Injection Service works
 * with IAM", AWS FIS User Guide), so what the role allows is what an experiment can do.
 *
 * Policy documents unknown in a preview (built from ARNs) are judged at `pulumi up`, as the policy
 * server does for resource rules.
 */
import { GraphResource, ResourceGraph, TYPES } from "../graph";
import { knownStrings, peek, peekArray, peekString, UNKNOWN } from "../values";
import { ParsedStatement, parseStatements } from "./iam";

export interface RoleDocument {
  /** Where the document lives, for messages: "role policy fis-az-loss", "inline policy x of role r". */
  source: string;
  document: unknown;
}

export interface FisRole {
  role?: GraphResource;
  /** The roleArn when it names no role of the stack. */
  foreignArn?: string;
  documents: RoleDocument[];
  /** Managed policy ARNs attached to the role that are not policies of this stack (cannot be read). */
  unreadable: string[];
}

const refersTo = (graph: ResourceGraph, resource: GraphResource, property: string, role: GraphResource): boolean =>
  graph.refs(resource, property, [TYPES.iamRole], ["name", "id", "arn"]).resources.includes(role);

/** The managed policies behind `arns` (and the property's dependencies): documents of the stack, or unreadable ARNs. */
function managedPolicies(graph: ResourceGraph, holder: GraphResource, property: string): { documents: RoleDocument[]; unreadable: string[] } {
  const refs = graph.refs(holder, property, [TYPES.iamPolicy], ["arn"]);
  return {
    documents: refs.resources.map((p) => ({ source: `managed policy ${p.name}`, document: peek(p.props, "policy") })),
    unreadable: refs.unresolved,
  };
}

export function fisRoleOf(graph: ResourceGraph, template: GraphResource): FisRole {
  const refs = graph.refs(template, "roleArn", [TYPES.iamRole], ["arn"]);
  const role = refs.resources[0];
  if (!role) {
    const arn = peekString(template.props, "roleArn");
    return { foreignArn: typeof arn === "string" ? arn : arn === UNKNOWN ? "(unknown, from no role of this stack)" : "(not set)", documents: [], unreadable: [] };
  }
  const documents: RoleDocument[] = [];
  const unreadable: string[] = [];
  const inline = peekArray(role.props, "inlinePolicies");
  for (const entry of inline === UNKNOWN || inline === undefined ? [] : inline) {
    documents.push({ source: `inline policy ${String(peekString(entry, "name") ?? "(unnamed)")} of role ${role.name}`, document: peek(entry, "policy") });
  }
  for (const rolePolicy of graph.ofType(TYPES.iamRolePolicy).filter((p) => refersTo(graph, p, "role", role))) {
    documents.push({ source: `role policy ${rolePolicy.name}`, document: peek(rolePolicy.props, "policy") });
  }
  for (const attachment of graph.ofType(TYPES.iamRolePolicyAttachment).filter((a) => refersTo(graph, a, "role", role))) {
    const found = managedPolicies(graph, attachment, "policyArn");
    documents.push(...found.documents);
    unreadable.push(...found.unreadable);
  }
  if (knownStrings(role.props, "managedPolicyArns").values.length > 0) {
    const found = managedPolicies(graph, role, "managedPolicyArns");
    documents.push(...found.documents);
    unreadable.push(...found.unreadable);
  }
  return { role, documents, unreadable };
}

/** The wildcard actions an Allow statement grants: any `*` or `?` in an action, or NotAction (everything but). */
export function wildcardActions(statement: ParsedStatement): string[] {
  if (statement.effect !== "Allow") {
    return [];
  }
  if (statement.notAction) {
    return [`NotAction (every action but ${statement.actions.join(", ")})`];
  }
  return statement.actions.filter((a) => a.includes("*") || a.includes("?"));
}

/** The statements of a document that allow a wildcard action, as messages; [] for an unknown or unparsable document. */
export function wildcardProblems(document: unknown): string[] {
  if (document === UNKNOWN) {
    return [];
  }
  return parseStatements(document).flatMap((statement) => {
    const wild = wildcardActions(statement);
    return wild.length > 0 ? [`statement ${statement.label} allows ${wild.join(", ")}`] : [];
  });
}
