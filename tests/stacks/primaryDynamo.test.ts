import { expect } from "chai";
import type { DynamoOutputs } from "../../components/dynamo/outputs";
import { PrimaryOutputError, usablePrimaryDynamo } from "../../stacks/primaryDynamo";
import { CONTRACT_VERSION } from "../../stacks/outputs";
import { parsePlatformOutputs } from "../../stacks/platformOutputs";

const PRIMARY = "acme-markets/trading-platform/prod-us-east-1";
const ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/trading-platform-prod-trading";

/** A well-formed primary output (the stack tests check the real primary run produces one). */
const VALID: DynamoOutputs = {
  region: "us-east-1",
  tableName: "trading-platform-prod-trading",
  tableArn: ARN,
  globalTableArn: ARN,
  streamArn: `${ARN}/stream/2026-01-05T09:30:00.000`,
  indexNames: ["open-orders-by-symbol"],
  indexArns: [`${ARN}/index/open-orders-by-symbol`],
  kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-aaaa-bbbb-cccc-0123456789ab",
  daxEndpoint: "daxs://trading-prod.abc123.dax-clusters.us-east-1.amazonaws.com",
  daxClusterArn: "arn:aws:dax:us-east-1:123456789012:cache/trading-prod",
  streamProcessorFunctionName: "trading-stream-function-1a2b3c",
  dlqUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/trading-stream-failures-9f8e7d",
  writeScaling: {
    table: { min: 50, max: 2000, targetUtilization: 70 },
    index: { min: 50, max: 2000, targetUtilization: 70 },
  },
};

/** What the replica makes of a primary whose `dynamo` output is `value`: the real read path, minus the StackReference. */
function read(value: unknown, region = "eu-west-1"): Promise<DynamoOutputs> {
  const raw = { contractVersion: CONTRACT_VERSION, role: "primary", environment: "prod", region: "us-east-1", dynamo: value };
  return usablePrimaryDynamo(PRIMARY, () => parsePlatformOutputs(PRIMARY, raw, { role: "primary", sections: ["dynamo"] }).dynamo, region);
}

async function failure(value: unknown, region = "eu-west-1"): Promise<PrimaryOutputError> {
  try {
    await read(value, region);
  } catch (err) {
    expect(err).to.be.instanceOf(PrimaryOutputError);
    return err as PrimaryOutputError;
  }
  throw new Error("expected the primary's outputs to be rejected");
}

describe("primary dynamo outputs", () => {
  it("accepts a complete, well-formed output for a replica in another region", async () => {
    expect(await read(VALID, "eu-west-1")).to.deep.equal(VALID);
  });

  it("fails naming the primary stack and the output key when the dynamo output is missing", async () => {
    const err = await failure(undefined);
    expect(err.message).to.contain(`Cannot read the DynamoDB outputs of primary stack "${PRIMARY}"`);
    expect(err.message).to.contain('output "dynamo" is missing: the stack has not been deployed');
    expect(err.message).to.contain(`pulumi up -s ${PRIMARY}`);
  });

  it("names each missing key", async () => {
    const { globalTableArn: _g, indexNames: _i, ...rest } = VALID;
    expect((await failure(rest)).problems).to.deep.equal(['output "dynamo.globalTableArn" is missing', 'output "dynamo.indexNames" is missing']);
  });

  it("names a malformed key and what it should be", async () => {
    const err = (await failure({ ...VALID, globalTableArn: "trading-platform-prod-trading" }));
    expect(err.problems).to.deep.equal(['output "dynamo.globalTableArn" must be a dynamodb ARN (got "trading-platform-prod-trading")']);
    expect((await failure({ ...VALID, daxEndpoint: "dax://plain:8111" })).problems[0]).to.equal(
      'output "dynamo.daxEndpoint" must be a TLS DAX endpoint (daxs://...) (got "dax://plain:8111")',
    );
    expect((await failure({ ...VALID, writeScaling: { ...VALID.writeScaling, index: { min: 10, max: 5, targetUtilization: 70 } } })).problems[0]).to.equal(
      'output "dynamo.writeScaling.index" min must not exceed max (got {"min":10,"max":5,"targetUtilization":70})',
    );
    expect((await failure({ ...VALID, indexNames: "open-orders-by-symbol" })).problems[0]).to.contain('output "dynamo.indexNames"');
  });

  it("rejects a primary in the replica's own region", async () => {
    expect((await failure(VALID, "us-east-1")).problems).to.deep.equal([
      'output "dynamo.region" is us-east-1, the replica\'s own region; a replica must be in another region',
    ]);
  });

  it("rejects a global table ARN of another table or region", async () => {
    expect((await failure({ ...VALID, globalTableArn: ARN.replace("prod-trading", "dev-trading") })).problems).to.deep.equal([
      'output "dynamo.globalTableArn" names table "trading-platform-dev-trading", not "trading-platform-prod-trading"',
    ]);
    expect((await failure({ ...VALID, globalTableArn: ARN.replace("us-east-1", "us-west-2") })).problems).to.deep.equal([
      'output "dynamo.globalTableArn" is not in the primary\'s region us-east-1',
    ]);
  });

  it("rejects GSI write scaling below the table's", async () => {
    const writeScaling = { ...VALID.writeScaling, index: { min: 10, max: 2000, targetUtilization: 70 } };
    expect((await failure({ ...VALID, writeScaling })).problems).to.deep.equal([
      'output "dynamo.writeScaling.index" is below writeScaling.table; a GSI below its table throttles writes',
    ]);
  });
});
