// target-group-shallow-health-check (resilience pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/resilience/healthChecks.ts.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { ShallowHealthCheckConfig } from "../../lib/resilience/healthChecks";

export const targetGroupShallowHealthCheck: ResourceValidationPolicy = {
  name: "target-group-shallow-health-check",
  description:
    "Target groups health-check an explicit HTTP path that is not a dependency (readiness) check (`deepHealthCheckPaths`): an Auto " +
    "Scaling group with ELB health replaces every instance whose check fails, and a check through a shared dependency fails on all of them at once.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      deepHealthCheckPaths: {
        type: "array",
        items: { type: "string", minLength: 1 },
        default: ["/readyz"],
        description: "Paths that check dependencies and so must not be a target group's health check. Default the service's readiness path.",
      },
    },
  },
  validateResource: validateResourceOfType(aws.lb.TargetGroup, (group, args, reportViolation) => {
    const { deepHealthCheckPaths } = args.getConfig<ShallowHealthCheckConfig>();
    const check = group.healthCheck;
    if (!check || check.enabled === false) {
      reportViolation(`target group ${args.name} has no health check; instances that stop answering keep receiving traffic`);
      return;
    }
    if (check.path === undefined) {
      reportViolation(`target group ${args.name} sets no health check path (the default "/" is whatever the service serves there)`);
    } else if (deepHealthCheckPaths.includes(check.path)) {
      reportViolation(`target group ${args.name} health-checks ${check.path}, a dependency check: a dependency failure would fail every target at once`);
    }
  }),
};
