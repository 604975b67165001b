/**
 * The resilience pack (owner: SRE): three-AZ spread of every tier, AZ-loss survivability, an alarm
 * reaching an SNS topic on every HA-critical resource, shallow health checks, protected stateful
 * tiers, and stream consumers that neither stall on nor silently drop a failing record.
 * The offline evaluator imports this module; index.ts hands it to the PolicyPack constructor.
 */
import type { PolicyPackDefinition } from "../lib/packDefinition";
import { haResourcesAlarmed } from "./alarms";
import { azLossSurvivability } from "./azLoss";
import { asgElbHealthCheck, targetGroupShallowHealthCheck } from "./healthChecks";
import { statefulResourcesProtected } from "./protection";
import { streamFailureHandling } from "./streamProcessing";
import { albSpansAzs, asgSpansAzs, cacheSpansAzs, databaseSpansAzs, daxSpansAzs, natGatewayPerAz, subnetTiersSpanAzs } from "./azSpread";

export const resiliencePack: PolicyPackDefinition = {
  name: "trading-resilience",
  version: "1.2.0",
  description: "Three-AZ spread, AZ-loss survivability, alarm coverage, health checks, protection and stream failure handling of the trading platform's AWS resources.",
  enforcementLevel: "mandatory",
  policies: [
    subnetTiersSpanAzs,
    asgSpansAzs,
    albSpansAzs,
    databaseSpansAzs,
    cacheSpansAzs,
    daxSpansAzs,
    natGatewayPerAz,
    azLossSurvivability,
    haResourcesAlarmed,
    targetGroupShallowHealthCheck,
    asgElbHealthCheck,
    statefulResourcesProtected,
    streamFailureHandling,
  ],
};
