/**
 * Every bucket blocks public access. S3 Block Public Access has four settings, and only all four
 * together stop both paths to public data: BlockPublicAcls and IgnorePublicAcls for ACLs,
 * BlockPublicPolicy and RestrictPublicBuckets for bucket policies (S3 User Guide, "Blocking public
 * access to your Amazon S3 storage"; the account-level block applies to every bucket of the account).
 * On top, no bucket policy allows a `*` principal and no ACL grants to everyone: a block that is
 * later lifted must not leave a public grant behind.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { GraphResource, ResourceGraph, TYPES } from "../../lib/graph";
import { parseStatements } from "../../lib/security/iam";
import { peek, peekArray, peekBoolean, peekString, UNKNOWN } from "../../lib/values";

const PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const ACCOUNT_PUBLIC_ACCESS_BLOCK = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const BUCKET_ACL_TYPES = ["aws:s3/bucketAclV2:BucketAclV2", "aws:s3/bucketAcl:BucketAcl"];
const SETTINGS = ["blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets"] as const;
/** Canned ACLs that grant to everyone or to every AWS account (S3 User Guide, "Canned ACL"). */
const PUBLIC_CANNED_ACLS = ["public-read", "public-read-write", "authenticated-read"];
const PUBLIC_GRANTEES = ["http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"];

function settingsOff(block: GraphResource): string[] {
  return SETTINGS.filter((s) => peekBoolean(block.props, s) !== true && peekBoolean(block.props, s) !== UNKNOWN);
}

/** Does this resource's `bucket` property refer to the bucket (dependency, or its id/name)? */
function refersTo(graph: ResourceGraph, resource: GraphResource, bucket: GraphResource): boolean {
  return graph.refs(resource, "bucket", [TYPES.s3Bucket, TYPES.s3BucketV2], ["id", "bucket"]).resources.includes(bucket);
}

function publicAclProblems(label: string, holder: GraphResource): string[] {
  const problems: string[] = [];
  const acl = peekString(holder.props, "acl");
  if (typeof acl === "string" && PUBLIC_CANNED_ACLS.includes(acl)) {
    problems.push(`${label} sets the canned ACL ${acl}`);
  }
  const grantsOf = (path: string[]) => peekArray(holder.props, ...path);
  for (const grants of [grantsOf(["grants"]), grantsOf(["accessControlPolicy", "grants"])]) {
    for (const grant of Array.isArray(grants) ? grants : []) {
      const uri = peekString(grant, "grantee", "uri") ?? peekString(grant, "uri");
      if (typeof uri === "string" && PUBLIC_GRANTEES.includes(uri)) {
        problems.push(`${label} grants ${show(peek(grant, "permission"))} to ${uri.split("/").pop()}`);
      }
    }
  }
  return problems;
}

function show(value: unknown): string {
  return typeof value === "string" ? value : Array.isArray(value) ? value.join(", ") : "(unknown)";
}

export const s3PublicAccessBlocked: StackValidationPolicy = {
  name: "s3-public-access-blocked",
  description:
    "Every S3 bucket has a BucketPublicAccessBlock (or the account's) with blockPublicAcls, ignorePublicAcls, blockPublicPolicy and " +
    'restrictPublicBuckets all true; no bucket policy allows a "*" principal and no bucket ACL grants to AllUsers or AuthenticatedUsers.',
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const graph = new ResourceGraph(args.resources);
    const accountBlocks = graph.ofType(ACCOUNT_PUBLIC_ACCESS_BLOCK).filter((b) => settingsOff(b).length === 0);
    const blocks = graph.ofType(PUBLIC_ACCESS_BLOCK);
    for (const bucket of [...graph.ofType(TYPES.s3Bucket), ...graph.ofType(TYPES.s3BucketV2)]) {
      if (accountBlocks.length > 0) {
        continue;
      }
      const own = blocks.filter((b) => refersTo(graph, b, bucket));
      if (own.length === 0) {
        reportViolation(`bucket ${bucket.name} has no BucketPublicAccessBlock: a later ACL or policy could make it public`, bucket.urn);
        continue;
      }
      for (const block of own) {
        const off = settingsOff(block);
        if (off.length > 0) {
          reportViolation(`bucket ${bucket.name}'s public access block ${block.name} leaves ${off.join(", ")} off: all four must be true`, block.urn);
        }
      }
      for (const problem of publicAclProblems(`bucket ${bucket.name}`, bucket)) {
        reportViolation(problem, bucket.urn);
      }
      const inline = peek(bucket.props, "policy");
      for (const statement of parseStatements(inline)) {
        if (statement.allowsEveryone) {
          reportViolation(`bucket ${bucket.name}'s inline policy statement ${statement.label} allows a "*" principal`, bucket.urn);
        }
      }
    }
    for (const policy of graph.ofType(BUCKET_POLICY)) {
      // A document built from the bucket's ARN is unknown in a preview; it is judged at `pulumi up`.
      for (const statement of parseStatements(peek(policy.props, "policy"))) {
        if (statement.allowsEveryone) {
          reportViolation(`bucket policy ${policy.name} statement ${statement.label} allows a "*" principal (${statement.actions.join(", ")})`, policy.urn);
        }
      }
    }
    for (const acl of graph.resources.filter((r) => BUCKET_ACL_TYPES.includes(r.type))) {
      for (const problem of publicAclProblems(`bucket ACL ${acl.name}`, acl)) {
        reportViolation(problem, acl.urn);
      }
    }
  },
};
