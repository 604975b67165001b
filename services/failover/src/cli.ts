/**
 * `npm run failover -- --env prod --to eu-west-1 [--dry-run] [--force]`: the command line of the
 * failover (failover.ts). The environment's regions come from the stack files (Pulumi.<stack>.yaml
 * with that `environment`), or --regions. AWS credentials come from the SDK's default chain
 * (AWS_PROFILE, `aws configure` / SSO); each region is named by the stack files, so no default
 * region is needed. A failure says which AWS call failed (services/cli/explain.ts), and tells the
 * operator to re-run only when this run had started changing things.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { explainError } from "../../cli/explain";
import { parseCliArgs, UsageError } from "../../cli/usage";
import { STREAM_BATCH_TIMEOUT_SECONDS } from "../../stream-processor/src/filter";
import { describeBound, twoWriterBound } from "./bounds";
import { awsCloud, DEFAULT_USER_AGENT, type FailoverCloud } from "./cloud";
import { FailoverRefused, runFailover, type FailoverOptions } from "./failover";

const BOUND = twoWriterBound();

export const USAGE = `Usage: npm run failover -- --env <environment> --to <region> [options]

Moves the environment's write region to <region>: shows both regions, checks the replication lag,
fences the old region, stops its stream consumer, flips the flag, starts the target's consumer,
points DNS at it, waits until its instances report write mode, then moves the reference database's
writer (Aurora global database: a switchover; a failover with data loss only under --force when the
old writer's region does not answer). Every step is idempotent: re-run
the same command after an interruption. Failing back is the same command with the other region.

Needs AWS credentials for the environment's account (AWS_PROFILE after aws configure or aws sso
login, or keys); the regions come from the stack files, so no default region. A dry run only reads.

Options:
  --dry-run                 print the state and the plan of steps; change nothing
  --force                   go on although the replication lag is above the threshold or unknown;
                            fail the reference database over (data loss allowed) when the old
                            writer's region does not answer
  --max-lag-seconds <n>     highest acceptable ReplicationLatency into the target (default 5)
  --regions <a,b>           the environment's regions (default: from the Pulumi.<stack>.yaml files)
  --project <name>          Pulumi project, the parameters' prefix (default: Pulumi.yaml's name)
  --fence-wait-seconds <n>  the two-writer bound: after the fence, flip the target no earlier than
                            this unless every InService instance (EC2) or running task
                            (Fargate) of the old region answered read-only (default ${BOUND.totalMs / 1000}, from the service's defaults:
                            ${describeBound(BOUND)};
                            raise it if the fleet runs with longer WRITE_REGION_* settings)
  --in-flight-seconds <n>   wait for writes admitted before the fence (default ${BOUND.longestWriteMs / 1000})
  --consumer-drain-seconds <n>  after the old stream consumer stops, wait this plus the lag before
                            starting the target's: a batch it had begun may still run (default
                            ${STREAM_BATCH_TIMEOUT_SECONDS}, the processor's timeout)
  --wait-timeout-seconds <n> longest wait for instances and mappings (default 120)
  --probes <n>              answers in a row that confirm a region's instances (default 6)
  --db-wait-seconds <n>     longest wait for the reference database's switchover or failover, and
                            for one already in progress (default 900)
  --db-poll-ms <n>          how often the global cluster is described meanwhile (default 10000)
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

/** `trading-platform-failover/<version>`: the probe's User-Agent, the version from the repository's package.json. */
export function failoverUserAgent(repoRoot: string): string {
  try {
    const version = (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version?: unknown }).version;
    return typeof version === "string" && version ? `${DEFAULT_USER_AGENT}/${version}` : DEFAULT_USER_AGENT;
  } catch {
    return DEFAULT_USER_AGENT;
  }
}

