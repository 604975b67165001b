/**
 * The rules of the pack, one file each (named by the rule), in the order the pack runs them.
 * Add a rule: a file here exporting its policy, its entry below, its tests in tests/policy/cost/,
 * then `npm run docs:policy` to regenerate the rule table in policy/README.md.
 */
import type { Policies } from "@pulumi/policy";
import { dynamodbProvisionedBilling } from "./dynamodb-provisioned-billing";
import { dynamodbAutoscalingCoverage } from "./dynamodb-autoscaling-coverage";
import { dynamodbTargetUtilisationBand } from "./dynamodb-target-utilisation-band";
import { dynamodbCapacityCaps } from "./dynamodb-capacity-caps";
import { gsiWriteCapacityFloor } from "./gsi-write-capacity-floor";
import { daxNodeTypeAllowed } from "./dax-node-type-allowed";
import { ec2InstanceTypeAllowed } from "./ec2-instance-type-allowed";
import { monthlyBudget } from "./monthly-budget";
import { replicaOwnsNoWriteScaling } from "./replica-owns-no-write-scaling";
import { dynamodbGatewayEndpoint } from "./dynamodb-gateway-endpoint";
import { fargateTaskSizeAllowed } from "./fargate-task-size-allowed";

export const rules: Policies = [
  dynamodbProvisionedBilling,
  dynamodbAutoscalingCoverage,
  dynamodbTargetUtilisationBand,
  dynamodbCapacityCaps,
  gsiWriteCapacityFloor,
  daxNodeTypeAllowed,
  ec2InstanceTypeAllowed,
  monthlyBudget,
  replicaOwnsNoWriteScaling,
  dynamodbGatewayEndpoint,
  fargateTaskSizeAllowed,
];
