/**
 * The packs as the CLI and reviewers see them: layout (PulumiPolicy.yaml, package.json, tsconfig,
 * an index.ts that only builds the PolicyPack), policy metadata, and the per-environment config
 * files, which must resolve against every policy's schema exactly as the CLI resolves them.
 */
import { expect } from "chai";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import {
  loadPackConfig,
  PACK_DIRECTORIES,
  packConfigPath,
  POLICY_ENVIRONMENTS,
  POLICY_PACKS,
  POLICY_ROOT,
} from "../../offline/policy/evaluateStack";
import { resolvePackConfig } from "../../offline/policy/packConfig";
import { validateAgainstSchema } from "../../offline/policy/jsonSchema";

const REPO_ROOT = path.resolve(POLICY_ROOT, "..");
const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;

describe("policy pack layout", () => {
  it("every directory under policy/ with a PulumiPolicy.yaml is a pack the evaluator knows, and the reverse", () => {
    const dirs = readdirSync(POLICY_ROOT).filter((d) => existsSync(path.join(POLICY_ROOT, d, "PulumiPolicy.yaml")));
    expect(dirs.sort()).to.deep.equal([...PACK_DIRECTORIES].sort());
  });

  it("the packs are npm workspaces of the root package, with the root's exact dependency versions", () => {
    const root = readJson(path.join(REPO_ROOT, "package.json")) as { workspaces: string[]; dependencies: Record<string, string> };
    expect(root.workspaces).to.have.members(PACK_DIRECTORIES.map((d) => `policy/${d}`));
    for (const dir of PACK_DIRECTORIES) {
      const pkg = readJson(path.join(POLICY_ROOT, dir, "package.json")) as { dependencies: Record<string, string> };
      for (const [dependency, version] of Object.entries(pkg.dependencies)) {
        expect(version, `${dir}: ${dependency}`).to.equal(root.dependencies[dependency]);
      }
    }
  });

  for (const dir of PACK_DIRECTORIES) {
    describe(dir, () => {
      const pack = POLICY_PACKS[dir];
      const packDir = path.join(POLICY_ROOT, dir);

      it("has a nodejs PulumiPolicy.yaml, a package.json whose version is the pack's, and a tsconfig extending the repo's", () => {
        const project = parse(readFileSync(path.join(packDir, "PulumiPolicy.yaml"), "utf8")) as { runtime: string; description: string };
        expect(project.runtime).to.equal("nodejs");
        expect(project.description).to.be.a("string").that.is.not.empty;
        const pkg = readJson(path.join(packDir, "package.json"));
        expect(pkg.version).to.equal(pack.version);
        expect(pkg.main).to.equal("index.ts");
        expect(readJson(path.join(packDir, "tsconfig.json")).extends).to.equal("../../tsconfig.json");
      });

      it("has an index.ts that only constructs the PolicyPack from the definition", () => {
        const source = readFileSync(path.join(packDir, "index.ts"), "utf8");
        const code = source.split("\n").filter((line) => line.trim() !== "" && !line.trim().startsWith("//"));
        expect(code.filter((line) => !line.startsWith("import "))).to.deep.equal([`new PolicyPack(${dir}Pack.name, policyPackArgs(${dir}Pack));`]);
      });

      it("names itself and its policies as the CLI allows, and describes and levels every policy", () => {
        expect(pack.name).to.match(/^[a-zA-Z0-9-_.]{1,100}$/);
        const names = pack.policies.map((p) => p.name);
        expect(new Set(names).size, "unique policy names").to.equal(names.length);
        for (const policy of pack.policies) {
          expect(policy.name).to.match(/^[a-z0-9-]+$/).and.not.equal("all");
          expect(policy.description.length, policy.name).to.be.greaterThan(60);
          expect(policy.enforcementLevel, policy.name).to.be.oneOf(["advisory", "mandatory"]);
          expect(Object.keys(policy.configSchema?.properties ?? {}), policy.name).to.not.include("enforcementLevel");
        }
      });

      it("declares config defaults that satisfy its own schemas", () => {
        for (const policy of pack.policies) {
          for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            if (schema.default !== undefined) {
              expect(validateAgainstSchema(schema.default, schema, `${policy.name}.${key}`)).to.deep.equal([]);
            }
          }
        }
      });

      for (const environment of POLICY_ENVIRONMENTS) {
        it(`config/${environment}/${dir}.json resolves against every schema`, () => {
          expect(existsSync(packConfigPath(environment, dir))).to.be.true;
          const resolved = resolvePackConfig(pack, loadPackConfig(environment, dir));
          expect([...resolved.keys()]).to.deep.equal(pack.policies.map((p) => p.name));
          if (environment === "prod") {
            expect([...resolved.entries()].filter(([, c]) => c.enforcementLevel !== "mandatory").map(([n]) => n), "prod is mandatory throughout").to.deep.equal([]);
          }
        });
      }
    });
  }

  it("policy/README.md lists every policy in its pack's rule table, and its inventory names only policies that exist", () => {
    const readme = readFileSync(path.join(POLICY_ROOT, "README.md"), "utf8");
    const names = new Set(PACK_DIRECTORIES.flatMap((dir) => POLICY_PACKS[dir].policies.map((p) => p.name)));
    for (const dir of PACK_DIRECTORIES) {
      const pack = POLICY_PACKS[dir];
      const table = readme.split(`### ${pack.name}`)[1]?.split("\n### ")[0].split("\n## ")[0] ?? "";
      const listed = [...table.matchAll(/^\| \[`([a-z0-9-]+)`\]\([a-z]+\/rules\/[a-z0-9-]+\.ts\) \|/gm)].map((m) => m[1]);
      expect(listed, pack.name).to.have.members(pack.policies.map((p) => p.name));
    }
    const inventory = readme.split("## Invariant inventory")[1]?.split("\n## ")[0] ?? "";
    const rows = inventory.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| area") && !line.startsWith("| ---"));
    expect(rows.length).to.be.greaterThan(20);
    for (const row of rows) {
      const rule = row.split(" | ")[2] ?? "";
      const named = [...rule.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]);
      expect(named.filter((n) => !names.has(n)), row).to.deep.equal([]);
      // A row without a rule says why none should exist; "none yet" is not a reason.
      if (named.length === 0) {
        expect(rule.trim(), row).to.equal("none");
        expect((row.split(" | ")[3] ?? "").length, row).to.be.greaterThan(40);
      }
      expect(row, row).to.not.match(/none yet|not done/);
    }
  });

  it("dev relaxes what dev trades for cost, and only that", () => {
    const levels = (dir: (typeof PACK_DIRECTORIES)[number]) =>
      Object.fromEntries([...resolvePackConfig(POLICY_PACKS[dir], loadPackConfig("dev", dir)).entries()].map(([name, c]) => [name, c.enforcementLevel]));
    // dev's spread and alarms are advisory (one NAT, one DAX node, fewer nodes); it is torn down (no
    // protection); its health checks and stream consumer behave as prod's, so they are held as in prod.
    const resilience = levels("resilience");
    expect(Object.entries(resilience).filter(([, level]) => level !== "advisory")).to.deep.equal([
      ["target-group-shallow-health-check", "mandatory"],
      ["asg-elb-health-check", "mandatory"],
      ["stateful-resources-protected", "disabled"],
      ["stream-failure-handling", "mandatory"],
      // dev's failover flag, stream consumer and auto scaling are operated as prod's; its rollouts refresh as prod's.
      ["operational-state-survives-deploy", "mandatory"],
      ["asg-launch-template-version-pinned", "mandatory"],
      // An experiment, where one runs, is as dangerous in dev as in prod: it must stop on an alarm and end by itself.
      ["fis-stop-on-alarm", "mandatory"],
      ["fis-duration-bounded", "mandatory"],
    ]);
    expect(levels("cost")).to.deep.equal({
      "dynamodb-provisioned-billing": "advisory",
      "dynamodb-autoscaling-coverage": "advisory",
      "dynamodb-target-utilisation-band": "advisory",
      "dynamodb-capacity-caps": "mandatory",
      "gsi-write-capacity-floor": "mandatory",
      "dax-node-type-allowed": "mandatory",
      "ec2-instance-type-allowed": "mandatory",
      "monthly-budget": "mandatory",
      "replica-owns-no-write-scaling": "mandatory",
      "dynamodb-gateway-endpoint": "mandatory",
      "fargate-task-size-allowed": "mandatory",
    });
    const security = levels("security");
    expect(Object.entries(security).filter(([, level]) => level !== "mandatory")).to.deep.equal([
      ["alb-https-only", "advisory"],
      // Dev has no certificate, so no HTTPS listener to verify tokens on (the service still does).
      ["alb-waf-and-jwt", "advisory"],
      ["dynamodb-pitr", "advisory"],
      ["deletion-protection", "disabled"],
      // dev is torn down with its buckets.
      ["s3-no-force-destroy", "disabled"],
    ]);
  });
});
