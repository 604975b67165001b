/**
 * Resource policy statements with their principals, for rules that look for grants to everyone
 * (bucket policies). `"Principal": "*"` and `"Principal": {"AWS": "*"}` both mean every principal
 * (IAM User Guide, "AWS JSON policy elements: Principal", anonymous users).
 */
import { asList } from "./iam";

export interface PrincipalStatement {
  label: string;
  effect: string;
  actions: string[];
  /** An Allow whose Principal is `*` or `{"AWS": "*"}`. */
  allowsEveryone: boolean;
}

/** The statements of a JSON policy document; [] when it is not a known, parseable document. */
export function parseStatementsWithPrincipals(document: unknown): PrincipalStatement[] {
  let parsed: unknown = document;
  if (typeof document === "string") {
    try {
      parsed = JSON.parse(document);
    } catch {
      return [];
    }
  }
  return asList((parsed as { Statement?: unknown } | null)?.Statement).map((raw, index) => {
    const statement = (raw ?? {}) as { Sid?: unknown; Effect?: unknown; Action?: unknown; Principal?: unknown };
    const principal = statement.Principal;
    const everyone = principal === "*" || asList((principal as { AWS?: unknown } | null | undefined)?.AWS).includes("*");
    return {
      label: typeof statement.Sid === "string" && statement.Sid !== "" ? `"${statement.Sid}"` : `#${index + 1}`,
      effect: typeof statement.Effect === "string" ? statement.Effect : "",
      actions: asList(statement.Action).filter((a): a is string => typeof a === "string"),
      allowsEveryone: statement.Effect === "Allow" && everyone,
    };
  });
}
