/**
 * The contract's `gameDays` section (added in 1.5.0, stacks/outputs.ts): the stack's AWS FIS
 * experiment templates by scenario and the log group their experiments write to, so an operator
 * (or another team's automation) starts a rehearsal from the stack's outputs instead of searching
 * templates by tag. Its own module so outputs.ts stays the contract's index; like it, it depends on
 * zod only, so another team's program can import it.
 */
import { z } from "zod";

/** The scenarios a stack may publish a template for (components/gamedays/plan.ts GameDayScenario; stacks/gameDays.ts holds the two equal). */
export const GAME_DAY_SCENARIOS = ["az-loss", "aurora-failover", "cache-az-power"] as const;
export type GameDayScenarioName = (typeof GAME_DAY_SCENARIOS)[number];

/**
 * FIS experiment template id per scenario: what `aws fis start-experiment --experiment-template-id`
 * takes. Every stack with game days has `az-loss` and `cache-az-power`; `aurora-failover` only where
 * the stack's Aurora cluster holds the writer (not a global database's secondary).
 */
export interface GameDayTemplateIds {
  "az-loss": string;
  "aurora-failover"?: string;
  "cache-az-power": string;
}

/** The stack's game days (since 1.5.0); present only on a stack with `gameDays: true`. */
export interface GameDaysOutputs {
  templateIds: GameDayTemplateIds;
  /** CloudWatch log group every experiment of the stack logs to (FIS log schema version 2). */
  logGroupName: string;
}

// ExperimentTemplate.id: at most 64 characters of [\S]+ (AWS FIS API Reference, ExperimentTemplate).
const templateId = z.string().regex(/^\S{1,64}$/, "must be an AWS FIS experiment template id");
// Log group names: 1 to 512 of [.-_/#A-Za-z0-9] (CloudWatch Logs API Reference, CreateLogGroup).
const logGroupName = z.string().regex(/^[.\-_/#A-Za-z0-9]{1,512}$/, "must be a CloudWatch Logs log group name");

// Not strict: a later minor may add a scenario, which an older helper then ignores (the contract's rule).
export const gameDaysOutputsSchema = z.object({
  templateIds: z.object({
    "az-loss": templateId,
    "aurora-failover": templateId.optional(),
    "cache-az-power": templateId,
  }),
  logGroupName,
});
