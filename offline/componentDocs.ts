/**
 * The reference part of every component README, generated so it cannot drift from the code: a usage
 * snippet copied from a tested file (the examples) by its `#region usage:<Name>` marker, and per
 * component an inputs table read from its Args interface (name, type, default, description, from the
 * TSDoc and its `@default` tag) and an outputs table read from its public readonly fields, both with
 * the TypeScript compiler API. `npm run docs:components` rewrites the block between the markers of
 * each README (inserting it after the README's first paragraph the first time); a test fails when
 * one is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { runMain } from "../services/cli/main";
import { parseCliArgs } from "../services/cli/usage";

export const REPO_ROOT = path.resolve(__dirname, "..");
export const BLOCK_START = "<!-- component-reference:start (npm run docs:components) -->";
export const BLOCK_END = "<!-- component-reference:end -->";

/** A snippet: the lines between `// #region usage:<region>` and `// #endregion usage:<region>` of `file`. */
export interface UsageSource {
  /** Repo-relative path of a file that a test runs. */
  file: string;
  region: string;
}

/** One documented unit: a ComponentResource and its Args, or a helper function and its Args. */
export interface DocumentedComponent {
  /** What the heading names, e.g. HaNetwork, or rotatingKmsKey(). */
  title: string;
  /** Repo-relative source file declaring the Args interface (and the class). */
  file: string;
  args: string;
  /** The class whose public readonly fields are its outputs; none for a helper function. */
  className?: string;
  /** For a helper function: the interface (in `file`) it returns, whose fields are its outputs. */
  returns?: string;
}

export interface ComponentReadme {
  /** Repo-relative README path. */
  readme: string;
  usage: UsageSource[];
  components: DocumentedComponent[];
}

const SINGLE_REGION = "examples/single-region/main.ts";
const EXTERNAL_IDP = "examples/external-idp/main.ts";
const GLOBAL_REPLICA = "tests/examples/usage/globalReplica.ts";
const SHARED_HELPERS = "tests/examples/usage/sharedHelpers.ts";
const GAME_DAYS = "stacks/gameDays.ts";

/** Every component README and what it documents. */
export const COMPONENT_READMES: readonly ComponentReadme[] = [
  {
    readme: "components/network/README.md",
    usage: [{ file: SINGLE_REGION, region: "HaNetwork" }],
    components: [{ title: "HaNetwork", file: "components/network/haNetwork.ts", args: "HaNetworkArgs", className: "HaNetwork" }],
  },
  {
    readme: "components/cluster/README.md",
    usage: [
      { file: SINGLE_REGION, region: "ClusterSecurityGroups" },
      { file: SINGLE_REGION, region: "TradingCluster" },
    ],
    components: [
      { title: "ClusterSecurityGroups", file: "components/cluster/securityGroups.ts", args: "ClusterSecurityGroupsArgs", className: "ClusterSecurityGroups" },
      { title: "TradingCluster", file: "components/cluster/tradingCluster.ts", args: "TradingClusterArgs", className: "TradingCluster" },
    ],
  },
  {
    readme: "components/data/README.md",
    usage: [
      { file: SINGLE_REGION, region: "DataTier" },
      { file: SINGLE_REGION, region: "ReferenceDataMigrations" },
    ],
    components: [
      { title: "DataTier", file: "components/data/dataTier.ts", args: "DataTierArgs", className: "DataTier" },
      { title: "ReferenceDataMigrations", file: "components/data/migrations.ts", args: "ReferenceDataMigrationsArgs", className: "ReferenceDataMigrations" },
    ],
  },
  {
    readme: "components/dynamo/README.md",
    usage: [
      { file: SINGLE_REGION, region: "DynamoHotPath" },
      { file: GLOBAL_REPLICA, region: "GlobalReplica" },
    ],
    components: [
      { title: "DynamoHotPath", file: "components/dynamo/hotPath.ts", args: "DynamoHotPathArgs", className: "DynamoHotPath" },
      { title: "GlobalReplica", file: "components/dynamo/globalReplica.ts", args: "GlobalReplicaArgs", className: "GlobalReplica" },
    ],
  },
  {
    readme: "components/edge/README.md",
    usage: [
      { file: SINGLE_REGION, region: "TokenIssuer" },
      { file: EXTERNAL_IDP, region: "ApiAuthentication" },
      { file: EXTERNAL_IDP, region: "EdgeProtection" },
    ],
    components: [
      { title: "TokenIssuer", file: "components/edge/tokenIssuer.ts", args: "TokenIssuerArgs", className: "TokenIssuer" },
      { title: "EdgeProtection", file: "components/edge/edgeProtection.ts", args: "EdgeProtectionArgs", className: "EdgeProtection" },
      { title: "ApiAuthentication (what TradingCluster verifies tokens against)", file: "components/edge/authentication.ts", args: "ApiAuthentication" },
    ],
  },
  {
    readme: "components/observability/README.md",
    usage: [{ file: SINGLE_REGION, region: "Observability" }],
    components: [{ title: "Observability", file: "components/observability/observability.ts", args: "ObservabilityArgs", className: "Observability" }],
  },
  {
    readme: "components/shared/README.md",
    usage: [{ file: SHARED_HELPERS, region: "sharedHelpers" }],
    components: [
      { title: "rotatingKmsKey()", file: "components/shared/kmsKey.ts", args: "RotatingKmsKeyArgs" },
      { title: "privateBucket()", file: "components/shared/privateBucket.ts", args: "PrivateBucketArgs", returns: "PrivateBucket" },
    ],
  },
  {
    readme: "components/region/README.md",
    usage: [
      { file: SINGLE_REGION, region: "WriteRegionFlag" },
      { file: SINGLE_REGION, region: "RegionFailover" },
    ],
    components: [
      { title: "WriteRegionFlag", file: "components/region/writeRegionFlag.ts", args: "WriteRegionFlagArgs", className: "WriteRegionFlag" },
      { title: "RegionFailover", file: "components/region/regionFailover.ts", args: "RegionFailoverArgs", className: "RegionFailover" },
    ],
  },
  {
    readme: "components/gamedays/README.md",
    usage: [{ file: GAME_DAYS, region: "GameDays" }],
    components: [{ title: "GameDays", file: "components/gamedays/gameDays.ts", args: "GameDaysArgs", className: "GameDays" }],
  },
];

