/**
 * The README's stack-config reference, generated from the schema in stacks/config.ts so the
 * documented types and defaults cannot drift from what the program enforces.
 * `npm run docs:config` rewrites the table in README.md; a test fails when it is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { runMain } from "../services/cli/main";
import { parseCliArgs } from "../services/cli/usage";
import { stackConfigSchema, stackConfigShape } from "../stacks/config";

export const README_PATH = path.resolve(__dirname, "..", "README.md");
export const TABLE_START = "<!-- config-reference:start (npm run docs:config) -->";
export const TABLE_END = "<!-- config-reference:end -->";

interface JsonProperty {
  type?: string;
  enum?: string[];
  default?: unknown;
  items?: { type?: string };
}

function typeOf(property: JsonProperty): string {
  if (property.enum) {
    return property.enum.map((value) => `\`${value}\``).join(" \\| ");
  }
  if (property.type === "array") {
    return `${property.items?.type ?? "value"}[]`;
  }
  return property.type === "number" ? "integer" : (property.type ?? "value");
}

/** One Markdown row per `trading-platform:` key: name, type, default, description. */
export function configReferenceTable(): string {
  const json = z.toJSONSchema(stackConfigSchema, { io: "input", unrepresentable: "any" }) as {
    properties: Record<string, JsonProperty>;
    required?: string[];
  };
  const shape: Record<string, z.ZodType> = stackConfigShape;
  const rows = Object.keys(stackConfigShape).map((key) => {
    const property = json.properties[key];
    const required = (json.required ?? []).includes(key) && property.default === undefined;
    const fallback = property.default !== undefined ? `\`${JSON.stringify(property.default)}\`` : required ? "required" : "none";
    const description = (shape[key].description ?? "").replace(/\|/g, "\\|");
    return `| \`${key}\` | ${typeOf(property)} | ${fallback} | ${description} |`;
  });
  return ["| key | type | default | meaning |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

/** README text with the generated table between its markers. */
export function withConfigReference(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) {
    throw new Error(`README.md needs the markers ${TABLE_START} and ${TABLE_END}`);
  }
  return `${readme.slice(0, start + TABLE_START.length)}\n${configReferenceTable()}\n${readme.slice(end)}`;
}

if (require.main === module) {
  runMain("docs:config", async () => {
    // It takes nothing: a flag it ignored would look like an option that did something.
    parseCliArgs({ args: process.argv.slice(2), options: {} });
    writeFileSync(README_PATH, withConfigReference(readFileSync(README_PATH, "utf8")));
    console.log(`config reference written to ${README_PATH}`);
    return 0;
  });
}
