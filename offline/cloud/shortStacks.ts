/**
 * Short stack traces while the mock cloud runs a program (and while the plan analyses it). Pulumi's
 * SDK captures a stack trace for every promise it creates (to report leaked promises) and the
 * policy evaluator an Error per not-applicable check; under tsx's source maps those captures are
 * about half of a run's time. Error messages are unaffected; set FULL_STACKS=1 (or the plan's
 * older PLAN_FULL_STACKS=1) to debug a component with full stacks.
 */

/** Stack frames kept while a program runs under the mock cloud or a plan is derived. */
export const SHORT_STACK_FRAMES = 4;

export async function withShortStacks<T>(fn: () => Promise<T>): Promise<T> {
  if (process.env.FULL_STACKS || process.env.PLAN_FULL_STACKS) {
    return fn();
  }
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = Math.min(saved, SHORT_STACK_FRAMES);
  try {
    return await fn();
  } finally {
    Error.stackTraceLimit = saved;
  }
}
