import { expect } from "chai";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { z } from "zod";
import { discoverStacks, StackFileError, stackFileParses } from "../../offline/cloud/stackFiles";
import { cidrsOverlap, parseCidr } from "../../components/network/cidr";
import { parseStackConfig, PROJECT, stackConfigSchema, stackConfigShape } from "../../stacks/config";
import { readProjectFile, readStackFile, stackConfig, STACKS } from "../support/mockCloud";

describe("stack files", () => {
  const configs = STACKS.map((stack) => parseStackConfig(stack, stackConfig(stack)));

  it("give the three stacks VPC CIDRs that do not overlap, so the regions can be peered", () => {
    for (let i = 0; i < configs.length; i++) {
      for (let j = i + 1; j < configs.length; j++) {
        const [a, b] = [configs[i], configs[j]];
        expect(cidrsOverlap(parseCidr(a.vpcCidr), parseCidr(b.vpcCidr)), `${a.stack} vs ${b.stack}`).to.equal(false);
      }
    }
  });

  it("declare each prod stack's peers, so a later overlap is caught by validation", () => {
    for (const config of configs.filter((c) => c.isProduction)) {
      const others = configs.filter((c) => c.stack !== config.stack).map((c) => c.vpcCidr);
      expect(config.peerVpcCidrs, config.stack).to.have.members(others);
    }
  });

  it("make prod-eu-west-1 a replica of prod-us-east-1 and the others primaries", () => {
    const byStack = Object.fromEntries(configs.map((c) => [c.stack, c]));
    expect(byStack["prod-eu-west-1"].role).to.equal("replica");
    expect(byStack["prod-eu-west-1"].primaryStack?.split("/")).to.deep.equal([
      byStack["prod-eu-west-1"].primaryStack?.split("/")[0],
      PROJECT,
      "prod-us-east-1",
    ]);
    expect(byStack["prod-us-east-1"].role).to.equal("primary");
    expect(byStack["dev"].role).to.equal("primary");
  });
});

describe("Pulumi.yaml config block", () => {
  const project = readProjectFile();
  const declared = project.config;
  const json = z.toJSONSchema(stackConfigSchema, { io: "input", unrepresentable: "any" }) as {
    properties: Record<string, { type?: string; default?: unknown; items?: { type?: string } }>;
    required?: string[];
  };
  const pulumiType = (t: string | undefined) => (t === "number" ? "integer" : t);

  it("names the project whose namespace stacks/config.ts reads", () => {
    expect(project.name).to.equal(PROJECT);
  });

  for (const key of Object.keys(stackConfigShape)) {
    it(`declares ${key} as stacks/config.ts does`, () => {
      const schema = json.properties[key];
      const required = (json.required ?? []).includes(key) && schema.default === undefined;
      if (schema.default === undefined && !required) {
        // The CLI would make a declared key without a default mandatory.
        expect(declared[key], `${key} is optional without a default and must not be declared`).to.equal(undefined);
        return;
      }
      expect(declared[key], `${key} must be declared in Pulumi.yaml`).to.not.equal(undefined);
      expect(declared[key].type).to.equal(pulumiType(schema.type));
      expect(declared[key].default).to.deep.equal(schema.default);
      if (schema.type === "array") {
        expect(declared[key].items?.type).to.equal(pulumiType(schema.items?.type));
      }
      expect(declared[key].description, `${key} needs a description`).to.be.a("string").and.not.empty;
    });
  }

  it("declares no key that stacks/config.ts does not know", () => {
    expect(Object.keys(declared).filter((k) => !(k in stackConfigShape))).to.deep.equal([]);
  });
});

describe("stack file discovery and reading", () => {
  let root: string;
  const write = (file: string, text: string) => writeFileSync(path.join(root, file), text);
  const failure = (read: () => unknown): string => {
    try {
      read();
    } catch (err) {
      expect(err).to.be.instanceOf(StackFileError);
      return (err as Error).message;
    }
    throw new Error("expected a StackFileError");
  };
  before(() => {
    root = mkdtempSync(path.join(tmpdir(), "stack-files-"));
    write("Pulumi.yaml", "name: trading-platform\nconfig: {}\n");
    write("Pulumi.dev.yaml", "config:\n  aws:region: us-east-1\n");
    write("Pulumi.dev-copy.yaml", "");
    write("Pulumi.dev.yaml.bak", "config: {}\n");
    write("notes.yaml", "config: {}\n");
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("finds every Pulumi.<stack>.yaml and nothing else (not the project file, not a backup)", () => {
    expect(discoverStacks(root)).to.deep.equal(["dev", "dev-copy"]);
  });

  it("reads an empty stack file as a stack with no config", () => {
    expect(readStackFile("dev-copy", root)).to.deep.equal({});
    expect(readStackFile("dev", root)).to.deep.equal({ "aws:region": "us-east-1" });
  });

  it("names the file, line and column of a YAML syntax error, in one line", () => {
    write("Pulumi.broken.yaml", "config:\n  aws:region: us-east-1\n  trading-platform:role: primary: yes\n");
    expect(failure(() => readStackFile("broken", root))).to.equal(
      "Pulumi.broken.yaml:3:26: YAML syntax error: Nested mappings are not allowed in compact mappings",
    );
    write("Pulumi.yaml", "name: trading-platform\nconfig:\n  - [unclosed\n");
    expect(failure(() => readProjectFile(root))).to.match(/^Pulumi\.yaml:\d+:\d+: YAML syntax error: [^\n]+$/);
  });

  it("parses an unchanged stack file once, and again once it is rewritten, even at the same size and time", () => {
    write("Pulumi.cached.yaml", "config:\n  aws:region: us-east-1\n");
    const first = readStackFile("cached", root);
    const parses = stackFileParses();
    first["aws:region"] = "changed by a caller";
    expect(readStackFile("cached", root)).to.deep.equal({ "aws:region": "us-east-1" });
    expect(readStackFile("cached", root)).to.deep.equal({ "aws:region": "us-east-1" });
    expect(stackFileParses()).to.equal(parses);
    // Rewritten in place: at the same length with the modification time put back, the change time tells.
    const full = path.join(root, "Pulumi.cached.yaml");
    const when = new Date("2026-01-01T00:00:00Z");
    utimesSync(full, when, when);
    readStackFile("cached", root);
    const before = stackFileParses();
    write("Pulumi.cached.yaml", "config:\n  aws:region: eu-west-1\n");
    utimesSync(full, when, when);
    expect(readStackFile("cached", root)).to.deep.equal({ "aws:region": "eu-west-1" });
    write("Pulumi.cached.yaml", "config:\n  aws:region: eu-west-2\n");
    expect(readStackFile("cached", root)).to.deep.equal({ "aws:region": "eu-west-2" });
    expect(stackFileParses()).to.equal(before + 2);
  });

  it("refuses a stack file whose config is not a mapping, naming the file", () => {
    write("Pulumi.list.yaml", "config:\n  - aws:region\n");
    expect(failure(() => readStackFile("list", root))).to.equal("Pulumi.list.yaml: expected a mapping with a `config:` mapping of keys to values");
    expect(failure(() => readStackFile("missing", root))).to.equal(`Pulumi.missing.yaml: no such file in ${root}`);
  });
});
