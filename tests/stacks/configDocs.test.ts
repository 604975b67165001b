import { expect } from "chai";
import { readFileSync } from "node:fs";
import { stackConfigShape } from "../../stacks/config";
import { README_PATH, withConfigReference } from "../../stacks/configDocs";

describe("README config reference", () => {
  const readme = readFileSync(README_PATH, "utf8");

  it("is the table generated from stacks/config.ts (run `npm run docs:config` after changing a key)", () => {
    expect(withConfigReference(readme)).to.equal(readme);
  });

  it("documents every key with its default", () => {
    for (const key of Object.keys(stackConfigShape)) {
      expect(readme, key).to.match(new RegExp(`^\\| \`${key}\` \\| [^|]+ \\| (\`[^|]+\`|required|none) \\|`, "m"));
    }
  });
});
