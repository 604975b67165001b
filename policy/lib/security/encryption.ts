/**
 * Encryption at rest and in transit.
 *
 * A KMS key ARN or bucket name is usually unknown in a preview (the key is created by the same
 * stack); these rules read such values without the SDK's unknown check, because "set to a value
 * not known yet" already answers "is it set?".
 */
import { GraphResource, TYPES } from "../graph";
import { peek, peekString } from "../values";

export const isSet = (value: unknown) => value !== undefined && value !== null && value !== "";

export interface EncryptionAtRestConfig {
  requireCustomerManagedKeyForDynamoDb: boolean;
}

export interface S3EncryptionConfig {
  allowedAlgorithms: string[];
}

export const BUCKET_TYPES = [TYPES.s3Bucket, TYPES.s3BucketV2];
export const BUCKET_SSE_TYPES = [TYPES.s3BucketSse, TYPES.s3BucketSseV2];

/** Default-encryption algorithms in a list of rules (`rules[].applyServerSideEncryptionByDefault`). */
export function ruleAlgorithms(rules: unknown): string[] {
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
export function inlineAlgorithms(bucket: GraphResource): string[] {
  const single = peekString(bucket.props, "serverSideEncryptionConfiguration", "rule", "applyServerSideEncryptionByDefault", "sseAlgorithm");
  const configurations = peek(bucket.props, "serverSideEncryptionConfigurations");
  return [
    ...(typeof single === "string" ? [single] : []),
    ...(Array.isArray(configurations) ? configurations.flatMap((_, i) => ruleAlgorithms(peek(configurations, i, "rules"))) : []),
  ];
}

export interface AlbHttpsConfig {
  allowedSslPolicyPrefixes: string[];
}

/** The parameter that makes each engine refuse unencrypted connections, and the values that turn it on. */
export const TLS_PARAMETERS: { engine: RegExp; name: string; values: string[] }[] = [
  { engine: /postgres/, name: "rds.force_ssl", values: ["1"] },
  { engine: /mysql|mariadb/, name: "require_secure_transport", values: ["1", "ON", "on"] },
];

export function requiresTls(group: GraphResource | undefined, name: string, values: string[]): boolean {
  const parameters = group ? peek(group.props, "parameters") : undefined;
  if (!Array.isArray(parameters)) {
    return false;
  }
  return parameters.some((_, i) => peekString(parameters, i, "name") === name && values.includes(String(peek(parameters, i, "value"))));
}
