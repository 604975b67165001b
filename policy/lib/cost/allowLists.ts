/**
 * Instance types from allow-lists: DAX node types (a node type cannot be changed after creation,
 * so a wrong one is expensive to undo) and EC2 instance types of launch templates, instances and
 * mixed-instances overrides of auto scaling groups.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export interface DaxAllowListConfig {
  allowedNodeTypes: string[];
}

const typeList = (description: string, defaults: string[]) => ({
  type: "array" as const,
  items: { type: "string" as const, minLength: 1 },
  minItems: 1,
  uniqueItems: true,
  default: defaults,
  description,
});

export const daxNodeTypeAllowed: ResourceValidationPolicy = {
  name: "dax-node-type-allowed",
  description:
    "DAX clusters use a node type from `allowedNodeTypes`; a cluster's node type cannot be changed after creation, so a wrong one means a new cluster.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedNodeTypes: typeList("Allowed DAX node types. Default the r5 large to 2xlarge types.", ["dax.r5.large", "dax.r5.xlarge", "dax.r5.2xlarge"]),
    },
  },
  validateResource: validateResourceOfType(aws.dax.Cluster, (cluster, args, reportViolation) => {
    const { allowedNodeTypes } = args.getConfig<DaxAllowListConfig>();
    if (!allowedNodeTypes.includes(cluster.nodeType)) {
      reportViolation(`DAX cluster ${args.name} uses node type ${cluster.nodeType}, which is not allowed (allowed: ${allowedNodeTypes.join(", ")})`);
    }
  }),
};

export interface Ec2AllowListConfig {
  allowedInstanceTypes: string[];
}

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
