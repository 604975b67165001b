/**
 * A component of one's own built with the shared helpers: the usage snippet of
 * components/shared/README.md (offline/componentDocs.ts copies the `usage:` region), run by
 * tests/examples/usage.test.ts under the mock cloud.
 */
import * as pulumi from "@pulumi/pulumi";
import { rotatingKmsKey } from "../../../components/shared/kmsKey";
import { retainedLogGroup } from "../../../components/shared/logGroup";
import { privateBucket } from "../../../components/shared/privateBucket";

/** Daily reports of a desk, kept a year: the kind of store a team adds beside the platform. */
export class ReportArchive extends pulumi.ComponentResource {
  /** The archive bucket. */
  public readonly bucketName: pulumi.Output<string>;
  /** The key the reports are encrypted with. */
  public readonly keyArn: pulumi.Output<string>;

  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("example:reports:ReportArchive", name, {}, opts);
    // #region usage:sharedHelpers
    // Each helper registers its resources with `this` as parent, under the names given here.
    const key = rotatingKmsKey(`${name}-key`, { description: "Desk reports archive", alias: { resourceName: `${name}-key-alias`, name: `${name}-reports` } }, this);
    const archive = privateBucket(`${name}-reports`, { sse: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, noncurrentDays: 30, expirationDays: 365 }, this);
    retainedLogGroup(`${name}-report-job`, { name: `/${name}/report-job`, retentionInDays: 90 }, this);
    // #endregion usage:sharedHelpers
    this.bucketName = archive.bucket.id;
    this.keyArn = key.arn;
    this.registerOutputs({ bucketName: this.bucketName, keyArn: this.keyArn });
  }
}

export async function sharedHelpers() {
  const reports = new ReportArchive("desk");
  return { bucketName: reports.bucketName };
}
