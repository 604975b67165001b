/**
 * The one way the components make an S3 bucket: private, owner-enforced, encrypted by default,
 * TLS-only, with a lifecycle; and the S3 actions a reader of its objects is granted.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Reading an object, the current version or a named one. */
export const OBJECT_READ_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion"] as const;

/** Default encryption: a customer-managed KMS key, or SSE-S3 where a writer supports nothing else. */
export type BucketEncryption = { readonly sseAlgorithm: "aws:kms"; readonly kmsMasterKeyId: pulumi.Input<string> } | { readonly sseAlgorithm: "AES256" };

/** Inputs of {@link privateBucket}. */
export interface PrivateBucketArgs {
  /** Default encryption of new objects; with KMS, S3 Bucket Keys are on. */
  readonly sse: BucketEncryption;
  /**
   * Keep object versions, expiring noncurrent ones after this many days.
   * @default - unversioned
   */
  readonly noncurrentDays?: number;
  /**
   * Expire objects after this many days.
   * @default - never
   */
  readonly expirationDays?: pulumi.Input<number>;
  /**
   * Statements to add to the bucket policy, built from the bucket's ARN; the policy always ends with
   * the statement that denies plain-HTTP access.
   * @default - none
   */
  readonly statements?: (bucketArn: pulumi.Output<string>) => unknown[];
  /**
   * Let `pulumi destroy` (and a replacement) delete the bucket with the objects and versions in it;
   * S3 refuses to delete a bucket that is not empty (BucketNotEmpty). For disposable stacks only.
   * @default false
   */
  readonly forceDestroy?: boolean;
}

/** The bucket and its policy (depend on the policy where a service must be allowed to write first). */
export interface PrivateBucket {
  /** The bucket (its `id` is the bucket name). */
  readonly bucket: aws.s3.Bucket;
  /** The bucket policy: the caller's statements and the deny of plain HTTP. */
  readonly policy: aws.s3.BucketPolicy;
  /** The versioning resource, when versions are kept: write objects only after it exists. */
  readonly versioning?: aws.s3.BucketVersioning;
}

/**
 * A bucket with public access blocked, ACLs disabled, default encryption, a lifecycle and a policy
 * that refuses plain-HTTP access, each resource named `resourceName` and registered under `scope`.
 */
export function privateBucket(resourceName: string, args: PrivateBucketArgs, scope: pulumi.Resource): PrivateBucket {
  const parent = { parent: scope };
  const bucket = new aws.s3.Bucket(resourceName, args.forceDestroy ? { forceDestroy: true } : {}, parent);
  const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
    resourceName,
    { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    parent,
  );
  new aws.s3.BucketOwnershipControls(resourceName, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
  new aws.s3.BucketServerSideEncryptionConfiguration(
    resourceName,
    {
      bucket: bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: args.sse, bucketKeyEnabled: args.sse.sseAlgorithm === "aws:kms" }],
    },
    parent,
  );
  const versioning =
    args.noncurrentDays !== undefined
      ? new aws.s3.BucketVersioning(resourceName, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, parent)
      : undefined;
  new aws.s3.BucketLifecycleConfiguration(
    resourceName,
    {
      bucket: bucket.id,
      rules: [
        {
          id: "expire",
          status: "Enabled",
          filter: {},
          ...(args.expirationDays !== undefined ? { expiration: { days: args.expirationDays } } : {}),
          ...(args.noncurrentDays !== undefined ? { noncurrentVersionExpiration: { noncurrentDays: args.noncurrentDays } } : {}),
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
      ],
    },
    parent,
  );
  const policy = new aws.s3.BucketPolicy(
    resourceName,
    {
      bucket: bucket.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [...(args.statements?.(bucket.arn) ?? []), denyInsecureTransport(bucket.arn)],
      }),
    },
    // The public access block first: with BlockPublicPolicy a policy is checked against it.
    { parent: scope, dependsOn: [publicAccessBlock] },
  );
  return { bucket, policy, ...(versioning ? { versioning } : {}) };
}

function denyInsecureTransport(bucketArn: pulumi.Output<string>) {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}
