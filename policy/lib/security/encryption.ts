/**
 * Encryption at rest and in transit.
 *
 * A KMS key ARN or bucket name is usually unknown in a preview (the key is created by the same
 * stack); these rules read such values without the SDK's unknown check, because "set to a value
 * not known yet" already answers "is it set?".
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { GraphResource, ResourceGraph, TYPES } from "../lib/graph";
import { peek, peekBoolean, peekString, show } from "../lib/values";

const isSet = (value: unknown) => value !== undefined && value !== null && value !== "";

export interface EncryptionAtRestConfig {
  requireCustomerManagedKeyForDynamoDb: boolean;
}

export const encryptionAtRest: ResourceValidationPolicy = {
  name: "encryption-at-rest",
  description:
    "Data stores are encrypted at rest: DynamoDB tables and replicas with a customer managed KMS key, RDS/Aurora storage, ElastiCache " +
    "replication groups, DAX clusters, the EBS volumes of launch templates, instances and standalone volumes, SQS queues (a KMS key or SSE-SQS, " +
    "set explicitly) and SNS topics (a KMS key: SNS topics are not encrypted unless one is set).",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      requireCustomerManagedKeyForDynamoDb: {
        type: "boolean",
        default: true,
        description: "DynamoDB must use a customer managed key (kmsKeyArn), not the AWS owned or managed key. Default true.",
      },
    },
  },
  validateResource: [
    validateResourceOfType(aws.dynamodb.Table, (_table, args, reportViolation) => {
      const { requireCustomerManagedKeyForDynamoDb } = args.getConfig<EncryptionAtRestConfig>();
      const enabled = peekBoolean(args.props, "serverSideEncryption", "enabled");
      const key = peek(args.props, "serverSideEncryption", "kmsKeyArn");
      if (enabled !== true) {
        reportViolation(`table ${args.name} does not enable serverSideEncryption with a KMS key (it would use the AWS owned key)`);
      } else if (requireCustomerManagedKeyForDynamoDb && !isSet(key)) {
        reportViolation(`table ${args.name} is encrypted with the AWS managed key; set serverSideEncryption.kmsKeyArn to a customer managed key`);
      }
    }),
    validateResourceOfType(aws.dynamodb.TableReplica, (_replica, args, reportViolation) => {
      const { requireCustomerManagedKeyForDynamoDb } = args.getConfig<EncryptionAtRestConfig>();
      if (requireCustomerManagedKeyForDynamoDb && !isSet(peek(args.props, "kmsKeyArn"))) {
        reportViolation(`table replica ${args.name} sets no kmsKeyArn, so it is encrypted with the AWS managed key; use a customer managed key of its region`);
      }
    }),
    validateResourceOfType(aws.rds.Cluster, (cluster, args, reportViolation) => {
      if (cluster.storageEncrypted !== true) {
        reportViolation(`RDS cluster ${args.name} does not encrypt its storage (storageEncrypted)`);
      }
    }),
    validateResourceOfType(aws.rds.Instance, (instance, args, reportViolation) => {
      if (instance.storageEncrypted !== true) {
        reportViolation(`DB instance ${args.name} does not encrypt its storage (storageEncrypted)`);
      }
    }),
    validateResourceOfType(aws.elasticache.ReplicationGroup, (group, args, reportViolation) => {
      if (group.atRestEncryptionEnabled !== true) {
        reportViolation(`replication group ${args.name} does not encrypt data at rest (atRestEncryptionEnabled)`);
      }
    }),
    validateResourceOfType(aws.dax.Cluster, (cluster, args, reportViolation) => {
      if (cluster.serverSideEncryption?.enabled !== true) {
        reportViolation(`DAX cluster ${args.name} does not encrypt data at rest (serverSideEncryption.enabled)`);
      }
    }),
    validateResourceOfType(aws.ec2.LaunchTemplate, (_template, args, reportViolation) => {
      const mappings = peek(args.props, "blockDeviceMappings");
      const ebs = Array.isArray(mappings) ? mappings.map((_, i) => i).filter((i) => peek(mappings, i, "ebs") !== undefined) : [];
      if (ebs.length === 0) {
        reportViolation(
          `launch template ${args.name} declares no EBS block device mapping, so whether its root volume is encrypted depends on the AMI and the account default`,
        );
      }
      for (const i of ebs) {
        if (peekBoolean(mappings, i, "ebs", "encrypted") !== true) {
          reportViolation(`launch template ${args.name} does not encrypt EBS volume ${show(peekString(mappings, i, "deviceName"))} (ebs.encrypted)`);
        }
      }
    }),
    validateResourceOfType(aws.ec2.Instance, (instance, args, reportViolation) => {
      if (instance.rootBlockDevice?.encrypted !== true) {
        reportViolation(`instance ${args.name} does not encrypt its root volume (rootBlockDevice.encrypted)`);
      }
      for (const device of instance.ebsBlockDevices ?? []) {
        if (device.encrypted !== true) {
          reportViolation(`instance ${args.name} does not encrypt EBS volume ${device.deviceName} (ebsBlockDevices[].encrypted)`);
        }
      }
    }),
    validateResourceOfType(aws.ebs.Volume, (volume, args, reportViolation) => {
      if (volume.encrypted !== true) {
        reportViolation(`EBS volume ${args.name} is not encrypted (encrypted)`);
      }
    }),
    // Messages wait in a queue (the stream processor's dead-letter queue holds failed order and fill
    // records for up to 14 days) and in a topic until delivered. SSE-SQS must be chosen explicitly
    // here rather than assumed from the service's default for new queues, so the rule reads the
    // program, not the account's history.
    validateResourceOfType(aws.sqs.Queue, (_queue, args, reportViolation) => {
      if (!isSet(peek(args.props, "kmsMasterKeyId")) && peekBoolean(args.props, "sqsManagedSseEnabled") !== true) {
        reportViolation(`SQS queue ${args.name} sets neither a KMS key (kmsMasterKeyId) nor SSE-SQS (sqsManagedSseEnabled: true)`);
      }
    }),
    validateResourceOfType(aws.sns.Topic, (_topic, args, reportViolation) => {
      if (!isSet(peek(args.props, "kmsMasterKeyId"))) {
        reportViolation(`SNS topic ${args.name} is not encrypted at rest: set kmsMasterKeyId to a KMS key the publishers may use`);
      }
    }),
  ],
};

export interface S3EncryptionConfig {
  allowedAlgorithms: string[];
}

const BUCKET_TYPES = [TYPES.s3Bucket, TYPES.s3BucketV2];
const BUCKET_SSE_TYPES = [TYPES.s3BucketSse, TYPES.s3BucketSseV2];

/** Default-encryption algorithms in a list of rules (`rules[].applyServerSideEncryptionByDefault`). */
function ruleAlgorithms(rules: unknown): string[] {
  if (!Array.isArray(rules)) {
    return [];
  }
  return rules.flatMap((_, i) => {
    const algorithm = peekString(rules, i, "applyServerSideEncryptionByDefault", "sseAlgorithm");
    return typeof algorithm === "string" ? [algorithm] : [];
  });
}

