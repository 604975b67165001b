import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import {
  BLOCK_END,
  BLOCK_START,
  COMPONENT_READMES,
  componentReferences,
  REPO_ROOT,
  usageSnippet,
  withComponentReference,
} from "../../offline/componentDocs";

/** ComponentResources that another component creates for itself: documented with their parent. */
const CHILD_COMPONENTS = ["AlarmTopic", "DaxCluster", "StreamConsumer", "TableAutoScaling"];

const read = (file: string): string => readFileSync(path.join(REPO_ROOT, file), "utf8");

describe("component READMEs: generated usage, inputs and outputs", function () {
  this.timeout(60_000);

  for (const readme of COMPONENT_READMES) {
    describe(readme.readme, () => {
      const references = componentReferences(readme);

      it("holds the block generated from the code (run `npm run docs:components` after changing an Args interface, an output or a usage region)", () => {
        const text = read(readme.readme);
        expect(withComponentReference(text, readme)).to.equal(text);
      });

      it("puts the block right after the one-paragraph purpose under the title", () => {
        const text = read(readme.readme);
        const [title, purpose, marker] = text.split("\n\n");
        expect(title).to.match(/^# /);
        expect(purpose).to.not.match(/^(#|\||<!--|```)/);
        expect(marker.startsWith(BLOCK_START)).to.equal(true);
        expect(text.indexOf(BLOCK_END)).to.be.greaterThan(text.indexOf(BLOCK_START));
      });

      for (const { component, inputs, outputs } of references) {
        it(`documents every input of ${component.args} with a description, and a default unless required`, () => {
          expect(inputs.length).to.be.greaterThan(0);
          for (const row of inputs) {
            expect(row.description, `${component.args}.${row.name} has no TSDoc`).to.not.equal("");
            if (row.optional) expect(row.defaultValue, `${component.args}.${row.name} is optional without @default`).to.not.equal("");
            else expect(row.defaultValue, `${component.args}.${row.name}`).to.equal("required");
          }
        });
        if (component.className || component.returns) {
          it(`documents every public output of ${component.className ?? component.returns}`, () => {
            expect(outputs.length).to.be.greaterThan(0);
            for (const row of outputs) expect(row.description, `${component.className ?? component.returns}.${row.name} has no TSDoc`).to.not.equal("");
          });
        }
      }

      it("quotes usage from files a test imports (so the snippet compiles and runs)", () => {
        const dir = path.join(REPO_ROOT, "tests", "examples");
        // Every module a tests/examples test imports, as a repo-relative path without extension.
        const imported = readdirSync(dir)
          .filter((file) => file.endsWith(".test.ts"))
          .flatMap((file) => [...read(path.join("tests", "examples", file)).matchAll(/from "(\.[^"]+)"/g)].map(([, from]) => path.relative(REPO_ROOT, path.resolve(dir, from))));
        for (const usage of readme.usage) {
          expect(usageSnippet(usage), usage.region).to.match(/new \w+\(|const \w+/);
          expect(imported, `no tests/examples test imports ${usage.file}`).to.include(usage.file.replace(/\.ts$/, ""));
        }
      });
    });
  }

  it("documents every ComponentResource of components/ (or lists it as another's child)", () => {
    const documented = COMPONENT_READMES.flatMap((r) => r.components.map((c) => c.className)).filter((name) => name !== undefined);
    const declared: string[] = [];
    for (const tier of readdirSync(path.join(REPO_ROOT, "components"))) {
      for (const file of readdirSync(path.join(REPO_ROOT, "components", tier)).filter((f) => f.endsWith(".ts"))) {
        for (const [, name] of read(path.join("components", tier, file)).matchAll(/export class (\w+) extends pulumi\.ComponentResource/g)) declared.push(name);
      }
    }
    expect(declared.filter((name) => !documented.includes(name) && !CHILD_COMPONENTS.includes(name))).to.deep.equal([]);
    expect(declared).to.include.members(CHILD_COMPONENTS);
  });

  it("fails a README whose generated block is stale", () => {
    const readme = COMPONENT_READMES[0];
    const stale = read(readme.readme).replace("| `cidrBlock` |", "| `cidr` |");
    expect(withComponentReference(stale, readme)).to.not.equal(stale);
  });

  it("npm run docs:components takes no options: a flag is refused before any README is written", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "offline/componentDocs.ts", "--check"], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(run.status).to.equal(2);
    expect(run.stderr.trim()).to.equal("docs:components: unknown option --check; this command takes no options");
  });
});
