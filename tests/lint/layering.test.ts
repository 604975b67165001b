import { expect } from "chai";
import { ESLint } from "eslint";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const RULE = "import-x/no-restricted-paths";

/**
 * Lints `source` as if it were the file at `file` (repo-relative) with the repo's own ESLint config;
 * returns the layering errors. The imported files are real, so the rule resolves them as in `npm run lint`.
 */
async function layeringErrors(file: string, source: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(source, { filePath: path.join(ROOT, file) });
  return result.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

describe("layering lint rule", function () {
  this.timeout(60_000);

  const forbidden: [string, string, string][] = [
    ["components/network/fixture.ts", 'export { main } from "../../stacks/program";', "components"],
    ["components/network/fixture.ts", 'export { plan } from "../../offline/plan/plan";', "components"],
    ["components/network/fixture.ts", 'export { costPack } from "../../policy/cost/policies";', "components"],
    ["components/network/fixture.ts", 'export { buildApp } from "../../services/trading-api/src/app";', "shared contract"],
    ["components/network/fixture.ts", 'export { RequestMetrics } from "../../services/trading-api/src/metrics";', "shared contract"],
    ["policy/lib/fixture.ts", 'export { main } from "../../stacks/program";', "policy"],
    ["policy/lib/fixture.ts", 'export { HaNetwork } from "../../components/network/haNetwork";', "policy"],
    ["services/table/fixture.ts", 'export { HaNetwork } from "../../components/network/haNetwork";', "services"],
    ["services/table/fixture.ts", 'export { main } from "../../stacks/program";', "services"],
    ["stacks/fixture.ts", 'export { runStackFile } from "../offline/cloud/mockCloud";', "stacks"],
    ["stacks/fixture.ts", 'export { costPack } from "../policy/cost/policies";', "stacks"],
    ["examples/single-region/fixture.ts", 'export { runStackFile } from "../../offline/cloud/mockCloud";', "examples"],
    ["examples/single-region/fixture.ts", 'export { deployedStackRun } from "../../tests/support/stackRuns";', "examples"],
    ["examples/single-region/fixture.ts", 'export { costPack } from "../../policy/cost/policies";', "examples"],
  ];
  for (const [file, source, says] of forbidden) {
    it(`fails ${file} for ${source.split(" from ")[1]}`, async () => {
      const errors = await layeringErrors(file, source);
      expect(errors, source).to.have.length(1);
      expect(errors[0]).to.contain(says);
    });
  }

  const allowed: [string, string][] = [
    ["components/cluster/fixture.ts", 'export { READINESS_PATH } from "../../services/trading-api/src/contract";'],
    ["components/observability/fixture.ts", 'export { SERVICE_METRICS } from "../../services/trading-api/src/metricsContract";'],
    ["components/dynamo/fixture.ts", 'export { tableName } from "../../services/table/schema";'],
    ["components/dynamo/fixture.ts", 'export { STREAM_FILTER_CRITERIA } from "../../services/stream-processor/src/filter";'],
    ["stacks/fixture.ts", 'export { HaNetwork } from "../components/network/haNetwork";'],
    ["offline/fixture.ts", 'export { main } from "../stacks/program";'],
    ["tests/fixture.ts", 'export { main } from "../stacks/program";'],
    ["examples/consumer-team/fixture.ts", 'export { platformOutputs } from "../../stacks/platformOutputs";'],
    ["examples/single-region/fixture.ts", 'export { HaNetwork } from "../../components/network/haNetwork";'],
    ["examples/single-region/fixture.ts", 'export { tableName } from "../../services/table/schema";'],
  ];
  for (const [file, source] of allowed) {
    it(`allows ${file} to import ${source.split(" from ")[1]}`, async () => {
      expect(await layeringErrors(file, source)).to.deep.equal([]);
    });
  }
});