/**
 * A bucket's own (deprecated, inline) default encryption: `serverSideEncryptionConfiguration.rule`
 * on aws.s3.Bucket, `serverSideEncryptionConfigurations[].rules` on aws.s3.BucketV2.
 */
function inlineAlgorithms(bucket: GraphResource): string[] {
  const single = peekString(bucket.props, "serverSideEncryptionConfiguration", "rule", "applyServerSideEncryptionByDefault", "sseAlgorithm");
  const configurations = peek(bucket.props, "serverSideEncryptionConfigurations");
  return [
    ...(typeof single === "string" ? [single] : []),
    ...(Array.isArray(configurations) ? configurations.flatMap((_, i) => ruleAlgorithms(peek(configurations, i, "rules"))) : []),
  ];
}

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

export const encryptionInTransit: ResourceValidationPolicy = {
  name: "encryption-in-transit",
  description: "DAX clusters serve a TLS endpoint, and ElastiCache replication groups require in-transit encryption (not merely prefer it).",
  enforcementLevel: "mandatory",
  validateResource: [
    validateResourceOfType(aws.dax.Cluster, (cluster, args, reportViolation) => {
      if (cluster.clusterEndpointEncryptionType !== "TLS") {
        reportViolation(`DAX cluster ${args.name} serves an unencrypted endpoint; set clusterEndpointEncryptionType: "TLS"`);
      }
    }),
    validateResourceOfType(aws.elasticache.ReplicationGroup, (group, args, reportViolation) => {
      if (group.transitEncryptionEnabled !== true) {
        reportViolation(`replication group ${args.name} does not encrypt traffic in transit (transitEncryptionEnabled)`);
      } else if (group.transitEncryptionMode === "preferred") {
        reportViolation(`replication group ${args.name} still accepts unencrypted connections (transitEncryptionMode "preferred"; use "required")`);
      }
    }),
  ],
};

export interface AlbHttpsConfig {
  allowedSslPolicyPrefixes: string[];
}

