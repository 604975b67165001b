// Constants shared by rule tests of several packs (moved from tests/policy/deployRules.test.ts when each rule got its own test file).

export const TG = "aws:lb/targetGroup:TargetGroup";

/** The cost pack needs a budget; this one is far above the fixtures' cost. */
export const COST_CONFIG = { "monthly-budget": { monthlyBudgetUsd: 1_000_000 } };
