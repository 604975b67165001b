/**
 * The refdata CLI and a global database: given the global writer endpoint it follows the name's
 * CNAME chain (which Aurora keeps on the current writer) to the writer's own cluster endpoint and
 * region, writes there, and says so; a chain that ends at a reader, or nowhere, is refused, and so
 * is a --region that is not the writer's, before any AWS call. DNS is faked here (a resolver that
 * answers like Route 53 does for the real names); the connection itself is tested against a real
 * PostgreSQL in referenceData.test.ts.
 */
import { expect } from "chai";
import { isGlobalWriterEndpoint, runCli, writerBehind, type ResolveCname } from "../../services/reference-data/src/cli";

const GLOBAL = "trading-prod-refdata.global-abc123xyz.global.rds.amazonaws.com";
const resolverOf =
  (records: Record<string, string>): ResolveCname =>
  async (name) => {
    const target = records[name];
    if (!target) throw Object.assign(new Error(`queryCname ENODATA ${name}`), { code: "ENODATA" });
    return [target];
  };

describe("refdata CLI: the global writer endpoint", () => {
  it("recognises global writer endpoints, not cluster endpoints", () => {
    expect(isGlobalWriterEndpoint(GLOBAL)).to.equal(true);
    expect(isGlobalWriterEndpoint("trading-prod-us-east-1-db.cluster-c1.us-east-1.rds.amazonaws.com")).to.equal(false);
  });

  it("follows the name to the writer's cluster endpoint and region, before and after a switchover", async () => {
    const before = resolverOf({ [GLOBAL]: "trading-prod-us-east-1-db.cluster-c1a2b3.us-east-1.rds.amazonaws.com." });
    expect(await writerBehind(GLOBAL, before)).to.deep.equal({ endpoint: "trading-prod-us-east-1-db.cluster-c1a2b3.us-east-1.rds.amazonaws.com", region: "us-east-1" });
    // Two hops, as a DNS alias chain may have.
    const after = resolverOf({
      [GLOBAL]: "trading-prod-refdata.global-abc123xyz.writer.rds.amazonaws.com",
      "trading-prod-refdata.global-abc123xyz.writer.rds.amazonaws.com": "trading-prod-eu-west-1-db.cluster-c9d8e7.eu-west-1.rds.amazonaws.com",
    });
    expect(await writerBehind(GLOBAL, after)).to.deep.equal({ endpoint: "trading-prod-eu-west-1-db.cluster-c9d8e7.eu-west-1.rds.amazonaws.com", region: "eu-west-1" });
  });

  it("refuses a chain that ends at a reader endpoint or nowhere", async () => {
    const toReader = resolverOf({ [GLOBAL]: "trading-prod-eu-west-1-db.cluster-ro-c9d8e7.eu-west-1.rds.amazonaws.com" });
    const failure = await writerBehind(GLOBAL, toReader).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(failure?.message).to.contain("does not lead to a writer's cluster endpoint");
    const nowhere = await writerBehind(GLOBAL, resolverOf({})).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(nowhere?.message).to.contain(`cannot resolve the global writer endpoint ${GLOBAL}`);
  });

  it("refuses a --region that is not the writer's, naming both, before any AWS call", async () => {
    const resolver = resolverOf({ [GLOBAL]: "trading-prod-eu-west-1-db.cluster-c9d8e7.eu-west-1.rds.amazonaws.com" });
    const failure = await runCli(["instruments", "halt", "--symbol", "ACME", "--endpoint", GLOBAL, "--region", "us-east-1"], {}, resolver).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(failure?.message).to.equal(
      `--region us-east-1 is not the writer's: ${GLOBAL} points at trading-prod-eu-west-1-db.cluster-c9d8e7.eu-west-1.rds.amazonaws.com in eu-west-1 (leave --region out, or pass eu-west-1)`,
    );
  });
});
