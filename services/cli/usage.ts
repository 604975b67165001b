/**
 * A command line the operator got wrong: `UsageError` is refused with its message alone (no stack,
 * no SDK involved), and `parseCliArgs` is node:util's parseArgs with its errors rewritten to name
 * the option and the options there are, in one line.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** `--a, --b and --c`, for a message listing what is allowed. */
export function optionList(names: readonly string[]): string {
  const flags = names.map((name) => `--${name}`);
  return flags.length <= 1 ? (flags[0] ?? "none") : `${flags.slice(0, -1).join(", ")} and ${flags[flags.length - 1]}`;
}

/** The option a parseArgs message quotes ('--foo' or '--foo <value>'), without its placeholder. */
const quotedOption = (message: string) => /'(-{1,2}[^' ]+)/.exec(message)?.[1];
const quotedWord = (message: string) => /'([^']*)'/.exec(message)?.[1];

/** parseArgs(config), refusing a mistake with a UsageError that names it. */
export function parseCliArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    const known = optionList(Object.keys(config.options ?? {}));
    switch (code) {
      case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
        throw new UsageError(`unknown option ${quotedOption(message) ?? message}; ${known === "none" ? "this command takes no options" : `the options are ${known}`}`);
      case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
        const option = quotedOption(message) ?? "an option";
        throw new UsageError(/argument missing/.test(message) ? `${option} needs a value` : /does not take an argument/.test(message) ? `${option} takes no value` : message);
      }
      case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
        throw new UsageError(`unexpected argument "${quotedWord(message) ?? message}": ${known === "none" ? "this command takes no arguments" : `this command takes only options (${known})`}`);
      default:
        throw error;
    }
  }
}
