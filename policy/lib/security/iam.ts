/**
 * IAM: no policy statement allows every action on every resource. Policy documents are usually
 * built from ARNs of the same stack and are unknown in a preview; as the policy server does, this
 * rule then reports that it could not run (advisory) and judges the document at `pulumi up`.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

const ADMIN_POLICY_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/** Statements (by Sid or position) that allow "*" on "*". */
export function wildcardAdminStatements(document: unknown): string[] {
  let parsed: unknown = document;
  if (typeof document === "string") {
    try {
      parsed = JSON.parse(document);
    } catch {
      return [];
    }
  }
  const statements = asList((parsed as { Statement?: unknown } | null)?.Statement);
  return statements.flatMap((raw, index) => {
    const statement = raw as { Sid?: unknown; Effect?: unknown; Action?: unknown; Resource?: unknown };
    const allActions = asList(statement.Action).some((a) => a === "*" || a === "*:*");
    const allResources = asList(statement.Resource).some((r) => r === "*");
    if (statement.Effect === "Allow" && allActions && allResources) {
      return [typeof statement.Sid === "string" && statement.Sid !== "" ? `"${statement.Sid}"` : `#${index + 1}`];
    }
    return [];
  });
}

function report(kind: string, name: string, document: unknown, reportViolation: (message: string) => void): void {
  for (const statement of wildcardAdminStatements(document)) {
    reportViolation(`${kind} ${name} allows every action ("*") on every resource ("*") in statement ${statement}`);
  }
}

export const iamNoWildcardAdmin: ResourceValidationPolicy = {
  name: "iam-no-wildcard-admin",
  description:
    'No IAM policy (inline role policy, managed policy, a role\'s inline policies) has a statement allowing Action "*" on Resource "*", and ' +
    "no role gets the AWS AdministratorAccess managed policy.",
  enforcementLevel: "mandatory",
  validateResource: [
    validateResourceOfType(aws.iam.RolePolicy, (policy, args, reportViolation) => report("role policy", args.name, policy.policy, reportViolation)),
    validateResourceOfType(aws.iam.Policy, (policy, args, reportViolation) => report("IAM policy", args.name, policy.policy, reportViolation)),
    validateResourceOfType(aws.iam.Role, (role, args, reportViolation) => {
      for (const inline of role.inlinePolicies ?? []) {
        report(`inline policy ${inline.name ?? "(unnamed)"} of role`, args.name, inline.policy, reportViolation);
      }
    }),
    validateResourceOfType(aws.iam.RolePolicyAttachment, (attachment, args, reportViolation) => {
      if (ADMIN_POLICY_ARN.test(attachment.policyArn)) {
        reportViolation(`role policy attachment ${args.name} grants AdministratorAccess`);
      }
    }),
  ],
};
