import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

/**
 * "Small modules with names that explain themselves; one job per file" (DESIGN.md), held by two
 * checks over the program's own TypeScript (components/ stacks/ services/ policy/ offline/):
 * - no source file is over MAX_LINES lines, except the ones listed below with the reason;
 * - no import cycle: no module imports, directly or through others, a module that imports it.
 *   Every static import, re-export, `import type` and dynamic `import()` of a relative path counts
 *   (a type-only cycle is still two modules that cannot be read one without the other).
 * Data tables that are not .ts (JSON price snapshots, SQL migrations, the generated README blocks)
 * are not walked at all.
 */
const ROOT = path.resolve(__dirname, "..", "..");
const FOLDERS = ["components", "stacks", "services", "policy", "offline"];
const MAX_LINES = 450;

/** Files allowed over MAX_LINES, each with why (repo-relative paths). Keep it short. */
const OVERSIZED: Record<string, string> = {};

/** Import cycles allowed, each as its modules joined by " -> " in the order reported, with why. */
const CYCLES: Record<string, string> = {};

function sourceFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) found.push(path.relative(ROOT, full).split(path.sep).join("/"));
    }
  };
  FOLDERS.forEach((folder) => walk(path.join(ROOT, folder)));
  return found.sort();
}

const lineCount = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8").replace(/\n$/, "").split("\n").length;

/** The repo-relative .ts file a relative specifier names, if it is one of ours. */
function resolve(from: string, specifier: string, files: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier)).replace(/\.js$/, "");
  return [`${base}.ts`, `${base}/index.ts`, base].find((candidate) => files.has(candidate));
}

/** Each file's imports of our own files. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), "utf8"), true, true);
    const targets = info.importedFiles.map((ref) => resolve(file, ref.fileName, known)).filter((t): t is string => t !== undefined && t !== file);
    graph.set(file, [...new Set(targets)].sort());
  }
  return graph;
}

/** Strongly connected components of more than one module (Tarjan), each as one cycle through it. */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const at = (map: Map<string, number>, node: string) => map.get(node) ?? Number.POSITIVE_INFINITY;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(at(low, node), at(low, next)));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(at(low, node), at(index, next)));
      }
    }
    if (at(low, node) === at(index, node)) {
      const component: string[] = [];
      for (let member = stack.pop(); member !== undefined; member = member === node ? undefined : stack.pop()) {
        onStack.delete(member);
        component.push(member);
      }
      if (component.length > 1) components.push(component.sort());
    }
  };
  [...graph.keys()].forEach((node) => index.has(node) || visit(node));
  return components.map((component) => shortestCycle(graph, component));
}

/** One concrete cycle through a component, from its first module (breadth first, so the shortest), for the message. */
function shortestCycle(graph: Map<string, string[]>, component: string[]): string[] {
  const members = new Set(component);
  const start = component[0];
  const previous = new Map<string, string>();
  const queue = [start];
  for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
    for (const next of graph.get(node) ?? []) {
      if (next === start) {
        const route = [node];
        for (let back = previous.get(node); back !== undefined; back = previous.get(back)) route.unshift(back);
        return [...route, start];
      }
      if (members.has(next) && !previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return component;
}

describe("module size and import cycles", function () {
  this.timeout(60_000);
  const files = sourceFiles();

  it("walks the program's source", function () {
    expect(files.length).to.be.greaterThan(100);
    expect(files).to.include("components/observability/alarmPlan.ts");
    expect(importGraph(files).get("policy/lib/cost/edge.ts")).to.include("policy/lib/cost/context.ts");
  });

  it(`keeps every source file at ${MAX_LINES} lines or fewer, except the listed ones`, function () {
    const over = files.filter((file) => lineCount(file) > MAX_LINES && !(file in OVERSIZED)).map((file) => `${file} (${lineCount(file)} lines)`);
    expect(over, `split these by job, or list them in OVERSIZED with a reason`).to.deep.equal([]);
  });

  it("lists no exception that is not needed (a file gone or back under the limit)", function () {
    const stale = Object.keys(OVERSIZED).filter((file) => !files.includes(file) || lineCount(file) <= MAX_LINES);
    expect(stale, "remove these from OVERSIZED").to.deep.equal([]);
    Object.values(OVERSIZED).forEach((reason) => expect(reason).to.have.length.greaterThan(20));
  });

  it("has no import cycle between modules", function () {
    const found = cycles(importGraph(files)).map((cycle) => cycle.join(" -> "));
    expect(
      found.filter((cycle) => !(cycle in CYCLES)),
      "give the shared pieces one home below the modules of each cycle",
    ).to.deep.equal([]);
    expect(
      Object.keys(CYCLES).filter((cycle) => !found.includes(cycle)),
      "remove these from CYCLES",
    ).to.deep.equal([]);
  });

  it("finds a cycle and a two-module cycle when there is one (the walk itself)", function () {
    const graph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["a.ts"]],
      ["c.ts", ["d.ts"]],
      ["d.ts", ["e.ts"]],
      ["e.ts", ["c.ts"]],
      ["f.ts", ["a.ts"]],
    ]);
    expect(cycles(graph).map((c) => c.join(" -> "))).to.have.members(["a.ts -> b.ts -> a.ts", "c.ts -> d.ts -> e.ts -> c.ts"]);
    expect(resolve("policy/lib/cost/edge.ts", "./context", new Set(["policy/lib/cost/context.ts"]))).to.equal("policy/lib/cost/context.ts");
    expect(resolve("policy/lib/cost/edge.ts", "../graph", new Set(["policy/lib/graph/index.ts"]))).to.equal("policy/lib/graph/index.ts");
    expect(resolve("policy/lib/cost/edge.ts", "@pulumi/aws", new Set())).to.equal(undefined);
  });
});
