/**
 * One plan per stack and mode for all plan test files: the runs take seconds each, and every file
 * asserts on the same committed stack files.
 */
import { plan, StackPlan } from "../../../offline/plan/plan";

const plans = new Map<string, Promise<StackPlan>>();

function cached(key: string, make: () => Promise<StackPlan>): Promise<StackPlan> {
  let p = plans.get(key);
  if (!p) {
    p = make();
    plans.set(key, p);
  }
  return p;
}

export function plannedStack(stack: string, preview = false): Promise<StackPlan> {
  return cached(`${stack}${preview ? " preview" : ""}`, () => plan(stack, { preview }));
}

/** The committed stack file planned on ECS Fargate (`npm run plan -- <stack> --set computePlatform=fargate`). */
export function plannedFargateStack(stack: string, preview = false): Promise<StackPlan> {
  return cached(`${stack} fargate${preview ? " preview" : ""}`, () => plan(stack, { preview, overrides: { "trading-platform:computePlatform": "fargate" } }));
}
