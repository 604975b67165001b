/**
 * The error a bad stack file fails with: every problem of every key, one line each, saying which
 * values came from somewhere other than the stack file.
 */
import * as pulumi from "@pulumi/pulumi";

/** One problem of a stack's configuration. */
export interface ConfigProblem {
  /** The qualified key the problem is about, without an index (`trading-platform:azIds` for azIds[2]). */
  key: string;
  /** Other qualified keys the problem names (a check across keys), so a value's source can be told for them too. */
  involves: string[];
  /** The line as the stack file's author reads it, starting with the key: what was received and what is allowed. */
  text: string;
}

/**
 * Where a value came from other than the stack file, by qualified key (e.g. "--set" for the plan
 * CLI's what-if overrides); a key not listed came from the stack file or the project's defaults.
 */
export type ConfigSources = Readonly<Record<string, string>>;

function attributed(problem: ConfigProblem, sources: ConfigSources): string {
  const own = sources[problem.key];
  if (own) {
    return `${problem.text} (from ${own})`;
  }
  const other = problem.involves.find((k) => sources[k]);
  return other ? `${problem.text} (with ${other} from ${sources[other]})` : problem.text;
}

/** A bad stack file. Pulumi prints a RunError's message without a stack trace. */
export class StackConfigError extends pulumi.RunError {
  /** Every problem as printed, one line each. */
  readonly problems: string[];

  constructor(
    readonly stack: string,
    readonly details: ConfigProblem[],
    readonly sources: ConfigSources = {},
  ) {
    const problems = details.map((p) => attributed(p, sources));
    // Every input the config was read from: a value given elsewhere can be the cause even where a line cannot tell.
    const inputs = [`Pulumi.${stack}.yaml`, ...new Set(Object.values(sources))];
    super(
      `Invalid configuration for stack "${stack}" (${inputs.join(", ")}):\n` +
        problems.map((p) => `  - ${p}`).join("\n") +
        `\nFix the stack file (or \`pulumi config set\`)${inputs.length > 1 ? ` or the ${inputs.slice(1).join(", ")} value` : ""} and run again; nothing was deployed.`,
    );
    this.name = "StackConfigError";
    this.problems = problems;
  }

  /** The same problems, each saying which of its values came from `sources` rather than the stack file. */
  withSources(sources: ConfigSources): StackConfigError {
    return new StackConfigError(this.stack, this.details, { ...this.sources, ...sources });
  }
}
