// iam-no-wildcard-admin (security pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/security/iam.ts.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { ADMIN_POLICY_ARN, report } from "../../lib/security/iam";

export const iamNoWildcardAdmin: ResourceValidationPolicy = {
  name: "iam-no-wildcard-admin",
  description:
    'No IAM policy (inline role policy, managed policy, a role\'s inline policies) has a statement allowing Action "*" on Resource "*", and ' +
    "no role gets the AWS AdministratorAccess managed policy.",
  enforcementLevel: "mandatory",
  validateResource: [
    validateResourceOfType(aws.iam.RolePolicy, (policy, args, reportViolation) => report("role policy", args.name, policy.policy, reportViolation)),
    validateResourceOfType(aws.iam.Policy, (policy, args, reportViolation) => report("IAM policy", args.name, policy.policy, reportViolation)),
    validateResourceOfType(aws.iam.Role, (role, args, reportViolation) => {
      for (const inline of role.inlinePolicies ?? []) {
        report(`inline policy ${inline.name ?? "(unnamed)"} of role`, args.name, inline.policy, reportViolation);
      }
    }),
    validateResourceOfType(aws.iam.RolePolicyAttachment, (attachment, args, reportViolation) => {
      if (ADMIN_POLICY_ARN.test(attachment.policyArn)) {
        reportViolation(`role policy attachment ${args.name} grants AdministratorAccess`);
      }
    }),
  ],
};
