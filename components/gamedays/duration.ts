/**
 * FIS action durations: ISO 8601 durations (`PT10M`), which the FIS API takes as strings and bounds
 * "from one minute to 12 hours" for every action with a duration parameter (AWS FIS User Guide,
 * Actions reference, e.g. aws:network:disrupt-connectivity `duration`, aws:ec2:stop-instances
 * `startInstancesAfterDuration`).
 */

/** The bounds FIS puts on an action's duration, in seconds. */
export const FIS_MIN_DURATION_SECONDS = 60;
export const FIS_MAX_DURATION_SECONDS = 12 * 60 * 60;

const ISO_DURATION = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/;

/**
 * Seconds of an ISO 8601 time duration (`PT1H30M`, `PT10M`, `PT90S`); throws, naming `what`, when
 * the text is not one or lies outside the FIS bounds, so a template FIS would refuse is refused by
 * the program instead, before anything is created.
 */
export function fisDurationSeconds(text: string, what: string): number {
  const match = ISO_DURATION.exec(text);
  if (!match || text === "PT") {
    throw new Error(`${what}: "${text}" is not an ISO 8601 duration such as PT10M or PT1H`);
  }
  const [hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  const total = hours * 3600 + minutes * 60 + seconds;
  if (total < FIS_MIN_DURATION_SECONDS || total > FIS_MAX_DURATION_SECONDS) {
    throw new Error(`${what}: "${text}" is ${total} s; FIS allows one minute to 12 hours (PT1M to PT12H)`);
  }
  return total;
}