/** A row of an inputs table. */
export interface InputRow {
  name: string;
  type: string;
  /** The `@default` text, or "required" for a field that must be given. */
  defaultValue: string;
  description: string;
  optional: boolean;
}

/** A row of an outputs table. */
export interface OutputRow {
  name: string;
  type: string;
  description: string;
}

export interface ComponentReference {
  component: DocumentedComponent;
  inputs: InputRow[];
  outputs: OutputRow[];
}

/** Fields whose types are named like this are expanded one level (`database.engineVersion`). */
const EXPANDED_TYPE = /(Args|Settings|Notifications)$/;

let cachedProgram: ts.Program | undefined;

/** One program over every documented file (the compiler follows their imports). */
function program(): ts.Program {
  if (!cachedProgram) {
    const files = COMPONENT_READMES.flatMap((r) => r.components.map((c) => path.join(REPO_ROOT, c.file)));
    const parsed = ts.getParsedCommandLineOfConfigFile(path.join(REPO_ROOT, "tsconfig.json"), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    });
    cachedProgram = ts.createProgram(files, { ...(parsed?.options ?? {}), noEmit: true });
  }
  return cachedProgram;
}

const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();

/**
 * A table cell of TSDoc prose: `{@link X}` as code, pipes escaped, and `<`/`>` outside code spans as
 * entities, since Markdown would read `<region>` in a URL template as an HTML tag and drop it.
 */
function cell(text: string): string {
  const linked = oneLine(text).replace(/\{@link\s+([^}\s|]+)[^}]*\}/g, "`$1`");
  return linked
    .split("`")
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, "&lt;").replace(/>/g, "&gt;")))
    .join("`")
    .replace(/\|/g, "\\|");
}

function docOf(symbol: ts.Symbol, checker: ts.TypeChecker): { description: string; defaultValue?: string } {
  const description = oneLine(ts.displayPartsToString(symbol.getDocumentationComment(checker)));
  const tag = symbol.getJsDocTags(checker).find((t) => t.name === "default");
  const defaultValue = tag ? oneLine(ts.displayPartsToString(tag.text)) : undefined;
  return { description, ...(defaultValue !== undefined ? { defaultValue } : {}) };
}

