import { expect } from "chai";
import { privateBucket } from "../../../components/shared/privateBucket";
import type { RecordedResource, StackRun } from "../../support/mockCloud";
import { runInScope, scopeOf } from "./scope";

const policyOf = (run: StackRun) =>
  JSON.parse(String(run.single("aws:s3/bucketPolicy:BucketPolicy").inputs.policy)) as { Statement: Record<string, unknown>[] };

describe("privateBucket", () => {
  describe("KMS-encrypted and versioned", () => {
    let run: StackRun;
    before(async () => {
      run = await runInScope((scope) => {
        privateBucket("artifacts", { sse: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:us-east-1:123456789012:key/k" }, noncurrentDays: 90 }, scope);
      });
    });

    it("names every part after the bucket and registers it under the caller", () => {
      const parts = run.resources.filter((r: RecordedResource) => r.type.startsWith("aws:s3/"));
      expect(parts.map((r) => r.type).sort()).to.deep.equal([
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketVersioning:BucketVersioning",
      ]);
      expect(new Set(parts.map((r) => r.name))).to.deep.equal(new Set(["artifacts"]));
      expect(new Set(parts.map((r) => r.parent))).to.deep.equal(new Set([scopeOf(run).urn]));
    });

    it("blocks every kind of public access, disables ACLs and encrypts with the key and a Bucket Key", () => {
      expect(run.single("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).to.deep.include({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      expect(run.single("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule).to.deep.equal({ objectOwnership: "BucketOwnerEnforced" });
      const [rule] = run.single("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules as Record<string, unknown>[];
      expect(rule).to.deep.equal({
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:us-east-1:123456789012:key/k" },
        bucketKeyEnabled: true,
      });
    });

    it("keeps versions and expires only noncurrent ones", () => {
      const [rule] = run.single("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as Record<string, unknown>[];
      expect(rule.noncurrentVersionExpiration).to.deep.equal({ noncurrentDays: 90 });
      expect(rule).to.not.have.property("expiration");
    });

    it("refuses plain HTTP on the bucket and its objects, and is set only after the public access block", () => {
      const bucketArn = String(run.single("aws:s3/bucket:Bucket").outputs.arn);
      expect(policyOf(run).Statement).to.deep.equal([
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [bucketArn, `${bucketArn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]);
      const policy = run.single("aws:s3/bucketPolicy:BucketPolicy");
      expect(policy.dependencies).to.include(run.single("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").urn);
    });
  });

  it("with SSE-S3, an expiry and the caller's statements: no Bucket Key, no versions, the deny last", async () => {
    const run = await runInScope((scope) => {
      privateBucket(
        "logs",
        {
          sse: { sseAlgorithm: "AES256" },
          expirationDays: 30,
          statements: (bucketArn) => [{ Sid: "Delivery", Effect: "Allow", Principal: { Service: "delivery.logs.amazonaws.com" }, Action: "s3:PutObject", Resource: bucketArn }],
        },
        scope,
      );
    });
    const [sse] = run.single("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules as Record<string, unknown>[];
    expect(sse.bucketKeyEnabled).to.equal(false);
    expect(run.ofType("aws:s3/bucketVersioning:BucketVersioning")).to.deep.equal([]);
    const [rule] = run.single("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as Record<string, unknown>[];
    expect(rule.expiration).to.deep.equal({ days: 30 });
    expect(policyOf(run).Statement.map((s) => s.Sid)).to.deep.equal(["Delivery", "DenyInsecureTransport"]);
  });
});
