/**
 * Instance types from allow-lists: DAX node types (a node type cannot be changed after creation,
 * so a wrong one is expensive to undo) and EC2 instance types of launch templates, instances and
 * mixed-instances overrides of auto scaling groups.
 */

export interface DaxAllowListConfig {
  allowedNodeTypes: string[];
}

export const typeList = (description: string, defaults: string[]) => ({
  type: "array" as const,
  items: { type: "string" as const, minLength: 1 },
  minItems: 1,
  uniqueItems: true,
  default: defaults,
  description,
});

export interface Ec2AllowListConfig {
  allowedInstanceTypes: string[];
}