/** The type as written in the declaration (e.g. `pulumi.Input<string>[]`), else as the checker prints it. */
function typeText(symbol: ts.Symbol, checker: ts.TypeChecker, at: ts.Node): string {
  const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0];
  if (declaration && (ts.isPropertySignature(declaration) || ts.isPropertyDeclaration(declaration)) && declaration.type) {
    return oneLine(declaration.type.getText());
  }
  return checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, at), at, ts.TypeFormatFlags.NoTruncation);
}

function findDeclaration<T extends ts.Statement>(file: string, name: string, test: (node: ts.Node) => node is T): T {
  const source = program().getSourceFile(path.join(REPO_ROOT, file));
  if (!source) throw new Error(`${file}: not found`);
  const found = source.statements.filter(test).find((s) => (s as ts.Statement & { name?: ts.Identifier }).name?.text === name);
  if (!found) throw new Error(`${file}: no exported declaration ${name}`);
  return found;
}

function inputRows(component: DocumentedComponent): InputRow[] {
  const checker = program().getTypeChecker();
  const declaration = findDeclaration(component.file, component.args, ts.isInterfaceDeclaration);
  const rows: InputRow[] = [];
  const add = (symbol: ts.Symbol, prefix: string, at: ts.Node) => {
    const doc = docOf(symbol, checker);
    const optional = (symbol.flags & ts.SymbolFlags.Optional) !== 0;
    const type = typeText(symbol, checker, at);
    rows.push({
      name: `${prefix}${symbol.name}`,
      type,
      defaultValue: doc.defaultValue ?? (optional ? "" : "required"),
      description: doc.description,
      optional,
    });
    // A union (one of several shapes) is not expanded: only its common fields would show.
    const fieldType = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(symbol, at));
    if (EXPANDED_TYPE.test(type) && !fieldType.isUnion()) {
      for (const nested of checker.getPropertiesOfType(fieldType)) add(nested, `${prefix}${symbol.name}.`, at);
    }
  };
  const type = checker.getTypeAtLocation(declaration.name);
  for (const symbol of checker.getPropertiesOfType(type)) add(symbol, "", declaration);
  return rows;
}

function outputRows(component: DocumentedComponent): OutputRow[] {
  const checker = program().getTypeChecker();
  if (component.returns) {
    const returned = findDeclaration(component.file, component.returns, ts.isInterfaceDeclaration);
    return checker.getPropertiesOfType(checker.getTypeAtLocation(returned.name)).map((symbol) => ({
      name: symbol.name + ((symbol.flags & ts.SymbolFlags.Optional) !== 0 ? "?" : ""),
      type: typeText(symbol, checker, returned),
      description: docOf(symbol, checker).description,
    }));
  }
  if (!component.className) return [];
  const declaration = findDeclaration(component.file, component.className, ts.isClassDeclaration);
  const modifiers = (member: ts.ClassElement) => ts.getModifiers(member as ts.PropertyDeclaration)?.map((m) => m.kind) ?? [];
  return declaration.members
    .filter((member): member is ts.PropertyDeclaration => ts.isPropertyDeclaration(member))
    .filter((member) => {
      const kinds = modifiers(member);
      return kinds.includes(ts.SyntaxKind.ReadonlyKeyword) && !kinds.includes(ts.SyntaxKind.PrivateKeyword) && !kinds.includes(ts.SyntaxKind.ProtectedKeyword) && !kinds.includes(ts.SyntaxKind.StaticKeyword);
    })
    .map((member) => {
      const symbol = checker.getSymbolAtLocation(member.name);
      if (!symbol) throw new Error(`${component.file}: no symbol for ${member.name.getText()}`);
      return {
        name: member.name.getText() + (member.questionToken ? "?" : ""),
        type: oneLine(member.type?.getText() ?? checker.typeToString(checker.getTypeAtLocation(member))),
        description: docOf(symbol, checker).description,
      };
    });
}

/** The inputs and outputs of every documented component, read from the code. */
export function componentReferences(readme: ComponentReadme): ComponentReference[] {
  return readme.components.map((component) => ({ component, inputs: inputRows(component), outputs: outputRows(component) }));
}

const REGION_START = (region: string) => new RegExp(`^\\s*// #region usage:${region}\\s*$`);
const REGION_END = (region: string) => new RegExp(`^\\s*// #endregion usage:${region}\\s*$`);

