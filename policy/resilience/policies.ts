/**
 * The resilience pack (owner: SRE): three-AZ spread of every tier, AZ-loss survivability, an alarm
 * reaching an SNS topic on every HA-critical resource, shallow health checks, protected stateful
 * tiers, and stream consumers that neither stall on nor silently drop a failing record.
 * The offline evaluator imports this module; index.ts hands it to the PolicyPack constructor.
 */
import type { PolicyPackDefinition } from "../lib/packDefinition";
import { withSuppressions } from "../lib/withSuppressions";
import { rules } from "./rules";

export const resiliencePack: PolicyPackDefinition = {
  name: "trading-resilience",
  version: "1.6.0",
  description: "Three-AZ spread, AZ-loss survivability, alarm coverage, health checks, protection and stream failure handling of the trading platform's AWS resources.",
  enforcementLevel: "mandatory",
  policies: rules.map(withSuppressions),
};
