// imdsv2-required (security pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/security/network.ts.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { hopLimitProblem, ImdsConfig } from "../../lib/security/network";

export const imdsv2Required: ResourceValidationPolicy = {
  name: "imdsv2-required",
  description:
    'Launch templates and instances require IMDSv2 (metadataOptions.httpTokens "required"), so a server-side request forgery cannot read ' +
    "the instance role's credentials with a plain GET, with a token hop limit of at most `maxHopLimit` (httpPutResponseHopLimit).",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      maxHopLimit: { type: "integer", minimum: 1, maximum: 64, default: 1, description: "Largest httpPutResponseHopLimit allowed. Default 1 (the host only)." },
    },
  },
  validateResource: [
    validateResourceOfType(aws.ec2.LaunchTemplate, (template, args, reportViolation) => {
      if (template.metadataOptions?.httpTokens !== "required") {
        reportViolation(`launch template ${args.name} does not require IMDSv2 (metadataOptions.httpTokens must be "required")`);
      }
      const hops = hopLimitProblem(`launch template ${args.name}`, template.metadataOptions?.httpPutResponseHopLimit, args.getConfig<ImdsConfig>().maxHopLimit);
      if (hops) reportViolation(hops);
    }),
    validateResourceOfType(aws.ec2.Instance, (instance, args, reportViolation) => {
      if (instance.metadataOptions?.httpTokens !== "required") {
        reportViolation(`instance ${args.name} does not require IMDSv2 (metadataOptions.httpTokens must be "required")`);
      }
      const hops = hopLimitProblem(`instance ${args.name}`, instance.metadataOptions?.httpPutResponseHopLimit, args.getConfig<ImdsConfig>().maxHopLimit);
      if (hops) reportViolation(hops);
    }),
  ],
};
