// encryption-at-rest: its tests, with the fixtures they build (shared builders in ../support, shared stacks in ../policy-fixtures).
import { expect } from "chai";
import { securityPack } from "../../../policy/security/policies";
import { AZS } from "./fixtures";
import { cache, dax, launchTemplate, T } from "../support/builders";
import { evaluate, Fixture, messagesOf } from "../support/fixture";

describe("encryption-at-rest", () => {
  it("reports each unencrypted data store", async () => {
    const fx = new Fixture();
    fx.add(T.table, "plain-table", { hashKey: "pk" });
    fx.add(T.table, "aws-key-table", { hashKey: "pk", serverSideEncryption: { enabled: true } });
    fx.add(T.replica, "replica", { globalTableArn: "arn:aws:dynamodb:us-east-1:1:table/t" });
    fx.add(T.rdsCluster, "db", { engine: "aurora-postgresql" });
    fx.add(T.rdsStandalone, "legacy", { engine: "postgres", storageEncrypted: false });
    cache(fx, AZS, { atRestEncryptionEnabled: false });
    dax(fx, AZS, { serverSideEncryption: { enabled: false } });
    launchTemplate(fx, { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 20, encrypted: "false" } }] }, "lt-plain");
    launchTemplate(fx, { blockDeviceMappings: undefined }, "lt-implicit");
    fx.add(T.instance, "bastion", { instanceType: "c7g.large", rootBlockDevice: { encrypted: false }, ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: false }] });
    fx.add(T.volume, "scratch", { availabilityZone: "us-east-1a", size: 10 });
    fx.add(T.queue, "plain-dlq", { messageRetentionSeconds: 1_209_600 });
    fx.add(T.queue, "sse-off-dlq", { sqsManagedSseEnabled: false });
    fx.add(T.topic, "plain-topic", { name: "plain-topic" });
    const result = await evaluate(securityPack, fx);
    expect(messagesOf(result, "encryption-at-rest")).to.deep.equal([
      "table plain-table does not enable serverSideEncryption with a KMS key (it would use the AWS owned key)",
      "table aws-key-table is encrypted with the AWS managed key; set serverSideEncryption.kmsKeyArn to a customer managed key",
      "table replica replica sets no kmsKeyArn, so it is encrypted with the AWS managed key; use a customer managed key of its region",
      "RDS cluster db does not encrypt its storage (storageEncrypted)",
      "DB instance legacy does not encrypt its storage (storageEncrypted)",
      "replication group cache does not encrypt data at rest (atRestEncryptionEnabled)",
      "DAX cluster dax does not encrypt data at rest (serverSideEncryption.enabled)",
      "launch template lt-plain does not encrypt EBS volume /dev/xvda (ebs.encrypted)",
      "launch template lt-implicit declares no EBS block device mapping, so whether its root volume is encrypted depends on the AMI and the account default",
      "instance bastion does not encrypt its root volume (rootBlockDevice.encrypted)",
      "instance bastion does not encrypt EBS volume /dev/sdf (ebsBlockDevices[].encrypted)",
      "EBS volume scratch is not encrypted (encrypted)",
      "SQS queue plain-dlq sets neither a KMS key (kmsMasterKeyId) nor SSE-SQS (sqsManagedSseEnabled: true)",
      "SQS queue sse-off-dlq sets neither a KMS key (kmsMasterKeyId) nor SSE-SQS (sqsManagedSseEnabled: true)",
      "SNS topic plain-topic is not encrypted at rest: set kmsMasterKeyId to a KMS key the publishers may use",
    ]);
  });

  it("accepts a queue with a KMS key (unknown in a preview) or SSE-SQS, and a topic with a KMS key", async () => {
    const fx = new Fixture({ preview: true });
    const key = fx.add("aws:kms/key:Key", "key", { enableKeyRotation: true });
    fx.add(T.queue, "kms-dlq", { kmsMasterKeyId: fx.ref(key, "arn") });
    fx.add(T.queue, "sqs-managed", { sqsManagedSseEnabled: true });
    fx.add(T.topic, "alarms", { name: "alarms", kmsMasterKeyId: fx.ref(key, "arn") });
    expect(messagesOf(await evaluate(securityPack, fx), "encryption-at-rest")).to.deep.equal([]);
  });

  it("accepts a key ARN that is unknown in a preview, and the AWS managed key when config allows", async () => {
    const fx = new Fixture({ preview: true });
    const key = fx.add("aws:kms/key:Key", "key", {});
    fx.add(T.table, "cmk-table", { hashKey: "pk", serverSideEncryption: { enabled: true, kmsKeyArn: fx.ref(key, "arn") } });
    fx.add(T.table, "aws-key-table", { hashKey: "pk", serverSideEncryption: { enabled: true } });
    const strict = await evaluate(securityPack, fx);
    expect(messagesOf(strict, "encryption-at-rest")).to.deep.equal([
      "table aws-key-table is encrypted with the AWS managed key; set serverSideEncryption.kmsKeyArn to a customer managed key",
    ]);
    const relaxed = await evaluate(securityPack, fx, { "encryption-at-rest": { requireCustomerManagedKeyForDynamoDb: false } });
    expect(messagesOf(relaxed, "encryption-at-rest")).to.deep.equal([]);
  });
});
