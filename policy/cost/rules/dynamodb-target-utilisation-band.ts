// dynamodb-target-utilisation-band (cost pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/cost/capacity.ts.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { DYNAMO_METRICS, UtilisationBandConfig } from "../../lib/cost/capacity";

export const dynamodbTargetUtilisationBand: ResourceValidationPolicy = {
  name: "dynamodb-target-utilisation-band",
  description:
    "DynamoDB target-tracking policies aim at a utilisation inside [minTargetUtilisation, maxTargetUtilisation] percent: lower wastes " +
    "provisioned capacity, higher leaves no headroom for the ~2 minutes target tracking needs to react.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      minTargetUtilisation: { type: "number", minimum: 20, maximum: 90, default: 50, description: "Lowest allowed target, percent. Default 50." },
      maxTargetUtilisation: { type: "number", minimum: 20, maximum: 90, default: 80, description: "Highest allowed target, percent. Default 80." },
    },
  },
  validateResource: validateResourceOfType(aws.appautoscaling.Policy, (policy, args, reportViolation) => {
    const { minTargetUtilisation, maxTargetUtilisation } = args.getConfig<UtilisationBandConfig>();
    const tracking = policy.targetTrackingScalingPolicyConfiguration;
    const metric = tracking?.predefinedMetricSpecification?.predefinedMetricType;
    if (!tracking || metric === undefined || !DYNAMO_METRICS.includes(metric)) {
      return args.notApplicable("not a DynamoDB target-tracking policy");
    }
    // Read through the SDK's proxy: an unknown target gives the server's "can't run during preview".
    const target = tracking.targetValue;
    if (target < minTargetUtilisation || target > maxTargetUtilisation) {
      reportViolation(
        `scaling policy ${args.name} targets ${target}% ${metric}; the target must be between ${minTargetUtilisation}% and ${maxTargetUtilisation}%`,
      );
    }
  }),
};
