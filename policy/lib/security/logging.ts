/**
 * Audit logging: who read or replaced the code the instances run (S3 server access logs of the
 * buckets the stack writes objects to), what crossed the network (a VPC flow log per VPC), and log
 * groups that expire (CloudWatch Logs keeps a group's events forever unless it has a retention).
 *
 * Buckets and VPCs are linked to their logging resources through property dependencies first
 * (their ids are unknown in a first preview), then through known ids and bucket names.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { GraphResource, ResourceGraph, TYPES } from "../lib/graph";
import { peek, peekArray, peekString, show, UNKNOWN } from "../lib/values";

const BUCKET_TYPES = [TYPES.s3Bucket, TYPES.s3BucketV2];
const BUCKET_LOGGING_TYPES = [TYPES.s3BucketLogging, TYPES.s3BucketLoggingV2];
const BUCKET_OBJECT_TYPES = [TYPES.s3BucketObject, TYPES.s3BucketObjectV2];
/** A bucket property may hold its id or its name; both are the bucket's name in S3. */
const BUCKET_KEYS = ["id", "bucket"];

const isSet = (value: unknown) => value !== undefined && value !== null && value !== "";

/** Where a bucket's server access logs go: the target buckets of this stack, or known names. */
interface LogTarget {
  via: string;
  buckets: GraphResource[];
  /** The target's name when known (a bucket of another stack, or after an update). */
  name?: string;
}

function logTargets(graph: ResourceGraph, bucket: GraphResource): LogTarget[] {
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

export interface FlowLogConfig {
  allowedTrafficTypes: string[];
}

export const vpcFlowLogs: StackValidationPolicy = {
  name: "vpc-flow-logs",
  description:
    "Every VPC has a flow log (an aws.ec2.FlowLog on its vpcId) with a destination and a traffic type from `allowedTrafficTypes`, so the " +
    "traffic that reached or left the platform can be reconstructed after an incident.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedTrafficTypes: {
        type: "array",
        items: { type: "string", enum: ["ALL", "ACCEPT", "REJECT"] },
        minItems: 1,
        default: ["ALL"],
        description: "Traffic types a VPC's flow log may record. Default ALL (accepted and rejected traffic).",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { allowedTrafficTypes } = args.getConfig<FlowLogConfig>();
    const graph = new ResourceGraph(args.resources);
    const flowLogs = graph.ofType(TYPES.flowLog);
    for (const vpc of graph.ofType(TYPES.vpc)) {
      const own = flowLogs.filter((f) => graph.refs(f, "vpcId", [TYPES.vpc]).resources.includes(vpc));
      if (own.length === 0) {
        reportViolation(`VPC ${vpc.name} has no flow log (an aws.ec2.FlowLog with its vpcId)`, vpc.urn);
        continue;
      }
      const problems = own.map((f) => {
        const traffic = peekString(f.props, "trafficType");
        if (!isSet(peek(f.props, "logDestination"))) return `${f.name} has no logDestination`;
        if (typeof traffic === "string" && !allowedTrafficTypes.includes(traffic)) {
          return `${f.name} records ${traffic} traffic only (allowed: ${allowedTrafficTypes.join(", ")})`;
        }
        if (traffic === undefined) return `${f.name} sets no trafficType`;
        return undefined;
      });
      if (problems.every((p) => p !== undefined)) {
        reportViolation(`VPC ${vpc.name} has no usable flow log: ${problems.join("; ")}`, vpc.urn);
      }
    }
  },
};

export interface LogRetentionConfig {
  minRetentionDays: number;
}

export const logGroupRetention: ResourceValidationPolicy = {
  name: "log-group-retention",
  description:
    "Every CloudWatch log group sets retentionInDays (unset or 0 keeps its events forever, and their storage is billed forever) to at " +
    "least `minRetentionDays` days.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      minRetentionDays: { type: "integer", minimum: 1, maximum: 3653, default: 1, description: "Minimum retentionInDays. Default 1." },
    },
  },
  validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (group, args, reportViolation) => {
    // A DELIVERY-class group only relays to S3 or Firehose; AWS fixes its retention at 2 days.
    if (group.logGroupClass === "DELIVERY") {
      return;
    }
    const { minRetentionDays } = args.getConfig<LogRetentionConfig>();
    const days = group.retentionInDays;
    if (days === undefined || days === 0) {
      reportViolation(`log group ${args.name} keeps its events forever (retentionInDays ${show(days)}); set a retention`);
    } else if (days < minRetentionDays) {
      reportViolation(`log group ${args.name} keeps its events for ${days} day(s); at least ${minRetentionDays} are required (retentionInDays)`);
    }
  }),
};
