import { z } from "zod";
import { DEFAULT_PORT } from "../../services/trading-api/src/contract";
import { parseCidr } from "../network/cidr";
import type { ReportIssue } from "../network/config";

/**
 * Instance families the fleet may run on, current-generation non-burstable only: a trading API on a
 * burstable type (t3/t4g) runs out of CPU credits exactly when the market is busiest. Graviton
 * (m7g, c7g) is the price/performance default; Intel (m7i, c7i) stays available for a fallback when
 * Graviton capacity is short in an AZ.
 */
export const INSTANCE_FAMILIES = ["m7g", "c7g", "m7i", "c7i"] as const;
/**
 * Sizes: `large` (2 vCPU) is the smallest that gives Node's event loop a core of its own beside GC,
 * the CloudWatch agent and SSM; above `4xlarge` one Node process cannot use the cores, and scaling
 * out across AZs beats scaling up.
 */
export const INSTANCE_SIZES = ["large", "xlarge", "2xlarge", "4xlarge"] as const;
export const INSTANCE_TYPES = INSTANCE_FAMILIES.flatMap((family) => INSTANCE_SIZES.map((size) => `${family}.${size}`));

export type CpuArchitecture = "arm64" | "x86_64";

/** Graviton families end in "g"; the AMI parameter differs per architecture. */
export function architectureOf(instanceType: string): CpuArchitecture {
  const family = instanceType.split(".")[0] ?? "";
  return /\dg[a-z]*$/.test(family) ? "arm64" : "x86_64";
}

/**
 * Where the trading API runs: `ec2`, an Auto Scaling group of instances (the default, and what the
 * committed stacks run), or `fargate`, an ECS service of Fargate tasks. Both sit behind the same
 * ALB, listener rules, security groups, IAM permissions and alarms; only the compute differs.
 */
export const COMPUTE_PLATFORMS = ["ec2", "fargate"] as const;
export type ComputePlatform = (typeof COMPUTE_PLATFORMS)[number];

/**
 * Task CPU units a Fargate task of the fleet may have: 0.5 to 4 vCPU. 256 (0.25 vCPU) is left out
 * for the same reason as burstable instances (one Node process beside the SDKs' TLS work needs at
 * least half a core); above 4 vCPU one Node process cannot use the cores.
 */
export const FARGATE_TASK_CPUS = [512, 1024, 2048, 4096] as const;
export type FargateTaskCpu = (typeof FARGATE_TASK_CPUS)[number];

/**
 * The memory (MiB) Fargate accepts with a task CPU value ("Troubleshoot Amazon ECS task definition
 * invalid CPU or memory errors", Amazon ECS Developer Guide,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html):
 * 512 CPU with 1-4 GB, 1024 with 2-8 GB, 2048 with 4-16 GB and 4096 with 8-30 GB, in 1 GB steps.
 * Any other pair is refused by RegisterTaskDefinition ("No Fargate configuration exists for given values").
 */
export function fargateMemoryChoices(cpu: number): number[] {
  const gb = { 512: [1, 4], 1024: [2, 8], 2048: [4, 16], 4096: [8, 30] }[cpu];
  if (!gb) return [];
  const [low, high] = gb;
  return Array.from({ length: high - low + 1 }, (_, i) => (low + i) * 1024);
}

export const SCALING_METRICS = ["alb-requests", "cpu"] as const;
export type ScalingMetric = (typeof SCALING_METRICS)[number];

/** An EC2 image id: `ami-` and 8 (older) or 17 hex digits. */
export const AMI_ID_PATTERN = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;

/** Production needs one instance per AZ at all times. */
export const PRODUCTION_MIN_SIZE = 3;

/**
 * What the boot needs besides its retried S3/SSM reads before the instance passes its health
 * checks: installing Node.js and the CloudWatch agent from the AL2023 repository (the largest part,
 * an estimate of tens of seconds), starting the agent and the service, and the target group's two
 * healthy checks 5 s apart (loadBalancer.ts). An estimate with margin, not a measurement.
 */
export const BOOT_RESERVE_SECONDS = 60;
/** Fewer seconds of retries than this would not ride out a typical IAM propagation delay. */
export const MIN_BOOT_RETRY_SECONDS = 15;
/**
 * The smallest health check grace period whose boot fits: the reserve plus the minimum retry
 * budget (an instance still booting when the grace period ends is replaced by the group).
 */
