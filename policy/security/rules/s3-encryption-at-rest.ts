// s3-encryption-at-rest (security pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/security/encryption.ts.
import { StackValidationPolicy } from "@pulumi/policy";
import { ResourceGraph } from "../../lib/graph";
import { BUCKET_SSE_TYPES, BUCKET_TYPES, S3EncryptionConfig, inlineAlgorithms, ruleAlgorithms } from "../../lib/security/encryption";
import { peek } from "../../lib/values";

export const s3EncryptionAtRest: StackValidationPolicy = {
  name: "s3-encryption-at-rest",
  description:
    "Every S3 bucket declares default server-side encryption (a BucketServerSideEncryptionConfiguration, or the bucket's own " +
    "configuration) with an algorithm from `allowedAlgorithms`, so its encryption is visible and reviewed rather than implied. " +
    "(After an update the bucket's state shows the encryption S3 applies, SSE-S3 by default.)",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedAlgorithms: {
        type: "array",
        items: { type: "string", enum: ["AES256", "aws:kms", "aws:kms:dsse"] },
        minItems: 1,
        default: ["AES256", "aws:kms", "aws:kms:dsse"],
        description: "Allowed sseAlgorithm values. Default all three (ALB access-log buckets support only AES256).",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { allowedAlgorithms } = args.getConfig<S3EncryptionConfig>();
    const graph = new ResourceGraph(args.resources);
    const configs = BUCKET_SSE_TYPES.flatMap((t) => graph.ofType(t));
    for (const bucket of BUCKET_TYPES.flatMap((t) => graph.ofType(t))) {
      const algorithms = [
        ...inlineAlgorithms(bucket),
        ...configs.filter((c) => graph.refs(c, "bucket", BUCKET_TYPES, ["id", "bucket"]).resources.includes(bucket)).flatMap((c) => ruleAlgorithms(peek(c.props, "rules"))),
      ];
      if (algorithms.length === 0) {
        reportViolation(`bucket ${bucket.name} declares no default server-side encryption (add a BucketServerSideEncryptionConfiguration)`, bucket.urn);
      }
      for (const algorithm of algorithms.filter((a) => !allowedAlgorithms.includes(a))) {
        reportViolation(`bucket ${bucket.name} encrypts with ${algorithm}, which is not allowed (allowed: ${allowedAlgorithms.join(", ")})`, bucket.urn);
      }
    }
  },
};
