/**
 * IAM least privilege beyond `*` on `*` (which iam-no-wildcard-admin holds): a role that may call
 * every action of a service (`dynamodb:*`, `s3:*`) or a data-plane action on every resource reaches
 * far more than the ARNs it was built for. Only the actions AWS authorises on `*` alone may use it,
 * and that list is data with a source for each (ACTIONS_ONLY_ON_ALL_RESOURCES).
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { ACTIONS_ONLY_ON_ALL_RESOURCES, leastPrivilegeProblems, parseStatements } from "../../lib/security/iam";

interface LeastPrivilegeConfig {
  actionsOnlyOnAllResources: string[];
}

function report(kind: string, name: string, document: unknown, config: LeastPrivilegeConfig, reportViolation: (message: string) => void): void {
  for (const statement of parseStatements(document)) {
    for (const problem of leastPrivilegeProblems(statement, config.actionsOnlyOnAllResources)) {
      reportViolation(`${kind} ${name}: ${problem}`);
    }
  }
}

export const iamLeastPrivilege: ResourceValidationPolicy = {
  name: "iam-least-privilege",
  description:
    "No IAM policy (role policy, managed policy, a role's inline policies) allows every action of a service (`dynamodb:*`, `s3:*`, `*`), " +
    'NotAction or NotResource, or an action on Resource "*" unless AWS authorises that action only on "*" (`actionsOnlyOnAllResources`, ' +
    "each from the Service Authorization Reference).",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      actionsOnlyOnAllResources: {
        type: "array",
        items: { type: "string", pattern: "^[a-z0-9-]+:[A-Za-z0-9]+$" },
        default: ACTIONS_ONLY_ON_ALL_RESOURCES.map((a) => a.action),
        description:
          "Actions whose Service Authorization Reference entry has no resource type, so they may be allowed on \"*\". Default: policy/lib/security/iam.ts's list, with a source per action.",
      },
    },
  },
  validateResource: [
    validateResourceOfType(aws.iam.RolePolicy, (policy, args, reportViolation) =>
      report("role policy", args.name, policy.policy, args.getConfig<LeastPrivilegeConfig>(), reportViolation),
    ),
    validateResourceOfType(aws.iam.Policy, (policy, args, reportViolation) => report("IAM policy", args.name, policy.policy, args.getConfig<LeastPrivilegeConfig>(), reportViolation)),
    validateResourceOfType(aws.iam.Role, (role, args, reportViolation) => {
      for (const inline of role.inlinePolicies ?? []) {
        report(`inline policy ${inline.name ?? "(unnamed)"} of role`, args.name, inline.policy, args.getConfig<LeastPrivilegeConfig>(), reportViolation);
      }
    }),
  ],
};
