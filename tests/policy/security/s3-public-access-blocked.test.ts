import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";
import { ALL_ON, blockedBucket, publicBuckets } from "./s3-public-access-blocked.fixtures";

describe("s3-public-access-blocked", () => {
  for (const preview of [false, true]) {
    it(`passes buckets with all four settings on and a Deny-only policy (${preview ? "preview" : "after update"})`, async () => {
      const fx = new Fixture({ preview });
      blockedBucket(fx, "artifacts");
      blockedBucket(fx, "logs");
      expect(messagesOf(await evaluate(securityPack, fx), "s3-public-access-blocked")).to.deep.equal([]);
    });
  }

  it("reports a bucket without a block, settings left off, a policy allowing *, a public canned ACL and a grant to AllUsers", async () => {
    const fx = new Fixture();
    publicBuckets(fx);
    expect(messagesOf(await evaluate(securityPack, fx), "s3-public-access-blocked")).to.deep.equal([
      "bucket bare has no BucketPublicAccessBlock: a later ACL or policy could make it public",
      "bucket half's public access block half-pab leaves ignorePublicAcls, restrictPublicBuckets off: all four must be true",
      'bucket policy open-read statement "PublicRead" allows a "*" principal (s3:GetObject)',
      "bucket ACL open-acl sets the canned ACL public-read",
      "bucket ACL open-grant grants READ to AllUsers",
    ]);
  });

  it("accepts the account-level block with all four settings in place of per-bucket ones", async () => {
    const fx = new Fixture();
    fx.add(T.bucket, "bare", { bucket: "bare" });
    fx.add("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "account", ALL_ON);
    expect(messagesOf(await evaluate(securityPack, fx), "s3-public-access-blocked")).to.deep.equal([]);
  });
});
