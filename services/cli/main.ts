/**
 * The last word of an operator CLI's process: the exit code `main` returns, or, when it throws, one
 * explained error (explain.ts) on stderr and a non-zero exit. Nothing an operator can get wrong
 * (a flag, a missing credential or region, an unreachable endpoint) ends in a stack trace.
 */
import { explainError, type ExplainHints } from "./explain";
import { UsageError } from "./usage";

export interface MainOptions extends ExplainHints {
  /** Exit code of a UsageError. Default 2; the failover command uses 1 (its 2 means "done, not confirmed"). */
  usageExitCode?: number;
  /** A line printed after a usage error, e.g. where the usage text is. */
  usageHint?: string;
}

/** Runs `main` as the process and exits with its code, or with 1 (2 for a usage error) after explaining what it threw. */
export function runMain(command: string, main: () => Promise<number>, options: MainOptions = {}): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      const usage = error instanceof UsageError;
      const hint = usage && options.usageHint ? `\n${options.usageHint}` : "";
      process.stderr.write(`${command}: ${explainError(error, options)}${hint}\n`);
      process.exit(usage ? (options.usageExitCode ?? 2) : 1);
    },
  );
}
