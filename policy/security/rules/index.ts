/**
 * The rules of the pack, one file each (named by the rule), in the order the pack runs them.
 * Add a rule: a file here exporting its policy, its entry below, its tests in tests/policy/security/,
 * then `npm run docs:policy` to regenerate the rule table in policy/README.md.
 */
import type { Policies } from "@pulumi/policy";
import { encryptionAtRest } from "./encryption-at-rest";
import { s3EncryptionAtRest } from "./s3-encryption-at-rest";
import { encryptionInTransit } from "./encryption-in-transit";
import { albHttpsOnly } from "./alb-https-only";
import { databaseTlsRequired } from "./database-tls-required";
import { imdsv2Required } from "./imdsv2-required";
import { noPublicIpOnInstances } from "./no-public-ip-on-instances";
import { noWorldIngress } from "./no-world-ingress";
import { albHardening } from "./alb-hardening";
import { albEdgeProtection } from "./alb-waf-and-jwt";
import { dynamodbPitr } from "./dynamodb-pitr";
import { backupRetention } from "./backup-retention";
import { deletionProtection } from "./deletion-protection";
import { iamNoWildcardAdmin } from "./iam-no-wildcard-admin";
import { s3NoForceDestroy } from "./s3-no-force-destroy";
import { s3AccessLogging } from "./s3-access-logging";
import { vpcFlowLogs } from "./vpc-flow-logs";
import { logGroupRetention } from "./log-group-retention";
import { kmsKeyRotation } from "./kms-key-rotation";
import { dataTierIsolated } from "./data-tier-isolated";
import { s3PublicAccessBlocked } from "./s3-public-access-blocked";
import { databaseNotPublic } from "./database-not-public";
import { dataStoresAdmitOnlySecurityGroups } from "./data-stores-admit-only-security-groups";
import { iamLeastPrivilege } from "./iam-least-privilege";
import { wafLogsRedactCredentials } from "./waf-logs-redact-credentials";
import { databaseAcceptsFleetIdentity } from "./database-accepts-fleet-identity";
import { suppressionTagsNameRules } from "./suppression-tags-name-rules";
import { ecsServiceNoPublicIp } from "./ecs-service-no-public-ip";
import { ecsContainerHardening } from "./ecs-container-hardening";
import { fisRoleNoWildcardActions } from "./fis-role-no-wildcard-actions";
import { fisTargetsOwnStack } from "./fis-targets-own-stack";

export const rules: Policies = [
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
  dataTierIsolated,
  s3PublicAccessBlocked,
  databaseNotPublic,
  dataStoresAdmitOnlySecurityGroups,
  iamLeastPrivilege,
  wafLogsRedactCredentials,
  databaseAcceptsFleetIdentity,
  suppressionTagsNameRules,
  ecsServiceNoPublicIp,
  ecsContainerHardening,
  fisRoleNoWildcardActions,
  fisTargetsOwnStack,
];
