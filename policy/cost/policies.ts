/**
 * The cost pack (owner: FinOps): provisioned DynamoDB capacity with auto scaling inside bounds,
 * instance types from allow-lists, and a monthly budget for the minimum footprint.
 * The offline evaluator imports this module; index.ts hands it to the PolicyPack constructor.
 */
import type { PolicyPackDefinition } from "../lib/packDefinition";
import { withSuppressions } from "../lib/withSuppressions";
import { rules } from "./rules";

export const costPack: PolicyPackDefinition = {
  name: "trading-cost",
  version: "1.2.1",
  description: "Provisioned-capacity and cost rules of the trading platform's AWS resources.",
  enforcementLevel: "mandatory",
  policies: rules.map(withSuppressions),
};
