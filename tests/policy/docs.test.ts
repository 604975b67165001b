/**
 * policy/README.md against the rules: the rule tables are exactly what `npm run docs:policy`
 * generates from the rules' metadata and the environment configs, every rule file is named by its
 * rule and listed by its pack, and the invariant inventory names only rules that exist and names
 * every rule at least once.
 */
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { PACK_DIRECTORIES, POLICY_PACKS, POLICY_ROOT } from "../../offline/policy/evaluateStack";
import { BEGIN_MARKER, END_MARKER, README_PATH, ruleFile, ruleTables, withTables } from "../../offline/policy/ruleDocs";

const readme = readFileSync(README_PATH, "utf8");
const allRules = PACK_DIRECTORIES.flatMap((dir) => POLICY_PACKS[dir].policies.map((p) => p.name));

describe("policy/README.md", () => {
  it("holds the rule tables generated from the rules (run npm run docs:policy after changing a rule or a config)", () => {
    expect(readme).to.include(BEGIN_MARKER).and.include(END_MARKER);
    expect(withTables(readme, ruleTables()) === readme, "policy/README.md's rule tables are stale: run npm run docs:policy").to.equal(true);
  });

  it("lists each rule once, with its pack's levels and its description", () => {
    const tables = ruleTables();
    for (const dir of PACK_DIRECTORIES) {
      for (const policy of POLICY_PACKS[dir].policies) {
        const rows = tables.split("\n").filter((line) => line.startsWith(`| [\`${policy.name}\`]`));
        expect(rows, policy.name).to.have.length(1);
        expect(rows[0]).to.include(policy.description.slice(0, 40).replace(/\|/g, "\\|"));
      }
    }
  });

  it("every rule is one file under its pack's rules/, named by the rule, and the pack lists exactly those files", () => {
    for (const dir of PACK_DIRECTORIES) {
      const files = readdirSync(path.join(POLICY_ROOT, dir, "rules"))
        .filter((f) => f.endsWith(".ts") && f !== "index.ts")
        .map((f) => f.replace(/\.ts$/, ""));
      expect(files.sort(), dir).to.deep.equal(POLICY_PACKS[dir].policies.map((p) => p.name).sort());
      for (const policy of POLICY_PACKS[dir].policies) {
        const source = readFileSync(path.join(POLICY_ROOT, ruleFile(dir, policy.name)), "utf8");
        expect(source, policy.name).to.include(`name: "${policy.name}"`);
      }
      // No rule lives outside rules/: the pack directory holds only the pack's own files.
      const loose = readdirSync(path.join(POLICY_ROOT, dir)).filter((f) => f.endsWith(".ts") && !["index.ts", "policies.ts"].includes(f));
      expect(loose, dir).to.deep.equal([]);
    }
  });

  it("has tests for every rule in its own file, tests/policy/<pack>/<rule>.test.ts, its fixtures beside it", () => {
    for (const dir of PACK_DIRECTORIES) {
      const files = readdirSync(path.join(__dirname, dir)).filter((f) => f.endsWith(".test.ts"));
      expect(files.map((f) => f.replace(/\.test\.ts$/, "")).sort(), dir).to.deep.equal(POLICY_PACKS[dir].policies.map((p) => p.name).sort());
      for (const policy of POLICY_PACKS[dir].policies) {
        const source = readFileSync(path.join(__dirname, dir, `${policy.name}.test.ts`), "utf8");
        expect(source, policy.name).to.include(`describe("${policy.name}"`);
      }
    }
  });

  it("the invariant inventory names only existing rules, and every rule at least once", () => {
    const start = readme.indexOf("## Invariant inventory");
    const end = readme.indexOf("\n## ", start + 1);
    expect(start).to.be.greaterThan(0);
    const inventory = readme.slice(start, end);
    const named = new Set(
      inventory
        .split("\n")
        .filter((line) => line.startsWith("|"))
        .flatMap((line) => line.split("|")[3] ?? "")
        .flatMap((cellText) => [...cellText.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1])),
    );
    for (const name of named) {
      expect(allRules, `inventory names ${name}`).to.include(name);
    }
    for (const rule of allRules) {
      expect(named.has(rule), `the inventory does not mention ${rule}`).to.equal(true);
    }
  });
});