/** The snippet between a usage region's markers, dedented; fails when the markers are missing. */
export function usageSnippet(source: UsageSource): string {
  const lines = readFileSync(path.join(REPO_ROOT, source.file), "utf8").split("\n");
  const start = lines.findIndex((line) => REGION_START(source.region).test(line));
  const end = lines.findIndex((line, i) => i > start && REGION_END(source.region).test(line));
  if (start < 0 || end < 0) {
    throw new Error(`${source.file}: no "// #region usage:${source.region}" ... "// #endregion usage:${source.region}"`);
  }
  const body = lines.slice(start + 1, end);
  const indent = Math.min(...body.filter((line) => line.trim() !== "").map((line) => /^ */.exec(line)?.[0].length ?? 0));
  return body.map((line) => line.slice(indent)).join("\n");
}

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");
}

const code = (text: string): string => (text === "" ? "" : `\`${text.replace(/\|/g, "\\|")}\``);

function defaultCell(row: InputRow): string {
  if (row.defaultValue === "required") return "required";
  // `@default - text` (TSDoc's convention for a default that is not a literal) reads as the text.
  if (row.defaultValue.startsWith("- ")) return cell(row.defaultValue.slice(2));
  return /^["'`\d\-[{tfn]/.test(row.defaultValue) && !/\s/.test(row.defaultValue) ? code(row.defaultValue) : cell(row.defaultValue);
}

/** The generated block of one README (without its markers). */
export function referenceBlock(readme: ComponentReadme): string {
  const parts: string[] = ["", "## Usage", ""];
  const files = [...new Set(readme.usage.map((u) => u.file))];
  parts.push(
    `From ${files.map((file) => `[${file}](${path.relative(path.dirname(readme.readme), file)})`).join(" and ")}, which ${files.length === 1 ? "its test runs" : "their tests run"} under the mock cloud:`,
    "",
    "```ts",
    readme.usage.map(usageSnippet).join("\n\n"),
    "```",
    "",
    "## Reference",
  );
  for (const { component, inputs, outputs } of componentReferences(readme)) {
    parts.push("", `### ${component.title}`, "", `Inputs (\`${component.args}\`, [${path.basename(component.file)}](${path.basename(component.file)})):`, "");
    parts.push(table(["name", "type", "default", "description"], inputs.map((row) => [code(row.name), code(row.type), defaultCell(row), cell(row.description)])));
    if (component.className || component.returns) {
      const what = component.className ? `public fields of \`${component.className}\`` : `fields of the \`${component.returns}\` it returns`;
      parts.push("", `Outputs (${what}):`, "");
      parts.push(table(["name", "type", "description"], outputs.map((row) => [code(row.name), code(row.type), cell(row.description)])));
    }
  }
  parts.push("");
  return parts.join("\n");
}

/**
 * README text with the generated block between its markers; a README without them gets them after
 * its first paragraph (the one-paragraph purpose under the title).
 */
export function withComponentReference(text: string, readme: ComponentReadme): string {
  let start = text.indexOf(BLOCK_START);
  let end = text.indexOf(BLOCK_END);
  if (start < 0 && end < 0) {
    const paragraphs = /^#[^\n]*\n\n(?:[^\n]+\n)+\n/.exec(text);
    if (!paragraphs) throw new Error(`${readme.readme}: expected a title and a first paragraph`);
    const at = paragraphs[0].length;
    text = `${text.slice(0, at)}${BLOCK_START}\n${BLOCK_END}\n\n${text.slice(at)}`;
    start = text.indexOf(BLOCK_START);
    end = text.indexOf(BLOCK_END);
  }
  if (start < 0 || end < start) {
    throw new Error(`${readme.readme} needs the markers ${BLOCK_START} and ${BLOCK_END}`);
  }
  return `${text.slice(0, start + BLOCK_START.length)}\n${referenceBlock(readme)}${text.slice(end)}`;
}

if (require.main === module) {
  runMain("docs:components", async () => {
    // It takes nothing: a flag it ignored would look like an option that did something.
    parseCliArgs({ args: process.argv.slice(2), options: {} });
    for (const readme of COMPONENT_READMES) {
      const file = path.join(REPO_ROOT, readme.readme);
      writeFileSync(file, withComponentReference(readFileSync(file, "utf8"), readme));
      console.log(`component reference written to ${readme.readme}`);
    }
    return 0;
  });
}
