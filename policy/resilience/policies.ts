/**
 * The resilience pack (owner: SRE): three-AZ spread of every tier, AZ-loss survivability, and an
 * alarm reaching an SNS topic on every HA-critical resource.
 * The offline evaluator imports this module; index.ts hands it to the PolicyPack constructor.
 */
import type { PolicyPackDefinition } from "../lib/packDefinition";
import { haResourcesAlarmed } from "./alarms";
import { azLossSurvivability } from "./azLoss";
import { targetGroupShallowHealthCheck } from "./healthChecks";
import { albSpansAzs, asgSpansAzs, cacheSpansAzs, databaseSpansAzs, daxSpansAzs, natGatewayPerAz, subnetTiersSpanAzs } from "./azSpread";

export const resiliencePack: PolicyPackDefinition = {
  name: "trading-resilience",
  version: "1.1.0",
  description: "Three-AZ spread, AZ-loss survivability and alarm coverage of the trading platform's AWS resources.",
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
  ],
};
