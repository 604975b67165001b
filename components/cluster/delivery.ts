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

/** Uploads `artifact` under its content hash, encrypted with the cluster's key. */
export function serviceDelivery(
  scope: pulumi.Resource,
  name: string,
  artifact: ServiceArtifact,
  kmsKeyArn: pulumi.Input<string>,
  forceDestroy: boolean,
): ServiceDelivery {
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
  return { bucket, object };
}
