/**
 * `pulumi up` from an example's folder: the SDK's language-host entry point, started as
 * pulumi-language-nodejs starts it from the example's Pulumi.yaml (program folder and entry point
 * from `main`, `node <nodeargs>` and the environment from the runtime options: tsx through
 * `--import tsx`, no ts-node), requires index.ts and runs it under the mock cloud. The other example
 * tests import main.ts through the test runner's tsx; this is the path a real `pulumi up` takes,
 * through the same harness as the platform's own (tests/support/pulumiLoader.ts).
 */
import { expect } from "chai";
import { runtimeOptionsOf, runWithPulumiLoader } from "../support/pulumiLoader";
import { exampleConfig, exampleDir, runExample } from "./support";
import { main as singleRegion } from "../../examples/single-region/main";
import { REPO_ROOT } from "../../offline/cloud/stackFiles";

const EXAMPLES = ["consumer-team", "external-idp", "single-region"];

describe("examples under pulumi up's loader (Pulumi.yaml's nodeargs: tsx, no ts-node)", function () {
  this.timeout(180_000);

  it("every example's Pulumi.yaml asks for the repository's loader (the same typescript and nodeargs options)", () => {
    const { typescript, nodeargs } = runtimeOptionsOf(REPO_ROOT);
    for (const example of EXAMPLES) {
      const options = runtimeOptionsOf(exampleDir(example));
      expect({ typescript: options.typescript, nodeargs: options.nodeargs }, example).to.deep.equal({ typescript, nodeargs });
    }
  });

  it("loads and runs examples/single-region, registering what the tsx run registers", async () => {
    const [loaded, underTsx] = await Promise.all([
      runWithPulumiLoader({ stack: "sandbox", projectDir: exampleDir("single-region"), config: exampleConfig("single-region", "sandbox"), timeoutMs: 170_000 }),
      runExample("single-region", "sandbox", singleRegion),
    ]);
    expect(loaded.exitCode, loaded.stderr.split("\n").slice(0, 12).join("\n")).to.equal(0);
    expect(loaded.nodeargs).to.deep.equal(["--import", "tsx"]);
    const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;
    expect(loaded.resources.map(key).sort()).to.deep.equal(underTsx.resources.map(key).sort());
    expect(loaded.outputs.sort()).to.deep.equal(Object.keys(underTsx.outputs).sort());
  });
});
