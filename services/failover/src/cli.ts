/**
 * `npm run failover -- --env prod --to eu-west-1 [--dry-run] [--force]`: the command line of the
 * failover (failover.ts). The environment's regions come from the stack files (Pulumi.<stack>.yaml
 * with that `environment`), or --regions. AWS credentials come from the SDK's default chain.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { awsCloud, type FailoverCloud } from "./cloud";
import { FailoverRefused, runFailover, type FailoverOptions } from "./failover";

export const USAGE = `Usage: npm run failover -- --env <environment> --to <region> [options]

Moves the environment's write region to <region>: shows both regions, checks the replication lag,
fences the old region, stops its stream consumer, flips the flag, starts the target's consumer,
points DNS at it and waits until its instances report write mode. Every step is idempotent: re-run
the same command after an interruption. Failing back is the same command with the other region.

Options:
  --dry-run                 print the state and the plan of steps; change nothing
  --force                   go on although the replication lag is above the threshold or unknown
  --max-lag-seconds <n>     highest acceptable ReplicationLatency into the target (default 5)
  --regions <a,b>           the environment's regions (default: from the Pulumi.<stack>.yaml files)
  --project <name>          Pulumi project, the parameters' prefix (default: Pulumi.yaml's name)
  --fence-wait-seconds <n>  wait when an old region's flag cannot be changed (default 30)
  --in-flight-seconds <n>   wait for writes admitted before the fence (default 10)
  --wait-timeout-seconds <n> longest wait for instances and mappings (default 120)
  --probes <n>              answers in a row that confirm a region's instances (default 6)
  --endpoint-url <url>      endpoint of every AWS service (an emulator)
  --region-endpoint <region=url>  endpoint of one region's services (repeatable)
  --route53-endpoint <url>  endpoint of Route 53 (default --endpoint-url)
`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Builds the cloud; tests may wrap the AWS one. */
  cloud?: (options: Parameters<typeof awsCloud>[0]) => FailoverCloud;
  /** Repository root, where the stack files are. */
  repoRoot?: string;
}

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

/** The regions of `environment`'s stacks, primary first, from the stack files. */
export function environmentRegions(repoRoot: string, project: string, environment: string): string[] {
  const stacks = readdirSync(repoRoot)
    .filter((file) => /^Pulumi\.[^.]+\.yaml$/.test(file))
    .map((file) => (parseYaml(readFileSync(path.join(repoRoot, file), "utf8")) as { config?: Record<string, unknown> }).config ?? {})
    .filter((config) => config[`${project}:environment`] === environment && typeof config["aws:region"] === "string");
  stacks.sort((a, b) => (a[`${project}:role`] === "primary" ? -1 : b[`${project}:role`] === "primary" ? 1 : 0));
  return [...new Set(stacks.map((config) => String(config["aws:region"])))];
}

function projectName(repoRoot: string): string {
  return String((parseYaml(readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8")) as { name?: string }).name ?? "trading-platform");
}

const seconds = (value: string | undefined, name: string): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new FailoverRefused(`--${name} must be a non-negative number; got ${JSON.stringify(value)}`);
  return n * 1000;
};

/** Runs the command; returns its exit code (0 done, 1 refused or failed, 2 done but write mode not confirmed). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        env: { type: "string" },
        to: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        force: { type: "boolean", default: false },
        "max-lag-seconds": { type: "string" },
        regions: { type: "string" },
        project: { type: "string" },
        "fence-wait-seconds": { type: "string" },
        "in-flight-seconds": { type: "string" },
        "wait-timeout-seconds": { type: "string" },
        probes: { type: "string" },
        "probe-interval-ms": { type: "string" },
        "endpoint-url": { type: "string" },
        "region-endpoint": { type: "string", multiple: true },
        "route53-endpoint": { type: "string" },
        help: { type: "boolean", default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 1;
  }
  if (parsed.help) {
    io.out(USAGE);
    return 0;
  }
  if (!parsed.env || !parsed.to) {
    io.err(`--env and --to are required\n\n${USAGE}`);
    return 1;
  }
  try {
    const repoRoot = io.repoRoot ?? REPO_ROOT;
    const project = parsed.project ?? projectName(repoRoot);
    const regions = parsed.regions ? parsed.regions.split(",").map((r) => r.trim()).filter(Boolean) : environmentRegions(repoRoot, project, parsed.env);
    if (regions.length < 2) {
      throw new FailoverRefused(`environment ${parsed.env} has ${regions.length} region(s) (${regions.join(", ") || "none"}); a failover needs two`);
    }
    const regionEndpoints: Record<string, string> = {};
    for (const region of regions) if (parsed["endpoint-url"]) regionEndpoints[region] = parsed["endpoint-url"];
    for (const entry of parsed["region-endpoint"] ?? []) {
      const [region, url] = entry.split("=", 2);
      if (!region || !url) throw new FailoverRefused(`--region-endpoint takes <region>=<url>; got ${JSON.stringify(entry)}`);
      regionEndpoints[region] = url;
    }
    const route53Endpoint = parsed["route53-endpoint"] ?? parsed["endpoint-url"];
    const cloudOptions = { project, environment: parsed.env, regionEndpoints, ...(route53Endpoint ? { route53Endpoint } : {}) };
    const cloud = (io.cloud ?? awsCloud)(cloudOptions);
    const options: FailoverOptions = {
      regions,
      to: parsed.to,
      dryRun: parsed["dry-run"],
      force: parsed.force,
      ...defined({
        maxLagMs: seconds(parsed["max-lag-seconds"], "max-lag-seconds"),
        fenceWaitMs: seconds(parsed["fence-wait-seconds"], "fence-wait-seconds"),
        inFlightMs: seconds(parsed["in-flight-seconds"], "in-flight-seconds"),
        waitTimeoutMs: seconds(parsed["wait-timeout-seconds"], "wait-timeout-seconds"),
        probesRequired: parsed.probes === undefined ? undefined : Math.max(1, Math.floor(Number(parsed.probes))),
        probeIntervalMs: parsed["probe-interval-ms"] === undefined ? undefined : Number(parsed["probe-interval-ms"]),
      }),
    };
    const report = await runFailover(cloud, options, io.out);
    return report.exitCode;
  } catch (error) {
    if (error instanceof FailoverRefused) {
      io.err(`Refused: ${error.message}`);
      return 1;
    }
    io.err(`Failed: ${error instanceof Error ? error.message : String(error)} (nothing after the last step shown was done; re-run to resume)`);
    return 1;
  }
}

function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
