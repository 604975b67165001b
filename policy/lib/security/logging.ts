/**
 * Audit logging: who read or replaced the code the instances run (S3 server access logs of the
 * buckets the stack writes objects to), what crossed the network (a VPC flow log per VPC), and log
 * groups that expire (CloudWatch Logs keeps a group's events forever unless it has a retention).
 *
 * Buckets and VPCs are linked to their logging resources through property dependencies first
 * (their ids are unknown in a first preview), then through known ids and bucket names.
 */
import { GraphResource, ResourceGraph, TYPES } from "../graph";
import { peek, peekArray, UNKNOWN } from "../values";

export const BUCKET_TYPES = [TYPES.s3Bucket, TYPES.s3BucketV2];
export const BUCKET_LOGGING_TYPES = [TYPES.s3BucketLogging, TYPES.s3BucketLoggingV2];
export const BUCKET_OBJECT_TYPES = [TYPES.s3BucketObject, TYPES.s3BucketObjectV2];
/** A bucket property may hold its id or its name; both are the bucket's name in S3. */
export const BUCKET_KEYS = ["id", "bucket"];

export const isSet = (value: unknown) => value !== undefined && value !== null && value !== "";

/** Where a bucket's server access logs go: the target buckets of this stack, or known names. */
export interface LogTarget {
  via: string;
  buckets: GraphResource[];
  /** The target's name when known (a bucket of another stack, or after an update). */
  name?: string;
}

export function logTargets(graph: ResourceGraph, bucket: GraphResource): LogTarget[] {
  const targets: LogTarget[] = [];
  for (const logging of BUCKET_LOGGING_TYPES.flatMap((t) => graph.ofType(t))) {
    if (!graph.refs(logging, "bucket", BUCKET_TYPES, BUCKET_KEYS).resources.includes(bucket)) {
      continue;
    }
    const target = peek(logging.props, "targetBucket");
    if (!isSet(target)) {
      continue;
    }
    targets.push({
      via: logging.name,
      buckets: graph.refs(logging, "targetBucket", BUCKET_TYPES, BUCKET_KEYS).resources,
      ...(typeof target === "string" ? { name: target } : {}),
    });
  }
  // The buckets' own (deprecated) inline blocks: `logging` on aws.s3.Bucket, `loggings[]` on BucketV2.
  const loggings = peekArray(bucket.props, "loggings");
  const inline = [peek(bucket.props, "logging"), ...(loggings === UNKNOWN ? [UNKNOWN] : (loggings ?? []))];
  for (const block of inline) {
    const target = block === UNKNOWN ? UNKNOWN : peek(block, "targetBucket");
    if (isSet(target)) {
      targets.push({ via: "its inline logging block", buckets: [], ...(typeof target === "string" ? { name: target } : {}) });
    }
  }
  return targets;
}

export interface FlowLogConfig {
  allowedTrafficTypes: string[];
}

export interface LogRetentionConfig {
  minRetentionDays: number;
}
