// ecs-container-hardening (security pack): every container of an ECS task definition runs as a non-root user on a read-only root filesystem, unprivileged.
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

interface ContainerSettings {
  name?: unknown;
  user?: unknown;
  readonlyRootFilesystem?: unknown;
  privileged?: unknown;
}

/** The user a container definition names runs as root when it is unset (the image's default may be root), "root", or uid 0. */
function runsAsRoot(user: unknown): boolean {
  if (typeof user !== "string" || user.trim() === "") return true;
  const [name] = user.split(":");
  return name === "root" || name === "0";
}

/**
 * Why: a writable root filesystem lets a compromised process change the code it runs, root in the
 * container widens what a container escape reaches, and `privileged` (EC2 launch type only, refused
 * on Fargate) gives the container the host's devices. ECS task definition parameters
 * (`readonlyRootFilesystem`, `user`, `privileged`), AWS Security Hub controls ECS.4 and ECS.5.
 * A container definition whose JSON is unknown (a first preview) is not judged.
 */
export const ecsContainerHardening: ResourceValidationPolicy = {
  name: "ecs-container-hardening",
  description:
    "Every container of an ECS task definition sets a non-root `user` (not unset, root or 0), `readonlyRootFilesystem: true` and is not `privileged`.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(aws.ecs.TaskDefinition, (task, args, reportViolation) => {
    if (typeof task.containerDefinitions !== "string") return;
    let containers: ContainerSettings[];
    try {
      containers = JSON.parse(task.containerDefinitions) as ContainerSettings[];
    } catch {
      return;
    }
    for (const c of containers) {
      const name = `container ${String(c.name)} of task definition ${args.name}`;
      if (runsAsRoot(c.user)) reportViolation(`${name} runs as root (user ${c.user === undefined ? "unset: the image's default" : JSON.stringify(c.user)}); set a non-root user`);
      if (c.readonlyRootFilesystem !== true) reportViolation(`${name} has a writable root filesystem; set readonlyRootFilesystem: true (and mount volumes for the paths it writes)`);
      if (c.privileged === true) reportViolation(`${name} is privileged`);
    }
  }),
};
