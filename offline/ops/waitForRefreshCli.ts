/**
 * `npm run refresh:wait -- --asg <name> --since <ISO time> [--region <region>] [--timeout-minutes N]`:
 * waits for the instance refreshes that started since the deploy began (see ./waitForRefresh.ts)
 * and exits 1 when one failed, was cancelled or rolled back, or did not end in time; 0 otherwise
 * (also when the deploy started none). Needs autoscaling:DescribeInstanceRefreshes. The region is
 * --region, else the SDK's (AWS_REGION, the profile's region).
 */
import { AutoScalingClient, DescribeInstanceRefreshesCommand } from "@aws-sdk/client-auto-scaling";
import { nameAwsCalls } from "../../services/cli/awsCalls";
import { runMain } from "../../services/cli/main";
import { parseCliArgs, UsageError } from "../../services/cli/usage";
import { RefreshSummary, waitForInstanceRefreshes } from "./waitForRefresh";

const USAGE = `usage: npm run refresh:wait -- --asg <name> --since <ISO time> [--region <region>] [--timeout-minutes N]
Needs AWS credentials (AWS_PROFILE after aws configure or aws sso login, keys, or the deploy role) allowed
autoscaling:DescribeInstanceRefreshes; the region is --region, else AWS_REGION or the profile's.`;

async function main(): Promise<number> {
  const { values } = parseCliArgs({
    args: process.argv.slice(2),
    options: { asg: { type: "string" }, region: { type: "string" }, since: { type: "string" }, "timeout-minutes": { type: "string", default: "60" }, help: { type: "boolean" } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const missing = (["asg", "since"] as const).filter((name) => !values[name]);
  if (missing.length > 0) throw new UsageError(`${missing.map((name) => `--${name}`).join(" and ")} ${missing.length > 1 ? "are" : "is"} required (npm run refresh:wait -- --help)`);
  const since = String(values.since);
  if (Number.isNaN(Date.parse(since))) throw new UsageError(`--since must be an ISO time such as 2026-01-31T12:00:00Z; got ${JSON.stringify(since)}`);
  const timeoutMinutes = Number(values["timeout-minutes"]);
  if (!Number.isFinite(timeoutMinutes) || timeoutMinutes <= 0) {
    throw new UsageError(`--timeout-minutes must be a positive number; got ${JSON.stringify(values["timeout-minutes"])}`);
  }
  const client = nameAwsCalls(new AutoScalingClient(values.region ? { region: values.region } : {}));
  const asg = String(values.asg);
  const describe = async (): Promise<RefreshSummary[]> => {
    const out = await client.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: asg, MaxRecords: 10 }));
    return (out.InstanceRefreshes ?? []).map((r) => ({
      id: r.InstanceRefreshId ?? "(no id)",
      status: r.Status ?? "(no status)",
      statusReason: r.StatusReason,
      startTime: r.StartTime,
      percentageComplete: r.PercentageComplete,
    }));
  };
  const outcome = await waitForInstanceRefreshes({
    describe,
    since: new Date(since),
    pollMs: 30_000,
    timeoutMs: timeoutMinutes * 60_000,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  switch (outcome.result) {
    case "none":
      process.stdout.write(`${asg}: no instance refresh started during this deploy\n`);
      return 0;
    case "succeeded":
      process.stdout.write(`${asg}: instance refresh ${outcome.refreshes.map((r) => r.id).join(", ")} succeeded\n`);
      return 0;
    case "failed":
      process.stderr.write(`${asg}: instance refresh ${outcome.refresh.id} ended ${outcome.refresh.status}: ${outcome.refresh.statusReason ?? "(no reason given)"}\n`);
      return 1;
    case "timed-out":
      process.stderr.write(`${asg}: instance refresh still running after ${timeoutMinutes} minutes\n`);
      return 1;
  }
}

runMain("refresh:wait", main);
