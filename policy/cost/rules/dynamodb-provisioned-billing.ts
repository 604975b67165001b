// dynamodb-provisioned-billing (cost pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/cost/capacity.ts.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { ProvisionedBillingConfig } from "../../lib/cost/capacity";

export const dynamodbProvisionedBilling: ResourceValidationPolicy = {
  name: "dynamodb-provisioned-billing",
  description:
    "DynamoDB tables use PROVISIONED capacity with auto scaling: at Nov-2024 prices on-demand costs about 3.5x fully used provisioned " +
    "capacity, so provisioned wins above ~29% average utilisation. `allowOnDemand` permits PAY_PER_REQUEST (e.g. in dev).",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowOnDemand: { type: "boolean", default: false, description: "Allow PAY_PER_REQUEST tables. Default false." },
    },
  },
  validateResource: validateResourceOfType(aws.dynamodb.Table, (table, args, reportViolation) => {
    const { allowOnDemand } = args.getConfig<ProvisionedBillingConfig>();
    if (table.billingMode === "PAY_PER_REQUEST" && !allowOnDemand) {
      reportViolation(`table ${args.name} uses on-demand billing (PAY_PER_REQUEST); use PROVISIONED capacity with auto scaling`);
    }
  }),
};
