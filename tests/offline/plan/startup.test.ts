/**
 * The plan CLI's process settings (offline/plan/startup.ts), each in a fresh process: they are
 * process-wide, and this test process keeps its own.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";

const ROOT = path.resolve(__dirname, "../../..");

/** Runs `script` in a new `node --import tsx` process (with `nodeArgs`) after loading startup.ts; returns its JSON line. */
async function afterStartup(script: string, nodeArgs: string[] = []): Promise<Record<string, unknown>> {
  const code = `require("./offline/plan/startup");\n${script}`;
  const { stdout } = await promisify(execFile)(process.execPath, [...nodeArgs, "--import", "tsx", "-e", code], { cwd: ROOT });
  return JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as Record<string, unknown>;
}

const TYPESCRIPT_LOADED = `Object.keys(require.cache).some((k) => k.includes("/node_modules/typescript/"))`;

describe("plan: process start-up settings", () => {
  it("loads the Pulumi SDK without the TypeScript compiler, and the compiler on first use, so closures still serialise", async () => {
    const result = await afterStartup(`
      const pulumi = require("@pulumi/pulumi");
      const before = ${TYPESCRIPT_LOADED};
      pulumi.runtime.serializeFunction(() => 6 * 7).then((f) => {
        console.log(JSON.stringify({ before, after: ${TYPESCRIPT_LOADED}, kind: require("typescript").SyntaxKind.SourceFile > 0, text: f.text.includes("6 * 7") }));
      });
    `);
    expect(result).to.deep.equal({ before: false, after: true, kind: true, text: true });
  });

  it("turns source maps off, unless node is run with --enable-source-maps", async () => {
    const script = `console.log(JSON.stringify({ on: process.sourceMapsEnabled }));`;
    expect(await afterStartup(script)).to.deep.equal({ on: false });
    expect(await afterStartup(script, ["--enable-source-maps"])).to.deep.equal({ on: true });
  });
});
