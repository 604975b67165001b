/**
 * The customer-managed KMS key every tier encrypts its own data with, and the key actions its
 * consumers are granted.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * Days KMS waits before it deletes a scheduled key: the longest it allows (7-30, AWS KMS API
 * Reference, ScheduleKeyDeletion "PendingWindowInDays"), so a key deleted by mistake can still be
 * restored and the data it encrypts is not lost.
 */
export const KEY_DELETION_WINDOW_DAYS = 30;

/** Decrypting what a service encrypted with the key (reading an SSE-KMS object, a SecureString). */
export const KEY_DECRYPT_ACTIONS = ["kms:Decrypt"] as const;

/** Encrypting new data under the key and reading it back (e.g. an SQS producer of a KMS queue). */
export const KEY_ENCRYPT_DECRYPT_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"] as const;

/** The key's alias, registered as its own resource beside the key. */
export interface KmsKeyAlias {
  /** Logical name of the `aws.kms.Alias` resource. */
  readonly resourceName: string;
  /** The alias without its `alias/` prefix, e.g. the table the key encrypts. */
  readonly name: string;
}

/** Inputs of {@link rotatingKmsKey}. */
export interface RotatingKmsKeyArgs {
  /** What the key encrypts, shown in the console and in CloudTrail. */
  readonly description: pulumi.Input<string>;
  /**
   * An alias to register beside the key.
   * @default - no alias
   */
  readonly alias?: KmsKeyAlias;
}

/**
 * A symmetric customer-managed key with automatic yearly rotation of its key material ("Enable
 * automatic key rotation", AWS KMS Developer Guide: key id, ARN and aliases stay the same, so nothing
 * that names the key changes) and the longest deletion window, registered under `scope`.
 */
export function rotatingKmsKey(resourceName: string, args: RotatingKmsKeyArgs, scope: pulumi.Resource): aws.kms.Key {
  const key = new aws.kms.Key(
    resourceName,
    { description: args.description, enableKeyRotation: true, deletionWindowInDays: KEY_DELETION_WINDOW_DAYS },
    { parent: scope },
  );
  if (args.alias) {
    new aws.kms.Alias(
      args.alias.resourceName,
      { name: `alias/${args.alias.name}`, targetKeyId: key.keyId },
      { parent: scope },
    );
  }
  return key;
}
