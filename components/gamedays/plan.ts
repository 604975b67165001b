/**
 * The game days as plain data: for each scenario, the FIS template's targets and actions and its
 * role's statements. Generic over the value type `T` (a string in unit tests, a `pulumi.Output` in
 * the component), so the same functions are tested without Pulumi and drive the resources.
 */
import type { FisActionId } from "./fisActions";

export const GAME_DAY_SCENARIOS = ["az-loss", "aurora-failover", "cache-az-power"] as const;
export type GameDayScenario = (typeof GAME_DAY_SCENARIOS)[number];

/**
 * The tag naming a template's scenario (`az-loss`, ...): how the offline plan and an operator find
 * a rehearsal among the account's templates (FIS template ids are generated).
 */
export const SCENARIO_TAG = "trading:gameday";

/**
 * The tag whose value is the stack's name on every resource of the stack (the provider's default
 * tags): what a target that cannot be chosen by ARN selects by, so it cannot reach another stack's.
 */
export const STACK_TAG = "Stack";

/** Joins string parts and `T` values into one `T` (`pulumi.concat` in the component). */
export type Concat<T> = (...parts: (string | T)[]) => T;

/** Where the stack runs, for the ARNs its roles are scoped to. */
export interface AccountScope<T> {
  partition: T;
  region: T;
  accountId: T;
}

/** One FIS target: resources chosen by ARN, or by tag or parameters narrowed by filters. */
export interface TargetPlan<T> {
  name: string;
  resourceType: string;
  /** ALL: every resource the selection finds (FIS: "Run the action on all targets"). */
  selectionMode: "ALL";
  resourceArns?: T[];
  resourceTags?: { key: string; value: T }[];
  filters?: { path: string; values: T[] }[];
  parameters?: Record<string, T>;
}

export interface ActionPlan {
  name: string;
  actionId: FisActionId;
  description: string;
  parameters: Record<string, string>;
  /** The action's target key (its resource type's name in the reference, e.g. `Instances`) and target name. */
  target: { key: string; value: string };
}

/** An Allow statement of a role's policy, scoped to ARNs (never `*`: see {@link TemplatePlan.readsOnAllResources}). */
export interface StatementPlan<T> {
  sid: string;
  actions: string[];
  resources: T[];
  condition?: Record<string, Record<string, T>>;
}

/** One experiment template and its role. */
export interface TemplatePlan<T> {
  scenario: GameDayScenario;
  /** The scenario as the template's description says it (what is taken out, where, for how long). */
  description: string;
  targets: TargetPlan<T>[];
  actions: ActionPlan[];
  statements: StatementPlan<T>[];
  /**
   * Reads IAM authorises only on `"Resource": "*"` (fisActions.ts FIS_PERMISSIONS_ON_ALL_RESOURCES),
   * kept out of `statements` so the role's scoped policy never holds a `*`.
   */
  readsOnAllResources: string[];
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>` of this stack's account and region. */
export function stackArn<T>(concat: Concat<T>, scope: AccountScope<T>, service: string, ...resource: (string | T)[]): T {
  return concat("arn:", scope.partition, `:${service}:`, scope.region, ":", scope.accountId, ":", ...resource);
}

/**
 * The AZ the AZ-loss rehearsal takes out: the one `requested` when given (it must be one of the
 * stack's: FIS would otherwise select nothing and the rehearsal would prove nothing), else the first.
 */
export function chooseZone<Z extends { azId: string }>(zones: readonly Z[], requested?: string): Z {
  const chosen = requested === undefined ? zones[0] : zones.find((zone) => zone.azId === requested);
  if (zones.length === 0) {
    throw new Error("GameDays: the stack has no AZs to take out");
  }
  if (!chosen) {
    throw new Error(`GameDays: azId "${String(requested)}" is not one of the stack's AZs (${zones.map((zone) => zone.azId).join(", ")})`);
  }
  return chosen;
}
