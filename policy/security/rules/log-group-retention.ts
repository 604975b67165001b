// log-group-retention (security pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/security/logging.ts.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { LogRetentionConfig } from "../../lib/security/logging";
import { show } from "../../lib/values";

export const logGroupRetention: ResourceValidationPolicy = {
  name: "log-group-retention",
  description:
    "Every CloudWatch log group sets retentionInDays (unset or 0 keeps its events forever, and their storage is billed forever) to at " +
    "least `minRetentionDays` days.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      minRetentionDays: { type: "integer", minimum: 1, maximum: 3653, default: 1, description: "Minimum retentionInDays. Default 1." },
    },
  },
  validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (group, args, reportViolation) => {
    // A DELIVERY-class group only relays to S3 or Firehose; AWS fixes its retention at 2 days.
    if (group.logGroupClass === "DELIVERY") {
      return;
    }
    const { minRetentionDays } = args.getConfig<LogRetentionConfig>();
    const days = group.retentionInDays;
    if (days === undefined || days === 0) {
      reportViolation(`log group ${args.name} keeps its events forever (retentionInDays ${show(days)}); set a retention`);
    } else if (days < minRetentionDays) {
      reportViolation(`log group ${args.name} keeps its events for ${days} day(s); at least ${minRetentionDays} are required (retentionInDays)`);
    }
  }),
};
