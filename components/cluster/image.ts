/**
 * The trading API as a container image (computePlatform fargate): built by `pulumi up` from
 * services/trading-api/Dockerfile around the same esbuild bundle the EC2 fleet is shipped
 * (artifact.ts), and pushed to an ECR repository the stack owns.
 */
import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { NODE_MAJOR, type ServiceArtifact } from "./artifact";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The Dockerfile and the ignore file of the image (services/trading-api). */
export const DOCKERFILE = path.join(REPO_ROOT, "services", "trading-api", "Dockerfile");
export const DOCKERIGNORE = path.join(REPO_ROOT, "services", "trading-api", ".dockerignore");

/**
 * Graviton: Fargate runs Linux tasks on ARM64 for about 20 % less per vCPU- and GB-hour than on
 * X86_64 (AWS Fargate pricing), the same architecture as the EC2 fleet's default m7g. Building it on
 * an x86_64 machine needs QEMU emulation registered with BuildKit (README: what a deployer needs).
 */
export const IMAGE_PLATFORM = "linux/arm64" as const;
export const TASK_CPU_ARCHITECTURE = "ARM64" as const;

/** How many images the lifecycle policy keeps: the current one and enough to roll back to. */
export const KEPT_IMAGES = 20;

/**
 * The image's tag: the SHA-256 of what goes into it (the bundle's hash, the Dockerfile and the
 * ignore file), so the same content is the same tag on every machine, a changed service or
 * Dockerfile is a new tag, and an immutable repository refuses to move a tag to other content.
 */
export function imageTag(artifact: ServiceArtifact, dockerfile: string, dockerignore: string): string {
  return createHash("sha256").update(`${artifact.sha256}\n`).update(dockerfile).update("\n").update(dockerignore).digest("hex");
}

/**
 * The ECR lifecycle policy: untagged images (an interrupted push's leftovers) go after a day, and
 * of the tagged ones the newest {@link KEPT_IMAGES} stay (ECR User Guide, "Lifecycle policies":
 * `imageCountMoreThan` on `tagStatus: any` counts every image; rules are applied by priority).
 */
export function lifecyclePolicy(kept: number = KEPT_IMAGES): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: "Untagged images (interrupted pushes) after a day",
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Keep the newest ${kept} images (the current one and its rollbacks)`,
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: kept },
        action: { type: "expire" },
      },
    ],
  });
}

/**
 * Writes the build context: a directory of the bundle (main.js) and the ignore file, named by the
 * tag so that runs with the same content reuse it. Nothing else of the repository is sent to the
 * builder.
 */
export function writeImageContext(artifact: ServiceArtifact, tag: string, dockerignore: string): string {
  const dir = path.join(os.tmpdir(), `trading-api-image-${tag.slice(0, 16)}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "main.js"), artifact.code);
  fs.writeFileSync(path.join(dir, ".dockerignore"), dockerignore);
  return dir;
}

/** Inputs of {@link serviceImage}. */
export interface ServiceImageArgs {
  readonly artifact: ServiceArtifact;
  /** Let a destroy delete the repository with its images (disposable stacks). */
  readonly forceDelete: boolean;
}

export interface ServiceImage {
  readonly repository: aws.ecr.Repository;
  readonly image: dockerBuild.Image;
  /** `<repository URL>@sha256:…`: what the task definition runs, pinned by digest. */
  readonly imageUri: pulumi.Output<string>;
  /** The content tag ({@link imageTag}). */
  readonly tag: string;
}

/** Registers the repository, its lifecycle policy and the image under `scope`. */
export function serviceImage(scope: pulumi.Resource, name: string, args: ServiceImageArgs): ServiceImage {
  const parent = { parent: scope };
  const dockerfile = fs.readFileSync(DOCKERFILE, "utf8");
  const dockerignore = fs.readFileSync(DOCKERIGNORE, "utf8");
  const tag = imageTag(args.artifact, dockerfile, dockerignore);

  const repository = new aws.ecr.Repository(
    `${name}-api`,
    {
      // A tag names one content for ever: a push of other content under it is refused.
      imageTagMutability: "IMMUTABLE",
      // Basic scanning on every push (ECR User Guide, "Scan images for software vulnerabilities").
      imageScanningConfiguration: { scanOnPush: true },
      // SSE-KMS with ECR's AWS managed key (aws/ecr): ECR decrypts the layers on a pull through its
      // own grant ("Encryption at rest", ECR User Guide), so the execution role needs no KMS
      // permission. The cluster's key would need its key policy to let ECR create grants on it.
      encryptionConfigurations: [{ encryptionType: "KMS" }],
      forceDelete: args.forceDelete,
    },
    parent,
  );
  new aws.ecr.LifecyclePolicy(`${name}-api`, { repository: repository.name, policy: lifecyclePolicy() }, parent);

  // Short-lived (12 h) registry credentials of this account, held in memory by the provider only.
  const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId }, parent);
  const image = new dockerBuild.Image(
    `${name}-api`,
    {
      context: { location: writeImageContext(args.artifact, tag, dockerignore) },
      dockerfile: { location: DOCKERFILE },
      buildArgs: { BUNDLE_SHA256: args.artifact.sha256, NODE_MAJOR: String(NODE_MAJOR) },
      platforms: [IMAGE_PLATFORM],
      tags: [pulumi.interpolate`${repository.repositoryUrl}:${tag}`],
      push: true,
      // A preview (pull-request policy checks included) needs no Docker engine: it still validates
      // the Dockerfile's syntax, and builds only on `pulumi up`.
      buildOnPreview: false,
      registries: [
        {
          address: repository.repositoryUrl.apply((url) => url.split("/")[0]),
          username: auth.userName,
          password: auth.password,
        },
      ],
    },
    parent,
  );
  const imageUri = pulumi.interpolate`${repository.repositoryUrl}@${image.digest}`;
  return { repository, image, imageUri, tag };
}
