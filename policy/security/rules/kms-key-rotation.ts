// kms-key-rotation (security pack): the rule's description below is what the CLI prints with each violation.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

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
