/**
 * `npm run plan -- <stack>... | --all [--only SECTION] [--json] [--mermaid FILE] [--preview] [workload flags]`
 *
 * A thin shell over plan(): parses flags, prints, writes the diagram, sets the exit code.
 * Exit codes: 0 all good; 1 a mandatory policy failed; 2 usage error or a program that failed.
 * Every user error is one short message on stderr, never a stack trace.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { hasStackFile } from "../cloud/stackFiles";
import { DEFAULT_WORKLOAD, Workload } from "./dynamoCost";
import { styleFor } from "./format";
import { mermaidTargetProblem } from "./mermaidTarget";
import { noStackFileMessage, plan, PlanFailure, PlanOptions, stacksInPlanOrder, StackPlan } from "./plan";
import { planJson, renderPlan, SECTION_NAMES, SectionName } from "./render";
import { failedRow, renderSummary, SummaryRow, summaryRow } from "./summary";

export const EXIT = { ok: 0, mandatoryPolicyFailed: 1, error: 2 } as const;

/** What `--only` accepts: a section of the report, or the `--all` summary table. */
export const ONLY_CHOICES: readonly (SectionName | "summary")[] = [...SECTION_NAMES, "summary"];

export const USAGE = `Usage: npm run plan -- <stack>... | --all [options]

Runs the real program for Pulumi.<stack>.yaml offline (mock cloud: no credentials, no Pulumi CLI)
and prints its resources, AZ matrix, policy report, alarms, cost estimate, deployment critical path
and region-loss story. A stack is any Pulumi.<stack>.yaml in the project root (copy one to plan a
variant); its role (primary or replica) comes from its config.

Options:
  --all              plan every stack file (primaries first) and end with a summary table
  --only SECTION     print one section: ${ONLY_CHOICES.join(", ")}
  --json             print everything as JSON instead of text (with --only: that section's fields)
  --mermaid FILE     write a Mermaid flowchart; with several stacks FILE gets a .<stack> suffix;
                     a FILE ending in .md wraps the diagram in a fenced mermaid block
  --preview          run as a first \`pulumi preview\` sees the stack (ids and computed values unknown)
  --set KEY=VALUE    override a config key for this plan (a what-if; VALUE is JSON or a plain string;
                     KEY without a namespace is a trading-platform: key; repeatable); a config error
                     about it says "(from --set)"

Workload for the DynamoDB on-demand comparison (defaults ${DEFAULT_WORKLOAD.writesPerSecond}, ${DEFAULT_WORKLOAD.readsPerSecond}, ${DEFAULT_WORKLOAD.itemSizeKb}, ${DEFAULT_WORKLOAD.daxHitRatio}):
  --writes N         item writes per second
  --reads N          item reads per second (through DAX)
  --item-kb N        item size in KB
  --dax-hit R        share of reads DAX serves from cache, 0..1
  -h, --help         this text

Text is as wide as the terminal (100 columns in a pipe or a file); colour only on a terminal.
Exit code: 0 ok; 1 a mandatory policy failed; 2 usage error or the program failed.`;

export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown };
}

export interface ParsedArgs {
  stacks: string[];
  json: boolean;
  mermaid?: string;
  only?: SectionName | "summary";
  options: PlanOptions;
}

/** A mistake in the command line: printed as one line and a pointer to --help. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** Whether the pointer to --help helps (a flag problem), or the message says it all (a stack name). */
    readonly showHelpHint = true,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** node:util's parseArgs errors (unknown option, missing value) as usage errors. */
function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        all: { type: "boolean", default: false },
        only: { type: "string" },
        json: { type: "boolean", default: false },
        mermaid: { type: "string" },
        preview: { type: "boolean", default: false },
        set: { type: "string", multiple: true },
        writes: { type: "string" },
        reads: { type: "string" },
        "item-kb": { type: "string" },
        "dax-hit": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    // Node's messages run on with advice about "--" for positionals; the first sentence is the point.
    throw new UsageError((err as Error).message.split(". ")[0]);
  }
}

function numberFlag(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`--${flag} must be a number from ${min} to ${max}, got "${text}"`);
  }
  return n;
}

function onlyFlag(text: string | undefined): SectionName | "summary" | undefined {
  if (text === undefined) {
    return undefined;
  }
  const found = ONLY_CHOICES.find((c) => c === text);
  if (!found) {
    throw new UsageError(`--only takes one of ${ONLY_CHOICES.join(", ")}; got "${text}"`);
  }
  return found;
}

