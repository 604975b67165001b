// s3-encryption-at-rest: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { T } from "../support/builders";
import { evaluate, Fixture, messagesOf, UNKNOWN } from "../support/fixture";

describe("s3-encryption-at-rest", () => {
  it("reports a bucket without a default encryption configuration or with a disallowed algorithm", async () => {
    const fx = new Fixture({ preview: true });
    fx.add(T.bucket, "bare", { bucket: "bare" });
    const kms = fx.add(T.bucket, "kms", { bucket: "kms" });
    fx.add(T.bucketSse, "kms-sse", { bucket: fx.ref(kms), rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: UNKNOWN } }] });
    fx.add(T.bucket, "inline", { bucket: "inline", serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } } });
    fx.add("aws:s3/bucketV2:BucketV2", "inline-v2", {
      bucket: "inline-v2",
      serverSideEncryptionConfigurations: [{ rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms:dsse" } }] }],
    });
    const result = await evaluate(securityPack, fx, { "s3-encryption-at-rest": { allowedAlgorithms: ["AES256"] } });
    expect(messagesOf(result, "s3-encryption-at-rest")).to.deep.equal([
      "bucket bare declares no default server-side encryption (add a BucketServerSideEncryptionConfiguration)",
      "bucket kms encrypts with aws:kms, which is not allowed (allowed: AES256)",
      "bucket inline-v2 encrypts with aws:kms:dsse, which is not allowed (allowed: AES256)",
    ]);
  });
});
