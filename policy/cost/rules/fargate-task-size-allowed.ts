// fargate-task-size-allowed (cost pack): Fargate task definitions use a CPU/memory size from an allow-list, as EC2 instance types do (ec2-instance-type-allowed).
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

interface FargateSizeConfig {
  allowedTaskSizes: string[];
}

/**
 * Fargate bills a task's configured vCPU and memory (AWS Fargate pricing), so the size is the cost:
 * the allow-list keeps it to 0.5-4 vCPU with 2 or 4 GB per vCPU (one Node process uses one core;
 * more memory per vCPU buys nothing it needs). Sizes as "<cpu units>/<memory MiB>".
 */
export const fargateTaskSizeAllowed: ResourceValidationPolicy = {
  name: "fargate-task-size-allowed",
  description: "Fargate task definitions use a `<cpu>/<memory MiB>` size from `allowedTaskSizes`.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedTaskSizes: {
        type: "array",
        items: { type: "string", pattern: "^\\d+/\\d+$" },
        default: ["512/1024", "512/2048", "1024/2048", "1024/4096", "2048/4096", "2048/8192", "4096/8192", "4096/16384"],
        description: "Allowed Fargate task sizes, <cpu units>/<memory MiB>. Default 0.5-4 vCPU with 2 or 4 GB per vCPU.",
      },
    },
  },
  validateResource: validateResourceOfType(aws.ecs.TaskDefinition, (task, args, reportViolation) => {
    if (!(task.requiresCompatibilities ?? []).includes("FARGATE") || task.cpu === undefined || task.memory === undefined) return;
    const { allowedTaskSizes } = args.getConfig<FargateSizeConfig>();
    const size = `${task.cpu}/${task.memory}`;
    if (!allowedTaskSizes.includes(size)) {
      reportViolation(`Fargate task definition ${args.name} has size ${size} (cpu/memory MiB), which is not allowed (allowed: ${allowedTaskSizes.join(", ")})`);
    }
  }),
};