export const MIN_GRACE_SECONDS = BOOT_RESERVE_SECONDS + MIN_BOOT_RETRY_SECONDS;

const int = (min: number, max: number, fallback: number, text: string) =>
  z.number().int().min(min).max(max).default(fallback).describe(`${text} (${min}-${max}). Default ${fallback}.`);

/** Stack config keys owned by TradingCluster (namespace `trading-platform:`). */
export const clusterConfigShape = {
  computePlatform: z
    .enum(COMPUTE_PLATFORMS)
    .default("ec2")
    .describe(
      'Where the trading API runs: "ec2" (an Auto Scaling group of instances) or "fargate" (an ECS service of Fargate tasks, the image built by pulumi up). ' +
        "Same ALB, roles, alarms and policy either way; the cluster* size keys bound both. Default ec2.",
    ),
  clusterTaskCpu: z
    .number()
    .int()
    .refine((cpu) => (FARGATE_TASK_CPUS as readonly number[]).includes(cpu), { message: `must be one of ${FARGATE_TASK_CPUS.join(", ")}` })
    .default(1024)
    .describe(`CPU units of each Fargate task (computePlatform fargate), one of ${FARGATE_TASK_CPUS.join(", ")} (1024 = 1 vCPU). Default 1024.`),
  clusterTaskMemoryMiB: int(
    1024,
    30720,
    2048,
    "Memory (MiB) of each Fargate task (computePlatform fargate); must be a size Fargate offers with clusterTaskCpu (1 GB steps: 512 CPU 1-4 GB, 1024 2-8 GB, 2048 4-16 GB, 4096 8-30 GB)",
  ),
  clusterInstanceType: z
    .enum(INSTANCE_TYPES as [string, ...string[]])
    .default("m7g.large")
    .describe(`EC2 instance type of the fleet, one of ${INSTANCE_TYPES.join(", ")}. Default m7g.large.`),
  // Operational state: the AMI the fleet runs is pinned per stack and changes only when someone runs
  // the bump (`npm run ami:latest -- <stack>`) and merges it; a later `pulumi up` never moves it.
  clusterAmiId: z
    .string()
    .refine((id) => AMI_ID_PATTERN.test(id), { message: "must be an AMI id (ami- and 8 or 17 hex digits)" })
    .describe(
      "AMI of the fleet (Amazon Linux 2023 for the instance type's architecture), pinned per stack: `npm run ami:latest -- <stack>` " +
        "writes the current one from AWS's public SSM parameter; a merge of that change rolls the fleet. Required.",
    ),
  clusterMinSize: int(1, 100, PRODUCTION_MIN_SIZE, "Smallest number of instances; at least 3 in prod (one per AZ)"),
  clusterDesiredCapacity: int(1, 100, PRODUCTION_MIN_SIZE, "Instances at first deploy, between clusterMinSize and clusterMaxSize"),
  clusterMaxSize: int(1, 100, 9, "Largest number of instances the scaling policy may reach"),
  clusterHealthCheckGraceSeconds: int(
    MIN_GRACE_SECONDS,
    900,
    120,
    `Seconds after launch before failing ELB health checks replace an instance; the boot installs Node.js (${BOOT_RESERVE_SECONDS} s reserved for it and the health checks) ` +
      "and retries its S3/SSM reads while IAM propagates for the rest",
  ),
  clusterDeregistrationDelaySeconds: int(
    0,
    3600,
    30,
    "Seconds the ALB drains a deregistering target before it is terminated",
  ),
  clusterScalingMetric: z
    .enum(SCALING_METRICS)
    .default("alb-requests")
    .describe('Target-tracking metric: "alb-requests" (ALB requests per target) or "cpu" (average CPU). Default alb-requests.'),
  clusterScalingRequestsPerTarget: int(
    1,
    1_000_000,
    1000,
    "Target of ALB requests per target per minute when clusterScalingMetric is alb-requests",
  ),
  clusterScalingCpuPercent: int(10, 90, 50, "Target average CPU percent when clusterScalingMetric is cpu"),
  clusterIngressCidrs: z
    .array(z.string())
    .describe("IPv4 CIDRs that may reach the load balancer on 443/80 (0.0.0.0/0 for a public API). Required."),
  clusterCertificateArn: z
    .string()
    .optional()
    .describe(
      "ARN of the ACM certificate (arn:aws:acm:<this region>:<account>:certificate/<uuid>) for the HTTPS listener. Optional; required in prod. Without it the ALB serves plain HTTP.",
    ),
  clusterAccessLogRetentionDays: int(1, 3653, 90, "Days ALB access logs are kept in their bucket"),
  clusterAppPort: int(1024, 65535, DEFAULT_PORT, "Port the service listens on (unprivileged: it runs as a system user)"),
  clusterCursorSecretVersion: int(
    1,
    1_000_000,
    1,
    "Rotation counter of the pagination-cursor key in SSM Parameter Store; raise it to generate a new key and roll the fleet",
  ),
};

