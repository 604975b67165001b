/**
 * Reads the real Pulumi.yaml and Pulumi.<stack>.yaml files the way the Pulumi CLI hands config to a
 * program: every value a string (typed values as JSON text), project defaults applied, keys
 * without a namespace qualified with the project name.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const STACKS = ["dev", "prod-us-east-1", "prod-eu-west-1"] as const;
export type StackName = (typeof STACKS)[number];

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

export function readProjectFile(): ProjectFile {
  return parse(readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as ProjectFile;
}

/** The `config:` map of a stack file, values as YAML parsed them. */
export function readStackFile(stack: string): Record<string, unknown> {
  const file = parse(readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
    config?: Record<string, unknown>;
  };
  return file.config ?? {};
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
