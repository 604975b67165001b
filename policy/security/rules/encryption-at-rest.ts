// encryption-at-rest (security pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/security/encryption.ts.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { EncryptionAtRestConfig, isSet } from "../../lib/security/encryption";
import { peek, peekBoolean, peekString, show } from "../../lib/values";

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
