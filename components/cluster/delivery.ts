/**
 * How the service reaches the instances: the bundled artifact as a versioned, KMS-encrypted object in
 * a private bucket, registered under the TradingCluster it belongs to.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { privateBucket } from "../shared/privateBucket";
import { artifactKey, ServiceArtifact } from "./artifact";

/** The bucket and the object the instances fetch (by its content-addressed key) at boot. */
export interface ServiceDelivery {
  readonly bucket: aws.s3.Bucket;
  readonly object: aws.s3.BucketObjectv2;
}

/** Prefix of the artifact bucket's server access logs in the log bucket. */
const SERVER_ACCESS_LOG_PREFIX = "s3-access/artifacts/";

/** Inputs of {@link serviceDelivery}. */
export interface ServiceDeliveryArgs {
  readonly artifact: ServiceArtifact;
  /** The cluster's key: encrypts the artifact. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** The account that owns the buckets (the only source S3 log delivery may write for). */
  readonly accountId: pulumi.Input<string>;
  /** Days the artifact bucket's server access logs are kept. */
  readonly accessLogRetentionDays: pulumi.Input<number>;
  /** Let a destroy delete the buckets with their objects (disposable stacks). */
  readonly forceDestroy: boolean;
}

/**
 * Uploads `artifact` under its content hash, encrypted with the cluster's key, into a bucket whose
 * every request is recorded by S3 server access logging: the instances run code from it, so who
 * read or wrote which object matters.
 */
export function serviceDelivery(scope: pulumi.Resource, name: string, args: ServiceDeliveryArgs): ServiceDelivery {
  const { artifact, kmsKeyArn, forceDestroy } = args;
  const { bucket, versioning } = privateBucket(
    `${name}-artifacts`,
    {
      sse: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn },
      // Old artifacts stay fetchable by version for a rollback to an older launch template version.
      noncurrentDays: 90,
      forceDestroy,
    },
    scope,
  );
  const object = new aws.s3.BucketObjectv2(
    `${name}-artifact`,
    {
      bucket: bucket.id,
      key: artifactKey(artifact),
      source: new pulumi.asset.StringAsset(artifact.code),
      contentType: "application/javascript",
      serverSideEncryption: "aws:kms",
      kmsKeyId: kmsKeyArn,
      bucketKeyEnabled: true,
    },
    // After the versioning resource, so that a first upload is versioned whenever S3 already applies
    // it. S3 may take up to 15 minutes to apply a newly enabled versioning ("Enabling versioning on
    // buckets", Amazon S3 User Guide), so the object can still be written unversioned (the
    // provider's versionId is then empty: "Unique version ID value for the object, if bucket
    // versioning is enabled"): nothing depends on the version id. The key carries the sha256 the
    // boot checks, so the key alone names exactly this upload.
    { parent: scope, dependsOn: versioning ? [versioning] : [] },
  );
  serverAccessLogs(scope, name, bucket, args);
  return { bucket, object };
}

/**
 * The artifact bucket's server access logs, in a bucket of their own. S3's log delivery writes with
 * the service principal logging.s3.amazonaws.com, which a bucket with ACLs disabled must admit in
 * its policy, limited to this source bucket and account (Amazon S3 User Guide, "Permissions for log
 * delivery"; Pulumi's aws.s3.BucketLogging example grants the same). SSE-S3: the default encryption
 * S3 supports on a server access log destination bucket.
 */
function serverAccessLogs(scope: pulumi.Resource, name: string, source: aws.s3.Bucket, args: ServiceDeliveryArgs): void {
  const { bucket: logBucket, policy } = privateBucket(
    `${name}-artifact-access-logs`,
    {
      sse: { sseAlgorithm: "AES256" },
      expirationDays: args.accessLogRetentionDays,
      forceDestroy: args.forceDestroy,
      statements: (logBucketArn) => [
        {
          Sid: "S3ServerAccessLogDelivery",
          Effect: "Allow",
          Principal: { Service: "logging.s3.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: pulumi.interpolate`${logBucketArn}/${SERVER_ACCESS_LOG_PREFIX}*`,
          Condition: { ArnLike: { "aws:SourceArn": source.arn }, StringEquals: { "aws:SourceAccount": args.accountId } },
        },
      ],
    },
    scope,
  );
  new aws.s3.BucketLogging(
    `${name}-artifacts`,
    { bucket: source.id, targetBucket: logBucket.id, targetPrefix: SERVER_ACCESS_LOG_PREFIX },
    // Delivery needs the policy first.
    { parent: scope, dependsOn: [policy] },
  );
}