export const albHttpsOnly: StackValidationPolicy = {
  name: "alb-https-only",
  description:
    "Every application load balancer has an HTTPS listener with a TLS 1.2+ security policy, and every plain-HTTP listener only redirects to HTTPS.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedSslPolicyPrefixes: {
        type: "array",
        items: { type: "string", minLength: 1 },
        minItems: 1,
        default: ["ELBSecurityPolicy-TLS13-1-2-", "ELBSecurityPolicy-TLS13-1-3-"],
        description: "Prefixes of allowed ELB security policies (TLS 1.2 minimum). Default the TLS13-1-2 and TLS13-1-3 families.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { allowedSslPolicyPrefixes } = args.getConfig<AlbHttpsConfig>();
    const graph = new ResourceGraph(args.resources);
    const listeners = graph.ofType(TYPES.listener);
    for (const lb of graph.ofType(TYPES.loadBalancer)) {
      if ((peekString(lb.props, "loadBalancerType") ?? "application") !== "application") {
        continue;
      }
      const own = listeners.filter((l) => graph.refs(l, "loadBalancerArn", [TYPES.loadBalancer], ["arn", "id"]).resources.includes(lb));
      const https = own.filter((l) => peekString(l.props, "protocol") === "HTTPS");
      if (https.length === 0) {
        reportViolation(`load balancer ${lb.name} has no HTTPS listener`, lb.urn);
      }
      for (const listener of https) {
        const policy = peekString(listener.props, "sslPolicy");
        if (typeof policy === "string" && !allowedSslPolicyPrefixes.some((p) => policy.startsWith(p))) {
          reportViolation(
            `HTTPS listener ${listener.name} of load balancer ${lb.name} uses security policy ${policy}; allowed: ${allowedSslPolicyPrefixes.map((p) => `${p}*`).join(", ")}`,
            listener.urn,
          );
        } else if (policy === undefined) {
          reportViolation(`HTTPS listener ${listener.name} of load balancer ${lb.name} sets no sslPolicy (the AWS default changes over time)`, listener.urn);
        }
      }
      for (const listener of own.filter((l) => peekString(l.props, "protocol") === "HTTP")) {
        const actions = peek(listener.props, "defaultActions");
        const redirectsOnly =
          Array.isArray(actions) &&
          actions.length > 0 &&
          actions.every((_, i) => peekString(actions, i, "type") === "redirect" && peekString(actions, i, "redirect", "protocol") === "HTTPS");
        if (!redirectsOnly) {
          reportViolation(`HTTP listener ${listener.name} of load balancer ${lb.name} serves traffic instead of redirecting to HTTPS`, listener.urn);
        }
      }
    }
  },
};

/** The parameter that makes each engine refuse unencrypted connections, and the values that turn it on. */
const TLS_PARAMETERS: { engine: RegExp; name: string; values: string[] }[] = [
  { engine: /postgres/, name: "rds.force_ssl", values: ["1"] },
  { engine: /mysql|mariadb/, name: "require_secure_transport", values: ["1", "ON", "on"] },
];

function requiresTls(group: GraphResource | undefined, name: string, values: string[]): boolean {
  const parameters = group ? peek(group.props, "parameters") : undefined;
  if (!Array.isArray(parameters)) {
    return false;
  }
  return parameters.some((_, i) => peekString(parameters, i, "name") === name && values.includes(String(peek(parameters, i, "value"))));
}

export const databaseTlsRequired: StackValidationPolicy = {
  name: "database-tls-required",
  description:
    "Relational databases refuse unencrypted connections: PostgreSQL engines through a (cluster) parameter group with rds.force_ssl = 1, " +
    "MySQL engines with require_secure_transport = ON.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const graph = new ResourceGraph(args.resources);
    const check = (db: GraphResource, label: string, groupProperty: string, groupType: string) => {
      const engine = peekString(db.props, "engine");
      const rule = typeof engine === "string" ? TLS_PARAMETERS.find((r) => r.engine.test(engine)) : undefined;
      if (!rule) {
        return;
      }
      const group = graph.refs(db, groupProperty, [groupType], ["name", "id"]).resources[0];
      if (!requiresTls(group, rule.name, rule.values)) {
        const setting = `${rule.name} = ${rule.values[0]}`;
        const where = group
          ? `its parameter group ${group.name} does not set ${setting}`
          : `it uses no parameter group of this stack, and the engine's default does not set ${setting}`;
        reportViolation(`${label} ${db.name} accepts unencrypted connections: ${where}`, db.urn);
      }
    };
    for (const cluster of graph.ofType(TYPES.rdsCluster)) {
      check(cluster, "RDS cluster", "dbClusterParameterGroupName", TYPES.rdsClusterParameterGroup);
    }
    for (const instance of graph.ofType(TYPES.rdsInstance)) {
      check(instance, "DB instance", "parameterGroupName", TYPES.rdsParameterGroup);
    }
  },
};

/**
 * AWS rotates a customer managed key's material yearly (or on the configured period) only when
 * rotation is on, and only for symmetric encryption keys (AWS KMS API Reference, EnableKeyRotation:
 * asymmetric, HMAC, imported-material and custom-key-store keys cannot rotate automatically;
 * imported material is aws.kms.ExternalKey, another type).
 */
export const kmsKeyRotation: ResourceValidationPolicy = {
  name: "kms-key-rotation",
  description: "Customer managed symmetric KMS keys (the stores' and the topic's keys) rotate their key material automatically (enableKeyRotation).",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.kms.Key, (key, args, reportViolation) => {
    const spec = key.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
    if (spec !== "SYMMETRIC_DEFAULT" || (key.keyUsage ?? "ENCRYPT_DECRYPT") !== "ENCRYPT_DECRYPT" || key.customKeyStoreId !== undefined) {
      return;
    }
    if (key.enableKeyRotation !== true) {
      reportViolation(`KMS key ${args.name} does not rotate its key material (enableKeyRotation)`);
    }
  }),
};
