// s3-access-logging (security pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/security/logging.ts.
import { StackValidationPolicy } from "@pulumi/policy";
import { ResourceGraph } from "../../lib/graph";
import { BUCKET_KEYS, BUCKET_OBJECT_TYPES, BUCKET_TYPES, logTargets } from "../../lib/security/logging";
import { peekString } from "../../lib/values";

export const s3AccessLogging: StackValidationPolicy = {
  name: "s3-access-logging",
  description:
    "Every S3 bucket the stack writes objects to (a BucketObject or BucketObjectv2 in it: artifacts the instances download and run) has " +
    "server access logging (a BucketLogging, or the bucket's own logging block) into another bucket, so every read and replacement of " +
    "that code is on record. AWS recommends a separate target bucket (logs about the logs otherwise).",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const graph = new ResourceGraph(args.resources);
    const written = new Set(BUCKET_OBJECT_TYPES.flatMap((t) => graph.ofType(t)).flatMap((o) => graph.refs(o, "bucket", BUCKET_TYPES, BUCKET_KEYS).resources));
    for (const bucket of written) {
      const targets = logTargets(graph, bucket);
      if (targets.length === 0) {
        reportViolation(`bucket ${bucket.name} holds objects the stack uploads but has no server access logging (add a BucketLogging into a log bucket)`, bucket.urn);
        continue;
      }
      const ownName = peekString(bucket.props, "bucket");
      const separate = targets.filter((t) => !t.buckets.includes(bucket) && !(typeof ownName === "string" && t.name === ownName));
      if (separate.length === 0) {
        reportViolation(`bucket ${bucket.name} delivers its server access logs into itself (${targets.map((t) => t.via).join(", ")}); log into a separate bucket`, bucket.urn);
      }
    }
  },
};
