/**
 * `npm run plan -- <stack>... | --all [--json] [--mermaid FILE] [--preview] [workload flags]`
 *
 * A thin shell over plan(): parses flags, prints, writes the diagram, sets the exit code.
 * Exit codes: 0 all good; 1 a mandatory policy failed; 2 usage error or a program that failed.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { hasStackFile } from "../cloud/stackFiles";
import { DEFAULT_WORKLOAD, Workload } from "./dynamoCost";
import { styleFor } from "./format";
import { noStackFileMessage, plan, PlanFailure, PlanOptions, stacksInPlanOrder, StackPlan } from "./plan";
import { planJson, renderPlan } from "./render";

export const EXIT = { ok: 0, mandatoryPolicyFailed: 1, error: 2 } as const;

export const USAGE = `Usage: npm run plan -- <stack>... | --all [options]

Runs the real program for Pulumi.<stack>.yaml offline (mock cloud: no credentials, no Pulumi CLI)
and prints its resources, AZ matrix, policy report, cost estimate and deployment critical path.

Stacks: every Pulumi.<stack>.yaml in the project root

Options:
  --all              plan every stack (primaries first)
  --json             print everything as JSON instead of text
  --mermaid FILE     write a Mermaid flowchart; with several stacks FILE gets a .<stack> suffix;
                     a FILE ending in .md wraps the diagram in a fenced mermaid block
  --preview          run as a first \`pulumi preview\` sees the stack (ids and computed values unknown)
  --set KEY=VALUE    override a config key for this plan (a what-if; VALUE is JSON or a plain string;
                     KEY without a namespace is a trading-platform: key; repeatable)

Workload for the DynamoDB on-demand comparison (defaults ${DEFAULT_WORKLOAD.writesPerSecond}, ${DEFAULT_WORKLOAD.readsPerSecond}, ${DEFAULT_WORKLOAD.itemSizeKb}, ${DEFAULT_WORKLOAD.daxHitRatio}):
  --writes N         item writes per second
  --reads N          item reads per second (through DAX)
  --item-kb N        item size in KB
  --dax-hit R        share of reads DAX serves from cache, 0..1
  -h, --help         this text

Exit code: 0 ok; 1 a mandatory policy failed; 2 usage error or the program failed.`;

export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
}

export interface ParsedArgs {
  stacks: string[];
  json: boolean;
  mermaid?: string;
  options: PlanOptions;
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Parses argv; throws an Error with a message for the user on bad usage. */
export function parseCliArgs(argv: string[]): ParsedArgs | "help" {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      all: { type: "boolean", default: false },
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
  if (values.help) {
    return "help";
  }
  if (values.all && positionals.length > 0) {
    throw new Error("give stack names or --all, not both");
  }
  const stacks = values.all ? stacksInPlanOrder() : positionals;
  if (stacks.length === 0) {
    throw new Error("name a stack or pass --all");
  }
  for (const s of stacks) {
    if (!hasStackFile(s)) {
      throw new Error(noStackFileMessage(s));
    }
  }
  let overrides: Record<string, unknown> | undefined;
  for (const assignment of values.set ?? []) {
    const eq = assignment.indexOf("=");
    if (eq <= 0) {
      throw new Error(`--set takes KEY=VALUE, got "${assignment}"`);
    }
    const key = assignment.slice(0, eq);
    overrides ??= {};
    overrides[key.includes(":") ? key : `trading-platform:${key}`] = parseValue(assignment.slice(eq + 1));
  }
  const workload: Partial<Workload> = {};
  const numberFlag = (flag: string, text: string | undefined, min: number, max: number): number | undefined => {
    if (text === undefined) {
      return undefined;
    }
    const n = Number(text);
    if (!Number.isFinite(n) || n < min || n > max) {
      throw new Error(`--${flag} must be a number from ${min} to ${max}, got "${text}"`);
    }
    return n;
  };
  const writes = numberFlag("writes", values.writes, 0, 1e7);
  const reads = numberFlag("reads", values.reads, 0, 1e8);
  const itemKb = numberFlag("item-kb", values["item-kb"], 0.001, 400);
  const daxHit = numberFlag("dax-hit", values["dax-hit"], 0, 1);
  const given: Partial<Workload> = { writesPerSecond: writes, readsPerSecond: reads, itemSizeKb: itemKb, daxHitRatio: daxHit };
  for (const [key, value] of Object.entries(given) as [keyof Workload, number | undefined][]) {
    if (value !== undefined) {
      workload[key] = value;
    }
  }
  return {
    stacks,
    json: values.json ?? false,
    mermaid: values.mermaid,
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

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let args: ParsedArgs | "help";
  try {
    args = parseCliArgs(argv);
  } catch (err) {
    io.stderr.write(`plan: ${(err as Error).message}\n\n${USAGE}\n`);
    return EXIT.error;
  }
  if (args === "help") {
    io.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const style = styleFor(io.stdout);
  const plans: StackPlan[] = [];
  let failed = false;
  for (const stack of args.stacks) {
    try {
      const p = await plan(stack, args.options);
      plans.push(p);
      let mermaidFile: string | undefined;
      if (args.mermaid) {
        mermaidFile = mermaidPath(args.mermaid, stack, args.stacks.length > 1);
        writeFileSync(mermaidFile, mermaidDocument(mermaidFile, p));
      }
      if (!args.json) {
        io.stdout.write(renderPlan(p, style, { mermaidFile }) + "\n");
      }
    } catch (err) {
      if (!(err instanceof PlanFailure)) {
        throw err;
      }
      failed = true;
      io.stderr.write(`plan: ${err.message}\n`);
    }
  }
  const code = failed ? EXIT.error : exitCodeFor(plans);
  if (args.json) {
    io.stdout.write(JSON.stringify(planJson(plans, code), null, 2) + "\n");
  }
  return code;
}