function projectName(repoRoot: string): string {
  return String((parseYaml(readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8")) as { name?: string }).name ?? "trading-platform");
}

const number = (value: string | undefined, name: string, what: "non-negative" | "positive whole"): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  const ok = what === "positive whole" ? Number.isSafeInteger(n) && n > 0 : Number.isFinite(n) && n >= 0;
  if (value.trim() === "" || !ok) throw new UsageError(`--${name} must be a ${what} number; got ${JSON.stringify(value)}`);
  return n;
};
const seconds = (value: string | undefined, name: string): number | undefined => {
  const n = number(value, name, "non-negative");
  return n === undefined ? undefined : n * 1000;
};

const HELP_HINT = "(npm run failover -- --help lists the options)";

/**
 * The cloud, noting whether any change was asked of it: after a failure, "re-run to resume" is
 * right only when something had started to change; before that (and always in a dry run) nothing did.
 */
function noticingChanges(cloud: FailoverCloud): { cloud: FailoverCloud; changed: () => boolean } {
  let changed = false;
  return {
    changed: () => changed,
    cloud: {
      ...cloud,
      putFlag(region, value) {
        changed = true;
        return cloud.putFlag(region, value);
      },
      setMappingEnabled(region, uuid, enabled) {
        changed = true;
        return cloud.setMappingEnabled(region, uuid, enabled);
      },
      setHealthCheck(id, state) {
        changed = true;
        return cloud.setHealthCheck(id, state);
      },
      switchoverGlobalDatabase(region, identifier, targetClusterArn) {
        changed = true;
        return cloud.switchoverGlobalDatabase(region, identifier, targetClusterArn);
      },
      failoverGlobalDatabase(region, identifier, targetClusterArn) {
        changed = true;
        return cloud.failoverGlobalDatabase(region, identifier, targetClusterArn);
      },
    },
  };
}

/** Runs the command; returns its exit code (0 done, 1 refused or failed, 2 done but write mode not confirmed). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseCliArgs({
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
        "consumer-drain-seconds": { type: "string" },
        "wait-timeout-seconds": { type: "string" },
        probes: { type: "string" },
        "probe-interval-ms": { type: "string" },
        "db-wait-seconds": { type: "string" },
        "db-poll-ms": { type: "string" },
        "endpoint-url": { type: "string" },
        "region-endpoint": { type: "string", multiple: true },
        "route53-endpoint": { type: "string" },
        help: { type: "boolean", default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    io.err(`failover: ${explainError(error)}\n${HELP_HINT}`);
    return 1;
  }
  if (parsed.help) {
    io.out(USAGE);
    return 0;
  }
  const missing = (["env", "to"] as const).filter((name) => !parsed[name]);
  if (missing.length > 0) {
    io.err(`failover: ${missing.map((name) => `--${name}`).join(" and ")} ${missing.length > 1 ? "are" : "is"} required (--env <environment> --to <region>)\n${HELP_HINT}`);
    return 1;
  }
  const env = String(parsed.env);
  const to = String(parsed.to);
  const dryRun = parsed["dry-run"];
  let watched: ReturnType<typeof noticingChanges> | undefined;
  try {
    const repoRoot = io.repoRoot ?? REPO_ROOT;
    const project = parsed.project ?? projectName(repoRoot);
    const regions = parsed.regions ? parsed.regions.split(",").map((r) => r.trim()).filter(Boolean) : environmentRegions(repoRoot, project, env);
    if (regions.length < 2) {
      throw new FailoverRefused(`environment ${env} has ${regions.length} region(s) (${regions.join(", ") || "none"}); a failover needs two`);
    }
    const regionEndpoints: Record<string, string> = {};
    for (const region of regions) if (parsed["endpoint-url"]) regionEndpoints[region] = parsed["endpoint-url"];
    for (const entry of parsed["region-endpoint"] ?? []) {
      const [region, url] = entry.split("=", 2);
      if (!region || !url) throw new UsageError(`--region-endpoint takes <region>=<url>; got ${JSON.stringify(entry)}`);
      regionEndpoints[region] = url;
    }
    const route53Endpoint = parsed["route53-endpoint"] ?? parsed["endpoint-url"];
    const cloudOptions = { project, environment: env, regionEndpoints, userAgent: failoverUserAgent(repoRoot), ...(route53Endpoint ? { route53Endpoint } : {}) };
    const options: FailoverOptions = {
      regions,
      to,
      dryRun,
      force: parsed.force,
      ...defined({
        maxLagMs: seconds(parsed["max-lag-seconds"], "max-lag-seconds"),
        fenceWaitMs: seconds(parsed["fence-wait-seconds"], "fence-wait-seconds"),
        inFlightMs: seconds(parsed["in-flight-seconds"], "in-flight-seconds"),
        consumerDrainMs: seconds(parsed["consumer-drain-seconds"], "consumer-drain-seconds"),
        waitTimeoutMs: seconds(parsed["wait-timeout-seconds"], "wait-timeout-seconds"),
        probesRequired: number(parsed.probes, "probes", "positive whole"),
        probeIntervalMs: number(parsed["probe-interval-ms"], "probe-interval-ms", "non-negative"),
        databaseWaitMs: seconds(parsed["db-wait-seconds"], "db-wait-seconds"),
        databasePollMs: number(parsed["db-poll-ms"], "db-poll-ms", "non-negative"),
      }),
    };
    watched = noticingChanges((io.cloud ?? awsCloud)(cloudOptions));
    const report = await runFailover(watched.cloud, options, io.out);
    return report.exitCode;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`failover: ${error.message}\n${HELP_HINT}`);
      return 1;
    }
    if (error instanceof FailoverRefused) {
      io.err(`Refused: ${error.message}`);
      return 1;
    }
    const why = explainError(error);
    if (dryRun) io.err(`Dry run stopped (it changes nothing): ${why}`);
    else if (watched?.changed()) io.err(`Failed: ${why}\nNothing after the last step shown was done: re-run to resume.`);
    else io.err(`Stopped before changing anything: ${why}`);
    return 1;
  }
}

function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
