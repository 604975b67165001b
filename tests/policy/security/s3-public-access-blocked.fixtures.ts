// Fixtures of s3-public-access-blocked: buckets with the four settings on, and each way a bucket can still go public.
import { T } from "../support/builders";
import { Fixture, FixtureResource } from "../support/fixture";

export const ALL_ON = { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true };
export const PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
export const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";

export function blockedBucket(fx: Fixture, name: string, settings: Record<string, boolean> = ALL_ON): FixtureResource {
  const bucket = fx.add(T.bucket, name, { bucket: name });
  fx.add(PAB, `${name}-pab`, { bucket: fx.ref(bucket), ...settings });
  // A TLS-only policy: a Deny with "*" as principal is not a grant.
  fx.add(BUCKET_POLICY, `${name}-policy`, {
    bucket: fx.ref(bucket),
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }] }),
  });
  return bucket;
}

/** No block; a block with one setting off; a policy allowing everyone; a public canned ACL; a grant to AllUsers. */
export function publicBuckets(fx: Fixture): void {
  fx.add(T.bucket, "bare", { bucket: "bare" });
  blockedBucket(fx, "half", { ...ALL_ON, restrictPublicBuckets: false, ignorePublicAcls: false });
  const open = blockedBucket(fx, "open");
  fx.add(BUCKET_POLICY, "open-read", {
    bucket: fx.ref(open),
    policy: JSON.stringify({ Statement: [{ Sid: "PublicRead", Effect: "Allow", Principal: { AWS: "*" }, Action: ["s3:GetObject"], Resource: "arn:aws:s3:::open/*" }] }),
  });
  fx.add("aws:s3/bucketAclV2:BucketAclV2", "open-acl", { bucket: fx.ref(open), acl: "public-read" });
  fx.add("aws:s3/bucketAclV2:BucketAclV2", "open-grant", {
    bucket: fx.ref(open),
    accessControlPolicy: { owner: { id: "o" }, grants: [{ grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" }, permission: "READ" }] },
  });
}
