/**
 * How a stack output that does not match its schema is reported: one line per problem, naming the
 * output by its dotted path. Shared by the consumer helper (platformOutputs.ts) and the replica's
 * checks of its primary's `dynamo` output, so both speak the same way; it depends on nothing but
 * zod so that components can use it without importing the contract (which imports them).
 */
import type { z } from "zod";

/** `output "<path>"` for the output `key` and an issue path inside it. */
export function outputName(key: string, path: readonly PropertyKey[] = []): string {
  return `output "${[key, ...path.map(String)].join(".")}"`;
}

/**
 * The problems of output `key` from a failed `safeParse(value, { reportInput: true })`: a missing
 * value reads `output "a.b" is missing`, anything else `output "a.b" <message> (got <value>)`.
 */
export function outputIssues(key: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const name = outputName(key, issue.path);
    if (issue.code === "invalid_type" && issue.input === undefined) {
      return `${name} is missing`;
    }
    return `${name} ${issue.message} (got ${JSON.stringify(issue.input)})`;
  });
}
