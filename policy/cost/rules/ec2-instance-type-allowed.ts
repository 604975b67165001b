// ec2-instance-type-allowed (cost pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/cost/allowLists.ts.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { Ec2AllowListConfig, typeList } from "../../lib/cost/allowLists";

export const ec2InstanceTypeAllowed: ResourceValidationPolicy = {
  name: "ec2-instance-type-allowed",
  description:
    "Launch templates, EC2 instances and the instance-type overrides of auto scaling groups use an instance type from `allowedInstanceTypes`.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedInstanceTypes: typeList("Allowed EC2 instance types. Default Graviton m7g/c7g large and xlarge.", [
        "m7g.large",
        "m7g.xlarge",
        "c7g.large",
        "c7g.xlarge",
      ]),
    },
  },
  validateResource: [
    validateResourceOfType(aws.ec2.LaunchTemplate, (template, args, reportViolation) => {
      const { allowedInstanceTypes } = args.getConfig<Ec2AllowListConfig>();
      if (template.instanceType !== undefined && !allowedInstanceTypes.includes(template.instanceType)) {
        reportViolation(`launch template ${args.name} uses instance type ${template.instanceType}, which is not allowed (allowed: ${allowedInstanceTypes.join(", ")})`);
      }
    }),
    validateResourceOfType(aws.ec2.Instance, (instance, args, reportViolation) => {
      const { allowedInstanceTypes } = args.getConfig<Ec2AllowListConfig>();
      if (instance.instanceType !== undefined && !allowedInstanceTypes.includes(instance.instanceType)) {
        reportViolation(`instance ${args.name} uses instance type ${instance.instanceType}, which is not allowed (allowed: ${allowedInstanceTypes.join(", ")})`);
      }
    }),
    validateResourceOfType(aws.autoscaling.Group, (group, args, reportViolation) => {
      const { allowedInstanceTypes } = args.getConfig<Ec2AllowListConfig>();
      for (const override of group.mixedInstancesPolicy?.launchTemplate.overrides ?? []) {
        if (override.instanceType !== undefined && !allowedInstanceTypes.includes(override.instanceType)) {
          reportViolation(
            `auto scaling group ${args.name} overrides to instance type ${override.instanceType}, which is not allowed (allowed: ${allowedInstanceTypes.join(", ")})`,
          );
        }
      }
    }),
  ],
};
