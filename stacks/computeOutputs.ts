/**
 * The contract's `compute` section (added in 1.4.0, stacks/outputs.ts): which platform runs the
 * trading fleet, and that platform's identifiers. Its own module so outputs.ts stays the contract's
 * index; like it, it depends on zod only, so another team's program can import it.
 */
import { z } from "zod";

const nonEmpty = z.string().min(1, "must not be empty");
const roleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "must be the ARN of an IAM role");

/**
 * What runs the trading fleet (added in 1.4.0): `platform` says which, and the fields of that
 * platform are present (ec2: the Auto Scaling group; fargate: the ECS cluster and service, the image
 * repository and the image the tasks run, the execution role).
 */
export interface ComputeOutputs {
  platform: "ec2" | "fargate";
  /** ec2: the Auto Scaling group (its InService instances are the fleet). */
  autoScalingGroupName?: string;
  /** fargate: the ECS cluster. */
  ecsClusterName?: string;
  /** fargate: the ECS service (its RUNNING tasks are the fleet; ecs:ListTasks counts them). */
  ecsServiceName?: string;
  /** fargate: the stack's ECR repository the image is pushed to. */
  imageRepositoryUrl?: string;
  /** fargate: the image the tasks run, `<repository>@sha256:<digest>`. */
  imageUri?: string;
  /** fargate: the role ECS pulls the image, ships the logs and injects the secrets with. */
  executionRoleArn?: string;
}

/** The fields each platform must publish in `compute`. */
const COMPUTE_FIELDS = {
  ec2: ["autoScalingGroupName"],
  fargate: ["ecsClusterName", "ecsServiceName", "imageRepositoryUrl", "imageUri", "executionRoleArn"],
} as const;

export const computeOutputsSchema = z
  .object({
    platform: z.enum(["ec2", "fargate"]),
    autoScalingGroupName: nonEmpty.optional(),
    ecsClusterName: nonEmpty.optional(),
    ecsServiceName: nonEmpty.optional(),
    imageRepositoryUrl: z.string().regex(/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/\S+$/, "must be an ECR repository URL").optional(),
    imageUri: z.string().regex(/^\S+@sha256:[0-9a-f]{64}$/, "must be an image pinned by digest (<repository>@sha256:<digest>)").optional(),
    executionRoleArn: roleArn.optional(),
  })
  .superRefine((compute, ctx) => {
    for (const [platform, fields] of Object.entries(COMPUTE_FIELDS)) {
      for (const field of fields) {
        const present = compute[field] !== undefined;
        if (present !== (compute.platform === platform)) {
          const message = present ? `is published on ${platform} only, but platform is ${compute.platform}` : `is required when platform is ${platform}`;
          ctx.addIssue({ code: "custom", path: [field], message, input: compute[field] });
        }
      }
    }
  });
