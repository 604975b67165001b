/**
 * The rules of the pack, one file each (named by the rule), in the order the pack runs them.
 * Add a rule: a file here exporting its policy, its entry below, its tests in tests/policy/resilience/,
 * then `npm run docs:policy` to regenerate the rule table in policy/README.md.
 */
import type { Policies } from "@pulumi/policy";
import { subnetTiersSpanAzs } from "./subnet-tiers-span-azs";
import { asgSpansAzs } from "./asg-spans-azs";
import { albSpansAzs } from "./alb-spans-azs";
import { databaseSpansAzs } from "./database-spans-azs";
import { cacheSpansAzs } from "./cache-spans-azs";
import { daxSpansAzs } from "./dax-spans-azs";
import { natGatewayPerAz } from "./nat-gateway-per-az";
import { azLossSurvivability } from "./az-loss-survivability";
import { haResourcesAlarmed } from "./ha-resources-alarmed";
import { targetGroupShallowHealthCheck } from "./target-group-shallow-health-check";
import { asgElbHealthCheck } from "./asg-elb-health-check";
import { statefulResourcesProtected } from "./stateful-resources-protected";
import { streamFailureHandling } from "./stream-failure-handling";
import { operationalStateSurvivesDeploy } from "./operational-state-survives-deploy";
import { asgLaunchTemplateVersionPinned } from "./asg-launch-template-version-pinned";
import { ecsServiceSpansAzs } from "./ecs-service-spans-azs";
import { fisStopOnAlarm } from "./fis-stop-on-alarm";
import { fisDurationBounded } from "./fis-duration-bounded";

export const rules: Policies = [
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
  operationalStateSurvivesDeploy,
  asgLaunchTemplateVersionPinned,
  ecsServiceSpansAzs,
  fisStopOnAlarm,
  fisDurationBounded,
];