type ClusterConfig = z.output<z.ZodObject<typeof clusterConfigShape>>;

const CERTIFICATE_ARN = /^arn:(aws|aws-cn|aws-us-gov):acm:([a-z0-9-]+):(\d{12}):certificate\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** Parses an ACM certificate ARN; undefined when it is not one. */
export function parseCertificateArn(arn: string): { partition: string; region: string; account: string } | undefined {
  const match = CERTIFICATE_ARN.exec(arn);
  return match ? { partition: match[1], region: match[2], account: match[3] } : undefined;
}

/** Checks that involve several cluster keys, or the cluster keys and the stack. */
export function checkClusterConfig(
  cfg: ClusterConfig & { region: string; isProduction: boolean; environment: string },
  report: ReportIssue,
): void {
  if (cfg.isProduction && cfg.clusterMinSize < PRODUCTION_MIN_SIZE) {
    report("clusterMinSize", `must be at least ${PRODUCTION_MIN_SIZE} in a prod stack (one instance per AZ); got ${cfg.clusterMinSize}`);
  }
  if (cfg.clusterMinSize > cfg.clusterMaxSize) {
    report("clusterMinSize", `${cfg.clusterMinSize} is greater than clusterMaxSize ${cfg.clusterMaxSize}; need min <= desired <= max`);
  } else if (cfg.clusterDesiredCapacity < cfg.clusterMinSize || cfg.clusterDesiredCapacity > cfg.clusterMaxSize) {
    report(
      "clusterDesiredCapacity",
      `${cfg.clusterDesiredCapacity} is outside clusterMinSize..clusterMaxSize (${cfg.clusterMinSize}..${cfg.clusterMaxSize}); need min <= desired <= max`,
    );
  }
  if (!fargateMemoryChoices(cfg.clusterTaskCpu).includes(cfg.clusterTaskMemoryMiB)) {
    const choices = fargateMemoryChoices(cfg.clusterTaskCpu);
    report(
      "clusterTaskMemoryMiB",
      `${cfg.clusterTaskMemoryMiB} MiB is not a Fargate size for clusterTaskCpu ${cfg.clusterTaskCpu}; allowed ${choices[0]}-${choices[choices.length - 1]} in steps of 1024`,
    );
  }
  cfg.clusterIngressCidrs.forEach((cidr, index) => {
    try {
      parseCidr(cidr);
    } catch (err) {
      report(`clusterIngressCidrs[${index}]`, `is malformed: ${(err as Error).message}`);
    }
  });
  const duplicates = cfg.clusterIngressCidrs.filter((c, i) => cfg.clusterIngressCidrs.indexOf(c) !== i);
  if (duplicates.length > 0) {
    report("clusterIngressCidrs", `lists ${[...new Set(duplicates)].join(", ")} more than once; each CIDR may appear once`);
  }
  if (cfg.clusterCertificateArn === undefined) {
    if (cfg.isProduction) {
      report(
        "clusterCertificateArn",
        "is required in a prod stack: the ALB must serve HTTPS (arn:aws:acm:<region>:<account>:certificate/<uuid>)",
      );
    }
    return;
  }
  const certificate = parseCertificateArn(cfg.clusterCertificateArn);
  if (!certificate) {
    report(
      "clusterCertificateArn",
      `"${cfg.clusterCertificateArn}" is not an ACM certificate ARN; expected arn:aws:acm:${cfg.region}:<12-digit account>:certificate/<uuid>`,
    );
  } else if (certificate.region !== cfg.region) {
    report(
      "clusterCertificateArn",
      `is in region ${certificate.region}, but an ALB can only use an ACM certificate of its own region (${cfg.region})`,
    );
  }
}
