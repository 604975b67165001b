// monthly-budget (cost pack): the rule's description below is what the CLI prints with each violation; the helpers it shares with its family, and the AWS documentation behind them, are in policy/lib/cost/budget.ts.
import type { StackValidationPolicy } from "@pulumi/policy";
import { BudgetConfig } from "../../lib/cost/budget";
import { describeLargestItems, estimateMinimumMonthlyCost, formatUsd } from "../../lib/cost/estimate";

export const monthlyBudget: StackValidationPolicy = {
  name: "monthly-budget",
  description:
    "The estimated monthly cost of the stack's minimum footprint (DynamoDB capacity at its auto scaling minimum, DAX nodes, NAT gateways, " +
    "load balancers, instances at the auto scaling minimum, Aurora instances, cache nodes, public IPv4 addresses), priced from the " +
    "committed price snapshot, stays under `monthlyBudgetUsd`.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      monthlyBudgetUsd: { type: "number", minimum: 1, description: "Monthly budget in USD for the minimum footprint. Required." },
      largestItems: { type: "integer", minimum: 1, maximum: 20, default: 5, description: "Line items named in the message. Default 5." },
      albBaselineLcu: { type: "number", minimum: 0, default: 1, description: "LCUs per hour assumed for each ALB. Default 1." },
    },
    required: ["monthlyBudgetUsd"],
  },
  validateStack: (args, reportViolation) => {
    const { monthlyBudgetUsd, largestItems, albBaselineLcu } = args.getConfig<BudgetConfig>();
    const estimate = estimateMinimumMonthlyCost(args.resources, { albBaselineLcu });
    if (estimate.totalMonthlyUsd <= monthlyBudgetUsd) {
      return;
    }
    const unpriced =
      estimate.unpriced.length > 0
        ? `; not priced (so not included): ${estimate.unpriced.map((n) => `${n.resourceName} (${n.reason})`).join(", ")}`
        : "";
    reportViolation(
      `estimated minimum monthly cost ${formatUsd(estimate.totalMonthlyUsd)} exceeds monthlyBudgetUsd ${formatUsd(monthlyBudgetUsd)} ` +
        `(prices of ${estimate.snapshotDate}); largest items: ${describeLargestItems(estimate, largestItems)}${unpriced}`,
    );
  },
};
