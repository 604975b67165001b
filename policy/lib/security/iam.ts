/**
 * IAM: no policy statement allows every action on every resource. Policy documents are usually
 * built from ARNs of the same stack and are unknown in a preview; as the policy server does, this
 * rule then reports that it could not run (advisory) and judges the document at `pulumi up`.
 */

export const ADMIN_POLICY_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;

export const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

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

export function report(kind: string, name: string, document: unknown, reportViolation: (message: string) => void): void {
  for (const statement of wildcardAdminStatements(document)) {
    reportViolation(`${kind} ${name} allows every action ("*") on every resource ("*") in statement ${statement}`);
  }
}
