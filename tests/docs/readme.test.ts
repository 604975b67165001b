/**
 * The root README as a reader meets it: every link leads somewhere (a folder link to a folder with a
 * README, an anchor to a heading), the figures it states about the stacks are the stacks' own, and
 * it speaks about the product, not about where or how it was written.
 */
import { expect } from "chai";
import { existsSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../../offline/cloud/stackFiles";
import { runCli } from "../../offline/plan/cli";
import { deployedStackRun } from "../support/stackRuns";

const README = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");

/** The text outside fenced code blocks (a `#` in a shell block is not a heading). */
function prose(markdown: string): string {
  return markdown.split(/^```.*$/m).filter((_, i) => i % 2 === 0).join("\n");
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/`/g, "")
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

describe("README", () => {
  const text = prose(README);
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((href) => !/^[a-z]+:/.test(href));

  it("links only to files that exist, and to folders only when they have a README", () => {
    const broken = links
      .map((href) => href.split("#")[0])
      .filter((file) => file !== "")
      .filter((file) => {
        const target = path.join(REPO_ROOT, decodeURIComponent(file));
        return !existsSync(target) || (statSync(target).isDirectory() && !existsSync(path.join(target, "README.md")));
      });
    expect(links.length).to.be.greaterThan(20);
    expect(broken).to.deep.equal([]);
  });

  it("links to its own headings only by anchors that exist", () => {
    const anchors = new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
    const missing = links.filter((href) => href.startsWith("#")).filter((href) => !anchors.has(href.slice(1)));
    expect(anchors.size).to.be.greaterThan(20);
    expect(missing).to.deep.equal([]);
  });

  it("states each stack's alarm count as the stack records it", async function () {
    this.timeout(120_000);
    const rows = [...README.matchAll(/^\| `([\w-]+)` \| [^|]+ \| its (\d+) metric alarms/gm)];
    expect(rows.map((m) => m[1])).to.have.members(["prod-us-east-1", "prod-eu-west-1", "dev"]);
    for (const [, stack, stated] of rows) {
      const run = await deployedStackRun(stack);
      const alarms = run.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
      expect(alarms.length, stack).to.equal(Number(stated));
    }
  });

  it("shows the plan's one-pass config error exactly as the CLI prints it", async () => {
    const block = /^\$ npm run plan -- (dev --set .+)\n([\s\S]+?)\n```/m.exec(README);
    expect(block, "the README's config-error example").to.not.equal(null);
    const [, args, shown] = block as RegExpExecArray;
    let stderr = "";
    const code = await runCli(args.split(" "), { stdout: { write: () => true }, stderr: { write: (text: string) => (stderr += text) } });
    expect(code).to.equal(2);
    expect(stderr.trimEnd()).to.equal(shown);
  });

  it("says nothing about the machine, session or issue it was written in", () => {
    const found = README.match(/these machines|this machine|this session|\bissue #?\d+/gi) ?? [];
    expect(found).to.deep.equal([]);
  });
});
