/**
 * Reads the real Pulumi.yaml and Pulumi.<stack>.yaml files the way the Pulumi CLI hands config to a
 * program: every value a string (typed values as JSON text), project defaults applied, keys
 * without a namespace qualified with the project name.
 *
 * The stacks are the `Pulumi.<stack>.yaml` files in the project root, as the Pulumi CLI finds them:
 * a copied or new stack file is a stack, with no list to update.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { parse, YAMLParseError } from "yaml";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

const STACK_FILE = /^Pulumi\.(.+)\.yaml$/;

/** The stack names of the `Pulumi.<stack>.yaml` files in `root`, sorted. */
export function discoverStacks(root: string = REPO_ROOT): string[] {
  return readdirSync(root)
    .map((file) => STACK_FILE.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

/**
 * The stacks whose files existed when this module loaded. Tests iterate them; code that must see a
 * stack file created since (a copied stack planned in the same process) calls discoverStacks().
 */
export const STACKS: readonly string[] = discoverStacks();
export type StackName = string;

/** A stack or project file that cannot be read: one line naming the file (with line and column for YAML syntax). */
export class StackFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = "StackFileError";
  }
}

/** The file name a stack's config lives in, as the Pulumi CLI looks for it. */
export function stackFileName(stack: string): string {
  return `Pulumi.${stack}.yaml`;
}

export function hasStackFile(stack: string, root: string = REPO_ROOT): boolean {
  return discoverStacks(root).includes(stack);
}

/**
 * Parsed documents by absolute path, each with the identity of the file it was parsed from: a plan
 * reads every stack file several times (discovery, the diagrams' regions, each stack's config) and
 * parsing them again was measurable in a cold `npm run plan -- --all`. Keyed by inode, size and
 * modification and change times in nanoseconds, so a file rewritten since (a test, an editor,
 * `pulumi config set`) is parsed again, even at the same size with its modification time set back
 * (nothing sets the change time back). Documents that fail to read or parse are not kept.
 */
const parsed = new Map<string, { identity: string; document: unknown }>();
let parses = 0;

/** How many YAML documents this process has parsed (stack and project files); the cache's tests read it. */
export function stackFileParses(): number {
  return parses;
}

function cannotRead(file: string, root: string, err: unknown): StackFileError {
  const code = (err as NodeJS.ErrnoException).code;
  return new StackFileError(file, code === "ENOENT" ? `${file}: no such file in ${root}` : `${file}: cannot be read (${code ?? String(err)})`);
}

/**
 * The YAML document of `file` (relative to the project root); syntax errors as one line with line
 * and column. A copy of the parsed document each call, so a caller that changes what it got cannot
 * change what the next one reads.
 */
function readYaml(file: string, root: string): unknown {
  const full = path.resolve(root, file);
  let identity: string;
  try {
    const stat = statSync(full, { bigint: true });
    identity = `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
  } catch (err) {
    throw cannotRead(file, root, err);
  }
  const hit = parsed.get(full);
  if (hit?.identity === identity) {
    return structuredClone(hit.document);
  }
  let text: string;
  try {
    text = readFileSync(full, "utf8");
  } catch (err) {
    throw cannotRead(file, root, err);
  }
  let document: unknown;
  try {
    parses++;
    document = parse(text);
  } catch (err) {
    if (err instanceof YAMLParseError) {
      // The yaml package's message ends with a code frame over several lines: the first line is the reason.
      const reason = err.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
      const at = err.linePos?.[0];
      throw new StackFileError(file, `${file}${at ? `:${at.line}:${at.col}` : ""}: YAML syntax error: ${reason}`);
    }
    throw err;
  }
  parsed.set(full, { identity, document });
  return structuredClone(document);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export interface ProjectConfigDeclaration {
  type: "string" | "integer" | "boolean" | "array";
  description?: string;
  default?: unknown;
  items?: { type: string };
}

export interface ProjectFile {
  name: string;
  config: Record<string, ProjectConfigDeclaration>;
}

export function readProjectFile(root: string = REPO_ROOT): ProjectFile {
  const project = readYaml("Pulumi.yaml", root);
  if (!isMapping(project) || typeof project.name !== "string") {
    throw new StackFileError("Pulumi.yaml", "Pulumi.yaml: expected a mapping with a `name:` (the project name)");
  }
  return project as unknown as ProjectFile;
}

/** The `config:` map of a stack file, values as YAML parsed them. */
export function readStackFile(stack: string, root: string = REPO_ROOT): Record<string, unknown> {
  const file = stackFileName(stack);
  const document = readYaml(file, root);
  if (document === null || document === undefined) {
    return {}; // an empty stack file is a stack with no config, as `pulumi stack init` leaves it
  }
  if (!isMapping(document) || (document.config !== undefined && document.config !== null && !isMapping(document.config))) {
    throw new StackFileError(file, `${file}: expected a mapping with a \`config:\` mapping of keys to values`);
  }
  return isMapping(document.config) ? document.config : {};
}

function asConfigString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * The raw config a program sees for `stack`: project defaults, then the stack file, then
 * `overrides` (a value of `undefined` removes the key, as `pulumi config rm` would).
 */
export function stackConfig(stack: string, overrides: Record<string, unknown> = {}): Record<string, string> {
  const project = readProjectFile();
  const merged: Record<string, unknown> = {};
  for (const [key, declaration] of Object.entries(project.config ?? {})) {
    if (declaration.default !== undefined) {
      merged[`${project.name}:${key}`] = declaration.default;
    }
  }
  Object.assign(merged, readStackFile(stack), overrides);
  return Object.fromEntries(
    Object.entries(merged)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, asConfigString(v)]),
  );
}
