/**
 * How the service reaches the instances: the bundled artifact as a versioned, KMS-encrypted object in
 * a private bucket, registered under the TradingCluster it belongs to.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { privateBucket } from "../shared/privateBucket";
import { artifactKey, ServiceArtifact } from "./artifact";

/** The bucket and the object the instances fetch (by key and S3 version) at boot. */
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
): ServiceDelivery {
  const { bucket } = privateBucket(
    `${name}-artifacts`,
    {
      sse: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn },
      // Old artifacts stay fetchable by version for a rollback to an older launch template version.
      noncurrentDays: 90,
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
    { parent: scope },
  );
  return { bucket, object };
}
