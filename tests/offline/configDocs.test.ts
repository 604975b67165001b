import { expect } from "chai";
import { readFileSync } from "node:fs";
import { stackConfigShape } from "../../stacks/config";
import { README_PATH, withConfigReference } from "../../offline/configDocs";

describe("README config reference", () => {
  const readme = readFileSync(README_PATH, "utf8");

  it("is the table generated from stacks/config.ts (run `npm run docs:config` after changing a key)", () => {
    expect(withConfigReference(readme)).to.equal(readme);
  });

  it("documents every key with its default", () => {
    const rows = readme.split("\n").filter((line) => line.startsWith("| `"));
    for (const key of Object.keys(stackConfigShape)) {
      const row = rows.find((line) => line.startsWith(`| \`${key}\` |`));
      expect(row, key).to.be.a("string");
      // Cells are split on pipes that are not escaped (enum types show as `a` \| `b`).
      const cells = (row as string).split(/(?<!\\)\|/).map((cell) => cell.trim());
      expect(cells[3], `${key} default`).to.match(/^(`.+`|required|none)$/);
      expect(cells[4], `${key} description`).to.not.equal("");
    }
  });
});
