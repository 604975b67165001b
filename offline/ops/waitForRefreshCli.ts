/**
 * `npm run refresh:wait -- --asg <name> --region <region> --since <ISO time> [--timeout-minutes N]`:
 * waits for the instance refreshes that started since the deploy began (see ./waitForRefresh.ts)
 * and exits 1 when one failed, was cancelled or rolled back, or did not end in time; 0 otherwise
 * (also when the deploy started none). Needs autoscaling:DescribeInstanceRefreshes.
 */
import { AutoScalingClient, DescribeInstanceRefreshesCommand } from "@aws-sdk/client-auto-scaling";
import { parseArgs } from "node:util";
import { RefreshSummary, waitForInstanceRefreshes } from "./waitForRefresh";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { asg: { type: "string" }, region: { type: "string" }, since: { type: "string" }, "timeout-minutes": { type: "string", default: "60" } },
  });
  if (!values.asg || !values.region || !values.since || Number.isNaN(Date.parse(values.since))) {
    process.stderr.write("usage: npm run refresh:wait -- --asg <name> --region <region> --since <ISO time> [--timeout-minutes N]\n");
    return 2;
  }
  const client = new AutoScalingClient({ region: values.region });
  const asg = values.asg;
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
    since: new Date(values.since),
    pollMs: 30_000,
    timeoutMs: Number(values["timeout-minutes"]) * 60_000,
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
      process.stderr.write(`${asg}: instance refresh still running after ${values["timeout-minutes"]} minutes\n`);
      return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
