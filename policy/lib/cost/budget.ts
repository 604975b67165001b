/**
 * The monthly budget: the estimated cost of the stack's minimum footprint (policy/lib/cost) must
 * stay under `monthlyBudgetUsd`. The message gives the estimate, the price snapshot's date and the
 * largest items, so a reviewer sees what to cut.
 */

export interface BudgetConfig {
  monthlyBudgetUsd: number;
  largestItems: number;
  albBaselineLcu: number;
}
