import { expect } from "chai";
import { builtinModules, createRequire } from "node:module";
import { bundleHandler, STREAM_PROCESSOR_ENTRY } from "../../../components/dynamo/bundle";

const nodeRequire = createRequire(__filename);

describe("stream processor bundle", () => {
  let code: string;
  before(async () => {
    code = await bundleHandler(STREAM_PROCESSOR_ENTRY);
  });

  it("is one self-contained CommonJS file exporting `handler`: it loads with nothing but Node's built-ins", () => {
    const required: string[] = [];
    const onlyBuiltins = (id: string): unknown => {
      required.push(id);
      const bare = id.replace(/^node:/, "");
      if (!builtinModules.includes(bare)) {
        throw new Error(`the bundle requires ${id}, which the Lambda runtime would not have`);
      }
      return nodeRequire(id);
    };
    const module = { exports: {} as Record<string, unknown> };
    new Function("module", "exports", "require", code)(module, module.exports, onlyBuiltins);
    expect(module.exports.handler).to.be.a("function");
    expect(required.every((id) => builtinModules.includes(id.replace(/^node:/, "")))).to.equal(true);
  });

  it("is memoised, so several stack runs in one process bundle once", () => {
    expect(bundleHandler(STREAM_PROCESSOR_ENTRY)).to.equal(bundleHandler(STREAM_PROCESSOR_ENTRY));
  });

  it("fails loudly for an entry that does not exist", async () => {
    let error: unknown;
    try {
      await bundleHandler(`${STREAM_PROCESSOR_ENTRY}.missing.ts`);
    } catch (err) {
      error = err;
    }
    expect(String(error)).to.contain("Could not resolve");
  });
});
