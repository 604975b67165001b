// Shared fixtures of the cost rule tests (moved from tests/policy/cost.test.ts when each rule got its own test file).

export const BUDGET = { "monthly-budget": { monthlyBudgetUsd: 100000 } };