/** Parses argv; throws a UsageError with a message for the user on bad usage. */
export function parseCliArgs(argv: string[]): ParsedArgs | "help" {
  const { values, positionals } = parseFlags(argv);
  if (values.help) {
    return "help";
  }
  if (values.all && positionals.length > 0) {
    throw new UsageError("give stack names or --all, not both");
  }
  const only = onlyFlag(values.only);
  const stacks = values.all ? stacksInPlanOrder() : positionals;
  if (stacks.length === 0) {
    throw new UsageError(values.all ? noStackFileMessage("<stack>") : "name a stack or pass --all");
  }
  for (const s of stacks) {
    if (!hasStackFile(s)) {
      throw new UsageError(noStackFileMessage(s), false);
    }
  }
  let overrides: Record<string, unknown> | undefined;
  for (const assignment of values.set ?? []) {
    const eq = assignment.indexOf("=");
    if (eq <= 0) {
      throw new UsageError(`--set takes KEY=VALUE, got "${assignment}"`);
    }
    const key = assignment.slice(0, eq);
    overrides ??= {};
    overrides[key.includes(":") ? key : `trading-platform:${key}`] = parseValue(assignment.slice(eq + 1));
  }
  const given: Partial<Workload> = {
    writesPerSecond: numberFlag("writes", values.writes, 0, 1e7),
    readsPerSecond: numberFlag("reads", values.reads, 0, 1e8),
    itemSizeKb: numberFlag("item-kb", values["item-kb"], 0.001, 400),
    daxHitRatio: numberFlag("dax-hit", values["dax-hit"], 0, 1),
  };
  const workload: Partial<Workload> = {};
  for (const [key, value] of Object.entries(given) as [keyof Workload, number | undefined][]) {
    if (value !== undefined) {
      workload[key] = value;
    }
  }
  return {
    stacks,
    json: values.json ?? false,
    mermaid: values.mermaid,
    only,
    options: { preview: values.preview, overrides, workload },
  };
}

/** FILE for one stack; FILE with `.<stack>` before its extension when several stacks are planned. */
export function mermaidPath(file: string, stack: string, several: boolean): string {
  if (!several) {
    return file;
  }
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}.${stack}${ext}`;
}

function mermaidDocument(file: string, p: StackPlan): string {
  if (file.endsWith(".md")) {
    return `# ${p.stack} (${p.region})\n\n\`\`\`mermaid\n${p.mermaid}\`\`\`\n`;
  }
  return p.mermaid;
}

/** Exit code for a set of plans: 1 when any mandatory policy failed. */
export function exitCodeFor(plans: StackPlan[]): number {
  return plans.every((p) => p.policy.passed) ? EXIT.ok : EXIT.mandatoryPolicyFailed;
}

function usageFailure(io: CliIo, err: UsageError): number {
  io.stderr.write(`plan: ${err.message}\n${err.showHelpHint ? "Run `npm run plan -- --help` for the options.\n" : ""}`);
  return EXIT.error;
}

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let args: ParsedArgs | "help";
  try {
    args = parseCliArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      return usageFailure(io, err);
    }
    throw err;
  }
  if (args === "help") {
    io.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const several = args.stacks.length > 1;
  // Refused before planning: a diagram that cannot be written would fail only after every run.
  for (const stack of args.mermaid !== undefined ? args.stacks : []) {
    const problem = mermaidTargetProblem(mermaidPath(args.mermaid ?? "", stack, several));
    if (problem) {
      return usageFailure(io, new UsageError(`--mermaid ${problem}`, false));
    }
  }
  const style = styleFor(io.stdout);
  const plans: StackPlan[] = [];
  const summary: SummaryRow[] = [];
  let failed = false;
  for (const stack of args.stacks) {
    let p: StackPlan;
    try {
      p = await plan(stack, args.options);
    } catch (err) {
      if (!(err instanceof PlanFailure)) {
        throw err;
      }
      failed = true;
      summary.push(failedRow(stack, err.message));
      io.stderr.write(`plan: ${err.message}\n`);
      continue;
    }
    plans.push(p);
    summary.push(summaryRow(p));
    let mermaidFile: string | undefined;
    if (args.mermaid !== undefined) {
      mermaidFile = mermaidPath(args.mermaid, stack, several);
      try {
        writeFileSync(mermaidFile, mermaidDocument(mermaidFile, p));
      } catch (err) {
        failed = true;
        io.stderr.write(`plan: --mermaid ${mermaidFile}: cannot be written (${(err as NodeJS.ErrnoException).code ?? String(err)})\n`);
        mermaidFile = undefined;
      }
    }
    if (!args.json && args.only !== "summary") {
      io.stdout.write(renderPlan(p, style, { mermaidFile, only: args.only }) + "\n");
    }
  }
  const code = failed ? EXIT.error : exitCodeFor(plans);
  if (args.json) {
    io.stdout.write(JSON.stringify(planJson(plans, code, summary, args.only), null, 2) + "\n");
  } else if (args.only === "summary" || (several && !args.only)) {
    io.stdout.write(`${style.bold("Summary")}\n${renderSummary(summary, style)}\n`);
  }
  return code;
}
