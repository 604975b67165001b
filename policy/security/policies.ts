/**
 * The security pack (owner: security): encryption at rest and in transit, instance and network
 * exposure, data protection, IAM least privilege, audit logging.
 * The offline evaluator imports this module; index.ts hands it to the PolicyPack constructor.
 */
import type { PolicyPackDefinition } from "../lib/packDefinition";
import { s3NoForceDestroy } from "./bucketLifecycle";
import { backupRetention, deletionProtection, dynamodbPitr } from "./dataProtection";
import { albHttpsOnly, databaseTlsRequired, encryptionAtRest, encryptionInTransit, kmsKeyRotation, s3EncryptionAtRest } from "./encryption";
import { albEdgeProtection } from "./edge";
import { iamNoWildcardAdmin } from "./iam";
import { logGroupRetention, s3AccessLogging, vpcFlowLogs } from "./logging";
import { albHardening, imdsv2Required, noPublicIpOnInstances, noWorldIngress } from "./network";

export const securityPack: PolicyPackDefinition = {
  name: "trading-security",
  version: "1.1.0",
  description: "Security baseline of the trading platform's AWS resources, audit logging included.",
  enforcementLevel: "mandatory",
  policies: [
    encryptionAtRest,
    s3EncryptionAtRest,
    encryptionInTransit,
    albHttpsOnly,
    databaseTlsRequired,
    imdsv2Required,
    noPublicIpOnInstances,
    noWorldIngress,
    albHardening,
    albEdgeProtection,
    dynamodbPitr,
    backupRetention,
    deletionProtection,
    iamNoWildcardAdmin,
    s3NoForceDestroy,
    s3AccessLogging,
    vpcFlowLogs,
    logGroupRetention,
    kmsKeyRotation,
  ],
};
