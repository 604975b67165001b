/**
 * Stack config key owned by GameDays (namespace `trading-platform:`): whether the stack carries its
 * AWS FIS experiment templates. stacks/config.ts spreads the shape into the stack schema.
 */
import { z } from "zod";
import { STACK_TAG } from "./plan";

export const gameDaysConfigShape = {
  gameDays: z
    .boolean()
    .default(false)
    .describe(
      "Create this stack's AWS FIS experiment templates (AZ loss, Aurora failover, cache AZ power interruption), each with its own role, stop condition on the stack's trading-degraded alarm and a log group. A template costs nothing until an experiment is started. Default false.",
    ),
};

/**
 * gameDays needs the stack tag among the provider's default tags: the cache's rehearsal selects the
 * replication group by tags (FIS selects that resource type by tag), and only `Stack: <stack>` keeps
 * the selection to this stack's resources.
 */
export function checkGameDaysConfig(
  cfg: { gameDays: boolean; stack: string; defaultTags: Record<string, string> },
  report: (key: string, message: string) => void,
): void {
  if (cfg.gameDays && cfg.defaultTags[STACK_TAG] !== cfg.stack) {
    const found = cfg.defaultTags[STACK_TAG];
    report(
      "aws:defaultTags",
      `gameDays needs the tag ${STACK_TAG}: ${cfg.stack} among the default tags (got ${found === undefined ? "none" : `${STACK_TAG}: ${found}`}): the game days' FIS targets select this stack's resources by it`,
    );
  }
}
