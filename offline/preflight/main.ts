/**
 * Entry point of `npm run preflight -- <stack> [--offline]`: prints the preflight report (see
 * preflight.ts). Exit code 0 when every line is OK, 1 when something is to do, 2 on a usage error.
 */
import { runMain } from "../../services/cli/main";
import { parseCliArgs, UsageError } from "../../services/cli/usage";
import { hasStackFile, STACKS } from "../cloud/stackFiles";
import { preflight } from "./preflight";

const USAGE = "usage: npm run preflight -- <stack> [--offline]";

async function main(): Promise<number> {
  const { positionals, values } = parseCliArgs({ args: process.argv.slice(2), allowPositionals: true, options: { offline: { type: "boolean", default: false } } });
  const [stack, ...extra] = positionals;
  if (!stack) throw new UsageError(`name the stack to check (one of ${STACKS.join(", ")})`);
  if (extra.length > 0) throw new UsageError(`one stack at a time; got ${positionals.join(", ")}`);
  if (!hasStackFile(stack)) throw new UsageError(`no stack file Pulumi.${stack}.yaml; the stacks are ${STACKS.join(", ")}`);
  const result = await preflight(stack, { offline: values.offline });
  process.stdout.write(`${result.text}\n`);
  return result.lines.some((l) => l.status === "TO DO") ? 1 : 0;
}

runMain("preflight", main, { usageHint: USAGE });
