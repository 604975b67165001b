/**
 * The security pack (owner: security): encryption at rest and in transit, instance and network
 * exposure, data protection, IAM least privilege, audit logging.
 * The offline evaluator imports this module; index.ts hands it to the PolicyPack constructor.
 */
import type { PolicyPackDefinition } from "../lib/packDefinition";
import { withSuppressions } from "../lib/withSuppressions";
import { rules } from "./rules";

export const securityPack: PolicyPackDefinition = {
  name: "trading-security",
  version: "1.11.0",
  description: "Security baseline of the trading platform's AWS resources, audit logging included.",
  enforcementLevel: "mandatory",
  policies: rules.map(withSuppressions),
};
