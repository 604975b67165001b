/**
 * One plan per stack and mode for all plan test files: the runs take seconds each, and every file
 * asserts on the same committed stack files.
 */
import { plan, StackPlan } from "../../../offline/plan/plan";

const plans = new Map<string, Promise<StackPlan>>();

export function plannedStack(stack: string, preview = false): Promise<StackPlan> {
  const key = `${stack}${preview ? " preview" : ""}`;
  let p = plans.get(key);
  if (!p) {
    p = plan(stack, { preview });
    plans.set(key, p);
  }
  return p;
}
