/**
 * IAM: no policy statement allows every action on every resource. Policy documents are usually
 * built from ARNs of the same stack and are unknown in a preview; as the policy server does, this
 * rule then reports that it could not run (advisory) and judges the document at `pulumi up`.
 */

export const ADMIN_POLICY_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;

export const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/** The raw statements of a policy document (a JSON string or an object); [] when it cannot be parsed. */
function rawStatements(document: unknown): unknown[] {
  let parsed: unknown = document;
  if (typeof document === "string") {
    try {
      parsed = JSON.parse(document);
    } catch {
      return [];
    }
  }
  return asList((parsed as { Statement?: unknown } | null)?.Statement);
}

/** Statements (by Sid or position) that allow "*" on "*". */
export function wildcardAdminStatements(document: unknown): string[] {
  return parseStatements(document)
    .filter((s) => s.effect === "Allow" && !s.notAction && !s.notResource)
    .filter((s) => s.actions.some((a) => a === "*" || a === "*:*") && s.resources.includes("*"))
    .map((s) => s.label);
}

export function report(kind: string, name: string, document: unknown, reportViolation: (message: string) => void): void {
  for (const statement of wildcardAdminStatements(document)) {
    reportViolation(`${kind} ${name} allows every action ("*") on every resource ("*") in statement ${statement}`);
  }
}

/** One statement of a policy document, normalised: lists for Action/Resource, whether it uses Not*. */
export interface ParsedStatement {
  /** `"Sid"` or `#<position>`, for messages. */
  label: string;
  effect: string;
  actions: string[];
  resources: string[];
  notAction: boolean;
  notResource: boolean;
  /**
   * An Allow whose Principal is `*` or `{"AWS": "*"}`: every principal, anonymous ones included
   * (IAM User Guide, "AWS JSON policy elements: Principal"); what resource policies must not grant.
   */
  allowsEveryone: boolean;
}

/** The statements of a policy document (a JSON string or an object); [] when it cannot be parsed. */
export function parseStatements(document: unknown): ParsedStatement[] {
  return rawStatements(document).map((raw, index) => {
    const statement = (raw ?? {}) as { Sid?: unknown; Effect?: unknown; Action?: unknown; NotAction?: unknown; Resource?: unknown; NotResource?: unknown; Principal?: unknown };
    const strings = (value: unknown) => asList(value).filter((v): v is string => typeof v === "string");
    const principal = statement.Principal;
    const everyone = principal === "*" || asList((principal as { AWS?: unknown } | null | undefined)?.AWS).includes("*");
    return {
      label: typeof statement.Sid === "string" && statement.Sid !== "" ? `"${statement.Sid}"` : `#${index + 1}`,
      effect: typeof statement.Effect === "string" ? statement.Effect : "",
      actions: strings(statement.Action ?? statement.NotAction),
      resources: strings(statement.Resource ?? statement.NotResource),
      notAction: statement.NotAction !== undefined,
      notResource: statement.NotResource !== undefined,
      allowsEveryone: statement.Effect === "Allow" && everyone,
    };
  });
}

/** IAM action matching: case-insensitive, `*` and `?` wildcards (IAM User Guide, IAM JSON policy elements: Action). */
export function actionMatches(pattern: string, action: string): boolean {
  const regexp = new RegExp(`^${pattern.split("").map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("")}$`, "i");
  return regexp.test(action);
}

/** Does an Allow statement grant `action` (through any of its action patterns)? */
export function grants(statement: ParsedStatement, action: string): boolean {
  return statement.effect === "Allow" && !statement.notAction && statement.actions.some((a) => actionMatches(a, action));
}

/**
 * Actions whose Service Authorization Reference entry lists no resource type: IAM only evaluates
 * them against `"Resource": "*"` ("If there is no value for this column, you must specify all
 * resources ("*") to which the policy applies in the Resource element", Service Authorization
 * Reference, each service's "Actions defined by" table). Each entry cites its service's page.
 */
export const ACTIONS_ONLY_ON_ALL_RESOURCES: readonly { action: string; source: string }[] = [
  // Session Manager's agent channels: the table lists only the ec2:SourceInstanceARN / ssm:SourceInstanceARN condition keys.
  { action: "ssmmessages:CreateControlChannel", source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmessagegatewayservice.html" },
  { action: "ssmmessages:CreateDataChannel", source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmessagegatewayservice.html" },
  { action: "ssmmessages:OpenControlChannel", source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmessagegatewayservice.html" },
  { action: "ssmmessages:OpenDataChannel", source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmessagegatewayservice.html" },
  // The SSM agent's heartbeat; AWS's own instance policy (AmazonSSMManagedInstanceCore) grants it on "*".
  { action: "ssm:UpdateInstanceInformation", source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html" },
  // The VPC flow logs role's log group lookup (VPC User Guide, IAM role for publishing flow logs to CloudWatch Logs).
  { action: "logs:DescribeLogGroups", source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html" },
  // A Fargate task's image pull: the registry token is account-wide (ECR User Guide, "Private registry
  // authentication"; the reference lists no resource type for it), while the pulls themselves are granted on the repository.
  { action: "ecr:GetAuthorizationToken", source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html" },
  // Custom metrics: PutMetricData has no resource type (scope it with the cloudwatch:namespace condition key).
  { action: "cloudwatch:PutMetricData", source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html" },
  // An FIS experiment role's target resolution (the FIS actions reference's permissions for
  // aws:ec2:stop-instances and aws:network:disrupt-connectivity; the Describe calls have no resource
  // type) and the tagging API's lookup FIS uses for tag-selected targets (no resource type either).
  ...["ec2:DescribeInstances", "ec2:DescribeManagedPrefixLists", "ec2:DescribeNetworkAcls", "ec2:DescribeSubnets", "ec2:DescribeVpcs"].map((action) => ({
    action,
    source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html",
  })),
  { action: "tag:GetResources", source: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonresourcegrouptaggingapi.html" },
];

/** What is wrong with an Allow statement beyond `*` on `*`: service-wide wildcards, `*` resources on other actions, Not*. */
export function leastPrivilegeProblems(statement: ParsedStatement, onlyOnAll: readonly string[]): string[] {
  if (statement.effect !== "Allow") {
    return [];
  }
  const problems: string[] = [];
  if (statement.notAction) {
    problems.push(`statement ${statement.label} allows NotAction (every action but ${statement.actions.join(", ")})`);
  }
  if (statement.notResource) {
    problems.push(`statement ${statement.label} allows NotResource (every resource but ${statement.resources.join(", ")})`);
  }
  if (statement.notAction) {
    return problems;
  }
  const serviceWide = statement.actions.filter((a) => a === "*" || /^[a-z0-9-]+:\*$/i.test(a));
  if (serviceWide.length > 0) {
    problems.push(`statement ${statement.label} allows every action of a service (${serviceWide.join(", ")}); list the actions it needs`);
  }
  if (!statement.notResource && statement.resources.includes("*")) {
    const onAll = statement.actions.filter((a) => !serviceWide.includes(a) && !onlyOnAll.some((allowed) => allowed.toLowerCase() === a.toLowerCase()));
    if (onAll.length > 0) {
      problems.push(
        `statement ${statement.label} allows ${onAll.join(", ")} on every resource ("*"); scope ${onAll.length === 1 ? "it" : "them"} to ARNs ` +
          "(only actions the Service Authorization Reference gives no resource type may use *: actionsOnlyOnAllResources)",
      );
    }
  }
  return problems;
}
